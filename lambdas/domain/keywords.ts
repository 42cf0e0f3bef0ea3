/**
 * What an inbound text means: opt-out, HELP, START, YES, JOIN, a property keyword (PAUSE…) or nothing.
 * The rules (normalising, precedence, courtesy words, natural-language opt-outs and their negations)
 * are specified in docs/keywords.md#how-a-text-is-matched. When in doubt the matcher opts out: a
 * missed STOP costs up to $1,500 per message under the TCPA, an extra opt-out costs one subscriber
 * who can text START.
 */
import { DEFAULT_OPT_OUT_KEYWORDS } from './config-values';
import { keywordOf, type Keywords, type PropertyKeyword } from './runtime-config';

export type KeywordIntent =
  | { readonly kind: 'opt_out'; readonly keyword: string; readonly natural: boolean }
  | { readonly kind: 'help'; readonly keyword: string }
  | { readonly kind: 'opt_in'; readonly keyword: string }
  | { readonly kind: 'confirm'; readonly keyword: string }
  | { readonly kind: 'resubscribe'; readonly keyword: string }
  | { readonly kind: 'property'; readonly keyword: string; readonly definition: PropertyKeyword }
  | { readonly kind: 'none' };

/** Longest message (in words) read for a natural-language opt-out; longer ones are conversation. */
export const MAX_NATURAL_WORDS = 20;

/** The `keyword` reported for a natural-language opt-out. */
export const NATURAL_LANGUAGE_KEYWORD = 'NATURAL_LANGUAGE';

// ---------------------------------------------------------------------------------------------
// Normalising
// ---------------------------------------------------------------------------------------------

// Typographic apostrophes and accents used as apostrophes; mapped before NFKC turns ´ into a mark.
const APOSTROPHES = /[\u2018\u2019\u201B\u02B9\u02BC\u0060\u00B4\u2032\uFF07]/gu;
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/gu;
// Emoji (with skin tones and flags), control characters, private use and lone surrogates carry no
// word but may separate two ("STOP🛑PLEASE"); invisible format characters (zero-width space and
// joiner, BOM) separate nothing a reader can see ("S\u200BTOP" reads STOP).
const NON_TEXT = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\p{Cc}\p{Co}\p{Cs}]/gu;
const INVISIBLE = /\p{Cf}/gu;
const SPACES = /[\s\p{Z}]+/gu;
const EDGE_JUNK = /^[\s\p{Z}\p{P}\p{S}]+|[\s\p{Z}\p{P}\p{S}]+$/gu;

/** trim, Unicode NFKC, case-fold (to upper case), accents folded (ARRÊT = ARRET), surrounding punctuation, whitespace and emoji removed, inner whitespace collapsed to one space. */
export function normaliseText(text: string): string {
  return (
    text
      .replace(APOSTROPHES, "'")
      .normalize('NFKC')
      .toUpperCase()
      // Decompose, drop every mark (accents, variation selectors, keycaps), compose again.
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .normalize('NFKC')
      .replace(APOSTROPHES, "'")
      .replace(DASHES, '-')
      .replace(INVISIBLE, '')
      .replace(NON_TEXT, ' ')
      .replace(SPACES, ' ')
      .replace(EDGE_JUNK, '')
  );
}

