/**
 * Facts the docs list by hand, checked against the code they describe: a setting, endpoint, keyword,
 * queue, metric, widget or warning added to the code fails here until its doc names it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_NATURAL_WORDS } from '../../lambdas/domain/keywords';
import { LINT_CODES, MAX_RECOMMENDED_SEGMENTS } from '../../lambdas/domain/message-lint';
import { parseDeploymentConfig } from '../../lib/config';
import { resourcesOfType, synthesize, TEST_CONFIG } from '../support/template';

const ROOT = resolve(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The body of the `## heading` section of a Markdown page, up to the next heading of that level. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no section "## ${heading}"`);
  const rest = markdown.slice(start + heading.length + 5);
  const end = rest.search(/^## /mu);
  return end < 0 ? rest : rest.slice(0, end);
}

describe('docs/local-runtime.md', () => {
  const doc = read('docs/local-runtime.md');

  it('documents every setting npm start reads', () => {
    const settings = [...new Set(read('local/main.ts').match(/OPTLINE_[A-Z_]+/gu))];
    expect(settings.length).toBeGreaterThan(5);
    const documented = section(doc, 'Settings');
    expect(settings.filter((name) => !documented.includes(`\`${name}\``))).toEqual([]);
  });

  it('documents every local endpoint', () => {
    const routes = [
      ...read('local/local-routes.ts').matchAll(/case '((?:GET|POST) \/_local\/[a-z]+)'/gu),
    ].map((match) => match[1] as string);
    expect(routes.length).toBeGreaterThan(5);
    const documented = section(doc, 'Local endpoints');
    expect(routes.filter((route) => !documented.includes(`\`${route}`))).toEqual([]);
  });
});

describe('docs/keywords.md', () => {
  const doc = read('docs/keywords.md');
  const defaults = parseDeploymentConfig(TEST_CONFIG).program.keywords;

  /** The backquoted keywords of the list item `- <kind>: …`, before any parenthesis. */
  function listed(kind: string): string[] {
    const item = new RegExp(`^- ${kind}: ([^\\n]*(?:\\n  [^\\n]*)*)`, 'mu').exec(
      section(doc, 'Default keywords'),
    );
    if (!item) throw new Error(`no "- ${kind}:" item`);
    const beforeNote = (item[1] as string).split(' (')[0] as string;
    return [...beforeNote.matchAll(/`([^`]+)`/gu)].map((match) => match[1] as string);
  }

  it.each([
    ['opt-out', defaults.optOut],
    ['help', defaults.help],
    ['opt-in', defaults.optIn],
    ['confirm', defaults.confirm],
    ['resubscribe', defaults.resubscribe],
  ])('lists the default %s keywords', (kind, keywords) => {
    expect([...listed(kind)].sort()).toEqual([...keywords].sort());
  });

  it('lists the default custom keywords and the property they set', () => {
    const custom = section(doc, 'Default keywords');
    for (const keyword of defaults.custom) {
      expect(custom).toContain(`\`${keyword.keyword}\``);
      expect(custom).toContain(`\`${keyword.setProperty.name}\``);
    }
  });

  it('states the word limit of natural-language opt-outs', () => {
    expect(doc).toContain(`at most ${MAX_NATURAL_WORDS} words (\`MAX_NATURAL_WORDS\`)`);
  });
});

describe('docs/operations.md', () => {
  const doc = read('docs/operations.md');
  let deadLetterQueues: string[];
  let widgetTitles: string[];

  beforeAll(() => {
    const { stack, template } = synthesize(TEST_CONFIG, { checks: false });
    deadLetterQueues = Object.keys(stack.optline.deadLetterQueues);
    const [[, dashboard] = []] = resourcesOfType(template, 'AWS::CloudWatch::Dashboard');
    widgetTitles = [...JSON.stringify(dashboard).matchAll(/\\"title\\":\\"([^"\\]+)\\"/gu)].map(
      (match) => match[1] as string,
    );
  }, 120_000);

  it('names every dead-letter queue and on-failure destination', () => {
    expect(deadLetterQueues.length).toBeGreaterThan(5);
    const documented = section(doc, 'Dead-letter queues');
    expect(deadLetterQueues.filter((name) => !documented.includes(`\`${name}\``))).toEqual([]);
  });

  it('lists every dashboard widget', () => {
    expect(widgetTitles.length).toBeGreaterThan(5);
    const documented = section(doc, 'Dashboard');
    expect(widgetTitles.filter((title) => !documented.includes(`- ${title}`))).toEqual([]);
  });

  it("lists every one of Optline's metrics", () => {
    const type = /export type MetricName =([^;]+);/u.exec(read('lambdas/domain/metric-counts.ts'))?.[1] ?? '';
    const names = [...type.matchAll(/\| '([A-Za-z]+)'/gu)].map((match) => match[1] as string);
    expect(names.length).toBeGreaterThan(5);
    const documented = section(doc, 'Metrics');
    expect(names.filter((name) => !documented.includes(`\`${name}\``))).toEqual([]);
  });
});

describe('docs/cli.md', () => {
  it('names every warning of the message preview', () => {
    const documented = section(read('docs/cli.md'), 'Preview');
    expect(LINT_CODES.filter((code) => !documented.includes(`\`${code}\``))).toEqual([]);
  });

  it('states the segment count above which a text is too long', () => {
    expect(read('docs/cli.md')).toContain(
      `more than ${MAX_RECOMMENDED_SEGMENTS} segments (\`MAX_RECOMMENDED_SEGMENTS\`)`,
    );
  });
});

describe("the README's layout", () => {
  it('names every top-level folder of the repository', () => {
    const ignored = read('.gitignore')
      .split('\n')
      .map((line) => line.trim().replace(/\/$/u, ''));
    const folders = readdirSync(ROOT, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== '.git' && !ignored.includes(entry.name))
      .map((entry) => entry.name);
    const layout = section(read('README.md'), 'Layout');
    const missing = folders.filter(
      (name) =>
        !new RegExp(`^${name.replace('.', '\\.')}/`, 'mu').test(layout) && existsSync(join(ROOT, name)),
    );
    expect(missing).toEqual([]);
  });
});
