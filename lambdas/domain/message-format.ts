/**
 * SMS encoding and segmentation. An SMS carries 140 octets of user data (3GPP TS 23.040): 160 GSM-7
 * septets or 70 UCS-2 code units. One character outside the GSM-7 alphabet (an emoji, a smart quote)
 * turns the whole message into UCS-2. A longer message is sent as several segments, each of which
 * spends 6 octets on a concatenation header (UDH), leaving 153 septets or 67 code units, and each of
 * which End User Messaging bills as one message part.
 *
 * Segments never split a GSM-7 escape sequence (the two septets of an extension character) or a
 * UCS-2 surrogate pair, and they keep a grapheme cluster (👍🏽, 👨‍👩‍👧‍👦, e + combining accent) whole
 * as well, so a phone that shows the parts before reassembling them never shows half an emoji. That
 * is how Twilio's open-source segment calculator counts too; a splitter that only keeps code points
 * whole can need one segment fewer when a long cluster straddles a boundary, so our count errs on
 * the side of the higher bill.
 */

export type Encoding = 'GSM-7' | 'UCS-2';

export interface MessageAnalysis {
  readonly encoding: Encoding;
  /** User-perceived characters, counted as Unicode code points (👍🏽 is 2, é written as e + ◌́ is 2). */
  readonly characters: number;
  /** GSM-7 septets (extension characters count 2) or UTF-16 code units (an emoji counts 2). */
  readonly units: number;
  /** Billable segments; 0 for an empty body. */
  readonly segments: number;
  /** Capacity of one segment: 160/153 (GSM-7) or 70/67 (UCS-2), single message vs multipart. */
  readonly perSegment: number;
}

/**
 * The GSM 7-bit default alphabet of 3GPP TS 23.038, indexed by septet value. 0x1B is the escape to
 * the extension table: it is not a character a body may contain, so it is left out of the set.
 */
const GSM7_BASIC_TABLE =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_BASIC = new Set([...GSM7_BASIC_TABLE].filter((c) => c !== '\u001b'));

/** The extension table (3GPP TS 23.038 6.2.1.1): each is sent as ESC + septet, so costs 2 septets. */
const GSM7_EXTENSION = new Set(['\f', '^', '{', '}', '\\', '[', '~', ']', '|', '€']);

const LIMITS = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
} as const satisfies Record<Encoding, { single: number; multi: number }>;

const graphemeSegmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** A piece of the body that must stay in one segment, with its size in the message's units. */
interface Atom {
  readonly text: string;
  readonly units: number;
}

export function isGsm7(body: string): boolean {
  for (const char of body) {
    if (!GSM7_BASIC.has(char) && !GSM7_EXTENSION.has(char)) return false;
  }
  return true;
}

export function analyseMessage(body: string): MessageAnalysis {
  const encoding: Encoding = isGsm7(body) ? 'GSM-7' : 'UCS-2';
  const atoms = toAtoms(body, encoding);
  const units = atoms.reduce((sum, atom) => sum + atom.units, 0);
  const segments = pack(atoms, encoding).length;
  const limits = LIMITS[encoding];
  return {
    encoding,
    characters: [...body].length,
    units,
    segments,
    perSegment: segments > 1 ? limits.multi : limits.single,
  };
}

/** The message split into its segments: never splits a UCS-2 surrogate pair or a GSM-7 escape sequence (extension char). */
export function splitSegments(body: string): string[] {
  const encoding: Encoding = isGsm7(body) ? 'GSM-7' : 'UCS-2';
  return pack(toAtoms(body, encoding), encoding).map((segment) => segment.map((atom) => atom.text).join(''));
}

/**
 * Look-alikes for characters that word processors and phones slip into copy. Each one alone would
 * force the whole message into UCS-2 (70 characters per segment instead of 160). Accented letters
 * outside GSM-7 (á, ó, ç…) are deliberately not here: replacing them would change the words.
 */
