/**
 * The local runtime as the benchmark uses it: `startLocalRuntime` in this process, handlers at log
 * level ERROR, the TTL sweeper stopped (its Scans would be counted as DynamoDB requests), and a few
 * HTTP helpers. Subscribers are seeded with the campaign tests' helper (test/support/seed.ts).
 */
import { resolve } from 'node:path';
import { parseDeploymentConfig, type DeploymentConfig } from '../lib/config';
import { loadLocalConfig } from '../local/load-config';
import { startLocalRuntime, type LocalRuntime } from '../local/runtime';

export const ROOT = resolve(__dirname, '..');
/** 15:00 in Seattle (+1206…): inside the quiet-hours window, as in the campaign tests. */
export const START = new Date('2026-11-10T23:00:00Z');

export interface BenchRuntime extends LocalRuntime {
  call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  /** A subscriber texts the platform; resolves once the inbound handler has finished. */
  text(from: string, body: string): Promise<void>;
}

export async function startBenchRuntime(options: {
  messagesPerSecond: number;
  config?: Record<string, unknown>;
  clockStart?: Date;
}): Promise<BenchRuntime> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const base = loadLocalConfig(ROOT);
  const config: DeploymentConfig = parseDeploymentConfig({
    ...base.program,
    origination: base.origination,
    stage: base.stage,
    ...options.config,
  });
  const runtime = await startLocalRuntime({
    config,
    port: 0,
    root: ROOT,
    clockStart: options.clockStart ?? START,
    messagesPerSecond: options.messagesPerSecond,
    logLevel: 'ERROR',
  });
  await runtime.sweeper.stop();
  const call = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${runtime.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  };
  return Object.assign(runtime, {
    call,
    text: async (from: string, body: string) => {
      await runtime.sms.receive({ from, body });
    },
  });
}

/** Creates a campaign to every subscriber, due 10 minutes after START (the clock must not have moved). */
export async function createCampaign(
  runtime: BenchRuntime,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const response = await runtime.call<{ campaignId: string }>('POST', '/v1/campaigns', {
    name: 'Benchmark',
    body: 'Our Holiday Blend is here, {{ first_name | default: "friend" }}! Shop: https://acme-coffee.example/holiday',
    segment: { all: true },
    sendAt: new Date(runtime.clock.now().getTime() + 10 * 60_000).toISOString(),
    ...extra,
  });
  if (response.status !== 201) throw new Error(`campaign not created: ${JSON.stringify(response.body)}`);
  return response.body.campaignId;
}

/** Resolves when `check` is true, polling every `everyMs` (cheap: the runtime shares this thread). */
export function until(check: () => boolean, timeoutMs: number, what: string, everyMs = 5): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const deadline = Date.now() + timeoutMs;
    const timer = setInterval(() => {
      if (check()) {
        clearInterval(timer);
        resolvePromise();
      } else if (Date.now() > deadline) {
        clearInterval(timer);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }
    }, everyMs);
  });
}
