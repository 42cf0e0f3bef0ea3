/**
 * Starts the real local runtime on a free port for a test file, with helpers to call it. One runtime
 * per process at a time: handlers read their settings from process.env, as they do in Lambda.
 */
import { parseDeploymentConfig, type DeploymentConfig } from '../../lib/config';
import type { LocalApiAuth } from '../../local/api-gateway';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime';
import type { CfnTemplate } from '../../local/iam/policies';
import { loadLocalConfig } from '../../local/load-config';
import { ROOT } from './root';

export { ROOT };

export interface TestRuntime extends LocalRuntime {
  get<T = Record<string, unknown>>(path: string): Promise<{ status: number; body: T }>;
  post<T = Record<string, unknown>>(path: string, body: unknown): Promise<{ status: number; body: T }>;
  /** Texts the platform from `from` and returns the replies it sent back. */
  text(from: string, body: string): Promise<{ body: string; messageType: string }[]>;
  outbox(phone: string): Promise<{ body: string; from: string; messageType: string; at: string }[]>;
}

export async function startTestRuntime(
  options: {
    config?: Record<string, unknown>;
    clockStart?: Date;
    timeScale?: number;
    messagesPerSecond?: number;
    logLevel?: string;
    /** The template whose policies the local endpoints enforce (default: the stack's, cached). */
    template?: CfnTemplate;
    auth?: LocalApiAuth;
    /** Values of the webhooks' secrets by secret name. */
    webhookSecrets?: Readonly<Record<string, string>>;
  } = {},
): Promise<TestRuntime> {
  const base = loadLocalConfig(ROOT);
  const config: DeploymentConfig = options.config
    ? parseDeploymentConfig({ ...baseRaw(base), ...options.config })
    : base;
  const runtime = await startLocalRuntime({
    config,
    port: 0,
    root: ROOT,
    clockStart: options.clockStart,
    timeScale: options.timeScale,
    messagesPerSecond: options.messagesPerSecond ?? 1000,
    logLevel: options.logLevel ?? 'ERROR',
    ...(options.template ? { template: options.template } : {}),
    synthesizeInProcess: true,
    ...(options.auth ? { auth: options.auth } : {}),
    ...(options.webhookSecrets ? { webhookSecrets: options.webhookSecrets } : {}),
  });
  const call = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${runtime.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  };
  return Object.assign(runtime, {
    get: <T = Record<string, unknown>>(path: string) => call<T>('GET', path),
    post: <T = Record<string, unknown>>(path: string, body: unknown) => call<T>('POST', path, body),
    text: async (from: string, body: string) => {
      const result = await call<{ replies: { body: string; messageType: string }[] }>(
        'POST',
        '/_local/inbound',
        { from, body },
      );
      if (result.status !== 200) throw new Error(`inbound failed: ${JSON.stringify(result.body)}`);
      return result.body.replies;
    },
    outbox: async (phone: string) => {
      const result = await call<{
        messages: { body: string; from: string; messageType: string; at: string }[];
      }>('GET', `/_local/outbox?phone=${encodeURIComponent(phone)}`);
      return result.body.messages;
    },
  });
}

/** The config as a user would write it (program keys at the top level). */
function baseRaw(config: DeploymentConfig): Record<string, unknown> {
  return { ...config.program, origination: config.origination, stage: config.stage };
}

/** Polls until `check` returns a truthy value (or throws after `timeoutMs`). */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Subscribes a number by keyword (JOIN, YES): double opt-in confirmed. */
export async function subscribeByKeyword(runtime: TestRuntime, phone: string): Promise<void> {
  await runtime.text(phone, 'JOIN');
  await runtime.text(phone, 'YES');
}
