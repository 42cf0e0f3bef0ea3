/**
 * The number-change program: two campaigns through the normal fan-out (paced, exactly once, opt-outs
 * honoured) and a switch in between. The final message goes from the old number a week before the
 * switch; at the switch the new identity becomes current for every send; the first message goes from
 * the new number right after. Replies to the old number keep working until it is released.
 */
import { createHash, randomBytes } from 'node:crypto';
import { CampaignRequestSchema } from '../domain/campaign-request';
import { NotFoundError, ValidationError } from '../domain/errors';
import {
  BASELINE_OPT_OUT_RATE,
  FINAL_MESSAGE_LEAD_MS,
  finalMessageProblems,
  firstMessageProblems,
  renderNumberChangeMessage,
  type NumberChangeRequest,
} from '../domain/number-change';
import type { NumberChange, NumberChangeStore } from '../domain/stores/number-change';
import { scheduleDispatcher, storeCampaign, type CampaignDeps } from './campaigns';

export interface NumberChangeDeps extends CampaignDeps {
  readonly numberChanges: NumberChangeStore;
  /** The configured identity and number (before any change). */
  readonly configuredIdentity: string;
  readonly configuredNumber: string;
}

const MIN_NOTICE_MS = 3600 * 1000;

export async function scheduleNumberChange(
  deps: NumberChangeDeps,
  request: NumberChangeRequest,
  idempotencyKey?: string,
) {
  const now = deps.clock.now();
  const switchAt = new Date(request.switchAt);
  if (switchAt.getTime() < now.getTime() + MIN_NOTICE_MS)
    throw new ValidationError('switchAt: must be at least an hour from now', 'switchAt');
  const current = await deps.numberChanges.current();
  const oldIdentity = current?.identity ?? deps.configuredIdentity;
  const oldPhoneNumber = current?.phoneNumber ?? deps.configuredNumber;
  if (request.newPhoneNumber === oldPhoneNumber)
    throw new ValidationError('newPhoneNumber: is already the sending number', 'newPhoneNumber');

  const finalText = renderNumberChangeMessage(
    request.finalMessage,
    deps.config,
    request.newPhoneNumber,
    switchAt,
  );
  const finalProblems = finalMessageProblems(finalText, deps.config, request.newPhoneNumber);
  if (finalProblems.length > 0)
    throw new ValidationError(`finalMessage: must include ${finalProblems.join(', ')}`, 'finalMessage');
  const firstText = renderNumberChangeMessage(
    request.firstMessage,
    deps.config,
    request.newPhoneNumber,
    switchAt,
  );
  const firstProblems = firstMessageProblems(firstText, deps.config);
  if (firstProblems.length > 0)
    throw new ValidationError(`firstMessage: must include ${firstProblems.join(', ')}`, 'firstMessage');

  const changeId = idempotencyKey
    ? `nch_${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 20)}`
    : `nch_${now.getTime().toString(36)}${randomBytes(6).toString('hex')}`;
  const existing = await deps.numberChanges.get(changeId);
  if (existing) return { created: false, view: view(existing) };

  // About a week before the switch, or at once when the switch is closer than that.
  const finalAt = new Date(Math.max(now.getTime(), switchAt.getTime() - FINAL_MESSAGE_LEAD_MS));
  const campaign = (body: string, sendAt: Date, name: string) =>
    CampaignRequestSchema.parse({
      name,
      body,
      segment: { all: true },
      sendAt: sendAt.toISOString(),
      smartSending: false,
    });
  // Both campaigns count the audience within this one call: each gets half the time.
  const estimateSeconds = deps.config.campaignEstimateSeconds / 2;
  const final = await storeCampaign(
    deps,
    campaign(finalText, finalAt, 'Number change: final message from the old number'),
    `${changeId}#final`,
    { originationIdentity: oldIdentity, numberChangeId: changeId, estimateSeconds },
  );
  const first = await storeCampaign(
    deps,
    campaign(
      firstText,
      new Date(switchAt.getTime() + 60_000),
      'Number change: first message from the new number',
    ),
    `${changeId}#first`,
    { originationIdentity: request.newOriginationIdentity, numberChangeId: changeId, estimateSeconds },
  );
  await scheduleDispatcher(deps, `${changeId}-switch`, switchAt, { action: 'switchNumber', changeId });
  const change: NumberChange = {
    changeId,
    oldIdentity,
    oldPhoneNumber,
    newIdentity: request.newOriginationIdentity,
    newPhoneNumber: request.newPhoneNumber,
    switchAt: switchAt.toISOString(),
    finalAt: finalAt.toISOString(),
    finalCampaignId: final.campaignId,
    firstCampaignId: first.campaignId,
    state: 'scheduled',
    createdAt: now.toISOString(),
  };
  await deps.numberChanges.put(change);
  return { created: true, view: view(change) };
}

export async function numberChangeProgress(deps: NumberChangeDeps, changeId: string) {
  const change = await deps.numberChanges.get(changeId);
  if (!change) throw new NotFoundError(`no number change ${changeId}`, 'changeId');
  const message = async (kind: 'final' | 'first', campaignId: string, from: string, sendAt: string) => {
    const campaign = await deps.campaigns.get(campaignId);
    const sent = campaign?.counters.sent ?? 0;
    const optOuts = campaign?.counters.optOuts ?? 0;
    return {
      kind,
      campaignId,
      from,
      sendAt,
      state: campaign?.state ?? 'unknown',
      targeted: campaign?.counters.targeted ?? 0,
      sent,
      delivered: campaign?.counters.delivered ?? 0,
      optOuts,
      optOutRate: sent > 0 ? Math.round((optOuts / sent) * 10_000) / 10_000 : null,
      baselineOptOutRate: BASELINE_OPT_OUT_RATE,
    };
  };
  const messages = [
    await message('final', change.finalCampaignId, change.oldPhoneNumber, change.finalAt),
    await message(
      'first',
      change.firstCampaignId,
      change.newPhoneNumber,
      new Date(Date.parse(change.switchAt) + 60_000).toISOString(),
    ),
  ];
  const stage =
    messages[1]?.state === 'dispatched'
      ? 'first_message_sent'
      : change.state === 'switched'
        ? 'switched'
        : messages[0]?.state === 'dispatched'
          ? 'final_message_sent'
          : 'scheduled';
  return { ...view(change), stage, messages };
}

function view(change: NumberChange) {
  return {
    changeId: change.changeId,
    oldPhoneNumber: change.oldPhoneNumber,
    newPhoneNumber: change.newPhoneNumber,
    switchAt: change.switchAt,
    finalAt: change.finalAt,
    finalCampaignId: change.finalCampaignId,
    firstCampaignId: change.firstCampaignId,
    state: change.state,
    switchedAt: change.switchedAt ?? null,
  };
}
