/**
 * Lambda packages: each catalog function bundled exactly as lib/constructs/functions.ts has
 * NodejsFunction bundle it (esbuild --bundle --minify --sourcemap --target=node22 --platform=node
 * --format=cjs, no externals: the AWS SDK is bundled, OPTLINE_CONFIG defined as the program config),
 * its size, what takes the space (esbuild's metafile), and its module init time: `require` of the
 * bundle in a fresh Node process with the environment a handler gets (dummy values), median of runs.
 *
 * Variants quantify size suggestions with the same entry points; they are this benchmark's own
 * esbuild calls and change nothing the CDK deploys.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { buckets, functions, queues, tables, type FunctionId } from '../lib/catalog';
import {
  environmentFor,
  PLATFORM_VARIABLES,
  powertoolsSettings,
  resourceValues,
  type DeploymentValues,
} from '../lib/function-environment';
import { loadLocalConfig } from '../local/load-config';
import { ROOT } from './runtime';
import { deployedBuildOptions } from '../lib/bundling';

export interface BundleResult {
  readonly name: string;
  /** index.js, as deployed (the zip also holds index.js.map). */
  readonly bytes: number;
  readonly sourceMapBytes: number;
  /** index.js compressed with deflate (about its share of the deployment zip). */
  readonly deflatedBytes: number;
  /** Median ms to `require` the bundle in a fresh process. */
  readonly initMs: number;
  /** Bytes in the bundle by npm package (`(app)` for this repository's code), largest first. */
  readonly top: readonly { readonly pkg: string; readonly bytes: number }[];
}

export interface VariantResult {
  readonly name: string;
  readonly description: string;
  /** index.js bytes per function. */
  readonly bytes: Record<string, number>;
  /**
   * Median ms to `require` each function's bundle in a fresh process, its externals loaded from
   * node_modules; absent for a variant whose externals the deployed code would not have.
   */
  readonly initMs?: Record<string, number>;
}

export const TARGET_BYTES = 500 * 1024;

/** A function's deployed esbuild options, with the local program config compiled in. */
export function cdkBuildOptions(entry: string, outfile: string): BuildOptions {
  return deployedBuildOptions(ROOT, entry, outfile, loadLocalConfig(ROOT).program);
}

