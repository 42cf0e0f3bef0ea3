import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Folders whose tests leave nothing behind in their process: no local runtime, no writes to
 * process.env, no module mocks (test/vitest-config.test.ts checks). They run without isolation, so a
 * worker loads aws-cdk-lib, zod and the synthesized template once for all of them rather than once
 * per file: in a paired run on a loaded 2-core machine, these folders took 225 s of CPU isolated
 * and 88 s shared.
 */
const SHARED_PROCESS_FOLDERS = ['test/domain', 'test/lib', 'test/infrastructure', 'test/docs'];

const sharedProcess = SHARED_PROCESS_FOLDERS.map((folder) => `${folder}/**/*.test.ts`);

const common = {
  pool: 'forks',
  testTimeout: 60_000,
  hookTimeout: 60_000,
  env: {
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  },
} as const;

export default defineConfig({
  test: {
    // One test file per core (vitest's default leaves one core free): the local runtime's files spend
    // much of their time waiting on its timers and sockets, so a second file uses that time. On an
    // idle 2-core machine the suite took 620 s one file at a time and 442 s two at a time.
    maxWorkers: availableParallelism(),
    // Each file is in exactly one project: `shared` includes the folders above, `isolated` the rest.
    projects: [
      { test: { ...common, name: 'shared', include: sharedProcess, isolate: false } },
      {
        test: {
          ...common,
          name: 'isolated',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...sharedProcess],
          // The local runtime's handlers cache clients and settings read from process.env at first
          // use: each file starts its own runtime in a fresh process.
          isolate: true,
        },
      },
    ],
  },
});
