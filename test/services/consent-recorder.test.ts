/**
 * The consent log never stands as evidence of something that did not happen. A step that fails the
 * same way on every try (DynamoDB or End User Messaging refusing the request as invalid) is recorded
 * as an outcome entry after the change, is not repeated by replays, and the caller hears what
 * happened; a passing failure (throttling) is left to the retry, which finishes the change.
 * Real peers (the local runtime's DynamoDB and End User Messaging), with the failure injected into
 * one store or gateway call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  changeStatus,
  isOutcome,
  readConsentLog,
  type ConsentLogEntry,
  type ConsentOutcome,
} from '../../lambdas/domain/consent';
import { DynamoCampaignStore } from '../../lambdas/adapters/campaign-store';
import { DynamoConsentLogStore } from '../../lambdas/adapters/consent-log-store';
import { DynamoEphemeralStore } from '../../lambdas/adapters/ephemeral-store';
import { EventBridgePublisher } from '../../lambdas/adapters/event-publisher';
import { DynamoConversationStore } from '../../lambdas/adapters/conversation-store';
import { DynamoMessageStore } from '../../lambdas/adapters/message-store';
import { DynamoProfileStore } from '../../lambdas/adapters/profile-store';
import { type ConsentProjection } from '../../lambdas/domain/stores/profile';
import { EndUserMessagingGateway } from '../../lambdas/adapters/sms-gateway';
import { type OutboundSms } from '../../lambdas/domain/ports/sms-gateway';
import { systemClock } from '../../lambdas/adapters/system-clock';
import { phonePolicy } from '../../lambdas/handlers/shared/runtime';
import { ConsentChangeNotAppliedError } from '../../lambdas/services/consent-recorder';
import { handleInboundSms, type InboundDeps } from '../../lambdas/services/inbound';
import { subscribe, type SubscriptionDeps } from '../../lambdas/services/subscriptions';
import { formSubscription, KEYWORDS_ONLY } from '../support/fixtures';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';

/** The error DynamoDB and End User Messaging answer to a request that is invalid in itself. */
function validationException(message: string): Error {
  return Object.assign(new Error(message), { name: 'ValidationException' });
}

function throttlingException(): Error {
  return Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
}

/** A profile store whose consent projection fails with `failure()` while it returns an error. */
class FaultyProfileStore extends DynamoProfileStore {
  failure: (() => Error) | undefined;
  override async applyConsent(projection: ConsentProjection) {
    const failure = this.failure?.();
    if (failure) throw failure;
    return super.applyConsent(projection);
  }
}

/** A gateway whose texts to `refuse` fail with a ValidationException. */
class FaultyGateway extends EndUserMessagingGateway {
  refuse = new Set<string>();
  sends = 0;
  override async send(message: OutboundSms) {
    this.sends += 1;
    if (this.refuse.has(message.to)) throw validationException('DestinationPhoneNumber is not valid');
    return super.send(message);
  }
}

