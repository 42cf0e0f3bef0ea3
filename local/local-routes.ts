/**
 * The local-only endpoints under `/_local/` (health, aws, inbound, outbox, conversation, profile,
 * phone, events, executions, clock, faults, settle, agent, webhooks). They are stable: tests and the
 * phone simulator depend on them, and docs/local-runtime.md#local-endpoints documents each
 * (test/docs/facts.test.ts checks it names them).
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import type { DeploymentConfig } from '../lib/config';
import { toProfileView, type Profile } from '../lambdas/domain/profile';
import { subscriptionStatus } from '../lambdas/domain/subscription-status';
import { OptlineApiError, type OptlineClient } from '../client';
import type { EventBridgeEmulator } from './aws/eventbridge';
import type { SchedulerEmulator } from './aws/scheduler';
import { FAULT_NAMES, type Faults } from './aws/fault-injection';
import type { SmsVoiceEmulator } from './aws/sms-voice';
import type { ExecutionRecord, Json, StepFunctionsEmulator } from './aws/stepfunctions';
import type { SettleOptions, SettleResult } from './settle';
import type { VirtualClock } from './virtual-clock';
import type { LocalWebhooks } from './webhooks';

export interface LocalRouteDeps {
  readonly config: DeploymentConfig;
  readonly clock: VirtualClock;
  readonly sms: SmsVoiceEmulator;
  readonly smsFaults: Faults;
  readonly bus: EventBridgeEmulator;
  readonly stepFunctions: StepFunctionsEmulator;
  readonly scheduler: SchedulerEmulator;
  readonly originationNumber: string;
  readonly root: string;
  readonly webhooks: LocalWebhooks;
  /** The local AWS endpoint and its Region, for commands that call AWS themselves. */
  readonly aws: {
    readonly endpointUrl: string;
    /** The local S3 (path-style addressing). */
    readonly s3EndpointUrl: string;
    readonly region: string;
    readonly optOutList: string;
  };
  /** The API, signed as the local operator: the agent pane's calls, whatever OPTLINE_LOCAL_AUTH says. */
  api(): OptlineClient;
  readProfile(phone: string): Promise<Profile | undefined>;
  settle(options?: SettleOptions): Promise<SettleResult>;
}

/** `POST /_local/settle` waits this long unless `timeoutSeconds` says otherwise, and at most the maximum. */
export const SETTLE_TIMEOUT_SECONDS = { default: 30, max: 600 } as const;

const E164 = /^\+[1-9]\d{6,14}$/;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function badRequest(res: ServerResponse, field: string, message: string): void {
  json(res, 400, { error: { code: 'validation_failed', message: `${field}: ${message}`, field } });
}

function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(body || '{}') as unknown;
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The API's answer, or its error with its status (the page shows the message). */
async function apiAnswer(res: ServerResponse, call: () => Promise<unknown>): Promise<void> {
  try {
    json(res, 200, await call());
  } catch (error) {
    if (!(error instanceof OptlineApiError)) throw error;
    json(res, error.status, { error: { code: error.code, message: error.message, field: error.field } });
  }
}

