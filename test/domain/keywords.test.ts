import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_NATURAL_WORDS,
  NATURAL_LANGUAGE_KEYWORD,
  isNaturalLanguageOptOut,
  matchKeyword,
  normaliseText,
} from '../../lambdas/domain/keywords';
import { KeywordsSchema, type Keywords } from '../../lambdas/domain/runtime-config';

const defaults = KeywordsSchema.parse({});
const REQUIRED_OPT_OUT = ['STOP', 'CANCEL', 'END', 'QUIT', 'UNSUBSCRIBE', 'OPTOUT', 'REVOKE'];

/** Exact opt-out keywords however they are typed: the configured keyword that matched is reported. */
const EXACT_OPT_OUTS: [string, string][] = [
  ['STOP', 'STOP'],
  ['Stop.', 'STOP'],
  ['stop!!', 'STOP'],
  ['STOP 🛑', 'STOP'],
  ['stop!!! 🙏', 'STOP'],
  ['STOP‼️', 'STOP'],
  ['"Stop"', 'STOP'],
  ['Stop\u200d', 'STOP'],
  ['Ｓｔｏｐ', 'STOP'],
  ['ＳＴＯＰ！', 'STOP'],
  ['S.T.O.P.', 'STOP'],
  ['s t o p', 'STOP'],
  [' arrêt ', 'ARRET'],
  ['Arrêt', 'ARRET'],
  ['opt-out', 'OPT-OUT'],
  ['OPT–OUT', 'OPT-OUT'],
  ['opt_out', 'OPT-OUT'],
  ['Opt Out', 'OPT OUT'],
  ['optout', 'OPTOUT'],
  ['End', 'END'],
  ['E-N-D', 'END'],
  ['Quit', 'QUIT'],
  ['Unsubscribe', 'UNSUBSCRIBE'],
  ['un-subscribe', 'UNSUBSCRIBE'],
  ['Revoke', 'REVOKE'],
  ['STOP ALL', 'STOP ALL'],
  ['stopall', 'STOPALL'],
  ['TD', 'TD'],
  ['Remove', 'REMOVE'],
  ['cancel', 'CANCEL'],
  ['Cancel?', 'CANCEL'],
];

/** Free text that revokes consent (FCC: any reasonable means). */
const NATURAL_OPT_OUTS = [
  'no more messages',
  'stop the messages',
  'no messages anymore',
  'No texts, please',
  'Please stop texting me',
  'unsubscribe me',
  'remove me from your list',
  'no more texts',
  'leave me alone',
  'stop sending me messages',
  'take me off your list',
  "don't text me anymore",
  'I want to opt out',
  'stop it',
  'STOP PLEASE',
  'cancel my subscription',
  'wrong number, stop',
  'Wrong number',
  'You have the wrong number',
  'Sorry wrong number',
  'Who is this? Wrong number',
  'stopppp',
  'Stooooop',
  'STOP STOP STOP',
  'Please stop',
  'stop now!',
  'Stop it now please',
  'Stop it!! 😂',
  'Just stop',
  'Ok stop',
  'Stop this',
  'stop these',
  'stop. thanks',
  'Thanks but stop',
  'stop (please)',
  'STOP 2',
  'I want to cancel',
  'Can I cancel?',
  'Can you stop?',
  'Yes stop',
  'no, stop',
  'End it',
  'I quit',
  'Quit texting me',
  'cancel the texts',
  'cancel text alerts',
  'Cancel all',
  'How do I unsubscribe?',
  'I already unsubscribed, why am I still getting these',
  "I can't unsubscribe",
  "the unsubscribe link doesn't work",
  'Unsuscribe',
  'unsub',
  'OPT ME OUT',
  "i'd like to opt out please",
  'Please remove my number',
  'remove me',
  'Delete my number',
  'lose my number',
  'Take my number off your list',
  'get me off this list',
  'please take me off the mailing list',
  "Why won't you stop texting me",
  "why don't you stop texting me",
  'you never stop texting me',
  'Do not contact me',
  'Never text me again',
  "Don't message me again",
  'Stop messaging this number',
  "Please don't send me any more texts",
  "I don't want these texts",
  "I don't want any more messages",
  'I dont want texts anymore',
  'I no longer wish to receive messages',
  "I don't want to be on your list",
  'I do not consent to these messages',
  'I never signed up for this',
  "I didn't sign up for this",
  'Not interested',
  "I'm not interested",
  'not interested in these texts',
  'No longer interested',
  'Go away',
  'F*** off',
  'Enough!',
  'enough with the texts',
  'no more',
  'no more please',
  'no more messages from you',
  'no texts please',
  'stop the sale alerts',
  'Stop sending',
  'stop sending me these',
  'Stop spamming me',
  'stop contacting me',
  'Stop calling me',
  'stop msging me',
  'Stop texting me!!!!! 😡😡',
  'I want to stop receiving texts',
  'how do I stop these texts?',
  'Love the coffee but stop texting me',
  'stop, who is this',
  'I revoke my consent',
  'I withdraw my consent',
  'stop all texts',
  'ARRÊTEZ',
  "Arrêtez de m'envoyer des messages",
  'Désabonnez-moi',
  "Ne m'envoyez plus de messages",
  "Hi, I've been getting these texts for weeks and I never signed up, please stop texting me",
];

