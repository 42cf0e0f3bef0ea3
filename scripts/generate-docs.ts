/**
 * Regenerates the parts of docs/ that restate code, between `<!-- name:start -->` and
 * `<!-- name:end -->` markers: the API's route table (docs/api.md, from lib/catalog.ts), the CLI's
 * usage texts (docs/cli.md, from cli/optline.ts) and the benchmark's printout (bench/README.md, from
 * bench/results.json through `npm run bench -- --print`). Run it after changing any of them:
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
import { functions, type FunctionDefinition } from '../lib/catalog';

const ROOT = resolve(__dirname, '..');

/** The generated blocks of each file, by marker name. */
const GENERATED: Readonly<Record<string, Readonly<Record<string, () => Promise<string>>>>> = {
  'docs/api.md': { routes: async () => apiRoutes() },
  'docs/cli.md': {
    'usage:preview': () => cliUsage('preview'),
    'usage:number-change': () => cliUsage('number-change'),
  },
  'bench/README.md': { results: async () => benchPrintout() },
};

export const GENERATED_DOCS = Object.keys(GENERATED);

/** Every HTTP route of the catalog: method and path, auth, the function that serves it. */
function apiRoutes(): string {
  const rows = (Object.entries(functions) as [string, FunctionDefinition][]).flatMap(([id, fn]) =>
    fn.trigger.kind === 'http'
      ? fn.trigger.routes.map(
          (route) =>
            `| \`${route.method} ${route.path}\` | ${route.auth === 'iam' ? 'IAM' : 'public'} | \`${id}\` |`,
        )
      : [],
  );
  return ['| route | auth | function |', '| --- | --- | --- |', ...rows].join('\n');
}

async function cliUsage(command: string): Promise<string> {
  const out: string[] = [];
  const code = await cli(['help', command], { out: (text) => out.push(text), err: () => {}, cwd: ROOT });
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