export function localRoutes(deps: LocalRouteDeps) {
  const phonePage = readFileSync(resolve(deps.root, 'local/public/phone.html'), 'utf8');

  return async (req: IncomingMessage, res: ServerResponse, url: URL, body: string): Promise<void> => {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /_local/health':
        return json(res, 200, {
          ok: true,
          brand: deps.config.program.brand,
          number: deps.originationNumber,
          now: deps.clock.now().toISOString(),
          timeScale: deps.clock.scale,
        });
      case 'GET /_local/aws':
        return json(res, 200, deps.aws);
      case 'GET /_local/phone':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(phonePage);
        return;
      case 'POST /_local/inbound': {
        const input = parseJson(body);
        if (!input) return badRequest(res, 'body', 'must be a JSON object');
        const { from, body: text, to } = input;
        if (typeof from !== 'string' || !E164.test(from))
          return badRequest(res, 'from', 'must be an E.164 number such as +12065550123');
        if (typeof text !== 'string' || text.length === 0 || text.length > 1600) {
          return badRequest(res, 'body', 'must be a text of 1 to 1600 characters');
        }
        if (to !== undefined && (typeof to !== 'string' || !E164.test(to)))
          return badRequest(res, 'to', 'must be an E.164 number');
        const before = deps.sms.outbox.length;
        try {
          const message = await deps.sms.receive({ from, body: text, ...(to ? { to } : {}) });
          const replies = deps.sms.outbox.slice(before).filter((m) => m.to === from);
          return json(res, 200, {
            inboundMessageId: message.inboundMessageId,
            at: message.at,
            replies: replies.map(view),
          });
        } catch (error) {
          return json(res, 500, { error: { code: 'inbound_failed', message: (error as Error).message } });
        }
      }
      case 'GET /_local/outbox': {
        const phone = url.searchParams.get('phone');
        if (phone === null || !E164.test(phone))
          return badRequest(res, 'phone', 'must be an E.164 number such as +12065550123');
        return json(res, 200, { phone, messages: deps.sms.messagesTo(phone).map(view) });
      }
      case 'GET /_local/conversation': {
        const phone = url.searchParams.get('phone');
        if (phone === null || !E164.test(phone))
          return badRequest(res, 'phone', 'must be an E.164 number such as +12065550123');
        const sent = deps.sms.inbox
          .filter((m) => m.from === phone)
          .map((m) => ({ direction: 'to_platform', body: m.body, at: m.at, from: m.from, to: m.to }));
        const received = deps.sms.messagesTo(phone).map((m) => ({ direction: 'to_phone', ...view(m) }));
        const messages = [...sent, ...received].sort((a, b) => a.at.localeCompare(b.at));
        return json(res, 200, {
          phone,
          number: deps.originationNumber,
          brand: deps.config.program.brand,
          messages,
        });
      }
      case 'GET /_local/profile': {
        const phone = url.searchParams.get('phone');
        if (phone === null || !E164.test(phone))
          return badRequest(res, 'phone', 'must be an E.164 number such as +12065550123');
        const profile = await deps.readProfile(phone);
        return json(res, 200, {
          phone,
          status: subscriptionStatus(profile),
          profile: profile ? toProfileView(profile) : null,
        });
      }
      // The phone page's agent pane: the conversation routes, called signed on the page's behalf.
      case 'GET /_local/agent': {
        const phone = url.searchParams.get('phone');
        if (phone === null) return apiAnswer(res, () => deps.api().listConversations({ limit: 100 }));
        if (!E164.test(phone))
          return badRequest(res, 'phone', 'must be an E.164 number such as +12065550123');
        return apiAnswer(res, () => deps.api().getConversation(phone));
      }
      case 'POST /_local/agent': {
        const input = parseJson(body);
        const phone = input?.phone;
        if (typeof phone !== 'string' || !E164.test(phone))
          return badRequest(res, 'phone', 'must be an E.164 number such as +12065550123');
        const agent = typeof input?.agent === 'string' && input.agent !== '' ? input.agent : undefined;
        if (input?.action === 'close')
          return apiAnswer(res, () => deps.api().closeConversation(phone, agent ? { agent } : {}));
        if (input?.action !== 'reply') return badRequest(res, 'action', 'must be reply or close');
        // A caller's key makes its retries text once; without one the client makes a key per call.
        const key = typeof input.idempotencyKey === 'string' ? input.idempotencyKey : undefined;
        return apiAnswer(res, () =>
          deps.api().replyToConversation(phone, {
            body: typeof input.body === 'string' ? input.body : '',
            ...(agent ? { agent } : {}),
            ...(key ? { idempotencyKey: key } : {}),
          }),
        );
      }
      case 'GET /_local/webhooks':
        return json(res, 200, {
          webhooks: deps.webhooks.webhooks.map(({ url, events, secretName, format }) => ({
            url,
            events,
            secretName,
            format,
          })),
          deliveries: deps.webhooks.deliveries,
          failed: deps.webhooks.deliveries.filter((delivery) => delivery.status === 'failed'),
        });
      case 'GET /_local/events':
        return json(res, 200, {
          events: deps.bus.events.filter((e) => {
            const type = url.searchParams.get('type');
            return type === null || e['detail-type'] === type;
          }),
        });
      case 'GET /_local/executions': {
        const phone = url.searchParams.get('phone');
        if (phone === null || !E164.test(phone))
          return badRequest(res, 'phone', 'must be an E.164 number such as +12065550123');
        const executions = [...deps.stepFunctions.executions.values()]
          .map((execution) => ({ execution, input: parseJson(execution.input) }))
          .filter(({ input }) => input?.phone === phone)
          .sort((a, b) => a.execution.startDate.getTime() - b.execution.startDate.getTime())
          .map(({ execution, input }) => executionView(execution, input ?? {}));
        return json(res, 200, { phone, executions });
      }
      case 'GET /_local/clock':
        return json(res, 200, { now: deps.clock.now().toISOString(), timeScale: deps.clock.scale });
      case 'POST /_local/clock': {
        const input = parseJson(body);
        if (!input) return badRequest(res, 'body', 'must be a JSON object');
        if (input.advanceSeconds !== undefined) {
          if (typeof input.advanceSeconds !== 'number' || !(input.advanceSeconds >= 0)) {
            return badRequest(res, 'advanceSeconds', 'must be a non-negative number');
          }
          deps.clock.advance(input.advanceSeconds * 1000);
        } else if (input.set !== undefined) {
          const at = new Date(String(input.set));
          if (typeof input.set !== 'string' || Number.isNaN(at.getTime()))
            return badRequest(res, 'set', 'must be an ISO time');
          deps.clock.set(at);
        } else {
          return badRequest(res, 'advanceSeconds', 'give advanceSeconds or set');
        }
        return json(res, 200, { now: deps.clock.now().toISOString() });
      }
      case 'POST /_local/faults': {
        const input = parseJson(body);
        if (!input) return badRequest(res, 'body', 'must be a JSON object');
        for (const field of FAULT_NAMES) {
          const value = input[field];
          if (value === undefined) continue;
          if (typeof value !== 'number' || value < 0 || value > 1)
            return badRequest(res, field, 'must be a number from 0 to 1');
          deps.smsFaults[field] = value;
        }
        if (input.messagesPerSecond !== undefined) {
          if (typeof input.messagesPerSecond !== 'number' || !(input.messagesPerSecond > 0)) {
            return badRequest(res, 'messagesPerSecond', 'must be a positive number');
          }
          deps.sms.setMessagesPerSecond(input.messagesPerSecond);
        }
        return json(res, 200, { faults: deps.smsFaults, messagesPerSecond: deps.sms.messagesPerSecond });
      }
      case 'POST /_local/settle': {
        const raw = url.searchParams.get('timeoutSeconds');
        const timeoutSeconds = raw === null ? SETTLE_TIMEOUT_SECONDS.default : Number(raw);
        if (raw === '' || !(timeoutSeconds > 0 && timeoutSeconds <= SETTLE_TIMEOUT_SECONDS.max)) {
          return badRequest(
            res,
            'timeoutSeconds',
            `must be a number of seconds above 0 and at most ${SETTLE_TIMEOUT_SECONDS.max}`,
          );
        }
        const result = await deps.settle({ timeoutMs: timeoutSeconds * 1000 });
        return json(res, 200, result);
      }
      default:
        return json(res, 404, { error: { code: 'route_not_found', message: route } });
    }
  };
}