/** Messages that must never opt a subscriber out. */
const NOT_OPT_OUTS = [
  'No message..no responce..what happend?',
  'So no messages. Had food?',
  'no message',
  'No messages from you since morning?',
  'why no texts today',
  'stopping by later',
  'unstoppable',
  'nonstop',
  'have a great weekend',
  "I'll attend",
  'the bus stop is closed',
  "I'm at the bus stop",
  'The bus stops at 5',
  'Where is the nearest stop?',
  'Stopover in Denver',
  "can't stop smiling",
  "I can't stop buying your coffee",
  "don't stop the deals",
  'The texts are great, don’t stop!',
  'Please don’t stop texting me',
  'Please don’t stop',
  'never stop',
  'Never stop sending me deals',
  'Hope you never stop sending deals',
  "don't ever stop sending these",
  'when does the sale end?',
  'The sale ends tonight?',
  'Does the deal end soon?',
  'end of season sale?',
  'Happy end of summer!',
  'The end',
  'the end.',
  'The end of the world',
  'Is this the end of the sale?',
  'I end up buying everything lol',
  'Is the promo over? I want to cancel my order',
  'Cancel my order',
  'Can I cancel my order?',
  'How do I cancel my order',
  "Don't cancel my order",
  'I need to cancel my appointment',
  'Cancel my reservation please',
  'Did my order get cancelled?',
  'cancel culture lol',
  'weekend plans',
  'Looking forward to the weekend sale',
  'tender',
  'Tender loving care',
  'potd',
  'Trending',
  'legend',
  'The legend continues',
  'friend',
  'My friend told me about you',
  'Stop & Shop has better prices',
  'Can I stop by the store to pick up my order?',
  'Stop by anytime',
  "I'll stop in tomorrow",
  "We'll stop at your store on the way",
  'I stopped by yesterday',
  'What time do you stop serving?',
  'stop sign',
  'stop motion video',
  "The stop button on the website doesn't work",
  'stopwatch',
  'Backstop',
  'Quitting my job lol',
  'Quitting time!',
  'Quit playing lol',
  'Remove the jacket from my cart',
  'Remove the onions please',
  'TD Bank',
  'Option 2',
  'opt in',
  'I opted in yesterday',
  "Don't unsubscribe me!",
  "I don't want to unsubscribe",
  "I didn't mean to opt out",
  'you gave me the wrong number',
  'not interested in the blue one, do you have red?',
  'no more stock?',
  'I have no more questions, thanks',
  "Don't send me the receipt yet",
  "I don't text much",
  'you never text me back',
  'I love these texts',
  'Love it, keep them coming',
  'Keep them coming',
  'Send me more deals',
  'Text me the code',
  'Can you send me the link again?',
  'Great deals, thank you!',
  'No',
  'No thanks',
  'Not now',
  'who is this?',
  'Thanks!',
  "Can't wait!",
  "Don't miss out",
  'Is the store open on Sunday?',
  'Do you ship to Canada?',
  'my order never arrived',
  'Your app keeps crashing',
  'How long does the promo last',
  'Sounds good',
  'HELP',
  'Info',
  'YES',
  'JOIN',
  'START',
  'UNSTOP',
  'pause',
  'RESUME',
];