/** The words of a normalised text: letters and digits; apostrophes vanish, anything else separates. */
function wordsOf(normalised: string): string[] {
  return normalised
    .replace(/'/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

// ---------------------------------------------------------------------------------------------
// Vocabulary for natural-language opt-outs (English, with a little French for Canada)
// ---------------------------------------------------------------------------------------------

const set = (words: string): ReadonlySet<string> => new Set(words.split(/\s+/u).filter(Boolean));

type Phrase = readonly [readonly string[], string];
const phrase = (words: string, as: string): Phrase => [words.split(' '), as];

/** Multi-word expressions read as one word, so the rules below can treat them like single verbs. */
const BUILTIN_PHRASES: readonly Phrase[] = [
  phrase('NO LONGER INTERESTED', 'NOTINTERESTED'),
  phrase('NOT INTERESTED', 'NOTINTERESTED'),
  phrase('LEAVE ME ALONE', 'LEAVEMEALONE'),
  phrase('LEAVE US ALONE', 'LEAVEMEALONE'),
  phrase('SIL VOUS PLAIT', 'SVP'),
  phrase('OPT ME OUT', 'OPTOUT'),
  phrase('OPT US OUT', 'OPTOUT'),
  phrase('OPT OUT', 'OPTOUT'),
  phrase('OPTED OUT', 'OPTEDOUT'),
  phrase('OPTING OUT', 'OPTINGOUT'),
  phrase('UN SUBSCRIBE', 'UNSUBSCRIBE'),
  phrase('UN SUB', 'UNSUB'),
  phrase('STOP ALL', 'STOPALL'),
  phrase('GO AWAY', 'GOAWAY'),
  ...['FUCK', 'F', 'FK', 'FCK', 'FUK', 'PISS', 'BUZZ', 'BUG', 'SOD', 'BACK'].map((w) =>
    phrase(`${w} OFF`, 'GOAWAY'),
  ),
  phrase('WRONG NUMBER', 'WRONGNUMBER'),
  phrase('WRONG NUM', 'WRONGNUMBER'),
  phrase('WRONG PERSON', 'WRONGNUMBER'),
  phrase('NO MORE', 'NOMORE'),
  phrase('NO LONGER', 'NOLONGER'),
  phrase('THANK YOU', 'THANKS'),
  phrase('THANK U', 'THANKS'),
  phrase('DO NOT', 'DONT'),
  phrase('DID NOT', 'DIDNT'),
  phrase('DOES NOT', 'DOESNT'),
  phrase('CAN NOT', 'CANT'),
  phrase('WILL NOT', 'WONT'),
  phrase('POR FAVOR', 'PLEASE'),
];

const STOP_SPELLING = /^S+T+O+P+$/u;
/** UNSUB, UNSUBBED, UNSUBSCRIBE(D/S/ING) and the usual misspellings (UNSUSCRIBE, UNSUBCRIBE, UNSCRIBE). */
const UNSUBSCRIBE_SPELLING = /^(?:UNSUB(?:S|BED|BING)?|UNSU?B?S?CRI?BE?(?:D|S|ING)?)$/u;

/** Words that mean "stop messaging me" wherever they stand. */
const UNAMBIGUOUS = set(`
  OPTOUT OPTEDOUT OPTINGOUT OPTOUTS REVOKE REVOKED REVOKES REVOKING REVOCATION LEAVEMEALONE
  DESABONNER DESABONNEZ DESABONNE DESABONNEMENT DESINSCRIRE DESINSCRIVEZ DESINSCRIS DESINSCRIPTION DESINSCRIT`);

/** Stop words of a bare command, besides STOP's spellings, the unambiguous words and configured opt-out keywords. */
const COMMAND_WORDS = set(`
  STOPALL END CANCEL QUIT CEASE HALT DISCONTINUE TERMINATE ENOUGH UNENROLL UNREGISTER
  ARRETE ARRETEZ ARRETER GOAWAY NOTINTERESTED WRONGNUMBER NOMORE`);

/** Expressions that are stop words as a whole: a determiner before them does not make them nouns. */
const MERGED_COMMANDS = set('GOAWAY NOTINTERESTED WRONGNUMBER NOMORE LEAVEMEALONE STOPALL');

/** A stop word right after one of these is a noun: "the end", "bus stop", "my end". */
const NOUN_MARKERS = set(`
  THE A AN THIS THAT MY YOUR OUR HIS HER ITS THEIR BUS TRAIN TRAM SUBWAY PIT NEXT LAST FIRST ONE
  FULL DEAD BACK FRONT TAIL DEEP LOW HIGH HAPPY WEEK`);

/** Messaging nouns: the object of a stop word that makes it a revocation. */
const CORE_NOUNS = set(`
  TEXT TEXTS TXT TXTS TEXTOS TEXTO TEXTES MESSAGE MESSAGES MSG MSGS SMS SMSS SMSES NOTIFICATIONS
  NOTIFICATION ALERTS SPAM`);
const MESSAGE_NOUNS = new Set([
  ...CORE_NOUNS,
  ...set(`
    ALERT SUBSCRIPTION SUBSCRIPTIONS LIST LISTS UPDATES PROMOS PROMOTIONS PROMOTIONAL MARKETING ADS
    ADVERTISEMENTS ADVERTISING DEALS OFFERS COUPONS JUNK CRAP NONSENSE STUFF`),
]);
/** Gerunds that are messaging by themselves ("stop texting"). */
const DIRECT_GERUNDS = set(`
  TEXTING TXTING TEXTIN MESSAGING MSGING MESSAGIN SMSING CONTACTING BOTHERING SPAMMING HARASSING
  CALLING PINGING`);
/** Gerunds that need a messaging object or nothing after them ("stop sending", not "stop getting ready"). */
const SOFT_GERUNDS = set('SENDING SENDIN RECEIVING GETTING');

/** Words that may sit between a stop word and its messaging object. */
const OBJECT_FILLER = set(`
  ME US IT THIS THESE THOSE THEM THE ALL ANY MORE MY YOUR OF SO MANY SUCH EVERY ANYTHING
  PLEASE PLS PLZ NOW ALREADY
  STUPID ANNOYING DAMN DAMNED FREAKING FRICKING FUCKING EFFING BLOODY CONSTANT ENDLESS RANDOM DUMB
  DE DES CES LES VOS M MENVOYER ENVOYER`);

/** Everything that may surround a stop word in a bare command. */
const BARE_CONTEXT = new Set([
  ...OBJECT_FILLER,
  ...MESSAGE_NOUNS,
  ...DIRECT_GERUNDS,
  ...SOFT_GERUNDS,
  ...set(`
    PLEASE PLS PLZ PLEASEE PLEEZ PLEAS KINDLY THANKS THX TY OK OKAY K KK HI HEY HELLO SORRY
    YES YEAH YEP YA NO NOPE NAH SIR MAAM BRO DUDE MAN SVP STP MERCI GRACIAS
    JUST NOW RIGHT IMMEDIATELY ASAP ALREADY AGAIN FOREVER PERMANENTLY SERIOUSLY HONESTLY REALLY
    OMG OMFG GOD LORD
    I ID WANT WANNA NEED WOULD LIKE TO CAN COULD WILL YOU U YALL GUYS JE VEUX VOUS
    THAT EVERYTHING NUMBER`),
]);

/** Extra words allowed around some bare commands ("you have the wrong number", "I'm not interested in this"). */
const EXTRA_CONTEXT: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  [
    'WRONGNUMBER',
    set(
      'IS ITS IT HAVE GOT YOUVE YOURE HAS TEXTED TEXTING MESSAGED MESSAGING REACHED DIALED CALLED WHO THIS',
    ),
  ],
  ['NOTINTERESTED', set('IM AM REALLY ANYMORE IN')],
]);

