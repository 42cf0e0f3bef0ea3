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

/**
 * Files of other folders that need no runtime either: services on the in-memory fakes, emulators and
 * helpers tested alone. A new file runs isolated until it is listed here.
 */
const SHARED_PROCESS_FILES = [
  'test/adapters/current-identity-cache.test.ts',
  'test/adapters/dynamo-expression.test.ts',
  'test/adapters/sms-retries.test.ts',
  'test/api/api-docs.test.ts',
  'test/api/handler-bundles.test.ts',
  'test/bench/sms-cost.test.ts',
  'test/campaigns/pacer.test.ts',
  'test/cli/campaign-progress.test.ts',
  'test/client/routes.test.ts',
  'test/flows/cross-sell-run.test.ts',
  'test/flows/defined-flow-run.test.ts',
  'test/flows/order-updates-run.test.ts',
  'test/flows/replenishment-run.test.ts',
  'test/flows/send-step-options-run.test.ts',
  'test/flows/win-back-run.test.ts',
  'test/handlers/http-pages.test.ts',
  'test/handlers/page.test.ts',
  'test/local/async-invocations.test.ts',
  'test/local/dynamo-meter.test.ts',
  'test/local/fault-injection.test.ts',
  'test/local/iam-policies.test.ts',
  'test/local/kms.test.ts',
  'test/local/s3.test.ts',
  'test/services/flow-topics.test.ts',
  'test/services/import-status.test.ts',
  'test/services/lapse-sweep.test.ts',
  'test/services/send.test.ts',
  'test/services/short-links.test.ts',
];

const sharedProcess = [
  ...SHARED_PROCESS_FOLDERS.map((folder) => `${folder}/**/*.test.ts`),
  ...SHARED_PROCESS_FILES,
];

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
    // Each file is in exactly one project: `shared` includes the files above, `isolated` the rest.
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