export async function measureBundles(options: { initRuns?: number } = {}): Promise<BundleResult[]> {
  const dir = join(tmpdir(), `optline-bench-bundles-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const results: BundleResult[] = [];
  try {
    for (const [id, definition] of Object.entries(functions) as [FunctionId, { entry: string }][]) {
      const outfile = join(dir, id, 'index.js');
      mkdirSync(join(dir, id), { recursive: true });
      const { metafile } = await build(cdkBuildOptions(definition.entry, outfile));
      if (!metafile) throw new Error('esbuild returned no metafile');
      const code = readFileSync(outfile);
      results.push({
        name: id,
        bytes: code.length,
        sourceMapBytes: statSync(`${outfile}.map`).size,
        deflatedBytes: deflateRawSync(code, { level: 9 }).length,
        initMs: initTime(outfile, options.initRuns ?? 5),
        top: byPackage(metafile),
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

/**
 * Size suggestions, each measured on every function with one change to the CDK's options: bytes, and
 * init time where the variant is a way to deploy. The bundles are written inside the repository so
 * that what a variant leaves external loads from node_modules, as the runtime's SDK loads from
 * `/var/runtime/node_modules` in Lambda.
 */
export async function measureVariants(options: { initRuns?: number } = {}): Promise<VariantResult[]> {
  const variants: {
    name: string;
    description: string;
    change: (o: BuildOptions) => BuildOptions;
    /** Time `require`: the externals are what Lambda would load (false: they are only left out). */
    init: boolean;
  }[] = [
    {
      name: 'SDK from the runtime',
      description:
        'external @aws-sdk/* and @smithy/* (the SDK in the Node.js 22 runtime; versions no longer pinned)',
      change: (o) => ({ ...o, external: ['@aws-sdk/*', '@smithy/*'] }),
      init: true,
    },
    {
      name: 'without Tracer',
      description:
        'Powertools Tracer and the AWS X-Ray SDK left out (what tracing SDK calls costs each bundle)',
      change: (o) => ({ ...o, external: ['@aws-lambda-powertools/tracer', 'aws-xray-sdk-core'] }),
      init: false,
    },
  ];
  const dir = join(ROOT, '.scratch', `bench-variants-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const results: VariantResult[] = [];
  try {
    for (const variant of variants) {
      const bytes: Record<string, number> = {};
      const initMs: Record<string, number> = {};
      for (const [id, definition] of Object.entries(functions) as [FunctionId, { entry: string }][]) {
        const outfile = join(dir, variant.name.replace(/\W+/g, '-'), id, 'index.js');
        const { metafile } = await build(variant.change(cdkBuildOptions(definition.entry, outfile)));
        bytes[id] = Object.values(metafile?.outputs ?? {}).find((o) => o.entryPoint)?.bytes ?? 0;
        if (variant.init) initMs[id] = initTime(outfile, options.initRuns ?? 5);
      }
      results.push({
        name: variant.name,
        description: variant.description,
        bytes,
        ...(variant.init ? { initMs } : {}),
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

/** Bytes in the output by npm package, largest first. */
function byPackage(metafile: Metafile): { pkg: string; bytes: number }[] {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint);
  const sizes = new Map<string, number>();
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    const match = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g);
    const pkg = match ? (match.at(-1) ?? '').replace('node_modules/', '') : '(app)';
    sizes.set(pkg, (sizes.get(pkg) ?? 0) + input.bytesInOutput);
  }
  return [...sizes].map(([pkg, bytes]) => ({ pkg, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** Median ms to require the bundle, each run in a fresh Node process with a handler's environment. */
function initTime(file: string, runs: number): number {
  const script =
    'const t=process.hrtime.bigint();require(process.argv[1]);' +
    'process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))';
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['-e', script, file], { env: handlerEnv(), encoding: 'utf8' });
    times.push(Number(out));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

/** The variables CDK sets on the functions (dummy values), as a handler sees them at cold start. */
function handlerEnv(): NodeJS.ProcessEnv {
  const values: DeploymentValues = {
    ...resourceValues(tables, 'Table', (_table, id) => `optline-${id}`),
    ...resourceValues(buckets, 'Bucket', (_bucket, id) => `optline-${id}-bucket`),
    ...resourceValues(queues, 'QueueUrl', (_queue, id) => `https://sqs.us-east-1.amazonaws.com/0/${id}`),
    campaignDispatcherFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:dispatcher',
    definedFlowArnPrefix: 'arn:aws:states:us-east-1:0:stateMachine:optline-dev-flow-',
    importStateMachine: 'arn:aws:states:us-east-1:0:stateMachine:optline-dev-import',
    importRowsPerSecond: '200',
    eventBus: 'optline',
    originationIdentity: 'arn:aws:sms-voice:us-east-1:000000000000:phone-number/phone-1',
    originationNumber: '+18885550100',
    configurationSet: 'optline-config-set',
    optOutList: 'optline-opt-outs',
    messagesPerSecond: '100',
    mediaBucket: 'optline-media',
    mms: 'false',
    linkBase: 'https://example.com',
    schedulerRole: 'arn:aws:iam::000000000000:role/scheduler',
    scheduleGroup: 'optline',
    schedulerDeadLetterQueue: 'arn:aws:sqs:us-east-1:000000000000:scheduler-dlq',
    preferenceKey: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:preference-key-abc123',
    privacyKey: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:privacy-key-abc123',
    certificateKey: 'arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000',
  };
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    [PLATFORM_VARIABLES.region]: 'us-east-1',
    [PLATFORM_VARIABLES.defaultRegion]: 'us-east-1',
    [PLATFORM_VARIABLES.accessKeyId]: 'dummy',
    [PLATFORM_VARIABLES.secretAccessKey]: 'dummy',
    [PLATFORM_VARIABLES.sessionToken]: 'dummy',
    [PLATFORM_VARIABLES.functionName]: 'optline-bench',
    [PLATFORM_VARIABLES.functionMemory]: '512',
    // In Lambda: the tracer (and the X-Ray SDK) is created at init, as with active tracing.
    [PLATFORM_VARIABLES.executionEnv]: 'AWS_Lambda_nodejs22.x',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...powertoolsSettings('inboundSms', 'INFO'),
  };
  // Every function's variables (a bundle is loaded without knowing which function it is).
  for (const id of Object.keys(functions) as FunctionId[]) Object.assign(env, environmentFor(id, values));
  return env;
}
