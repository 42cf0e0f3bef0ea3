/**
 * The `optline` commands that call the API through OptlineClient (signed, with idempotency keys and
 * retries): profiles, subscriptions, messages, events and campaigns. Each is
 * `optline <command> <action> …`; bad usage exits 2, an API error 1 with its code and message.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OptlineApiError, type Campaign, type OptlineClient } from '../client';
import { apiClient, TARGET_OPTIONS, TARGET_USAGE } from './api-target';
import { isSettled, renderCampaign } from './campaign-progress';
import { EXIT_API_ERROR, EXIT_OK, parse, UsageError, type CliIo, type Command } from './command';
import { COMMAND_SUMMARIES, type CommandName } from './command-summaries';
import { StackLookupError } from './stack-outputs';

type Values = Record<string, string | boolean | string[] | undefined>;

interface Action {
  /** `<phone>`, `<file.json>`…: the positional arguments, for the usage text. */
  readonly args: string;
  readonly summary: string;
  readonly positionals: number;
  readonly options?: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;
  readonly optionUsage?: readonly string[];
  run(client: OptlineClient, positionals: string[], values: Values, io: CliIo): Promise<unknown>;
  /** Human output (the default prints the JSON). */
  show?(result: unknown, io: CliIo): void;
  /** A partial failure the exit code reports (a batch with refused events). */
  failed?(result: unknown): boolean;
}

/** A command made of actions (`optline campaigns create …`). */
function apiCommand(name: CommandName, actions: Record<string, Action>): Command {
  const usage = [
    ...Object.entries(actions).map(
      ([action, a], i) => `${i === 0 ? 'Usage:' : '      '} optline ${name} ${action} ${a.args} [options]`,
    ),
    '',
    COMMAND_SUMMARIES[name],
    '',
    'Actions:',
    ...Object.entries(actions).map(([action, a]) => `  ${action.padEnd(12)}  ${a.summary}`),
    ...(Object.values(actions).some((a) => a.optionUsage)
      ? ['', 'Options:', ...Object.values(actions).flatMap((a) => a.optionUsage ?? [])]
      : []),
    '',
    TARGET_USAGE,
    '  -h, --help          Show this help',
  ].join('\n');
  return {
    usage,
    run: async (args, io) => {
      const [actionName, ...rest] = args;
      if (actionName === undefined || actionName === '--help' || actionName === '-h') {
        if (actionName === undefined)
          throw new UsageError(`missing action: ${Object.keys(actions).join(', ')}`);
        io.out(usage);
        return EXIT_OK;
      }
      const action = Object.hasOwn(actions, actionName) ? actions[actionName] : undefined;
      if (!action) throw new UsageError(`unknown action "${actionName}": ${Object.keys(actions).join(', ')}`);
      const { values, positionals } = parse(rest, { ...TARGET_OPTIONS, ...(action.options ?? {}) });
      if (values.help) {
        io.out(usage);
        return EXIT_OK;
      }
      if (positionals.length !== action.positionals) {
        throw new UsageError(
          positionals.length < action.positionals
            ? `missing ${action.args.split(' ').slice(positionals.length).join(' ')}`
            : `unexpected argument ${positionals[action.positionals]}`,
        );
      }
      try {
        const client = await apiClient(values, io.env);
        const result = await action.run(client, positionals, values, io);
        if (values.json || !action.show) io.out(JSON.stringify(result, null, 2));
        else action.show(result, io);
        return action.failed?.(result) ? EXIT_API_ERROR : EXIT_OK;
      } catch (error) {
        return apiFailure(`${name} ${actionName}`, error, io);
      }
    },
  };
}

/** An API or AWS error: its code and message on stderr, exit code 1. Anything else is a bug. */
export function apiFailure(what: string, error: unknown, io: CliIo): number {
  if (error instanceof OptlineApiError) {
    const field = error.field ? ` (field ${error.field})` : '';
    io.err(
      `optline ${what}: ${error.status ? `HTTP ${error.status} ` : ''}${error.code}: ${error.message}${field}`,
    );
    return EXIT_API_ERROR;
  }
  if (error instanceof StackLookupError) {
    io.err(`optline ${what}: ${error.message}`);
    return EXIT_API_ERROR;
  }
  throw error;
}

