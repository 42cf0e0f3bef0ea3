/**
 * Generates the API description and the parts of the API docs that restate the route registry
 * (lib/api/routes.ts):
 *
 * - docs/openapi.json: the OpenAPI 3.1 document (served by GET /v1/openapi.json);
 * - docs/events/<DetailType>.json: the JSON Schema of each bus event's `detail` the API publishes;
 * - docs/api.md, between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`: the route table,
 *   the execute-api ARNs, the events and one example call per route.
 *
 *   npx tsx scripts/api-docs.ts
 *
 * test/api/api-docs.test.ts regenerates everything in memory and fails when a committed file is stale.
 */
import { readFileSync, writeFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as prettier from 'prettier';
import * as z from 'zod';
import { BusEventSchemas } from '../lib/api/bus-events';
import { openApiDocument } from '../lib/api/openapi';
import { catalogRoutes, routes, type CatalogRoute, type RouteDescription } from '../lib/api/routes';

const ROOT = resolve(__dirname, '..');
export const OPENAPI_PATH = resolve(ROOT, 'docs', 'openapi.json');
export const EVENTS_DIR = resolve(ROOT, 'docs', 'events');
export const API_DOC_PATH = resolve(ROOT, 'docs', 'api.md');

const version = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

/** Example values for path parameters in the docs' calls. */
const PARAM_EXAMPLES: Record<string, string> = {
  // The number's digits with its country code: the API reads it as +12065550100. A `+` in a path
  // is signed differently by curl and the AWS SDKs, so the examples leave it out.
  phone: '12065550100',
  campaignId: 'cmp_0123456789abcdef',
  changeId: 'nch_0123456789abcdef',
  code: 'Ab3dE5gH7k',
};

async function format(text: string, filepath: string): Promise<string> {
  const options = await prettier.resolveConfig(filepath);
  return prettier.format(text, { ...options, filepath });
}

export function eventSchemaFile(type: string): string {
  return join(EVENTS_DIR, `${type}.json`);
}

function eventJsonSchema(type: string): Record<string, unknown> {
  const schema = BusEventSchemas[type];
  if (!schema) throw new Error(`no bus event schema for ${type}`);
  // The input side: the event as a shop may post it (an id as a string or a whole number); the bus
  // carries the parsed event, which it accepts (ids as strings, defaults filled in).
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' });
  return {
    $schema: json.$schema,
    title: `${type} detail`,
    description:
      `The \`detail\` of a \`${type}\` event on the optline bus (source \`optline\`, detail-type \`${type}\`). ${String(json.description ?? '')}`.trim(),
    ...Object.fromEntries(Object.entries(json).filter(([k]) => k !== '$schema' && k !== 'description')),
  };
}

/** Every detail type some route publishes. */
export function publishedEventTypes(): string[] {
  return [...new Set(Object.values(routes).flatMap((r: RouteDescription) => r.publishes ?? []))];
}

const routeOf = (route: CatalogRoute): RouteDescription => routes[route.key];
const code = (text: string) => `\`${text}\``;

function routeTable(): string {
  const rows = catalogRoutes().map((route) => {
    const d = routeOf(route);
    const statuses = Object.keys(d.responses)
      .concat(route.auth === 'iam' ? ['403'] : [])
      .sort()
      .join(', ');
    return `| ${code(route.key)} | ${route.auth === 'iam' ? 'IAM' : 'public'} | ${code(d.operationId)} | ${d.summary} | ${statuses} |`;
  });
  return [
    '| route | auth | client method | what it does | statuses |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

function arnTable(): string {
  const rows = catalogRoutes()
    .filter((route) => route.auth === 'iam')
    .map((route) => {
      const resource = route.path.replace(/\{\w+\}/g, '*');
      return `| ${code(route.key)} | ${routeOf(route).readOnly ? 'read' : 'write'} | ${code(`arn:aws:execute-api:<region>:<account>:<api-id>/<stage>/${route.method}${resource}`)} |`;
    });
  return ['| route | kind | execute-api ARN |', '| --- | --- | --- |', ...rows].join('\n');
}

function eventsTable(): string {
  const rows = catalogRoutes().flatMap((route) =>
    (routeOf(route).publishes ?? []).map(
      (type) => `| ${code(route.key)} | ${code(type)} | [events/${type}.json](events/${type}.json) |`,
    ),
  );
  return ['| route | detail-type | detail schema |', '| --- | --- | --- |', ...rows].join('\n');
}

function exampleCall(route: CatalogRoute): string {
  const d = routeOf(route);
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => PARAM_EXAMPLES[name] ?? name);
  const lines = ['curl'];
  if (route.auth === 'iam') {
    lines.push(
      '--aws-sigv4 "aws:amz:us-east-1:execute-api"',
      '--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"',
      // Only with temporary credentials: curl signs the header even when it sends none.
      '${AWS_SESSION_TOKEN:+-H "x-amz-security-token: $AWS_SESSION_TOKEN"}',
    );
  }
  if (route.key === 'GET /r/{code}') lines.push('-i');
  if (d.request) {
    lines.push("-H 'content-type: application/json'");
    // A fixed key: running the example again returns the first answer and records nothing twice.
    if (d.idempotency === 'header') lines.push(`-H 'Idempotency-Key: ${d.operationId}-example-0001'`);
    lines.push(`-d '${JSON.stringify(d.request.example).replace(/'/g, "'\\''")}'`);
  } else if (route.method !== 'GET') {
    lines.push(`-X ${route.method}`);
  }
  lines.push(`"$OPTLINE_API_URL${path}"`);
  return [`### ${code(route.key)}`, '', d.description, '', '```sh', lines.join(' \\\n  '), '```'].join('\n');
}

function examples(): string {
  return catalogRoutes().map(exampleCall).join('\n\n');
}

/** Replaces each generated section of `markdown` with its current content. */
export function fillSections(markdown: string, sections: Record<string, string>): string {
  let out = markdown;
  for (const [name, content] of Object.entries(sections)) {
    const pattern = new RegExp(`(<!-- generated:${name} -->)[\\s\\S]*?(<!-- /generated:${name} -->)`);
    if (!pattern.test(out)) throw new Error(`docs/api.md has no generated:${name} section`);
    out = out.replace(pattern, (_, open: string, close: string) => `${open}\n\n${content}\n\n${close}`);
  }
  return out;
}

/** Every generated file, path → content. */
export async function renderApiArtifacts(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  files.set(OPENAPI_PATH, await format(JSON.stringify(openApiDocument({ version })), OPENAPI_PATH));
  for (const type of publishedEventTypes()) {
    const path = eventSchemaFile(type);
    files.set(path, await format(JSON.stringify(eventJsonSchema(type)), path));
  }
  const doc = fillSections(readFileSync(API_DOC_PATH, 'utf8'), {
    routes: routeTable(),
    arns: arnTable(),
    events: eventsTable(),
    examples: examples(),
  });
  files.set(API_DOC_PATH, await format(doc, API_DOC_PATH));
  return files;
}

async function main(): Promise<void> {
  const files = await renderApiArtifacts();
  mkdirSync(EVENTS_DIR, { recursive: true });
  for (const name of readdirSync(EVENTS_DIR)) {
    if (!files.has(join(EVENTS_DIR, name))) rmSync(join(EVENTS_DIR, name));
  }
  for (const [path, content] of files) writeFileSync(path, content);
  console.log(`wrote ${files.size} files`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
