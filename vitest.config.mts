import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { SLOWEST_FILES, slowFilesFirst } from './test/support/slow-files-first';

/**
 * Folders whose tests leave nothing behind in their process: no local runtime, no writes to
 * process.env, no module mocks (test/vitest-config.test.ts checks). Their files also share this
 * repository's modules, so the synthesized template (test/support/template.ts) is made once per
 * worker: in a paired run on a loaded 2-core machine, these folders took 225 s of CPU with a
 * process per file and 88 s shared.
 */
const SHARED_PROCESS_FOLDERS = ['test/domain', 'test/lib', 'test/infrastructure', 'test/docs'];

/**
 * Files of other folders that need no runtime either: services on the in-memory fakes, emulators and
 * helpers tested alone. A new file of another folder runs in the `fresh` project until listed here.
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

/**
 * Files that change a dependency's process-wide state, which no module reset undoes: each runs in a
 * process of its own. The X-Ray SDK that Powertools' Tracer loads in a Lambda environment patches
 * Node's http and https modules for every later request of the process.
 */
const OWN_PROCESS_FILES = ['test/adapters/tracing.test.ts'];

/** Starts the slowest files first (test/support/slow-files-first.ts says why). */
class SlowestFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    return slowFilesFirst(
      await super.sort(files),
      (spec) => ({ group: spec.project.name, path: relative(root, spec.moduleId) }),
      SLOWEST_FILES,
    );
  }
}

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
    // One test file more than there are cores (vitest's default leaves one core free): the local
    // runtime's files spend part of their time waiting on its timers, sockets and child processes,
    // and another file uses that time. On an idle 2-core machine the suite took 620 s one file at a
    // time and 442 s two at a time; later, with more files, the whole `npm test` took 246 s two at a
    // time and 214 s three at a time, the cores then busy throughout.
    maxWorkers: availableParallelism() + 1,
    sequence: { sequencer: SlowestFilesFirst },
    // Each file is in exactly one project: `shared` and `isolated` include the files above, `fresh`
    // the rest. `shared` and `fresh` run a worker's files in one process, so the AWS SDK, dynalite,
    // the ASL interpreter and aws-cdk-lib load once per worker rather than once per file (a local
    // runtime starts in under 0.1 s in a process that has run one, whose DynamoDB thread it takes
    // over (local/dynamodb.ts), and in 1.7 s in a new one). A `fresh` file starts with this
    // repository's modules evaluated anew, since handlers cache clients and settings read from
    // process.env at first use, and ends with process.env restored (test/support/fresh-file.ts): on
    // an idle 2-core machine the suite took 456 s with a process per file and 342 s this way.
    projects: [
      { test: { ...common, name: 'shared', include: sharedProcess, isolate: false } },
      {
        test: {
          ...common,
          name: 'fresh',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...sharedProcess, ...OWN_PROCESS_FILES],
          isolate: false,
          setupFiles: ['test/support/fresh-file.ts'],
        },
      },
      { test: { ...common, name: 'isolated', include: OWN_PROCESS_FILES, isolate: true } },
    ],
  },
});
