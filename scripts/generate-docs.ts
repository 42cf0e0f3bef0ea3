/**
 * Regenerates the parts of docs/ that restate code, between `<!-- name:start -->` and
 * `<!-- name:end -->` markers: the commerce events' fields, names and limits (docs/api.md, from
 * lambdas/domain/commerce-events.ts; scripts/api-docs.ts generates that page's route tables), the
 * variables each flow always provides (docs/flows.md, from lambdas/domain/runtime-config.ts), the
 * CLI's usage texts (docs/cli.md, from cli/optline.ts) and the benchmark's printout
 * (bench/README.md, from bench/results.json through `npm run bench -- --print`). Run it after
 * changing any of them:
 *
 *   npx tsx scripts/generate-docs.ts
 *
 * test/docs/generated.test.ts regenerates in memory and fails when a committed file is stale.
 * docs/config-reference.md has its own generator (scripts/config-reference.ts).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as prettier from 'prettier';
import { main as cli } from '../cli/optline';
import * as z from 'zod/mini';
import {
  COMMERCE_EVENT_TYPES,
  CommerceItemSchema,
  EVENT_LIMITS,
  EVENT_NAMES_ACCEPTED,
  ITEM_NAMES_ACCEPTED,
} from '../lambdas/domain/commerce-events';
import { FLOW_TRIGGERS, FLOW_VARIABLES } from '../lambdas/domain/runtime-config';

const ROOT = resolve(__dirname, '..');

/** The generated blocks of each file, by marker name. */
const GENERATED: Readonly<Record<string, Readonly<Record<string, () => Promise<string>>>>> = {
  'docs/api.md': {
    'events:fields': async () => eventFields(),
    'events:limits': async () => eventLimits(),
  },
  'docs/flows.md': { variables: async () => flowVariables() },
  'docs/cli.md': {
    'usage:preview': () => cliUsage('preview'),
    'usage:number-change': () => cliUsage('number-change'),
    'usage:profiles': () => cliUsage('profiles'),
    'usage:subscriptions': () => cliUsage('subscriptions'),
    'usage:messages': () => cliUsage('messages'),
    'usage:events': () => cliUsage('events'),
    'usage:campaigns': () => cliUsage('campaigns'),
    'usage:consent': () => cliUsage('consent'),
    'usage:import': () => cliUsage('import'),
    'usage:qr': () => cliUsage('qr'),
    'usage:win-back': () => cliUsage('win-back'),
  },
  'bench/README.md': { results: async () => benchPrintout() },
};

export const GENERATED_DOCS = Object.keys(GENERATED);

type FieldSchema = z.core.$ZodType;

/** The description a field's kind carries (`id: 1 to 100 …`), through optional and default. */
function describedKind(field: FieldSchema): string {
  let schema = field;
  for (;;) {
    const description = z.globalRegistry.get(schema)?.description;
    if (description) return description;
    const def = schema._zod.def as { innerType?: FieldSchema };
    if (!def.innerType) throw new Error('a commerce event field has no description');
    schema = def.innerType;
  }
}