/**
 * A flow run as support would want it: where it is (the state it entered last, and the time a Wait
 * waits for), and what each step task decided (`status`: sent, skipped, deferred, ended, duplicate;
 * `reason`, e.g. smart_sending, quiet_hours, order_placed; `until` for a quiet-hours deferral), or the
 * error it failed with.
 */
interface StepView {
  readonly state: string;
  readonly at: string;
  /** The flow definition's step the task ran (`message1Text`). */
  readonly step?: string;
  readonly status?: string;
  readonly reason?: Json;
  readonly until?: Json;
  readonly error?: string;
}

function executionView(execution: ExecutionRecord, input: Record<string, unknown>) {
  const steps = execution.tasks.flatMap<StepView>((task) => {
    const payload = record(record(task.output)?.Payload);
    const step = record(record(task.input)?.Payload)?.step;
    const base = {
      state: task.state,
      at: task.at.toISOString(),
      ...(typeof step === 'string' ? { step } : {}),
    };
    if (task.error) return [{ ...base, error: task.error }];
    if (typeof payload?.status !== 'string') return []; // a split, or a condition that records nothing
    return [
      { ...base, status: payload.status, reason: payload.reason ?? null, until: payload.until ?? null },
    ];
  });
  return {
    flow: typeof input.flow === 'string' ? input.flow : execution.stateMachineArn.split(':').at(-1),
    name: execution.name,
    status: execution.status,
    startedAt: execution.startDate.toISOString(),
    stoppedAt: execution.stopDate?.toISOString() ?? null,
    currentState: execution.currentState ?? null,
    waitingUntil: execution.waitingUntil?.toISOString() ?? null,
    steps,
    error: execution.error ?? null,
    cause: execution.cause ?? null,
  };
}

function record(value: unknown): Record<string, Json> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, Json>)
    : undefined;
}

function view(m: {
  messageId: string;
  body: string;
  from: string;
  to: string;
  messageType: string;
  at: string;
  mediaUrls?: readonly string[];
}) {
  return {
    messageId: m.messageId,
    body: m.body,
    from: m.from,
    to: m.to,
    messageType: m.messageType,
    at: m.at,
    ...(m.mediaUrls ? { mediaUrls: m.mediaUrls } : {}),
  };
}