/** A JSON file (or `-` for standard input) as the request body. */
function readJson(path: string, io: CliIo): unknown {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : resolve(io.cwd, path), 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** A consent log entry as the table prints it: a change, or the outcome of one. */
interface ConsentLogLine {
  readonly seq: number;
  readonly at: string;
  readonly action?: string;
  readonly classes?: string[];
  readonly evidence?: { method: string };
  readonly applied?: boolean;
  readonly status?: string;
  readonly outcome?: string;
  readonly of?: { seq: number };
}

const idempotencyOption = { 'idempotency-key': { type: 'string' } } as const;
const idempotencyUsage =
  '  --idempotency-key <key>  Reuse a key to make a retried create safe (default: a new one)';
const keyOf = (values: Values) =>
  typeof values['idempotency-key'] === 'string' ? { idempotencyKey: values['idempotency-key'] } : {};

export const profiles = apiCommand('profiles', {
  get: {
    args: '<phone>',
    summary: 'Consent per class, properties, time zone and engagement',
    positionals: 1,
    run: (client, [phone]) => client.getProfile(phone!),
  },
  messages: {
    args: '<phone>',
    summary: 'Its texts sent, skipped or failed and received, newest first (--limit, --cursor)',
    positionals: 1,
    options: { limit: { type: 'string' }, cursor: { type: 'string' } },
    optionUsage: [
      '  --limit <n>         Messages per page, 1 to 100 (default 20)',
      '  --cursor <c>        The nextCursor of the previous page',
    ],
    run: (client, [phone], values) =>
      client.getMessages(phone!, {
        ...(typeof values.limit === 'string' ? { limit: Number(values.limit) } : {}),
        ...(typeof values.cursor === 'string' ? { cursor: values.cursor } : {}),
      }),
    show: (result, io) => {
      const page = result as Awaited<ReturnType<OptlineClient['getMessages']>>;
      io.out(`Messages of ${page.phone}, newest first (${page.messages.length})`);
      for (const m of page.messages) {
        const source = m.campaignId ? ` campaign ${m.campaignId}` : m.flowId ? ` flow ${m.flowId}` : '';
        io.out(
          `  ${m.at}  ${m.direction.padEnd(8)} ${m.status.padEnd(9)} ${m.reason ?? ''}${source}  ${m.body.slice(0, 60)}`,
        );
      }
      if (page.nextCursor) io.out(`More: --cursor ${page.nextCursor}`);
    },
  },
  'preferences-link': {
    args: '<phone>',
    summary: 'A fresh link to its preference page (pause, fewer texts, topics, unsubscribe)',
    positionals: 1,
    run: (client, [phone]) => client.getPreferencesLink(phone!),
    show: (result, io) => {
      const link = result as Awaited<ReturnType<OptlineClient['getPreferencesLink']>>;
      io.out(link.url);
      io.out(`Opens the page until ${link.expiresAt}`);
    },
  },
  'consent-log': {
    args: '<phone>',
    summary: 'Every consent change, oldest first, with its evidence',
    positionals: 1,
    run: (client, [phone]) => client.getConsentLog(phone!),
    show: (result, io) => {
      const log = result as Awaited<ReturnType<OptlineClient['getConsentLog']>>;
      io.out(`Consent log of ${log.phone} (${log.events.length} entries)`);
      for (const entry of log.events) {
        const e = entry as ConsentLogLine;
        if (e.outcome)
          io.out(`  ${String(e.seq).padStart(3)}  ${e.at}  outcome of #${e.of?.seq}: ${e.outcome}`);
        else
          io.out(
            `  ${String(e.seq).padStart(3)}  ${e.at}  ${String(e.action).padEnd(28)} ${(e.classes ?? []).join('+').padEnd(24)} ${e.evidence?.method}${e.applied ? '' : ' (not applied)'}  ${e.status}`,
          );
      }
    },
  },
});

export const subscriptions = apiCommand('subscriptions', {
  create: {
    args: '<file.json>',
    summary: 'POST /v1/subscriptions with the body in the file (- reads standard input)',
    positionals: 1,
    options: idempotencyOption,
    optionUsage: [idempotencyUsage],
    run: (client, [file], values, io) => client.subscribe(readJson(file!, io) as never, keyOf(values)),
  },
  verify: {
    args: '<phone>',
    summary: 'Text a one-time code to the number',
    positionals: 1,
    run: (client, [phone]) => client.startVerification({ phone: phone! }),
  },
  check: {
    args: '<file.json>',
    summary: 'POST /v1/verifications/check: subscribe with the code',
    positionals: 1,
    run: (client, [file], _values, io) => client.checkVerification(readJson(file!, io) as never),
  },
});

export const messages = apiCommand('messages', {
  send: {
    args: '<phone> <body>',
    summary: 'Through send(): needs transactional consent; a key never texts twice',
    positionals: 2,
    options: { ...idempotencyOption, media: { type: 'string' } },
    optionUsage: [idempotencyUsage, '  --media <s3://bucket/key>  Attach an image (MMS)'],
    run: (client, [phone, body], values) =>
      client.sendMessage({
        phone: phone!,
        body: body!,
        ...keyOf(values),
        ...(typeof values.media === 'string' ? { mediaUrls: [values.media] } : {}),
      }),
  },
});

export const events = apiCommand('events', {
  post: {
    args: '<file.json>',
    summary: 'One event, or a JSON array of events (sent in batches of 100, one result each)',
    positionals: 1,
    run: async (client, [file], _values, io) => {
      const body = readJson(file!, io);
      if (!Array.isArray(body)) return client.postEvent(body as never);
      const results = [];
      for (let i = 0; i < body.length; i += BATCH) {
        const batch = await client.postEvents(body.slice(i, i + BATCH) as never[]);
        results.push(...batch.results.map((r) => ({ ...r, index: r.index + i })));
      }
      return { results };
    },
    failed: (result) =>
      ((result as { results?: { status: number }[] }).results ?? []).some((r) => r.status !== 202),
    show: (result, io) => {
      const batch = result as {
        results?: {
          index: number;
          status: number;
          eventId?: string;
          error?: { code: string; message: string };
        }[];
      };
      if (!batch.results) {
        const one = result as { eventId: string; type: string };
        io.out(`${one.type} ${one.eventId}: accepted`);
        return;
      }
      const refused = batch.results.filter((r) => r.status !== 202);
      io.out(`${batch.results.length - refused.length} of ${batch.results.length} events accepted`);
      for (const r of refused)
        io.out(`  event ${r.index}: HTTP ${r.status} ${r.error?.code}: ${r.error?.message}`);
    },
  },
});

/** Events per request: the route's batch limit. */
const BATCH = 100;

export const campaigns = apiCommand('campaigns', {
  create: {
    args: '<file.json>',
    summary: 'POST /v1/campaigns with the definition in the file',
    positionals: 1,
    options: idempotencyOption,
    optionUsage: [idempotencyUsage],
    run: (client, [file], values, io) => client.createCampaign(readJson(file!, io) as never, keyOf(values)),
    show: (result, io) => {
      const created = result as {
        campaignId: string;
        state: string;
        estimate: { recipients: number; costUsd: number };
        warnings: { code: string; message: string }[];
      };
      io.out(
        `Campaign ${created.campaignId}: ${created.state}, ${created.estimate.recipients} recipients, about $${created.estimate.costUsd.toFixed(2)}`,
      );
      for (const w of created.warnings) io.out(`  warning ${w.code}: ${w.message}`);
      io.out(`Follow it: optline campaigns status ${created.campaignId}`);
    },
  },
  status: {
    args: '<campaignId>',
    summary: 'State and counters; on a terminal, a live view until it is sent (--once: one look)',
    positionals: 1,
    options: { once: { type: 'boolean' }, 'interval-ms': { type: 'string' } },
    optionUsage: [
      '  --once              Print once, even on a terminal',
      '  --interval-ms <ms>  Refresh of the live view (default 2000)',
    ],
    run: async (client, [campaignId], values, io) => {
      let campaign = await client.getCampaign(campaignId!);
      if (values.json || values.once || !io.tty || isSettled(campaign)) return campaign;
      const interval = Number(values['interval-ms'] ?? 2000);
      if (!Number.isFinite(interval) || interval < 100)
        throw new UsageError('--interval-ms must be 100 or more');
      const tty = io.tty;
      let previous = 0;
      for (;;) {
        const text = `${renderCampaign(campaign)}\n(refreshing every ${interval / 1000} s; Ctrl-C stops watching, not the campaign)`;
        // Move up over the previous frame and clear it, then draw this one.
        tty.write(`${previous ? `\x1b[${previous}F\x1b[J` : ''}${text}\n`);
        previous = text.split('\n').length;
        if (isSettled(campaign)) break;
        await new Promise((r) => setTimeout(r, interval));
        campaign = await client.getCampaign(campaignId!);
      }
      return undefined;
    },
    show: (result, io) => {
      if (result !== undefined) io.out(renderCampaign(result as Campaign));
    },
  },
  cancel: {
    args: '<campaignId>',
    summary: 'Delete its schedules and stop the sender',
    positionals: 1,
    run: (client, [campaignId]) => client.cancelCampaign(campaignId!),
    show: (result, io) => io.out(renderCampaign(result as Campaign)),
  },
});

/** The slot of the import command: subscribers with their consent evidence, from a file. */
