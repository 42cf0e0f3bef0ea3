/**
 * How vitest.config.mts splits the suite: every test file runs once, in one project. The files of
 * the `shared` project also share this repository's modules (one process per worker for all of
 * them), so none of them may leave state behind for the next: no local runtime, no writes to
 * process.env, no module mocks or stubbed globals, no change of directory. The `fresh` project's
 * files get fresh modules and process.env each (test/support/fresh-file.ts); the `isolated`
 * project's, a process each.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './support/root';
import { SLOWEST_FILES, slowFilesFirst } from './support/slow-files-first';

interface Listed {
  readonly file: string;
  readonly projectName: string;
}

/** What a file does that would reach the next file of the same process. */
const LEAVES_STATE = [
  /support\/local-runtime|startTestRuntime/,
  /process\.env(\.\w+|\[[^\]]+\])?\s*=(?!=)/,
  /delete process\.env/,
  /vi\.(mock|doMock|stubEnv|stubGlobal)\(/,
  /process\.chdir\(/,
];

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [relative(ROOT, path)] : [];
  });
}

describe('the test projects', () => {
  let listed: Listed[];

  beforeAll(async () => {
    // vitest's own answer (the files it would run and their project), from a clean environment.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'list', '--filesOnly', '--json'],
      { cwd: ROOT, env, maxBuffer: 1 << 24 },
    );
    listed = JSON.parse(stdout) as Listed[];
  });

  it('run every test file once', () => {
    const files = listed.map((entry) => relative(ROOT, entry.file));
    expect(files.toSorted()).toEqual(testFiles(join(ROOT, 'test')).toSorted());
    expect(new Set(listed.map((entry) => entry.projectName))).toEqual(
      new Set(['shared', 'fresh', 'isolated']),
    );
  });

  it('share a process only between files that leave no state behind', () => {
    const shared = listed.filter((entry) => entry.projectName === 'shared');
    expect(shared.length).toBeGreaterThan(0);
    for (const { file } of shared) {
      const source = readFileSync(file, 'utf8');
      for (const pattern of LEAVES_STATE) expect(source, relative(ROOT, file)).not.toMatch(pattern);
    }
  });

  it('start with the slowest files: each a test file of the suite, listed once', () => {
    const files = new Set(listed.map((entry) => relative(ROOT, entry.file)));
    for (const file of SLOWEST_FILES) expect(files, file).toContain(file);
    expect(new Set(SLOWEST_FILES).size).toBe(SLOWEST_FILES.length);
  });
});

describe('the order files start in', () => {
  const spec = (group: string, path: string) => ({ group, path });
  const order = (sorted: { group: string; path: string }[], slowest: string[]) =>
    slowFilesFirst(sorted, (item) => item, slowest).map((item) => `${item.group}:${item.path}`);

  it("puts the listed files first in their project, in the list's order, the rest as vitest sorted them", () => {
    const sorted = [
      spec('fresh', 'a'),
      spec('fresh', 'slow-2'),
      spec('fresh', 'b'),
      spec('fresh', 'slow-1'),
      spec('isolated', 'c'),
      spec('shared', 'd'),
      spec('shared', 'slow-3'),
    ];
    expect(order(sorted, ['slow-1', 'slow-2', 'slow-3'])).toEqual([
      'fresh:slow-1',
      'fresh:slow-2',
      'fresh:a',
      'fresh:b',
      'isolated:c',
      'shared:slow-3',
      'shared:d',
    ]);
  });

  it("keeps vitest's order when no listed file is there, as for a run of some files", () => {
    const sorted = [spec('fresh', 'b'), spec('fresh', 'a'), spec('shared', 'c')];
    expect(order(sorted, ['slow-1'])).toEqual(['fresh:b', 'fresh:a', 'shared:c']);
  });
});
