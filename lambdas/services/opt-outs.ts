/**
 * `POST /v1/opt-outs`: a revocation received outside SMS (a support call, an email reply, a letter)
 * recorded with its evidence and applied like STOP through the consent recorder. The time from its
 * receipt to its record is kept on the event (`evidence.receivedAt`, `recordedAt`) and measured
 * (`OptOutRecordingSeconds`), which the `OptOutRecordingSlow` alarm watches (docs/api.md#opt-outs).
 */
import { consentStateOf, readConsentLog, type ConsentEvent } from '../domain/consent';
import { ValidationError } from '../domain/errors';
import { measureSeconds } from '../domain/metric-counts';
import {
  decideRevocation,
  receivedAtProblem,
  type ConfirmationVerdict,
  type OptOutRequest,
} from '../domain/opt-out-request';
import { normalisePhone, type PhonePolicy } from '../domain/phone';
import { recordConsent, type ConsentRecorderDeps } from './consent-recorder';

export interface OptOutDeps extends ConsentRecorderDeps {
  readonly phonePolicy: PhonePolicy;
}

export interface OptOutResult {
  readonly status: 200 | 201;
  readonly body: {
    readonly phone: string;
    readonly channel: OptOutRequest['channel'];
    readonly receivedAt: string;
    readonly recordedAt: string;
    /** Seconds from `receivedAt` to `recordedAt`. */
    readonly latencySeconds: number;
    /** False when the number was already opted out: the revocation is kept as evidence only. */
    readonly applied: boolean;
    readonly confirmation: ConfirmationVerdict;
  };
}

export async function recordOptOut(
  deps: OptOutDeps,
  request: OptOutRequest,
  idempotencyKey: string,
): Promise<OptOutResult> {
  const phone = normalisePhone(request.phone, deps.phonePolicy).e164;
  const now = deps.clock.now();
  const receivedAt = new Date(request.receivedAt).toISOString();
  const eventId = `optout-${idempotencyKey}`;
  const log = readConsentLog(await deps.consentLog.list(phone));
  // A retry of a recorded revocation answers what was recorded, however late it comes.
  if (!log.changes.some((change) => change.eventId === eventId)) {
    const problem = receivedAtProblem(new Date(receivedAt), now, log.changes[0]?.at);
    if (problem) throw new ValidationError(problem, 'receivedAt');
  }

  let confirmation: ConfirmationVerdict | undefined;
  const outcome = await recordConsent(
    deps,
    {
      phone,
      at: receivedAt,
      eventId,
      evidence: {
        method: request.channel,
        receivedAt,
        ...(request.agent ? { agent: request.agent } : {}),
        ...(request.note ? { note: request.note } : {}),
      },
    },
    (profile) => {
      const decided = decideRevocation(
        consentStateOf(profile),
        {
          phone,
          channel: request.channel,
          receivedAt,
          eventId,
          ...(profile?.consentUpdatedAt ? { consentUpdatedAt: profile.consentUpdatedAt } : {}),
          confirmBySms: request.confirmBySms,
          now,
        },
        deps.config,
      );
      confirmation = decided.confirmation;
      return decided.change;
    },
  );
  if (outcome.status !== 'recorded') throw new Error('a revocation always records a consent change');
  const event = outcome.event;
  const latencySeconds = (Date.parse(event.recordedAt) - Date.parse(receivedAt)) / 1000;
  if (!outcome.replayed) measureSeconds('OptOutRecordingSeconds', latencySeconds);
  return {
    status: outcome.replayed ? 200 : 201,
    body: {
      phone,
      channel: request.channel,
      receivedAt,
      recordedAt: event.recordedAt,
      latencySeconds,
      applied: event.applied,
      confirmation: confirmation ?? confirmationOf(event),
    },
  };
}

/** What a recorded revocation did about the confirmation text, read back on a retry. */
function confirmationOf(event: ConsentEvent): ConfirmationVerdict {
  if (!event.applied) return 'already_opted_out';
  return event.effects.replies.length > 0 ? 'sent' : 'not_requested';
}
