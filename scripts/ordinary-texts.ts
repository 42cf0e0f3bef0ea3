/**
 * Writes test/fixtures/ordinary-texts.txt: several thousand ordinary personal texts (the kind people
 * send each other), none of which asks to stop receiving texts. The natural-language opt-out matcher
 * must read every one as no keyword (test/domain/keywords-corpus.test.ts reports its false-positive
 * rate on them). Many use the matcher's own words in ordinary senses: "no messages", "stop by", "the
 * end", "quit my job", "cancel dinner", "text me".
 *
 * Deterministic: sentences are built from the templates and fillers below and sampled with a seeded
 * generator, so the same script always writes the same file. `npx tsx scripts/ordinary-texts.ts`.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const SIZE = 4000;

const NAMES = [
  'Sam',
  'mom',
  'Dad',
  'Jess',
  'Mike',
  'grandma',
  'Priya',
  'Carlos',
  'Aisha',
  'your brother',
  'Kev',
  'Lena',
];
const PLACES = [
  'the store',
  'work',
  'the gym',
  'school',
  'the station',
  'church',
  'the mall',
  'Target',
  'the office',
  'the park',
];
const FOODS = [
  'pizza',
  'tacos',
  'rice',
  'biryani',
  'sushi',
  'pasta',
  'soup',
  'burgers',
  'noodles',
  'chicken',
];
const TIMES = [
  'at 6',
  'tonight',
  'tomorrow',
  'after lunch',
  'in 10 min',
  'around 8',
  'later',
  'this weekend',
  'on Friday',
  'soon',
];
const NOUNS = ['message', 'messages', 'msg', 'text', 'texts', 'txt', 'sms', 'reply', 'call', 'voicemail'];
const OPENERS = ['', 'So ', 'Hey ', 'Ok ', 'Lol ', 'Hmm ', 'Babe ', 'Bro ', 'Yo ', 'Well '];
const CLOSERS = ['', '?', '!', '.', '..', ' lol', ' 😂', ' ❤️', ' haha', ' 🙄', ' ??', ' :)'];

const TEMPLATES: readonly ((pick: <T>(list: readonly T[]) => T) => string)[] = [
  // Complaints about not getting texts: the false positives this corpus was built for.
  (p) => `No ${p(['message', 'messages', 'msg', 'text', 'texts', 'reply'])}..no responce..what happend`,
  (p) => `${p(OPENERS)}no ${p(NOUNS)}. Had ${p(FOODS)}${p(CLOSERS)}`,
  (p) =>
    `${p(OPENERS)}no ${p(NOUNS)} from ${p(NAMES)} ${p(['yet', 'since morning', 'all day', 'today', 'still'])}${p(CLOSERS)}`,
  (p) =>
    `${p(['Why', 'How come', 'So'])} no ${p(NOUNS)} ${p(['yesterday', 'last night', 'today', 'this week'])}${p(CLOSERS)}`,
  (p) =>
    `${p(OPENERS)}No ${p(NOUNS)}${p(CLOSERS)} ${p(['r u ok', 'are you mad', 'where are you', 'you alive', 'call me', 'busy?'])}`,
  (p) =>
    `${p(['still', 'got', 'zero', 'no new'])} ${p(NOUNS)} ${p(['from you', 'from the school', 'from the landlord', 'from work'])}${p(CLOSERS)}`,
  (p) => `I sent you a ${p(NOUNS)} ${p(TIMES)} did you get it${p(CLOSERS)}`,
  (p) => `${p(OPENERS)}did you get my ${p(NOUNS)}${p(CLOSERS)}`,
  (p) =>
    `Sorry I didn't ${p(['text', 'message', 'reply', 'call'])} back, ${p(['was driving', 'phone died', 'fell asleep', 'was at work'])}`,
  (p) =>
    `${p(['Text', 'Message', 'Call', 'Ping'])} me when you ${p(['land', 'get home', 'leave', 'are ready', 'get there'])}${p(CLOSERS)}`,
  (p) =>
    `${p(OPENERS)}can you ${p(['text', 'message', 'remind'])} ${p(NAMES)} about ${p(TIMES)}${p(CLOSERS)}`,
  // Stop, end, quit, cancel in ordinary senses.
  (p) => `${p(OPENERS)}stop by ${p(PLACES)} ${p(TIMES)}${p(CLOSERS)}`,
  (p) =>
    `I ${p(["can't", 'cant', 'couldn’t'])} stop ${p(['laughing', 'eating', 'thinking about it', 'crying', 'watching this show'])}${p(CLOSERS)}`,
  (p) =>
    `${p(['The movie', 'The game', 'Practice', 'My shift', 'Class', 'The meeting'])} ends ${p(TIMES)}${p(CLOSERS)}`,
  (p) =>
    `${p(OPENERS)}${p(NAMES)} quit ${p(['his job', 'her job', 'the team', 'smoking', 'the band'])}${p(CLOSERS)}`,
  (p) =>
    `Can we cancel ${p(['dinner', 'the reservation', 'practice', 'the plans', 'my appointment'])} ${p(TIMES)}${p(CLOSERS)}`,
  (p) =>
    `${p(['Bus', 'Train', 'Next'])} stop is ${p(['mine', 'ours', 'Main St', 'the one after'])}${p(CLOSERS)}`,
  (p) =>
    `${p(OPENERS)}that was the end of ${p(['the show', 'season 2', 'the party', 'my patience', 'it'])}${p(CLOSERS)}`,
  (p) => `Don't stop ${p(['sending pics', 'the music', 'now', 'believing', 'texting me'])}${p(CLOSERS)}`,
  (p) => `${p(OPENERS)}no more ${p(FOODS)} for me${p(CLOSERS)}`,
  (p) => `${p(OPENERS)}no ${p(['worries', 'problem', 'rush', 'way', 'idea', 'clue'])}${p(CLOSERS)}`,
  // Everyday plans and news.
  (p) => `${p(OPENERS)}want ${p(FOODS)} ${p(TIMES)}${p(CLOSERS)}`,
  (p) => `${p(OPENERS)}at ${p(PLACES)}, need anything${p(CLOSERS)}`,
  (p) => `${p(OPENERS)}running late, be there ${p(TIMES)}${p(CLOSERS)}`,
  (p) => `${p(OPENERS)}${p(NAMES)} says hi${p(CLOSERS)}`,
  (p) => `${p(OPENERS)}picked up ${p(FOODS)} from ${p(PLACES)}${p(CLOSERS)}`,
  (p) => `${p(OPENERS)}did ${p(NAMES)} call you ${p(['back', 'yet', 'today'])}${p(CLOSERS)}`,
  (p) =>
    `${p(['Happy birthday', 'Congrats', 'Good luck', 'Miss you', 'Love you', 'Thank you so much'])} ${p(NAMES)}${p(CLOSERS)}`,
  (p) =>
    `${p(OPENERS)}${p(['my phone', 'the wifi', 'my car', 'the printer'])} ${p(['is dead', 'stopped working', 'is acting up', 'died again'])}${p(CLOSERS)}`,
  (p) => `${p(OPENERS)}just got ${p(['home', 'to work', 'out of class', 'off the plane'])}${p(CLOSERS)}`,
];

/** mulberry32: a small seeded generator, so the corpus never changes between runs. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function ordinaryTexts(size = SIZE): string[] {
  const random = seeded(20_260_411);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const texts = new Set<string>();
  for (let attempt = 0; texts.size < size && attempt < size * 50; attempt++) {
    const text = pick(TEMPLATES)(pick).replace(/\s+/g, ' ').trim();
    texts.add(random() < 0.3 ? text.toLowerCase() : text);
  }
  return [...texts];
}

export const ORDINARY_TEXTS_FILE = resolve(__dirname, '..', 'test', 'fixtures', 'ordinary-texts.txt');

if (require.main === module) {
  writeFileSync(ORDINARY_TEXTS_FILE, `${ordinaryTexts().join('\n')}\n`);
  console.log(`wrote ${ORDINARY_TEXTS_FILE}`);
}