const GSM7_LOOKALIKES: Readonly<Record<string, string>> = {
  '\u2018': "'", // ‘ left single quotation mark
  '\u2019': "'", // ’ right single quotation mark (the apostrophe of iOS "smart punctuation")
  '\u201A': "'", // ‚ single low-9 quotation mark
  '\u201B': "'", // ‛ single high-reversed-9 quotation mark
  '\u2032': "'", // ′ prime
  '\u02BC': "'", // ʼ modifier letter apostrophe
  '\u00B4': "'", // ´ acute accent
  '\u0060': "'", // ` grave accent (not in GSM-7)
  '\u201C': '"', // “ left double quotation mark
  '\u201D': '"', // ” right double quotation mark
  '\u201E': '"', // „ double low-9 quotation mark
  '\u201F': '"', // ‟ double high-reversed-9 quotation mark
  '\u2033': '"', // ″ double prime
  '\u00AB': '"', // « left-pointing double angle quotation mark
  '\u00BB': '"', // » right-pointing double angle quotation mark
  '\u2039': '<', // ‹ single left-pointing angle quotation mark
  '\u203A': '>', // › single right-pointing angle quotation mark
  '\u2010': '-', // ‐ hyphen
  '\u2011': '-', // ‑ non-breaking hyphen
  '\u2012': '-', // ‒ figure dash
  '\u2013': '-', // – en dash
  '\u2014': '-', // — em dash
  '\u2015': '-', // ― horizontal bar
  '\u2212': '-', // − minus sign
  '\u2022': '-', // • bullet
  '\u2026': '...', // … horizontal ellipsis
  '\u00A0': ' ', // no-break space
  '\u2002': ' ', // en space
  '\u2003': ' ', // em space
  '\u2007': ' ', // figure space
  '\u2008': ' ', // punctuation space
  '\u2009': ' ', // thin space
  '\u200A': ' ', // hair space
  '\u202F': ' ', // narrow no-break space (French typography before ! ? :)
  '\u205F': ' ', // medium mathematical space
  '\u3000': ' ', // ideographic space
  '\t': ' ', // tab (not in GSM-7)
  '\u2028': '\n', // line separator
  '\u2029': '\n', // paragraph separator
  '\u00AD': '', // soft hyphen (invisible)
  '\u200B': '', // zero-width space (invisible)
  '\u2060': '', // word joiner (invisible)
  '\uFEFF': '', // zero-width no-break space / byte-order mark (invisible)
};

/** Replaces characters that force UCS-2 but have a GSM-7 look-alike (smart quotes ‘’“”, en/em dash, ellipsis …, non-breaking space, etc.). Returns the body unchanged if nothing to replace. */
export function toGsm7(body: string): string {
  let replaced = false;
  let out = '';
  for (const char of body) {
    const lookalike = GSM7_LOOKALIKES[char];
    if (lookalike === undefined) {
      out += char;
    } else {
      out += lookalike;
      replaced = true;
    }
  }
  return replaced ? out : body;
}

/** A text as End User Messaging is asked to send it, with what it is billed as. */
export interface OutboundText {
  /** The text sent: the body, or its GSM-7 look-alike form (smart encoding). */
  readonly text: string;
  readonly encoding: Encoding;
  /** Billable segments of `text`. */
  readonly segments: number;
  /** Whether look-alikes replaced characters of the body. */
  readonly smartEncoded: boolean;
}

/**
 * Smart encoding: the body with its look-alikes replaced (`toGsm7`) when that makes the whole text
 * GSM-7 and saves segments. A text that stays UCS-2 (an emoji, a letter with no look-alike) is sent as
 * written: straight quotes would cost as much as curly ones, and "..." more than "…"; so is one the
 * replacement would make no cheaper (a text of ellipses can take more septets as "..." than code
 * units as "…").
 */
export function encodeForSending(body: string, smartEncoding: boolean): OutboundText {
  const written = analyseMessage(body);
  if (smartEncoding && written.encoding === 'UCS-2') {
    const replaced = toGsm7(body);
    const analysis = analyseMessage(replaced);
    if (analysis.encoding === 'GSM-7' && analysis.segments < written.segments)
      return { text: replaced, encoding: 'GSM-7', segments: analysis.segments, smartEncoded: true };
  }
  return { text: body, encoding: written.encoding, segments: written.segments, smartEncoded: false };
}

/**
 * The body as indivisible pieces. In GSM-7 every character is one code point (the only multi-point
 * cluster of GSM-7 characters is CR LF, which is two characters on the air too). In UCS-2 a grapheme
 * cluster stays whole unless it alone exceeds a segment (pathological stacks of combining marks), in
 * which case only its surrogate pairs are kept whole.
 */
function toAtoms(body: string, encoding: Encoding): Atom[] {
  if (encoding === 'GSM-7') {
    return [...body].map((char) => ({ text: char, units: GSM7_EXTENSION.has(char) ? 2 : 1 }));
  }
  const atoms: Atom[] = [];
  for (const { segment } of graphemeSegmenter.segment(body)) {
    if (segment === '\r\n') {
      // CR and LF are two characters on the air; nothing breaks if a segment ends between them.
      atoms.push({ text: '\r', units: 1 }, { text: '\n', units: 1 });
    } else if (segment.length <= LIMITS['UCS-2'].multi) {
      atoms.push({ text: segment, units: segment.length });
    } else {
      for (const char of segment) atoms.push({ text: char, units: char.length });
    }
  }
  return atoms;
}

/** Greedy packing: one segment if everything fits, otherwise as many atoms per multipart segment as fit. */
function pack(atoms: readonly Atom[], encoding: Encoding): Atom[][] {
  if (atoms.length === 0) return [];
  const { single, multi } = LIMITS[encoding];
  const total = atoms.reduce((sum, atom) => sum + atom.units, 0);
  if (total <= single) return [[...atoms]];
  const segments: Atom[][] = [];
  let current: Atom[] = [];
  let used = 0;
  for (const atom of atoms) {
    if (used + atom.units > multi && current.length > 0) {
      segments.push(current);
      current = [];
      used = 0;
    }
    current.push(atom);
    used += atom.units;
  }
  segments.push(current);
  return segments;
}
