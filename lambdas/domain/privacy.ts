/**
 * Privacy requests (docs/privacy.md). An erasure keeps only what honouring an opt-out needs: the
 * consent log (the evidence of consent and of the opt-out, kept as the law requires) and a
 * suppression record keyed by a keyed hash of the number with its opt-out state. It is recorded in
 * the consent log as a change like any other (`profile_erased`), which ends every subscription and
 * drops what START would restore: whatever comes later (a JOIN, an import, START) starts from that
 * state, never from the consent given before.
 */
import { createHmac } from 'node:crypto';
import type { ConsentState } from './consent';
import type { ConsentChange } from './consent-engine';

/** The key of a suppression record: HMAC-SHA256 of the E.164 number, hex. */
export function phoneHash(key: string, phone: string): string {
  return createHmac('sha256', key).update(phone, 'utf8').digest('hex');
}

/**
 * What an erased number's consent becomes: no subscription, no properties, the opt-out kept. Both
 * classes are `unsubscribed` even if never given, so nothing (an imported list above all) can treat
 * the number as one never asked: only a new opt-in by the person subscribes it again.
 */
export function erasedState(state: ConsentState): ConsentState {
  return {
    marketing: 'unsubscribed',
    transactional: 'unsubscribed',
    properties: {},
    ...(state.optedOutAt ? { optedOutAt: state.optedOutAt } : {}),
    ...(state.optOutList ? { optOutList: state.optOutList } : {}),
  };
}

/** The consent log change that records an erasure: no reply, no event, no opt-out list change. */
export function erasureChange(state: ConsentState): ConsentChange {
  return {
    kind: 'consent',
    action: 'profile_erased',
    classes: ['marketing', 'transactional'],
    next: erasedState(state),
    applied: true,
    note: 'privacy request: profile, messages, activity and links erased; a new opt-in starts from here',
    effects: { replies: [], events: [] },
  };
}

/** What outlives an erased number, under its keyed hash. */
export interface SuppressionRecord {
  readonly phoneHash: string;
  readonly erasedAt: string;
  readonly marketing: ConsentState['marketing'];
  readonly transactional: ConsentState['transactional'];
  readonly optedOutAt?: string;
  readonly optOutList?: ConsentState['optOutList'];
  /** The consent log entry that records the erasure, and the chain's head then. */
  readonly consentSeq: number;
  readonly consentHead?: string;
}
