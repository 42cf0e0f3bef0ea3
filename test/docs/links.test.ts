/**
 * The docs hold together: every relative link in README.md, CONTRIBUTING.md, docs/ and bench/README.md
 * points to a file that exists (and a heading that exists, for `#anchor` links), the README stays a
 * short front door, and every page under docs/ can be reached from the README by following links.
 * Code comments that send the reader to a doc (`docs/keywords.md#how-a-text-is-matched`) are checked
 * the same way.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..', '..');
const README_MAX_LINES = 200;

function markdownUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownUnder(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

const docsPages = markdownUnder(join(ROOT, 'docs'));
const pages = [
  join(ROOT, 'README.md'),
  join(ROOT, 'CONTRIBUTING.md'),
  join(ROOT, 'bench', 'README.md'),
  ...docsPages,
];
const rel = (path: string) => relative(ROOT, path);

/** The text outside fenced code blocks and inline code spans, where links are links. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gmu, '').replace(/`[^`\n]*`/gu, '');
}

interface Link {
  readonly target: string;
  readonly path: string;
  readonly anchor: string | undefined;
}

/** Relative links of a page: `[text](target)`, without web, mail and other absolute URLs. */
function relativeLinks(page: string): Link[] {
  const links: Link[] = [];
  for (const match of prose(readFileSync(page, 'utf8')).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/gu)) {
    const target = match[1] as string;
    if (/^[a-z][a-z0-9+.-]*:/iu.test(target)) continue;
    const [file = '', anchor] = target.split('#', 2);
    links.push({ target, path: file === '' ? page : resolve(dirname(page), file), anchor });
  }
  return links;
}

/**
 * GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens, repeats numbered.
 * Read from the raw text: inline code in a heading keeps its words.
 */
function headingAnchors(page: string): Set<string> {
  const raw = readFileSync(page, 'utf8').replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gmu, '');
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of raw.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gmu)) {
    const heading = (match[1] as string).replace(/\[([^\]]*)\]\([^)]*\)/gu, '$1');
    const slug = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/gu, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

describe('links in the docs', () => {
  it.each(pages.map(rel))('%s exists', (page) => {
    expect(existsSync(resolve(ROOT, page))).toBe(true);
  });

  it.each(pages.filter((page) => existsSync(page)).map(rel))(
    'every relative link in %s points to an existing file and heading',
    (page) => {
      const broken: string[] = [];
      for (const link of relativeLinks(resolve(ROOT, page))) {
        if (!existsSync(link.path)) {
          broken.push(`${link.target}: no such file`);
          continue;
        }
        if (link.anchor === undefined) continue;
        if (statSync(link.path).isDirectory() || !link.path.endsWith('.md')) {
          broken.push(`${link.target}: an anchor into something other than a Markdown file`);
        } else if (!headingAnchors(link.path).has(link.anchor)) {
          broken.push(`${link.target}: no heading #${link.anchor} in ${rel(link.path)}`);
        }
      }
      expect(broken).toEqual([]);
    },
  );
});

describe('the README', () => {
  it(`stays a short front door (under ${README_MAX_LINES} lines)`, () => {
    const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').trimEnd().split('\n').length;
    expect(lines).toBeLessThan(README_MAX_LINES);
  });

  it('has exactly the two set-up commands in its quick start', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const quickStart = readme.split(/^## /mu).find((section) => section.startsWith('Quick start')) ?? '';
    const commands = [...quickStart.matchAll(/^```sh\n([\s\S]*?)^```$/gmu)].map((m) =>
      (m[1] as string).trim(),
    );
    expect(commands).toEqual(['npm ci && npm start', 'npm ci && npm test']);
  });

  it('leads to every page under docs/, directly or through another page', () => {
    const reached = new Set<string>();
    const queue = [join(ROOT, 'README.md')];
    while (queue.length > 0) {
      const page = queue.shift() as string;
      if (reached.has(page) || !existsSync(page)) continue;
      reached.add(page);
      for (const link of relativeLinks(page)) {
        const target =
          existsSync(link.path) && statSync(link.path).isDirectory()
            ? join(link.path, 'README.md')
            : link.path;
        if (target.endsWith('.md')) queue.push(target);
      }
    }
    expect(docsPages.filter((page) => !reached.has(page)).map(rel)).toEqual([]);
  });
});

describe('references to the docs from code', () => {
  const SOURCE_DIRS = ['bin', 'lib', 'lambdas', 'local', 'cli', 'scripts', 'bench', 'test', '.ci'];

  function sourcesUnder(dir: string): string[] {
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourcesUnder(path);
      return /\.(ts|mts|cjs|mjs|js|json)$|^run$/u.test(entry.name) ? [path] : [];
    });
  }

  it('every docs/… or bench/README.md path named in code exists, with its heading', () => {
    const broken: string[] = [];
    for (const file of SOURCE_DIRS.flatMap((dir) => sourcesUnder(join(ROOT, dir)))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\b((?:docs\/[\w./-]+|bench\/README)\.md)(?:#([\w-]+))?/gu)) {
        const [reference, path, anchor] = match as unknown as [string, string, string | undefined];
        const target = join(ROOT, path);
        if (!existsSync(target)) broken.push(`${rel(file)}: ${reference}: no such file`);
        else if (anchor !== undefined && !headingAnchors(target).has(anchor))
          broken.push(`${rel(file)}: ${reference}: no such heading`);
      }
    }
    expect(broken).toEqual([]);
  });
});
