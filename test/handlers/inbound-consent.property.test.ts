/**
 * Property: any interleaving of JOIN, YES, STOP, START, HELP, PAUSE and duplicate deliveries, run
 * through the real inbound handler against dynalite and the End User Messaging emulator, ends in the
 * state a reference model predicts; and while a number is opted out, nothing but the one STOP
 * confirmation reaches it.
 */
import { randomUUID } from 'node:crypto';
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snsEvent } from '../../local/aws/sms-voice';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';
import { KEYWORDS_ONLY } from '../support/fixtures';

type Word = 'JOIN' | 'YES' | 'STOP' | 'START' | 'HELP' | 'PAUSE';
type Step = { kind: 'text'; word: Word; minutes: number } | { kind: 'duplicate'; index: number };

interface Model {
  marketing: 'never_subscribed' | 'pending' | 'subscribed' | 'unsubscribed';
  optedOut: boolean;
  before: Model['marketing'];
  listed: boolean;
  lastRemovedAt?: number;
  paused: boolean;
}

const THIRTY_DAYS = 30 * 24 * 3600 * 1000;

/** The rules as the issue states them, written independently of the engine. */
function apply(model: Model, word: Word, now: number): { model: Model; replies: number } {
  const m = { ...model };
  const locked = () => m.listed && m.lastRemovedAt !== undefined && now - m.lastRemovedAt < THIRTY_DAYS;
  const lift = () => {
    m.optedOut = false;
    m.listed = false;
    m.lastRemovedAt = now;
    m.marketing = m.before;
  };
  switch (word) {
    case 'HELP':
      // Answered, but End User Messaging refuses every text to a number on its opt-out list.
      return { model: m, replies: m.listed ? 0 : 1 };
    case 'STOP':
      if (m.optedOut) return { model: m, replies: 0 };
      m.before = m.marketing;
      m.optedOut = true;
      m.listed = true;
      m.marketing = 'unsubscribed';
      return { model: m, replies: 1 };
    case 'START':
      if (!m.optedOut || locked()) return { model: m, replies: 0 };
      lift();
      return { model: m, replies: 1 };
    case 'JOIN':
      if (m.optedOut) {
        if (locked()) return { model: m, replies: 0 };
        lift();
        if (m.marketing !== 'subscribed') m.marketing = 'pending';
        return { model: m, replies: 1 };
      }
      if (m.marketing === 'subscribed') return { model: m, replies: 0 };
      m.marketing = 'pending';
      return { model: m, replies: 1 };
    case 'YES':
      if (m.optedOut || m.marketing !== 'pending') return { model: m, replies: 0 };
      m.marketing = 'subscribed';
      return { model: m, replies: 1 };
    case 'PAUSE':
      if (m.optedOut) return { model: m, replies: 0 };
      m.paused = true;
      return { model: m, replies: 1 };
  }
}

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('text' as const),
      word: fc.constantFrom<Word>('JOIN', 'YES', 'STOP', 'START', 'HELP', 'PAUSE'),
      minutes: fc.integer({ min: 1, max: 60 * 24 * 20 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), index: fc.nat() }) },
);

describe('inbound consent property', () => {
  let runtime: TestRuntime;
  let phoneCounter = 0;

  beforeAll(async () => {
    runtime = await startTestRuntime({
      clockStart: new Date('2026-01-05T15:00:00Z'),
      // Win-back off: its daily sweep reads every shard of the last-order index (16 queries) each
      // time the clock moves past a sweep, and no number here ever orders, so it finds nobody.
      config: { flows: { ...KEYWORDS_ONLY.flows, definitions: [{ id: 'winBack', enabled: false }] } },
    });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('ends where the reference model says and never texts an opted-out number anything but HELP answers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 14 }), async (steps) => {
        const phone = `+1312555${String(1000 + phoneCounter++).padStart(4, '0')}`;
        let model: Model = {
          marketing: 'never_subscribed',
          optedOut: false,
          before: 'never_subscribed',
          listed: false,
          paused: false,
        };
        const delivered: { event: ReturnType<typeof snsEvent> }[] = [];

        if (!steps.some((s) => s.kind === 'text')) return;
        for (const step of steps) {
          let event: ReturnType<typeof snsEvent>;
          let expectedReplies = 0;
          let wasOptedOut = model.optedOut;
          if (step.kind === 'duplicate') {
            const original = delivered[step.index % Math.max(delivered.length, 1)];
            if (!original) continue;
            event = original.event;
          } else {
            runtime.clock.advance(step.minutes * 60_000);
            event = snsEvent(
              {
                originationNumber: phone,
                destinationNumber: runtime.originationNumber,
                messageKeyword: '',
                messageBody: step.word,
                inboundMessageId: randomUUID(),
                previousPublishedMessageId: '',
              },
              runtime.clock.now().toISOString(),
            );
            delivered.push({ event });
            const result = apply(model, step.word, runtime.clock.now().getTime());
            expectedReplies = result.replies;
            wasOptedOut = model.optedOut;
            model = result.model;
          }
          const before = runtime.sms.messagesTo(phone).length;
          await runtime.lambdas.invoke('inboundSms', event);
          const sent = runtime.sms.messagesTo(phone).slice(before);

          expect(sent).toHaveLength(expectedReplies);
          if (wasOptedOut && model.optedOut) {
            // Opted out before and after this text: nothing may reach the number.
            expect(sent).toEqual([]);
          }
        }

        const profile = (
          await runtime.get<{ marketing: string; optedOut: boolean; properties: Record<string, unknown> }>(
            `/v1/profiles/${encodeURIComponent(phone)}`,
          )
        ).body;
        expect(profile.optedOut).toBe(model.optedOut);
        expect(profile.marketing).toBe(model.marketing);
        expect(profile.properties.Paused === true).toBe(model.paused);
        expect(runtime.sms.isOptedOut(phone)).toBe(model.listed);
      }),
      { numRuns: 40 },
    );
  });
});
