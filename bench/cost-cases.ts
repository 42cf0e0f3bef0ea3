/**
 * The request counts behind the cost model, each from a fresh local runtime with the DynamoDB meter
 * on: a campaign, a welcome series, an abandoned-cart flow, and the inbound keywords one by one.
 */
import { phoneNumbers, seedProfile, seedProfiles } from '../test/support/seed';
import { createCampaign, START, startBenchRuntime, until, type BenchRuntime } from './runtime';
import { difference, snapshot, total, type Usage } from './usage';

const HOUR = 3_600_000;
const NO_WELCOME = { flows: { welcome: { enabled: false } } };

export interface CaseUsage {
  readonly usage: Usage;
  /** What the usage is for (texts sent, series, carts, inbound texts). */
  readonly units: number;
  readonly unitName: string;
}

/** A campaign from creation (the estimate reads every subscriber) to the last delivery report. */
export async function runCampaignCost(options: { recipients: number; mps: number }): Promise<CaseUsage> {
  const runtime = await startBenchRuntime({ messagesPerSecond: options.mps, config: NO_WELCOME });
  try {
    await seedProfiles(
      runtime,
      phoneNumbers('206', options.recipients).map((phone) => seedProfile(phone, 'eligible', START)),
    );
    await runtime.dynamo.meter.setEnabled(true);
    const before = await snapshot(runtime);
    const campaignId = await createCampaign(runtime);
    runtime.clock.advance(11 * 60_000);
    await until(() => runtime.scheduler.invocations > 0, 10_000, 'the schedule to fire');
    await runtime.settle();
    const usage = difference(await snapshot(runtime), before);
    const sent = runtime.sms.outbox.filter((m) => m.context.campaignId === campaignId).length;
    return { usage, units: sent, unitName: 'campaign texts' };
  } finally {
    await runtime.stop();
  }
}

/** Welcome series: JOIN, YES, step 1 at once, step 2 after 24 hours (default config). */
export async function runWelcomeCost(options: { subscribers: number }): Promise<CaseUsage> {
  const runtime = await startBenchRuntime({ messagesPerSecond: 100 });
  try {
    await runtime.dynamo.meter.setEnabled(true);
    const before = await snapshot(runtime);
    const phones = phoneNumbers('206', options.subscribers, 7000);
    for (const phone of phones) {
      await runtime.text(phone, 'JOIN');
      await runtime.text(phone, 'YES');
    }
    const welcome = () =>
      [...runtime.stepFunctions.executions.values()].filter((e) => e.name.startsWith('welcome-'));
    await until(
      () => welcome().length === phones.length && welcome().every((e) => e.waitingUntil !== undefined),
      30_000,
      'welcome flows waiting',
    );
    runtime.clock.advance(24 * HOUR + 60_000);
    await until(() => welcome().every((e) => e.status !== 'RUNNING'), 30_000, 'welcome flows finished');
    await runtime.settle();
    return {
      usage: difference(await snapshot(runtime), before),
      units: phones.length,
      unitName: 'welcome series',
    };
  } finally {
    await runtime.stop();
  }
}

/** Abandoned cart: a subscriber not texted for a day, CartAbandoned, the text an hour later. */
export async function runCartCost(options: { carts: number }): Promise<CaseUsage> {
  const runtime = await startBenchRuntime({ messagesPerSecond: 100, config: NO_WELCOME });
  try {
    const phones = phoneNumbers('206', options.carts, 8000);
    await seedProfiles(
      runtime,
      phones.map((phone) => seedProfile(phone, 'eligible', START)),
    );
    await runtime.dynamo.meter.setEnabled(true);
    const before = await snapshot(runtime);
    for (const [i, phone] of phones.entries()) {
      const response = await runtime.call('POST', '/v1/events', {
        type: 'CartAbandoned',
        phone,
        cartId: `c-${i}`,
        cartUrl: `https://acme-coffee.example/cart/c-${i}`,
        items: [{ productId: 'beans-1', name: 'House Blend', quantity: 2, price: 14.5 }],
        total: 29,
        abandonedAt: runtime.clock.now().toISOString(),
      });
      if (response.status !== 202) throw new Error(`CartAbandoned refused: ${JSON.stringify(response.body)}`);
    }
    const carts = () =>
      [...runtime.stepFunctions.executions.values()].filter((e) => e.name.startsWith('abandonedCart-'));
    await until(
      () => carts().length === phones.length && carts().every((e) => e.waitingUntil !== undefined),
      30_000,
      'cart flows waiting',
    );
    runtime.clock.advance(HOUR + 60_000);
    await until(() => carts().every((e) => e.status !== 'RUNNING'), 30_000, 'cart flows finished');
    await runtime.settle();
    const texts = runtime.sms.outbox.filter((m) => phones.includes(m.to)).length;
    if (texts !== phones.length) throw new Error(`expected ${phones.length} cart texts, got ${texts}`);
    return { usage: difference(await snapshot(runtime), before), units: phones.length, unitName: 'carts' };
  } finally {
    await runtime.stop();
  }
}

export interface InboundUsage {
  readonly keyword: string;
  readonly samples: number;
  /** The inbound handler's own requests (from the text until its invocation returned). */
  readonly handler: Usage;
  /** Everything the text caused: delivery reports of the replies, events, flows. */
  readonly total: Usage;
  /**
   * False when a delivery report or a flow step ran while the handler did (its requests would be
   * mixed in). The flow starter may run inside the handler's PutEvents; it touches no table.
   */
  readonly clean: boolean;
}

/** Inbound JOIN, YES, HELP and STOP from `perKeyword` numbers, measured one text at a time. */
export async function runInboundCost(options: { perKeyword: number }): Promise<InboundUsage[]> {
  const runtime = await startBenchRuntime({ messagesPerSecond: 100, config: NO_WELCOME });
  try {
    await runtime.dynamo.meter.setEnabled(true);
    const keywords = ['JOIN', 'YES', 'HELP', 'STOP'];
    const sums = new Map<string, { handler: Usage[]; total: Usage[]; clean: boolean }>();
    for (const phone of phoneNumbers('206', options.perKeyword, 9000)) {
      for (const keyword of keywords) {
        const { handler, total, clean } = await measureInbound(runtime, phone, keyword);
        const entry = sums.get(keyword) ?? { handler: [], total: [], clean: true };
        entry.handler.push(handler);
        entry.total.push(total);
        entry.clean &&= clean;
        sums.set(keyword, entry);
      }
    }
    return keywords.map((keyword) => {
      const entry = sums.get(keyword) ?? { handler: [], total: [], clean: false };
      return {
        keyword,
        samples: entry.handler.length,
        handler: total(entry.handler),
        total: total(entry.total),
        clean: entry.clean,
      };
    });
  } finally {
    await runtime.stop();
  }
}

async function measureInbound(runtime: BenchRuntime, phone: string, keyword: string) {
  await runtime.settle();
  const before = await snapshot(runtime);
  await runtime.text(phone, keyword);
  const afterHandler = await snapshot(runtime);
  await runtime.settle();
  const after = await snapshot(runtime);
  const handler = difference(afterHandler, before);
  const clean = Object.keys(handler.lambda).every((id) => id === 'inboundSms' || id === 'flowStarter');
  return { handler, total: difference(after, before), clean };
}
