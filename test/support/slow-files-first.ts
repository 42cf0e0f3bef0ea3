/**
 * The order vitest starts test files in (the sequencer of vitest.config.mts): the slowest files
 * first in their project, so the end of a run is short files spread over every worker rather than
 * one long file on one. Otherwise vitest's own order: it starts the files it has timed longest
 * first, but a fresh clone has no timings (they are kept in node_modules/.vite), and it then starts
 * the largest files first. The package test, a minute long, then started two-thirds of the way in:
 * a fresh clone's `npm test` took 233 s, and 178 s right after with an earlier run's timings.
 */

/**
 * The files that take longest, the slowest first: seconds each on an idle 2-core machine, the rest
 * of the suite beside them. A file that becomes one of the slowest belongs here
 * (`node_modules/.vite/vitest/<hash>/results.json` holds the durations of the last run).
 */
export const SLOWEST_FILES: readonly string[] = [
  'test/client/package.test.ts', // 57 s, most of it `npm pack` and the app's synth with bundling
  'test/handlers/large-downloads.test.ts', // 25 s
  'test/handlers/api-valid-requests.property.test.ts', // 24 s
  'test/api/curl-examples.test.ts', // 19 s
  'test/handlers/inbound-sms.test.ts', // 11–19 s
  'test/campaigns/throughput-share.test.ts', // 8–13 s
  'test/handlers/inbound-consent.property.test.ts', // 6–13 s
  'test/campaigns/campaign-api.test.ts', // 11 s
  'test/e2e/webhooks.test.ts', // 11 s
  'test/local/lambda-host.test.ts', // 10 s
  'test/cli/import.test.ts', // 10 s
  'test/local/bundled-functions.test.ts', // 9 s
  'test/local/permissions.test.ts', // 6–9 s
  'test/e2e/npm-start.test.ts', // 6–9 s
  'test/e2e/subscriber-pages.test.ts', // 8 s
  'test/infrastructure/imports.test.ts', // 8 s, the slowest of the `shared` project
  'test/infrastructure/monitoring.test.ts', // 7 s
];

export interface Ordered {
  /** The project the file runs in: a project's files stay together, in the place vitest gave them. */
  readonly group: string;
  /** The file, relative to the repository root. */
  readonly path: string;
}

/**
 * `sorted` with each project's listed files first, in the list's order, and the rest in vitest's
 * order: a stable sort by the place of the project's first file, then by the file's place in the
 * list (an unlisted file after every listed one).
 */
export function slowFilesFirst<T>(
  sorted: readonly T[],
  describe: (item: T) => Ordered,
  slowest: readonly string[],
): T[] {
  const rank = new Map(slowest.map((path, index) => [path, index]));
  const projectPlace = new Map<string, number>();
  return sorted
    .map((item, index) => {
      const { group, path } = describe(item);
      if (!projectPlace.has(group)) projectPlace.set(group, index);
      return { item, project: projectPlace.get(group)!, rank: rank.get(path) ?? slowest.length };
    })
    .sort((a, b) => a.project - b.project || a.rank - b.rank)
    .map(({ item }) => item);
}