/** Negations that cancel a following stop word. */
const NEGATORS = set(
  'DONT DNT NOT NEVER DIDNT DOESNT CANT CANNOT WONT WOULDNT SHOULDNT COULDNT AINT ISNT ARENT WASNT NOLONGER',
);
/** Negations of will (not of ability): only these cancel an unambiguous word ("I can't unsubscribe" stands). */
const REFUSALS = set('DONT DNT NOT NEVER DIDNT DOESNT WONT WOULDNT SHOULDNT AINT');
/** Words that may stand between a negation and what it negates ("don't ever stop", "don't want to unsubscribe"). */
const NEGATION_BRIDGE = set(
  'EVER EVA EVEN JUST REALLY PLEASE PLS WANT WANNA TO MEAN MEANT NEED TRYING TRY GOING GONNA PLAN PLANNING INTEND WISH YOU U LIKE WOULD',
);
const ADDRESSEES = set('YOU U YALL YA');
/** Subjects of a complaint ("you never stop texting me", "they won't stop"): the negation is no refusal. */
const COMPLAINERS = set('YOU U YALL YA THEY IT GUYS THIS THESE');
const WISHES = set('HOPE WISH PRAY PLEASE');

/** "don't text me", "never message me again". */
const REQUEST_NEGATORS = set('DONT DNT NEVER NOLONGER');
const REQUEST_VERBS = set('TEXT TXT MESSAGE MSG SMS CONTACT BOTHER SPAM HARASS');
const REQUEST_VERBS_ALONE = set('TEXT TXT MESSAGE MSG SMS CONTACT SPAM');
const REQUEST_OBJECTS = set('ME US THIS MY ANYMORE AGAIN');
const BEFORE_NEGATOR = set('PLEASE PLS PLZ JUST SO');
const AFTER_NEGATOR = set('EVER EVA EVEN PLEASE PLS PLZ JUST AGAIN REALLY');
const SUBJECTS = set('I ID IM YOU U YALL YA THEY IT HE SHE WE WHY WHO GUYS THAT THIS PEOPLE');
const WANT_VERBS = set('WANT WANNA NEED WISH LIKE');
const WANT_SUBJECTS = set('I ID WE');
const WANT_FILLER = new Set([...OBJECT_FILLER, ...set('TO RECEIVE GET GETTING RECEIVING BE ON FROM')]);