describe('normaliseText', () => {
  it.each([
    ['  stop  ', 'STOP'],
    ['Ｓｔｏｐ', 'STOP'],
    ['ＳＴＯＰ！', 'STOP'],
    ['ﬁn', 'FIN'],
    ['arrêt', 'ARRET'],
    ['ARRÊT', 'ARRET'],
    ['Désabonner', 'DESABONNER'],
    ['straße', 'STRASSE'],
    ['STOP 🛑', 'STOP'],
    ['👋🏽 stop 🙏🏻', 'STOP'],
    ['🇺🇸 stop', 'STOP'],
    ['stop 1️⃣', 'STOP 1'],
    ['s\u200bt\u200bop', 'STOP'],
    ['stop🛑please', 'STOP PLEASE'],
    ['\ufeffstop', 'STOP'],
    ['Stop.', 'STOP'],
    ['¡¡stop!!', 'STOP'],
    ['"stop"', 'STOP'],
    ['...stop?!', 'STOP'],
    ['stop\n\tplease', 'STOP PLEASE'],
    ['please   stop    texting', 'PLEASE STOP TEXTING'],
    ['stop 🛑 please', 'STOP PLEASE'],
    ['Don’t text me', "DON'T TEXT ME"],
    ['opt‑out', 'OPT-OUT'],
    ['stop. please!', 'STOP. PLEASE'],
    ['🛑', ''],
    ['', ''],
  ])('normalises %j to %j', (input, expected) => {
    expect(normaliseText(input)).toBe(expected);
  });

  it('is idempotent on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const once = normaliseText(text);
        expect(normaliseText(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('never leaves lower case ASCII, emoji or whitespace at either end', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        const result = normaliseText(text);
        expect(result).not.toMatch(/[a-z]/);
        expect(result).not.toMatch(/\p{Extended_Pictographic}/u);
        expect(result).toBe(result.trim());
        expect(result).not.toMatch(/\s\s/);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('opt-out keywords', () => {
  it.each(EXACT_OPT_OUTS)('opts out on %j as the keyword %s', (message, keyword) => {
    expect(matchKeyword(message, defaults)).toEqual({ kind: 'opt_out', keyword, natural: false });
  });

  it('opts out on every default keyword in any case, with any punctuation, emoji or spacing around it', () => {
    const junk = fc.array(fc.constantFrom(' ', '!', '.', '?', '…', '🛑', '🙏', '😡', '\n', '"', '*'), {
      maxLength: 4,
    });
    fc.assert(
      fc.property(
        fc.constantFrom(...defaults.optOut),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        junk,
        junk,
        (keyword, upper, before, after) => {
          const cased = [...keyword].map((c, i) =>
            upper[i % upper.length] ? c.toUpperCase() : c.toLowerCase(),
          );
          const intent = matchKeyword(`${before.join('')}${cased.join('')}${after.join('')}`, defaults);
          expect(intent).toMatchObject({ kind: 'opt_out', natural: false });
        },
      ),
    );
  });
});

describe('natural-language opt-outs', () => {
  it(`has at least 60 opt-out and 60 non-opt-out examples`, () => {
    expect(EXACT_OPT_OUTS.length + NATURAL_OPT_OUTS.length).toBeGreaterThanOrEqual(60);
    expect(NATURAL_OPT_OUTS.length).toBeGreaterThanOrEqual(60);
    expect(NOT_OPT_OUTS.length).toBeGreaterThanOrEqual(60);
  });

  it.each(NATURAL_OPT_OUTS)('opts out on %j', (message) => {
    expect(matchKeyword(message, defaults)).toEqual({
      kind: 'opt_out',
      keyword: NATURAL_LANGUAGE_KEYWORD,
      natural: true,
    });
    expect(isNaturalLanguageOptOut(normaliseText(message))).toBe(true);
  });

  it.each(NOT_OPT_OUTS)('does not opt out on %j', (message) => {
    expect(matchKeyword(message, defaults).kind).not.toBe('opt_out');
    expect(isNaturalLanguageOptOut(normaliseText(message))).toBe(false);
  });

  it(`reads only messages of at most ${MAX_NATURAL_WORDS} words`, () => {
    const short = 'please stop texting me';
    const filler = Array.from({ length: MAX_NATURAL_WORDS - 4 }, () => 'so').join(' ');
    expect(isNaturalLanguageOptOut(normaliseText(`${filler} ${short}`))).toBe(true);
    expect(isNaturalLanguageOptOut(normaliseText(`${filler} ok ${short}`))).toBe(false);
    expect(matchKeyword(`${filler} ok ${short}`, defaults)).toEqual({ kind: 'none' });
  });

  it('still honours an exact keyword however long the configured keyword list is', () => {
    expect(matchKeyword('STOP', defaults)).toEqual({ kind: 'opt_out', keyword: 'STOP', natural: false });
  });

  it('never finds a stop word inside another word', () => {
    const words = [
      'weekend',
      'legend',
      'friend',
      'tender',
      'potd',
      'trending',
      'stopping',
      'nonstop',
      'unstoppable',
      'backstop',
      'stopwatch',
      'quitter',
      'cancelled',
      'ending',
      'endless',
      'removed',
      'optimal',
      'option',
      'sale',
      'order',
      'coffee',
      'great',
      'thanks',
      'see',
      'you',
      'later',
      'the',
      'bus',
      'is',
      'closed',
      'when',
      'does',
      'deal',
      'love',
      'these',
      'store',
      'open',
      'tomorrow',
    ];
    const separator = fc.constantFrom(' ', ', ', '. ', '! ', '? ', ' 😀 ', '\n');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...words), separator, fc.boolean()), {
          minLength: 1,
          maxLength: 12,
        }),
        (parts) => {
          const message = parts.map(([w, sep, upper]) => (upper ? w.toUpperCase() : w) + sep).join('');
          expect(matchKeyword(message, defaults).kind).not.toBe('opt_out');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('treats text that was not normalised yet the same way', () => {
    expect(isNaturalLanguageOptOut('Please   stop texting me 🙏')).toBe(true);
    expect(isNaturalLanguageOptOut('stopping by later!')).toBe(false);
  });
});

describe('other keywords with the default lists', () => {
  it.each([
    ['HELP', 'HELP'],
    ['help', 'HELP'],
    ['Help?', 'HELP'],
    ['help me', 'HELP'],
    ['Help please', 'HELP'],
    ['INFO', 'INFO'],
    ['aide', 'AIDE'],
    ['Aidé', 'AIDE'],
  ])('answers HELP on %j', (message, keyword) => {
    expect(matchKeyword(message, defaults)).toEqual({ kind: 'help', keyword });
  });

  it.each([
    ['JOIN', 'JOIN'],
    ['join!', 'JOIN'],
    ['Join now', 'JOIN'],
    ['join please 🙂', 'JOIN'],
  ])('reads %j as an opt-in request', (message, keyword) => {
    expect(matchKeyword(message, defaults)).toEqual({ kind: 'opt_in', keyword });
  });

  it.each([
    ['YES', 'YES'],
    ['yes', 'YES'],
    ['Yes!', 'YES'],
    ['yes 👍', 'YES'],
    ['Yes please', 'YES'],
    ['yes thank you', 'YES'],
    ['OK yes', 'YES'],
    ['yes yes', 'YES'],
    ['ＹＥＳ', 'YES'],
    ['Y', 'Y'],
    ['y.', 'Y'],
  ])('reads %j as a confirmation', (message, keyword) => {
    expect(matchKeyword(message, defaults)).toEqual({ kind: 'confirm', keyword });
  });

  it.each(['Yes?', 'Y?', 'yes!?', 'Yes I want to join', 'yes but later', 'yesterday', 'eyes'])(
    'does not take %j as a confirmation',
    (message) => {
      expect(matchKeyword(message, defaults).kind).not.toBe('confirm');
    },
  );

  it.each([
    ['START', 'START'],
    ['start.', 'START'],
    ['Start again please', 'START'],
    ['UNSTOP', 'UNSTOP'],
    ['unstop', 'UNSTOP'],
  ])('reads %j as a resubscribe request', (message, keyword) => {
    expect(matchKeyword(message, defaults)).toEqual({ kind: 'resubscribe', keyword });
  });

  it.each([
    ['PAUSE', 'PAUSE', 'PAUSE'],
    ['pause please', 'PAUSE', 'PAUSE'],
    ['Pause texts', 'PAUSE', 'PAUSE'],
    ['paus', 'PAUS', 'PAUSE'],
    ['PUASE', 'PUASE', 'PAUSE'],
    ['pasue!', 'PASUE', 'PAUSE'],
    ['Resume', 'RESUME', 'RESUME'],
    ['unpause', 'UNPAUSE', 'RESUME'],
    ['resumr', 'RESUMR', 'RESUME'],
  ])('reads %j as the property keyword %s of %s', (message, keyword, definition) => {
    const intent = matchKeyword(message, defaults);
    expect(intent).toMatchObject({ kind: 'property', keyword });
    expect(intent.kind === 'property' && intent.definition.keyword).toBe(definition);
    expect(intent.kind === 'property' && intent.definition).toBe(
      defaults.custom.find((k) => k.keyword === definition),
    );
  });

  it.each([
    "don't pause",
    'pause my order',
    'paused',
    'can you pause my subscription box',
    'résumé attached',
    'resumes',
    'helpful',
    'joined',
    'starting soon',
    'information',
  ])('matches nothing on %j', (message) => {
    expect(matchKeyword(message, defaults)).toEqual({ kind: 'none' });
  });

  it.each(['', '   ', '🛑', '👍👍', '...', '\u200b'])(
    'matches nothing on the empty message %j',
    (message) => {
      expect(matchKeyword(message, defaults)).toEqual({ kind: 'none' });
    },
  );
});

describe('configured keyword lists', () => {
  it('opts in with a custom opt-in keyword and no longer with JOIN', () => {
    const keywords = KeywordsSchema.parse({ optIn: ['Coffee'] });
    expect(matchKeyword('coffee', keywords)).toEqual({ kind: 'opt_in', keyword: 'COFFEE' });
    expect(matchKeyword('COFFEE please!', keywords)).toEqual({ kind: 'opt_in', keyword: 'COFFEE' });
    expect(matchKeyword('JOIN', keywords)).toEqual({ kind: 'none' });
    expect(matchKeyword('coffeehouse', keywords)).toEqual({ kind: 'none' });
  });

  it('uses the configured HELP, confirm and resubscribe words', () => {
    const keywords = KeywordsSchema.parse({
      help: ['AYUDA'],
      confirm: ['SI', 'OUI'],
      resubscribe: ['REJOIN'],
    });
    expect(matchKeyword('ayuda', keywords)).toEqual({ kind: 'help', keyword: 'AYUDA' });
    expect(matchKeyword('HELP', keywords)).toEqual({ kind: 'none' });
    expect(matchKeyword('Sí', keywords)).toEqual({ kind: 'confirm', keyword: 'SI' });
    expect(matchKeyword('oui!', keywords)).toEqual({ kind: 'confirm', keyword: 'OUI' });
    expect(matchKeyword('YES', keywords)).toEqual({ kind: 'none' });
    expect(matchKeyword('rejoin', keywords)).toEqual({ kind: 'resubscribe', keyword: 'REJOIN' });
    expect(matchKeyword('START', keywords)).toEqual({ kind: 'none' });
  });

  it('opts out on a configured opt-out keyword, alone or politely, and not on a default one left out', () => {
    const keywords = KeywordsSchema.parse({ optOut: [...REQUIRED_OPT_OUT, 'BAJA'] });
    expect(matchKeyword('Baja', keywords)).toEqual({ kind: 'opt_out', keyword: 'BAJA', natural: false });
    expect(matchKeyword('baja por favor', keywords)).toEqual({
      kind: 'opt_out',
      keyword: NATURAL_LANGUAGE_KEYWORD,
      natural: true,
    });
    expect(matchKeyword('TD', keywords)).toEqual({ kind: 'none' });
    expect(matchKeyword('TD please', keywords)).toEqual({ kind: 'none' });
    expect(matchKeyword('TD please', defaults)).toMatchObject({ kind: 'opt_out', natural: true });
  });

  it('treats a configured multi-word opt-out keyword as one stop word in natural language', () => {
    const keywords = KeywordsSchema.parse({ optOut: [...REQUIRED_OPT_OUT, 'NO THANKS'] });
    expect(matchKeyword('No thanks', keywords)).toEqual({
      kind: 'opt_out',
      keyword: 'NO THANKS',
      natural: false,
    });
    expect(matchKeyword('no-thanks', keywords)).toEqual({
      kind: 'opt_out',
      keyword: 'NO THANKS',
      natural: false,
    });
    expect(matchKeyword('no thanks please', keywords)).toMatchObject({ kind: 'opt_out', natural: true });
    expect(matchKeyword('No thanks', defaults)).toEqual({ kind: 'none' });
  });

  it('matches custom property keywords and aliases as whole words only', () => {
    const keywords = KeywordsSchema.parse({
      custom: [
        {
          keyword: 'NO',
          setProperty: { name: 'Declined', value: true },
          reply: 'Got it.',
        },
        {
          keyword: 'SNOOZE',
          aliases: ['SNOZE', 'Snooze Week'],
          setProperty: { name: 'Snoozed', value: true },
          reply: 'Snoozed for a week.',
        },
      ],
    });
    expect(matchKeyword('no', keywords)).toMatchObject({ kind: 'property', keyword: 'NO' });
    expect(matchKeyword('No thanks', keywords)).toMatchObject({ kind: 'property', keyword: 'NO' });
    expect(matchKeyword('not now', keywords)).toEqual({ kind: 'none' });
    expect(matchKeyword('nope', keywords)).toEqual({ kind: 'none' });
    expect(matchKeyword('snoze', keywords)).toMatchObject({ kind: 'property', keyword: 'SNOZE' });
    expect(matchKeyword('snooze week please', keywords)).toMatchObject({
      kind: 'property',
      keyword: 'SNOOZE WEEK',
    });
    expect(matchKeyword('snoozed', keywords)).toEqual({ kind: 'none' });
    expect(matchKeyword('PAUSE', keywords)).toEqual({ kind: 'none' });
  });
});

describe('precedence', () => {
  // Lists that overlap cannot pass the schema; the matcher still has to be deterministic.
  const overlapping = (overrides: Partial<Keywords>): Keywords => ({ ...defaults, ...overrides });

  it('opts out before anything else, exactly or in natural language', () => {
    expect(matchKeyword('END', overlapping({ help: ['HELP', 'END'] }))).toMatchObject({ kind: 'opt_out' });
    expect(matchKeyword('help me unsubscribe', defaults)).toMatchObject({ kind: 'opt_out', natural: true });
    expect(matchKeyword('yes stop', defaults)).toMatchObject({ kind: 'opt_out', natural: true });
    expect(matchKeyword('Stop, start', defaults)).toMatchObject({ kind: 'opt_out' });
  });

  it('answers HELP before resubscribe, confirm, opt-in and property keywords', () => {
    const keywords = overlapping({
      resubscribe: ['START', 'HELP'],
      confirm: ['YES', 'HELP'],
      optIn: ['HELP'],
    });
    expect(matchKeyword('help', keywords)).toEqual({ kind: 'help', keyword: 'HELP' });
  });

  it('then resubscribes, then confirms, then opts in, then sets a property', () => {
    const pause = defaults.custom[0]!;
    const keywords = overlapping({
      resubscribe: ['START', 'GO'],
      confirm: ['YES', 'GO', 'OK'],
      optIn: ['JOIN', 'GO', 'OK', 'SURE'],
      custom: [{ ...pause, aliases: ['GO', 'OK', 'SURE', 'HOLD'] }],
    });
    expect(matchKeyword('go', keywords)).toEqual({ kind: 'resubscribe', keyword: 'GO' });
    expect(matchKeyword('ok', keywords)).toEqual({ kind: 'confirm', keyword: 'OK' });
    expect(matchKeyword('sure', keywords)).toEqual({ kind: 'opt_in', keyword: 'SURE' });
    expect(matchKeyword('hold', keywords)).toMatchObject({ kind: 'property', keyword: 'HOLD' });
  });

  it('prefers an exact match in a later list to a match with courtesy words in an earlier one', () => {
    const pause = defaults.custom[0]!;
    const keywords = overlapping({ custom: [{ ...pause, keyword: 'HELP ME', aliases: [] }] });
    expect(matchKeyword('help me', keywords)).toMatchObject({ kind: 'property', keyword: 'HELP ME' });
    expect(matchKeyword('help please', keywords)).toEqual({ kind: 'help', keyword: 'HELP' });
  });
});
