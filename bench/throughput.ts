/**
 * Throughput against the physical limit, and the same campaign under faults.
 *
 * Throughput: N eligible subscribers, a campaign to all of them, the number accepting `mps` messages
 * per second (OPTLINE_MPS). The clock is moved past sendAt; the stopwatch runs from that moment (the
 * schedule fires on the scheduler's next 100 ms tick) until every recipient is in the outbox. The
 * ideal is N / mps seconds; ratio = measured / ideal.
 *
 * Faults: the same campaign with 5% ThrottlingException, 1% InternalServerException, one sender
 * invocation killed part-way through its batch a third of the way in (at its 200th AWS request: what
 * it had sent stays sent, what it had claimed but not sent waits on the queue once the batch comes
 * back, and goes when its claim has been unconfirmed for 15 minutes: the clock is moved), one that
 * fails after its handler finished two thirds of the way in (texts sent, SQS batch not acknowledged,
 * so SQS redelivers it), opted-out, paused and carrier-listed numbers among the subscribers and a few
 * STOPs while the campaign runs.
 */
import { performance } from 'node:perf_hooks';
import { PinpointSMSVoiceV2Client, PutOptedOutNumberCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { CLAIM_CONFIRMATION_SECONDS } from '../lambdas/domain/messages';
import { claimedNotSent } from '../test/support/message-records';
import { phoneNumbers, seedProfile, seedProfiles, type SeedKind } from '../test/support/seed';
import { createCampaign, START, startBenchRuntime, until, type BenchRuntime } from './runtime';

const QUEUE = 'optline-local-campaignSends';
const DLQ = `${QUEUE}-dlq`;
/** The killed sender invocation dies as it starts this AWS request (mid-batch at 1,000 MPS). */
const KILL_AT_REQUEST = 200;
const NO_WELCOME = { flows: { welcome: { enabled: false } } };

export interface ThroughputResult {
  readonly recipients: number;
  readonly mps: number;
  /** Injected share of throttled sends (0: only the number's MPS throttles). */
  readonly throttleRate: number;
  /** Wall seconds from the clock move to the last recipient in the outbox. */
  readonly seconds: number;
  readonly idealSeconds: number;
  readonly ratio: number;
  readonly duplicates: number;
  readonly lost: number;
  /** Until the first text (schedule tick, dispatcher's first 500, sender's links and profile reads). */
  readonly firstTextSeconds: number;
  /** Sends per second between the first and the last text. */
  readonly steadyRate: number;
  readonly dispatcherSeconds: number;
  /** Share of the wall time this process spent on the CPU (1 = one core busy all the time). */
  readonly cpuShare: number;
  /** Event loop utilisation of this process (1 = never idle). */
  readonly eventLoopUtilization: number;
  /** CPU time of all the process's threads (handlers, emulators, dynalite) per text, milliseconds. */
  readonly cpuMsPerText: number;
  /** Busy time of the main thread (handlers and emulators) per text, milliseconds. */
  readonly mainThreadMsPerText: number;
  readonly senderInvocations: number;
  readonly throttled: number;
  readonly seedSeconds: number;
}

export async function runThroughput(options: {
  recipients: number;
  mps: number;
  /** Share of sends End User Messaging answers with ThrottlingException (injected; default 0). */
  throttleRate?: number;
}): Promise<ThroughputResult> {
  const { recipients, mps } = options;
  const runtime = await startBenchRuntime({ messagesPerSecond: mps, config: NO_WELCOME });
  try {
    runtime.smsFaults.throttleRate = options.throttleRate ?? 0;
    const phones = phoneNumbers('206', recipients);
    const seedStarted = Date.now();
    await seedProfiles(
      runtime,
      phones.map((phone) => seedProfile(phone, 'eligible', START)),
    );
    const seedSeconds = (Date.now() - seedStarted) / 1000;
    const campaignId = await createCampaign(runtime);
    const texts = () => runtime.sms.outbox.filter((m) => m.context.campaignId === campaignId);

    const cpu = process.cpuUsage();
    const elu = performance.eventLoopUtilization();
    const started = Date.now();
    let firstAt = 0;
    runtime.clock.advance(11 * 60_000);
    const idealSeconds = recipients / mps;
    // Every recipient texted, or (if some are lost) nothing left to do.
    await Promise.race([
      until(
        () => {
          const sent = runtime.sms.outbox.length;
          if (sent > 0 && firstAt === 0) firstAt = Date.now();
          return sent >= recipients;
        },
        Math.max(600_000, idealSeconds * 20_000),
        `${recipients} texts`,
      ),
      runtime.settle(),
    ]);
    const finished = Date.now();
    const seconds = (finished - started) / 1000;
    const used = process.cpuUsage(cpu);
    const loop = performance.eventLoopUtilization(elu);
    await runtime.settle();

    const counts = countTexts(texts().map((m) => m.to));
    const firstTextSeconds = (firstAt - started) / 1000;
    return {
      recipients,
      mps,
      throttleRate: options.throttleRate ?? 0,
      seconds,
      idealSeconds,
      ratio: seconds / idealSeconds,
      duplicates: counts.duplicates,
      lost: phones.filter((phone) => !counts.byPhone.has(phone)).length,
      firstTextSeconds,
      steadyRate: (recipients - 1) / Math.max(0.001, (finished - firstAt) / 1000),
      dispatcherSeconds: (runtime.lambdas.stats.get('campaignDispatcher')?.durationMs ?? 0) / 1000,
      cpuShare: (used.user + used.system) / 1e6 / seconds,
      eventLoopUtilization: loop.utilization,
      cpuMsPerText: (used.user + used.system) / 1000 / recipients,
      mainThreadMsPerText: loop.active / recipients,
      senderInvocations: runtime.lambdas.stats.get('campaignSender')?.invocations ?? 0,
      throttled: runtime.sms.refusals.get('ThrottlingException') ?? 0,
      seedSeconds,
    };
  } finally {
    await runtime.stop();
  }
}

export interface FaultResult {
  readonly recipients: number;
  readonly mps: number;
  readonly seconds: number;
  /** Subscribers who should get the text: eligible, not on the carrier's list, no STOP before it. */
  readonly eligible: number;
  readonly textedExactlyOnce: number;
  readonly duplicates: number;
  readonly lost: number;
  /** Texts the killed invocation claimed and never sent, found when the rest were done. */
  readonly claimedByKill: number;
  /** …sent once their claims had gone unconfirmed for CLAIM_CONFIRMATION_SECONDS (virtual time). */
  readonly sentAfterWindow: number;
  /** Lost texts still claimed by the killed invocation at the end. */
  readonly lostInKill: number;
  /** Campaign texts to numbers opted out (profile, carrier list, or a STOP that had been processed). */
  readonly textsToOptedOut: number;
  readonly textsToPaused: number;
  /** STOPs sent while the campaign ran. */
  readonly stopsDuringRun: number;
  /** Campaign texts to a STOP sender while the STOP was being processed (before the number was listed). */
  readonly textsRacingStop: number;
  /** …of which after the opt-out was already on the profile (its confirmation had gone out). */
  readonly textsAfterOptOutRecorded: number;
  readonly dlq: number;
  readonly movedToDlq: number;
  readonly throttled: number;
  readonly serverErrors: number;
  /** Sender invocations that failed: the crash after a finished handler and the kill. */
  readonly crashedInvocations: number;
  /** Sender invocations killed part-way (1 when the kill landed inside a batch). */
  readonly killedInvocations: number;
  readonly senderInvocations: number;
  readonly counters: Record<string, unknown>;
  /** Campaign texts in the outbox (the campaign's `sent` counter should say the same). */
  readonly campaignTexts: number;
}

export async function runFaults(options: { recipients: number; mps: number }): Promise<FaultResult> {
  const { recipients, mps } = options;
  const runtime = await startBenchRuntime({ messagesPerSecond: mps, config: NO_WELCOME });
  try {
    const share = (rate: number) => Math.max(5, Math.round(recipients * rate));
    const mix: [SeedKind | 'carrier_listed', number][] = [
      ['eligible', recipients],
      ['opted_out', share(0.02)],
      ['paused', share(0.02)],
      ['carrier_listed', share(0.005)],
    ];
    const kinds = await seedMix(runtime, mix, (kind) => (kind === 'carrier_listed' ? 'eligible' : kind));
    await putOnCarrierList(
      runtime,
      [...kinds].filter(([, k]) => k === 'carrier_listed').map(([p]) => p),
    );
    const campaignId = await createCampaign(runtime, { excludePausedProperty: 'Paused-BFCM2025' });
    const texts = () => runtime.sms.outbox.filter((m) => m.context.campaignId === campaignId);

    runtime.smsFaults.throttleRate = 0.05;
    runtime.smsFaults.serverErrorRate = 0.01;
    const eligiblePhones = [...kinds].filter(([, k]) => k === 'eligible').map(([p]) => p);
    const started = Date.now();
    runtime.clock.advance(11 * 60_000);

    // A third of the way in: the next sender invocation is killed part-way through its batch, and 20
    // STOPs from subscribers who have not been texted yet.
    await until(() => runtime.sms.outbox.length >= recipients / 3, 600_000, 'a third of the texts');
    runtime.lambdas.killDuringNext('campaignSender', KILL_AT_REQUEST);
    const textedSoFar = new Set(texts().map((m) => m.to));
    const stoppers = eligiblePhones.filter((p) => !textedSoFar.has(p)).slice(-20);
    const stops = new Map<string, { from: number; to: number }>();
    await Promise.all(
      stoppers.map(async (phone) => {
        const from = runtime.sms.outbox.length;
        await runtime.text(phone, 'STOP');
        stops.set(phone, { from, to: runtime.sms.outbox.length });
      }),
    );
    // Two thirds of the way in (after the kill, so that each fault hits its own invocation): the next
    // sender invocation fails after its handler finished.
    await until(() => runtime.lambdas.killed.get('campaignSender') === 1, 600_000, 'the kill');
    await until(() => runtime.sms.outbox.length >= (recipients * 2) / 3, 600_000, 'two thirds of the texts');
    runtime.lambdas.crashAfterNext('campaignSender');
    const everyone = () =>
      countTexts(texts().map((m) => m.to)).byPhone.size >= eligiblePhones.length - stoppers.length;
    const queue = () => runtime.sqs.depth(QUEUE);
    // Done, or only the texts the killed invocation claimed and never sent are left, held on the queue
    // until their claims have gone unconfirmed for CLAIM_CONFIRMATION_SECONDS.
    await until(
      () => everyone() || (queue().visible === 0 && queue().notVisible === 0 && queue().delayed > 0),
      600_000,
      'every eligible recipient texted, or the rest held',
      50,
    );
    const seconds = (Date.now() - started) / 1000;
    const claimed = await claimedNotSent(runtime, campaignId);
    const textedBeforeWindow = new Set(texts().map((m) => m.to));
    runtime.clock.advance(CLAIM_CONFIRMATION_SECONDS * 1000);
    await Promise.race([until(everyone, 600_000, 'the held texts sent', 50), runtime.settle()]);
    // A claim found while another invocation was sending it waits one more window (then finds it sent).
    runtime.clock.advance(CLAIM_CONFIRMATION_SECONDS * 1000);
    await runtime.settle();

    const all = runtime.sms.outbox;
    let textsToOptedOut = 0;
    let textsToPaused = 0;
    let textsRacingStop = 0;
    let textsAfterOptOutRecorded = 0;
    all.forEach((message, index) => {
      if (message.context.campaignId !== campaignId) return;
      const kind = kinds.get(message.to);
      if (kind === 'opted_out' || kind === 'carrier_listed') textsToOptedOut += 1;
      if (kind === 'paused') textsToPaused += 1;
      const stop = stops.get(message.to);
      if (stop && index >= stop.to) textsToOptedOut += 1;
      else if (stop && index >= stop.from) {
        textsRacingStop += 1;
        // The STOP confirmation is sent once the opt-out is on the profile, before the listing.
        const confirmation = all.findIndex(
          (m, i) => i >= stop.from && m.to === message.to && m.context.campaignId === undefined,
        );
        if (confirmation >= 0 && confirmation < index) textsAfterOptOutRecorded += 1;
      }
    });
    const counts = countTexts(texts().map((m) => m.to));
    const expected = eligiblePhones.filter((p) => !stops.has(p));
    const textedExactlyOnce = expected.filter((p) => counts.byPhone.get(p) === 1).length;
    const lost = expected.filter((p) => !counts.byPhone.has(p));
    const stillClaimed = await claimedNotSent(runtime, campaignId);
    const campaign = await runtime.call<{ counters: Record<string, unknown> }>(
      'GET',
      `/v1/campaigns/${campaignId}`,
    );
    const sender = runtime.lambdas.stats.get('campaignSender');
    return {
      recipients,
      mps,
      seconds,
      eligible: expected.length,
      textedExactlyOnce,
      duplicates: counts.duplicates,
      lost: lost.length,
      claimedByKill: claimed.size,
      sentAfterWindow: [...claimed].filter((p) => !textedBeforeWindow.has(p) && counts.byPhone.get(p) === 1)
        .length,
      lostInKill: lost.filter((p) => stillClaimed.has(p)).length,
      textsToOptedOut,
      textsToPaused,
      stopsDuringRun: stops.size,
      textsRacingStop,
      textsAfterOptOutRecorded,
      dlq: runtime.sqs.depth(DLQ).visible,
      movedToDlq: [...runtime.sqs.movedToDlq.values()].reduce((a, b) => a + b, 0),
      throttled: runtime.sms.refusals.get('ThrottlingException') ?? 0,
      serverErrors: runtime.sms.refusals.get('InternalServerException') ?? 0,
      crashedInvocations: sender?.errors ?? 0,
      killedInvocations: runtime.lambdas.killed.get('campaignSender') ?? 0,
      senderInvocations: sender?.invocations ?? 0,
      counters: campaign.body.counters,
      campaignTexts: texts().length,
    };
  } finally {
    await runtime.stop();
  }
}

/** Seeds `count` subscribers of each kind (consecutive 206 numbers); returns each number's kind. */
async function seedMix<K extends string>(
  runtime: BenchRuntime,
  mix: readonly (readonly [K, number])[],
  seedAs: (kind: K) => SeedKind,
): Promise<Map<string, K>> {
  const kinds = new Map<string, K>();
  const profiles: object[] = [];
  let offset = 0;
  for (const [kind, count] of mix) {
    for (const phone of phoneNumbers('206', count, offset)) {
      kinds.set(phone, kind);
      profiles.push(seedProfile(phone, seedAs(kind), START));
    }
    offset += count;
  }
  await seedProfiles(runtime, profiles);
  return kinds;
}

function countTexts(phones: readonly string[]) {
  const byPhone = new Map<string, number>();
  for (const phone of phones) byPhone.set(phone, (byPhone.get(phone) ?? 0) + 1);
  let duplicates = 0;
  for (const count of byPhone.values()) duplicates += count - 1;
  return { byPhone, duplicates };
}

/** Numbers that opted out at the carrier (on End User Messaging's list) while their profile says subscribed. */
async function putOnCarrierList(runtime: BenchRuntime, phones: readonly string[]): Promise<void> {
  const client = new PinpointSMSVoiceV2Client({
    endpoint: runtime.aws.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  for (const phone of phones) {
    await client.send(
      new PutOptedOutNumberCommand({
        OptOutListName: runtime.environmentOf('inboundSms').optOutList,
        OptedOutNumber: phone,
      }),
    );
  }
  client.destroy();
}

export interface AcceptanceResult {
  readonly subscribers: number;
  readonly mps: number;
  readonly throttleRate: number;
  /** Subscribers the campaign should text (not opted out, paused, in the error segment or recently texted). */
  readonly eligible: number;
  readonly textedExactlyOnce: number;
  readonly duplicates: number;
  readonly lost: number;
  /** Texts to subscribers who should not get one. */
  readonly textsToExcluded: number;
  /** Wall seconds from the clock move to the last eligible subscriber texted. */
  readonly seconds: number;
  /** eligible / mps. */
  readonly idealSeconds: number;
  readonly ratio: number;
  readonly throttled: number;
  /** The campaign's `sent` counter equals the campaign's texts in the outbox. */
  readonly countersMatchOutbox: boolean;
  readonly counters: Record<string, unknown>;
  /** Ratios of every run when the bench ran the case more than once (this result is the median). */
  readonly runRatios?: readonly number[];
}

/**
 * The campaigns' own acceptance check: `subscribers` generated subscribers of whom 2.5% each are
 * opted out, paused (the campaign's `excludePausedProperty`), in the error segment or recently
 * texted (smart sending), a campaign to all of them, End User Messaging throttling `throttleRate` of
 * the sends, the number at `mps`. Exactly the eligible ones texted once; ratio = seconds / (eligible / mps).
 */
export async function runAcceptance(options: {
  subscribers: number;
  mps: number;
  throttleRate: number;
}): Promise<AcceptanceResult> {
  const { subscribers, mps, throttleRate } = options;
  const runtime = await startBenchRuntime({ messagesPerSecond: mps, config: NO_WELCOME });
  try {
    const excludedEach = Math.round(subscribers * 0.025);
    const mix: [SeedKind, number][] = [
      ['eligible', subscribers - 4 * excludedEach],
      ['opted_out', excludedEach],
      ['paused', excludedEach],
      ['error_segment', excludedEach],
      ['recently_texted', excludedEach],
    ];
    const kinds = await seedMix(runtime, mix, (kind) => kind);
    const campaignId = await createCampaign(runtime, { excludePausedProperty: 'Paused-BFCM2025' });
    const texts = () => runtime.sms.outbox.filter((m) => m.context.campaignId === campaignId);
    const eligible = [...kinds].filter(([, kind]) => kind === 'eligible').map(([phone]) => phone);

    // Counted as the outbox grows (the check runs every 5 ms: it must not take the CPU it measures).
    const eligibleSet = new Set(eligible);
    const textedEligible = new Set<string>();
    let read = 0;
    const everyEligibleTexted = () => {
      for (const outbox = runtime.sms.outbox; read < outbox.length; read++) {
        const text = outbox[read]!;
        if (text.context.campaignId === campaignId && eligibleSet.has(text.to)) textedEligible.add(text.to);
      }
      return textedEligible.size >= eligible.length;
    };

    runtime.smsFaults.throttleRate = throttleRate;
    const started = Date.now();
    runtime.clock.advance(11 * 60_000);
    await Promise.race([
      until(everyEligibleTexted, 600_000, 'every eligible subscriber texted'),
      runtime.settle(),
    ]);
    const seconds = (Date.now() - started) / 1000;
    await runtime.settle();

    const counts = countTexts(texts().map((m) => m.to));
    const campaign = await runtime.call<{ counters: Record<string, unknown> }>(
      'GET',
      `/v1/campaigns/${campaignId}`,
    );
    const idealSeconds = eligible.length / mps;
    return {
      subscribers,
      mps,
      throttleRate,
      eligible: eligible.length,
      textedExactlyOnce: eligible.filter((phone) => counts.byPhone.get(phone) === 1).length,
      duplicates: counts.duplicates,
      lost: eligible.filter((phone) => !counts.byPhone.has(phone)).length,
      textsToExcluded: texts().filter((m) => kinds.get(m.to) !== 'eligible').length,
      seconds,
      idealSeconds,
      ratio: seconds / idealSeconds,
      throttled: runtime.sms.refusals.get('ThrottlingException') ?? 0,
      countersMatchOutbox: campaign.body.counters.sent === texts().length,
      counters: campaign.body.counters,
    };
  } finally {
    await runtime.stop();
  }
}