describe('consent recorder: what the log says when a step cannot be done', () => {
  let runtime: TestRuntime;
  let profiles: FaultyProfileStore;
  let gateway: FaultyGateway;
  let deps: InboundDeps & SubscriptionDeps;
  const consentLog = () => new DynamoConsentLogStore(runtime.dynamo.tableNames.consentLog);
  let seq = 0;
  const sms = (from: string, body: string) => ({
    originationNumber: from,
    destinationNumber: runtime.originationNumber,
    messageBody: body,
    inboundMessageId: `in-${++seq}`,
    receivedAt: runtime.clock.now().toISOString(),
  });

  beforeAll(async () => {
    runtime = await startTestRuntime({ config: KEYWORDS_ONLY });
    // The stores and settings of the functions, used from the test as the account's operator.
    const tables = runtime.dynamo.tableNames;
    const inbound = runtime.environmentOf('inboundSms');
    profiles = new FaultyProfileStore(tables.profiles);
    gateway = new FaultyGateway({
      originationIdentity: inbound.originationIdentity,
      configurationSetName: inbound.configurationSet,
      optOutListName: inbound.optOutList,
    });
    const config = runtime.config.program;
    deps = {
      clock: systemClock,
      config,
      phonePolicy: phonePolicy(config),
      profiles,
      consentLog: consentLog(),
      messages: new DynamoMessageStore(tables.messages),
      ephemeral: new DynamoEphemeralStore(tables.ephemeral),
      gateway,
      events: new EventBridgePublisher(inbound.eventBus),
      campaigns: new DynamoCampaignStore(tables.campaigns),
      conversations: new DynamoConversationStore(tables.profiles),
    };
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('records a change whose projection always fails as not applied, sends nothing and says so', async () => {
    const phone = '+12065550131';
    profiles.failure = () => validationException('Invalid UpdateExpression: reserved keyword');
    await expect(
      subscribe(deps, formSubscription(phone) as never, { idempotencyKey: 'outcome-test-1' }),
    ).rejects.toBeInstanceOf(ConsentChangeNotAppliedError);

    const log = await consentLog().list(phone);
    expect(log).toHaveLength(2);
    const [change, outcome] = log as [ConsentLogEntry, ConsentOutcome];
    expect(isOutcome(change)).toBe(false);
    expect(outcome).toMatchObject({
      outcome: 'not_applied',
      of: { seq: 1, eventId: change.eventId },
      failed: [{ step: 'projection', reason: 'ValidationException' }],
    });
    expect(changeStatus(readConsentLog(log), change as never, 0)).toBe('not_applied');
    expect(await profiles.get(phone)).toBeUndefined();
    expect(await runtime.outbox(phone)).toEqual([]);

    // The retry of the same request repeats nothing: no second attempt, no second outcome.
    profiles.failure = undefined;
    await expect(
      subscribe(deps, formSubscription(phone) as never, { idempotencyKey: 'outcome-test-1' }),
    ).rejects.toBeInstanceOf(ConsentChangeNotAppliedError);
    expect(await consentLog().list(phone)).toHaveLength(2);
    expect(await profiles.get(phone)).toBeUndefined();
  });

  it('builds the next change on the state before the void one', async () => {
    const phone = '+12065550132';
    profiles.failure = () => validationException('Item size has exceeded the maximum allowed size');
    expect(await handleInboundSms(deps, sms(phone, 'JOIN'))).toMatchObject({
      status: 'not_applied',
      reason: 'ValidationException',
    });
    expect(await runtime.outbox(phone)).toEqual([]);

    profiles.failure = undefined;
    expect(await handleInboundSms(deps, sms(phone, 'JOIN'))).toMatchObject({
      status: 'consent',
      applied: true,
    });
    const log = await consentLog().list(phone);
    const reading = readConsentLog(log);
    expect(log.map((e) => e.seq)).toEqual([1, 2, 3]);
    const third = reading.changes[1]!;
    expect(third).toMatchObject({
      seq: 3,
      action: 'opt_in_requested',
      previous: { marketing: 'never_subscribed' },
    });
    const profile = await profiles.get(phone);
    expect(profile).toMatchObject({ marketing: 'pending', consentVersion: 3 });
    expect(reading.changes.map((c) => changeStatus(reading, c, profile!.consentVersion))).toEqual([
      'not_applied',
      'done',
    ]);
    expect(await runtime.outbox(phone)).toHaveLength(1);
  });

  it('leaves a passing failure to the retry, which finishes the change without an outcome entry', async () => {
    const phone = '+12065550133';
    let failures = 1;
    profiles.failure = () => (failures-- > 0 ? throttlingException() : undefined) as Error;
    const text = sms(phone, 'JOIN');
    await expect(handleInboundSms(deps, text)).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    const before = await consentLog().list(phone);
    expect(before).toHaveLength(1);
    expect(changeStatus(readConsentLog(before), before[0] as never, 0)).toBe('in_progress');

    profiles.failure = undefined;
    expect(await handleInboundSms(deps, text)).toMatchObject({ status: 'consent', replayed: true });
    const log = await consentLog().list(phone);
    expect(log).toHaveLength(1);
    expect(await profiles.get(phone)).toMatchObject({ marketing: 'pending', consentVersion: 1 });
    expect(await runtime.outbox(phone)).toHaveLength(1);
  });

  it('records a reply that can never be sent, still lists the number after STOP, and does not try again', async () => {
    const phone = '+12065550134';
    await handleInboundSms(deps, sms(phone, 'JOIN'));
    await handleInboundSms(deps, sms(phone, 'YES'));
    gateway.refuse.add(phone);
    const stop = sms(phone, 'STOP');
    const outcome = await handleInboundSms(deps, stop);
    expect(outcome).toMatchObject({ status: 'consent', action: 'opted_out', applied: true });

    const log = await consentLog().list(phone);
    const last = log.at(-1) as ConsentOutcome;
    expect(last).toMatchObject({
      outcome: 'effects_incomplete',
      failed: [{ step: 'reply', reason: 'ValidationException' }],
    });
    expect(await profiles.get(phone)).toMatchObject({ marketing: 'unsubscribed' });
    // The opt-out list still has the number: a failed confirmation never blocks the opt-out itself.
    expect(runtime.sms.isOptedOut(phone)).toBe(true);

    // The retry (SNS delivers again) neither texts again nor appends another outcome.
    const sendsBefore = gateway.sends;
    await handleInboundSms(deps, stop);
    expect(gateway.sends).toBe(sendsBefore);
    expect(await consentLog().list(phone)).toHaveLength(log.length);
    const reading = readConsentLog(await consentLog().list(phone));
    const stopChange = reading.changes.at(-1)!;
    expect(changeStatus(reading, stopChange, (await profiles.get(phone))!.consentVersion)).toBe(
      'effects_incomplete',
    );
    gateway.refuse.delete(phone);
  });
});