// Phrases matched on a clause written as " WORD WORD … " (padded with spaces).
const OBJECT_ME =
  '(?:ME|US|MYSELF|MY NUMBER|MY PHONE NUMBER|MY PHONE|MY CELL NUMBER|MY CELL|MY NAME|MY INFO|MY DETAILS|MY CONTACT|MY DATA|THIS NUMBER)';
/** Requests to be removed; a negation before them cancels them ("don't remove me"). */
const REMOVAL_PATTERNS: readonly RegExp[] = [
  new RegExp(
    ` (?:REMOVE|DELETE|ERASE|DROP|SCRUB|LOSE|FORGET|UNLIST|UNENROLL|UNREGISTER|DEREGISTER)(?: PLEASE| PLS| PLZ| JUST)* ${OBJECT_ME}(?= )`,
    'gu',
  ),
  new RegExp(` (?:TAKE|GET|KICK|CROSS|STRIKE|SCRATCH|SIGN) ${OBJECT_ME} OFF(?= )`, 'gu'),
  / (?:WITHDRAW|WITHDRAWING|RESCIND|RETRACT)(?: MY)? CONSENT(?= )/gu,
];
/** Statements of no consent, negative by themselves. */
const NO_CONSENT_PATTERNS: readonly RegExp[] = [
  / (?:NEVER|DIDNT|DONT REMEMBER) (?:EVER )?(?:SIGNED|SIGN|SIGNING) UP(?= )/u,
  / (?:NEVER|DIDNT) (?:EVER )?(?:SUBSCRIBED|SUBSCRIBE|CONSENTED|CONSENT|AGREED|AGREE|OPTED IN|OPT IN)(?= )/u,
  / (?:DONT|NOLONGER) (?:GIVE )?CONSENT(?= )/u,
  / NE (?:MENVOYEZ|MENVOIE|MENVOIS|MECRIVEZ|MECRIS|CONTACTEZ|TEXTEZ) (?:PLUS|JAMAIS)(?= )/u,
  / PLUS DE (?:MESSAGES|SMS|TEXTOS|TEXTES)(?= )/u,
];

// ---------------------------------------------------------------------------------------------
// Natural-language opt-outs
// ---------------------------------------------------------------------------------------------

interface OptOutVocabulary {
  /** Configured opt-out keywords with their separators removed (OPT-OUT → OPTOUT). */
  readonly words: ReadonlySet<string>;
  /** Phrases read as one word, longest first: built-in ones plus multi-word configured keywords. */
  readonly phrases: readonly Phrase[];
}

function vocabularyOf(optOut: readonly string[]): OptOutVocabulary {
  const configured = optOut.map((k) => wordsOf(normaliseText(k))).filter((w) => w.length > 0);
  const phrases: Phrase[] = [
    ...BUILTIN_PHRASES,
    ...configured.filter((w) => w.length > 1).map((w): Phrase => [w, w.join('')]),
  ];
  phrases.sort((a, b) => b[0].length - a[0].length);
  return { words: new Set(configured.map((w) => w.join(''))), phrases };
}

const DEFAULT_VOCABULARY = vocabularyOf(DEFAULT_OPT_OUT_KEYWORDS);

/**
 * True when a short free-text message's intent is to stop receiving texts (FCC 2025 "any reasonable means"). Input is already normalised.
 * Uses the built-in phrases and the default opt-out keywords; `matchKeyword` uses the configured ones.
 */
export function isNaturalLanguageOptOut(normalised: string): boolean {
  return naturalOptOut(normalised, DEFAULT_VOCABULARY);
}

function naturalOptOut(normalised: string, vocabulary: OptOutVocabulary): boolean {
  // Normalising is idempotent, so a caller passing raw text is still read correctly.
  const text = normaliseText(normalised);
  const count = wordsOf(text).length;
  if (count === 0 || count > MAX_NATURAL_WORDS) return false;
  // "No texts, please": the word that makes a plain "no" a request may stand in another clause.
  const request = wordsOf(text).some((word) => NO_REQUEST_MARKERS.has(word));
  return clausesOf(text, vocabulary.phrases).some((clause) =>
    clauseOptsOut(clause, vocabulary.words, request),
  );
}

