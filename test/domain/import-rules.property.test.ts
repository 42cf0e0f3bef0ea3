/**
 * No sequence of imports and texted keywords resubscribes a number that opted out: once a number is
 * opted out, only the person (START, or JOIN and YES) can make it a subscriber again, never an import,
 * whatever the imports' times, order or repetition.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConsentChange } from '../../lambdas/domain/consent-engine';
import { decideInbound } from '../../lambdas/domain/consent-engine';
import {
  decideImport,
  importEventId,
  importEventTime,
  type ImportContext,
} from '../../lambdas/domain/import-rules';
import type { KeywordIntent } from '../../lambdas/domain/keywords';
import { newProfile, type Profile } from '../../lambdas/domain/profile';
import { RuntimeConfigSchema } from '../../lambdas/domain/runtime-config';

const PHONE = '+12065550100';
const START_MS = Date.parse('2026-01-01T00:00:00Z');
const DAY = 86_400_000;

const program = (doubleOptIn: boolean) =>
  RuntimeConfigSchema.parse({
    brand: 'Acme Coffee',
    supportContact: 'help@acme.example',
    messageFrequency: 'Up to 6 msgs/mo',
    termsUrl: 'https://acme.example/terms',
    privacyUrl: 'https://acme.example/privacy',
    doubleOptIn,
  });

const keywords: Record<string, KeywordIntent> = {
  STOP: { kind: 'opt_out', keyword: 'STOP', natural: false },
  START: { kind: 'resubscribe', keyword: 'START' },
  JOIN: { kind: 'opt_in', keyword: 'JOIN' },
  YES: { kind: 'confirm', keyword: 'YES' },
};

type Step =
  | {
      kind: 'import';
      importNo: number;
      line: number;
      consent: 'opted_in' | 'opted_out' | 'suppressed' | 'none';
      /** Days from the start, or undated. */
      day: number | null;
      acceptUndated: boolean;
    }
  | { kind: 'keyword'; keyword: keyof typeof keywords };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('import' as const),
    importNo: fc.integer({ min: 0, max: 2 }),
    line: fc.integer({ min: 1, max: 5 }),
    consent: fc.constantFrom('opted_in', 'opted_out', 'suppressed', 'none'),
    day: fc.option(fc.integer({ min: -400, max: 400 }), { nil: null }),
    acceptUndated: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('keyword' as const),
    keyword: fc.constantFrom('STOP', 'START', 'JOIN', 'YES'),
  }),
);

/** The recorder's projection of a change, as the profile store writes it. */
function project(profile: Profile | undefined, change: ConsentChange, eventId: string, at: string): Profile {
  const base = profile ?? newProfile(PHONE, at);
  const {
    optedOutAt: _o,
    marketingConfirmedBy: _m,
    optOutList: _l,
    beforeOptOut: _b,
    pendingClasses: _p,
    ...rest
  } = base;
  return {
    ...rest,
    ...change.next,
    consentVersion: base.consentVersion + 1,
    lastConsentEventId: eventId,
    ...(change.applied ? { consentUpdatedAt: at } : {}),
  };
}

describe('imports and keywords', () => {
  it('never resubscribe an opted-out number except by the person’s own keyword', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 25 }), fc.boolean(), (steps, doubleOptIn) => {
        let profile: Profile | undefined;
        let clock = START_MS;
        const seen = new Set<string>();
        for (const s of steps) {
          clock += 60_000;
          const now = new Date(clock);
          const optedOutBefore = profile?.optedOutAt !== undefined;
          const unsubscribedBefore = profile?.marketing === 'unsubscribed';
          if (s.kind === 'import') {
            const ctx: ImportContext = {
              importId: `imp-${s.importNo}`,
              system: 'pinpoint',
              fileName: 'export.jsonl',
              sha256: '0'.repeat(64),
              acceptUndatedConsent: s.acceptUndated,
              now,
            };
            const row = {
              line: s.line,
              phone: PHONE,
              e164: PHONE,
              consent: s.consent,
              properties: {},
              ...(s.day === null ? {} : { consentAt: new Date(START_MS + s.day * DAY).toISOString() }),
            };
            const eventId = importEventId(ctx.importId, s.line);
            // The same line imported again is a replay of its event: nothing is decided again.
            if (seen.has(eventId)) continue;
            const decision = decideImport(profile, row, ctx);
            if (decision.kind !== 'consent') continue;
            seen.add(eventId);
            profile = project(profile, decision, eventId, importEventTime(row, ctx));
            if (optedOutBefore) expect(profile.optedOutAt).toBeDefined();
            if (optedOutBefore || unsubscribedBefore) expect(profile.marketing).not.toBe('subscribed');
          } else {
            const decision = decideInbound(
              {
                marketing: profile?.marketing ?? 'never_subscribed',
                transactional: profile?.transactional ?? 'never_subscribed',
                properties: profile?.properties ?? {},
                ...(profile?.optedOutAt ? { optedOutAt: profile.optedOutAt } : {}),
                ...(profile?.marketingConfirmedBy
                  ? { marketingConfirmedBy: profile.marketingConfirmedBy }
                  : {}),
                ...(profile?.optOutList ? { optOutList: profile.optOutList } : {}),
                ...(profile?.beforeOptOut ? { beforeOptOut: profile.beforeOptOut } : {}),
              },
              keywords[s.keyword]!,
              {
                phone: PHONE,
                at: now.toISOString(),
                inboundMessageId: `in-${clock}`,
                body: s.keyword,
                now,
                ...(profile?.consentUpdatedAt ? { consentUpdatedAt: profile.consentUpdatedAt } : {}),
              },
              program(doubleOptIn),
            );
            if (decision.kind !== 'consent') continue;
            profile = project(profile, decision, `sms-in-${clock}`, now.toISOString());
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