/** A table of an object's known fields: kind, whether it is required, the other names it takes. */
function fieldTable(
  shape: Readonly<Record<string, FieldSchema>>,
  names: ReadonlyMap<string, readonly string[]>,
) {
  const rows = Object.entries(shape)
    .filter(([field]) => field !== 'type')
    .map(([field, schema]) => {
      const kind = describedKind(schema).split(':')[0] as string;
      const optional = schema._zod.optin === 'optional' || schema._zod.def.type === 'default';
      const required = optional ? 'no' : 'yes';
      const others = (names.get(field) ?? []).filter((name) => name !== field).map((name) => `\`${name}\``);
      return `| \`${field}\` | ${kind} | ${required} | ${others.join(', ')} |`;
    });
  return ['| field | kind | required | also accepted as |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** Each event type's fields, the items', and what each kind of field takes. */
function eventFields(): string {
  const sections = Object.entries(COMMERCE_EVENT_TYPES).map(([type, schema]) =>
    [
      `#### \`${type}\``,
      fieldTable(schema._zod.def.shape, EVENT_NAMES_ACCEPTED[type as keyof typeof EVENT_NAMES_ACCEPTED]),
    ].join('\n\n'),
  );
  const kinds = new Map<string, string>();
  for (const shape of [
    ...Object.values(COMMERCE_EVENT_TYPES).map((s) => s._zod.def.shape),
    CommerceItemSchema._zod.def.shape,
  ])
    for (const [field, schema] of Object.entries(shape as Record<string, FieldSchema>)) {
      if (field === 'type') continue;
      const description = describedKind(schema);
      kinds.set(description.split(':')[0] as string, description.slice(description.indexOf(':') + 1).trim());
    }
  return [
    ...sections,
    '#### Items (`items`)',
    fieldTable(CommerceItemSchema._zod.def.shape, ITEM_NAMES_ACCEPTED),
    '#### Kinds of field',
    [...kinds].map(([kind, text]) => bullet(`**${kind}**: ${text}`)).join('\n'),
  ].join('\n\n');
}

/** The bounds on events, from EVENT_LIMITS. */
function eventLimits(): string {
  const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MB` : `${bytes / 1024} KB`);
  const limits = EVENT_LIMITS;
  return [
    `events in one request: ${limits.maxBatchEvents}; a request body: ${size(limits.maxBodyBytes)} (other routes take 64 KB)`,
    `one event, as JSON: ${size(limits.maxEventBytes)}; items in a cart or order: ${limits.maxItems}`,
    `the shop's own fields: ${limits.maxEntries} on the event and ${limits.maxEntries} on each item; ${limits.maxEntries} entries in each object or list within them; ${limits.maxDepth} levels of fields at most (\`{ "a": { "b": { "c": 1 } } }\` is the deepest); names of 1 to ${limits.maxNameLength} characters; ${size(limits.maxBytes)} in all per event (its own and its items', as JSON)`,
  ]
    .map((line) => bullet(line))
    .join('\n');
}

/** The variables each flow's templates may print without a default. */
function flowVariables(): string {
  return Object.entries(FLOW_VARIABLES)
    .map(([flow, variables]) =>
      bullet(
        `\`${flow}\` (\`${FLOW_TRIGGERS[flow as keyof typeof FLOW_TRIGGERS]}\`): ${variables.map((v) => `\`${v}\``).join(', ')}`,
      ),
    )
    .join('\n');
}

/** A Markdown list item wrapped at the docs' width (100), continued two spaces in. */
function bullet(text: string, width = 100): string {
  const lines: string[] = [];
  let line = '-';
  for (const word of text.split(' ')) {
    if (line.length + 1 + word.length > width && line.trim() !== '-') {
      lines.push(line);
      line = ' ';
    }
    line += ` ${word}`;
  }
  return [...lines, line].join('\n');
}

async function cliUsage(command: string): Promise<string> {
  const out: string[] = [];
  const code = await cli(['help', command], {
    out: (text) => out.push(text),
    err: () => {},
    cwd: ROOT,
    env: {},
  });
  if (code !== 0 || out.length === 0) throw new Error(`optline help ${command} printed no usage`);
  return ['```text', ...out, '```'].join('\n');
}

/** The printout of the last full benchmark run, rendered from bench/results.json. */
function benchPrintout(): string {
  const printout = execFileSync(
    process.execPath,
    [require.resolve('tsx/cli'), resolve(ROOT, 'bench', 'run.ts'), '--print'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return ['```text', printout.trimEnd(), '```'].join('\n');
}

/** `markdown` with each generated block replaced; a missing marker is an error. */
async function fill(markdown: string, blocks: Readonly<Record<string, () => Promise<string>>>) {
  let result = markdown;
  for (const [name, render] of Object.entries(blocks)) {
    const start = `<!-- ${name}:start -->`;
    const end = `<!-- ${name}:end -->`;
    const from = result.indexOf(start);
    const to = result.indexOf(end);
    if (from < 0 || to < from) throw new Error(`markers ${start} … ${end} not found`);
    result = `${result.slice(0, from + start.length)}\n\n${await render()}\n\n${result.slice(to)}`;
  }
  return result;
}

/** The content a generated doc should have, formatted as the repository's Prettier would. */
export async function renderGeneratedDoc(path: string): Promise<string> {
  const blocks = GENERATED[path];
  if (!blocks) throw new Error(`${path} has no generated blocks`);
  const file = resolve(ROOT, path);
  const markdown = await fill(readFileSync(file, 'utf8'), blocks);
  const options = await prettier.resolveConfig(file);
  return prettier.format(markdown, { ...options, filepath: file });
}

if (require.main === module) {
  void (async () => {
    for (const path of GENERATED_DOCS) {
      writeFileSync(resolve(ROOT, path), await renderGeneratedDoc(path));
      console.log(`wrote ${path}`);
    }
  })();
}