function clausesOf(text: string, phrases: readonly Phrase[]): string[][] {
  const clauses: string[][] = [];
  for (const part of text.split(/[.,!?;:¡¿()[\]{}"“”«»|…]+|\s-+\s/u)) {
    let current: string[] = [];
    for (const word of merge(wordsOf(part), phrases)) {
      if (word === 'BUT' || word === 'MAIS') {
        clauses.push(current);
        current = [];
      } else {
        current.push(word);
      }
    }
    clauses.push(current);
  }
  return clauses.filter((c) => c.length > 0);
}

function merge(words: readonly string[], phrases: readonly Phrase[]): string[] {
  const out: string[] = [];
  let i = 0;
  outer: while (i < words.length) {
    for (const [sequence, as] of phrases) {
      if (sequence.length > 1 && sequence.every((w, k) => words[i + k] === w)) {
        out.push(as);
        i += sequence.length;
        continue outer;
      }
    }
    out.push(words[i]!);
    i += 1;
  }
  return out;
}

function clauseOptsOut(words: readonly string[], configured: ReadonlySet<string>, request: boolean): boolean {
  return (
    isBareCommand(words, configured) ||
    hasUnambiguousWord(words) ||
    hasMessagingCommand(words, configured, request) ||
    hasNegativeRequest(words) ||
    matchesPattern(words)
  );
}

const isUnambiguous = (word: string): boolean => UNAMBIGUOUS.has(word) || UNSUBSCRIBE_SPELLING.test(word);

function isStopWord(word: string, configured: ReadonlySet<string>): boolean {
  return STOP_SPELLING.test(word) || COMMAND_WORDS.has(word) || configured.has(word) || isUnambiguous(word);
}

/** "the end", "bus stop": a stop word after a determiner is a noun. */
function isNoun(words: readonly string[], i: number): boolean {
  const word = words[i]!;
  if (MERGED_COMMANDS.has(word) || isUnambiguous(word)) return false;
  const before = words[i - 1];
  return before !== undefined && NOUN_MARKERS.has(before);
}

/** Whether a negation just before words[i] cancels it ("don't stop"), unless it asks or complains ("why don't you stop"). */
function isNegated(words: readonly string[], i: number, negators: ReadonlySet<string>): boolean {
  let k = i - 1;
  while (k >= 0 && NEGATION_BRIDGE.has(words[k]!)) k -= 1;
  if (k < 0 || !negators.has(words[k]!)) return false;
  const after = words[k + 1];
  if (after !== undefined && ADDRESSEES.has(after)) return false;
  const before = words[k - 1];
  if (before === undefined || !COMPLAINERS.has(before)) return true;
  // "I hope you never stop…" is a wish, not a complaint.
  const wish = words[k - 2];
  return wish !== undefined && WISHES.has(wish);
}

/** The whole clause is a stop word plus politeness, a request frame and objects: "please stop it now". */
function isBareCommand(words: readonly string[], configured: ReadonlySet<string>): boolean {
  const extra = words.flatMap((w) => [...(EXTRA_CONTEXT.get(w) ?? [])]);
  let command = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (isStopWord(word, configured)) {
      if (!isNoun(words, i)) command = true;
    } else if (!BARE_CONTEXT.has(word) && !extra.includes(word) && !/^\d+$/u.test(word)) {
      return false;
    }
  }
  return command;
}

function hasUnambiguousWord(words: readonly string[]): boolean {
  return words.some((w, i) => isUnambiguous(w) && !isNegated(words, i, REFUSALS));
}

/**
 * A stop word whose object is messaging: "stop sending me these texts", "cancel my subscription". A
 * plain "no" before messaging is as often a complaint about not getting any ("no message..what
 * happened?", "so no messages. had food?") as a refusal, so it counts only with a word that makes it a
 * request anywhere in the message (`request`): "no texts please", "no messages anymore" ("no more
 * messages" is NOMORE, a stop word).
 */
function hasMessagingCommand(
  words: readonly string[],
  configured: ReadonlySet<string>,
  request: boolean,
): boolean {
  return words.some((word, i) => {
    const plainNo = word === 'NO';
    if (!plainNo && !isStopWord(word, configured)) return false;
    if (isNoun(words, i) || isNegated(words, i, NEGATORS)) return false;
    if (plainNo && !request) return false;
    return isMessagingObject(words, i + 1, { coreOnly: plainNo, soft: false });
  });
}

/** Words that make "no" + messaging a request rather than a complaint. */
const NO_REQUEST_MARKERS = set('PLEASE PLS PLZ PLEASEE PLEEZ KINDLY ANYMORE AGAIN EVER THANKS THX TY');

/**
 * Whether the words from `start` name messaging: fillers, then a messaging noun or gerund. One
 * unknown word may come first if a plain messaging noun follows ("the sale alerts"). A soft
 * gerund with nothing after it counts ("stop sending me"), unless `coreOnly` ("no" + noun only).
 */
function isMessagingObject(
  words: readonly string[],
  start: number,
  options: { coreOnly: boolean; soft: boolean },
): boolean {
  let soft = options.soft;
  let unknown = false;
  for (let j = start; j < words.length; j++) {
    const word = words[j]!;
    if (CORE_NOUNS.has(word) || DIRECT_GERUNDS.has(word)) return true;
    if (!unknown && !options.coreOnly && MESSAGE_NOUNS.has(word)) return true;
    if (SOFT_GERUNDS.has(word)) soft = true;
    else if (OBJECT_FILLER.has(word)) continue;
    else if (unknown) return false;
    else unknown = true;
  }
  return soft && !unknown && !options.coreOnly;
}

/** "don't text me", "never message me again", "don't send me texts", "I don't want these texts". */
function hasNegativeRequest(words: readonly string[]): boolean {
  for (let n = 0; n < words.length; n++) {
    if (!REQUEST_NEGATORS.has(words[n]!)) continue;
    let s = n - 1;
    while (s >= 0 && BEFORE_NEGATOR.has(words[s]!)) s -= 1;
    const subject = s >= 0 ? words[s] : undefined;
    let j = n + 1;
    while (j < words.length && AFTER_NEGATOR.has(words[j]!)) j += 1;
    const verb = words[j];
    if (verb === undefined) continue;
    // "I don't text much", "you never text me back": a statement, not a request.
    const request = subject === undefined || !SUBJECTS.has(subject);
    if (request && REQUEST_VERBS.has(verb)) {
      const next = words[j + 1];
      if (next === undefined ? REQUEST_VERBS_ALONE.has(verb) : REQUEST_OBJECTS.has(next)) return true;
    }
    if (request && verb === 'SEND' && isMessagingObject(words, j + 1, { coreOnly: false, soft: true })) {
      return true;
    }
    if (
      (subject === undefined || !SUBJECTS.has(subject) || WANT_SUBJECTS.has(subject)) &&
      WANT_VERBS.has(verb)
    ) {
      if (wantsNoMessages(words, j + 1)) return true;
    }
  }
  return false;
}

/** After "don't want": messaging, ANYMORE or "hear from you". */
function wantsNoMessages(words: readonly string[], start: number): boolean {
  for (let j = start; j < words.length; j++) {
    const word = words[j]!;
    if (MESSAGE_NOUNS.has(word) || DIRECT_GERUNDS.has(word) || word === 'ANYMORE') return true;
    if (word === 'HEAR' && words[j + 1] === 'FROM') return true;
    if (!WANT_FILLER.has(word)) return false;
  }
  return false;
}

function matchesPattern(words: readonly string[]): boolean {
  const padded = ` ${words.join(' ')} `;
  if (NO_CONSENT_PATTERNS.some((p) => p.test(padded))) return true;
  return REMOVAL_PATTERNS.some((pattern) =>
    [...padded.matchAll(pattern)].some((m) => {
      // The match starts with a space, so the spaces before it count the words before it.
      const index = padded.slice(0, m.index + 1).split(' ').length - 2;
      return !isNegated(words, index, NEGATORS);
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Keyword matching
// ---------------------------------------------------------------------------------------------

/** Courtesy words allowed around YES/Y. */
const CONFIRM_AFFIXES = set('PLEASE PLS PLZ THANKS THX TY OK OKAY HI HELLO HEY');
/** Courtesy words allowed around HELP, START, JOIN and property keywords. */
const COMMAND_AFFIXES = new Set([
  ...CONFIRM_AFFIXES,
  ...set('ME IT NOW AGAIN UP BACK TEXT TEXTS MESSAGES MSGS ALERTS SMS'),
]);
const AFFIX_PHRASES: readonly Phrase[] = [phrase('THANK YOU', 'THANKS'), phrase('THANK U', 'THANKS')];

interface Candidate {
  /** The configured keyword, upper case, as reported. */
  readonly keyword: string;
  readonly words: readonly string[];
}

const candidatesOf = (list: readonly string[]): Candidate[] =>
  list
    .map((k) => ({ keyword: k.trim().toUpperCase(), words: wordsOf(normaliseText(k)) }))
    .filter((c) => c.words.length > 0);

const sameWords = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((w, i) => w === b[i]);

/** The keyword, repeated, with only courtesy words before and after it: "yes please", "help me", "pause pause". */
function matchesWithAffixes(
  words: readonly string[],
  keyword: readonly string[],
  affixes: ReadonlySet<string>,
): boolean {
  const own = new Set(keyword);
  const strippable = (w: string) => affixes.has(w) && !own.has(w);
  let start = 0;
  let end = words.length;
  while (start < end && strippable(words[start]!)) start += 1;
  while (end > start && strippable(words[end - 1]!)) end -= 1;
  const core = words.slice(start, end);
  return (
    core.length > 0 &&
    core.length % keyword.length === 0 &&
    core.every((w, i) => w === keyword[i % keyword.length])
  );
}

function exactOptOut(
  normalised: string,
  words: readonly string[],
  optOut: readonly string[],
): string | undefined {
  const candidates = candidatesOf(optOut);
  const squashed = words.join('');
  return (
    candidates.find((c) => normaliseText(c.keyword) === normalised)?.keyword ??
    candidates.find((c) => sameWords(c.words, words))?.keyword ??
    candidates.find((c) => c.words.join('') === squashed)?.keyword
  );
}

type Rule = (mode: 'exact' | 'affixed') => KeywordIntent | undefined;

/** Decides what an inbound text means. `keyword` is the configured keyword that matched (upper case), or for natural-language opt-outs a short label such as 'NATURAL_LANGUAGE'. */
export function matchKeyword(text: string, keywords: Keywords): KeywordIntent {
  const normalised = normaliseText(text);
  const words = wordsOf(normalised);
  if (words.length === 0) return { kind: 'none' };

  const optOut = exactOptOut(normalised, words, keywords.optOut);
  if (optOut !== undefined) return { kind: 'opt_out', keyword: optOut, natural: false };
  if (naturalOptOut(normalised, vocabularyOf(keywords.optOut))) {
    return { kind: 'opt_out', keyword: NATURAL_LANGUAGE_KEYWORD, natural: true };
  }

  const affixed = merge(words, AFFIX_PHRASES);
  // "Yes?" or "Y?" (why?) asks something; consent needs a plain yes.
  const question = /\?[^\p{L}\p{N}]*$/u.test(text.normalize('NFKC'));
  const find = (list: readonly string[], mode: 'exact' | 'affixed', affixes: ReadonlySet<string>) =>
    candidatesOf(list).find((c) =>
      mode === 'exact' ? sameWords(c.words, words) : matchesWithAffixes(affixed, c.words, affixes),
    )?.keyword;

  const rules: Rule[] = [
    (mode) => {
      const keyword = find(keywords.help, mode, COMMAND_AFFIXES);
      return keyword === undefined ? undefined : { kind: 'help', keyword };
    },
    (mode) => {
      const keyword = find(keywords.resubscribe, mode, COMMAND_AFFIXES);
      return keyword === undefined ? undefined : { kind: 'resubscribe', keyword };
    },
    (mode) => {
      const keyword = question ? undefined : find(keywords.confirm, mode, CONFIRM_AFFIXES);
      return keyword === undefined ? undefined : { kind: 'confirm', keyword };
    },
    (mode) => {
      const keyword = find(keywords.optIn.map(keywordOf), mode, COMMAND_AFFIXES);
      return keyword === undefined ? undefined : { kind: 'opt_in', keyword };
    },
    (mode) => {
      for (const definition of keywords.custom) {
        const keyword = find([definition.keyword, ...definition.aliases], mode, COMMAND_AFFIXES);
        if (keyword !== undefined) return { kind: 'property', keyword, definition };
      }
      return undefined;
    },
  ];
  for (const mode of ['exact', 'affixed'] as const) {
    for (const rule of rules) {
      const intent = rule(mode);
      if (intent !== undefined) return intent;
    }
  }
  return { kind: 'none' };
}
