/**
 * Synthesizes the stack for template assertions, the way `cdk synth` does: the feature flags of
 * cdk.json and the cdk-nag AwsSolutions checks, whose report is kept alongside the template. The
 * functions are not bundled: no template test reads a bundle, and bundling is tested where it
 * matters (test/local/bundled-functions.test.ts runs bundles, test/api/handler-bundles.test.ts
 * measures them, and test/client/package.test.ts synthesizes the packed construct with CDK's
 * bundling of every function).
 *
 * vitest runs the test files in a process per worker (each `fresh` file with this repository's
 * modules evaluated anew), so the default configuration is synthesized once per test run and shared
 * between files and workers through a directory in the OS temp dir. A background process started
 * with the run makes it, holding the directory as a lock (test/support/shared-synthesis.setup.ts),
 * and the files wait for its result; where no such process runs, the first file to ask makes it.
 * The directory name carries the vitest process id and a hash of every input (bin/, lib/, lambdas/,
 * statemachines/, cdk.json, package-lock.json), so a later run or a changed source synthesizes
 * afresh. Tests of other configurations call `synthesize(config)` in process.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { parseDeploymentConfig } from '../../lib/config';
import { addNagChecks } from '../../lib/constructs/nag';
import { OptlineStack } from '../../lib/optline-stack';

const ROOT = resolve(__dirname, '..', '..');

export const TEST_CONFIG = {
  brand: 'Acme Coffee',
  supportContact: 'help@acme-coffee.example',
  termsUrl: 'https://acme-coffee.example/terms',
  privacyUrl: 'https://acme-coffee.example/privacy',
  stage: 'prod',
};

export const TEST_STACK_NAME = 'OptlineTest';

/** A finding of a validation plugin (cdk.out/validation-report.json). */
export interface Violation {
  readonly ruleName: string;
  readonly severity: string;
  readonly description: string;
  readonly violatingConstructs: { readonly constructPath: string }[];
  /** For acknowledged findings: the id, the reason and the construct that acknowledged it. */
  readonly acknowledgedId?: string;
  readonly reason?: string;
  readonly acknowledgedAt?: string;
}

export interface PluginReport {
  readonly pluginName: string;
  readonly conclusion: string;
  readonly violations: Violation[];
  readonly suppressedViolations?: Violation[];
}

/** One `Validations.of(scope).acknowledge()` in the construct tree. */
export interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

export interface Synthesis {
  readonly template: Template;
  /** The reports of the validation plugins (cdk-nag's is `AwsSolutions`). */
  readonly reports: PluginReport[];
  readonly acknowledgements: Acknowledgement[];
}

interface SynthesisJson {
  readonly template: Record<string, unknown>;
  readonly reports: PluginReport[];
  readonly acknowledgements: Acknowledgement[];
}

/**
 * Synthesizes in this process. `checks: false` leaves out the validation plugins, the AwsSolutions
 * checks and CDK's built-in CloudFormation validation (their report is then empty), for tests that
 * read the template only: the checks change nothing in it, and took about 4 s of CPU a synthesis.
 */
export function synthesize(
  raw: Record<string, unknown> = TEST_CONFIG,
  options: { checks?: boolean } = {},
): Synthesis & { stack: OptlineStack } {
  const { stack, json } = synthesizeJson(raw, options.checks ?? true);
  return { stack, ...fromJson(json) };
}

let shared: Promise<Synthesis> | undefined;

/** The default configuration, synthesized once per test run (see the file comment). */
export function sharedSynthesis(): Promise<Synthesis> {
  shared ??= loadShared().then(fromJson);
  return shared;
}

type Resource = {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  DeletionPolicy?: string;
};

export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.findResources(type) as Record<string, Resource>);
}

function fromJson(json: SynthesisJson): Synthesis {
  return {
    template: Template.fromJSON(json.template),
    reports: json.reports,
    acknowledgements: json.acknowledgements,
  };
}

function synthesizeJson(raw: Record<string, unknown>, checks: boolean) {
  const cdkJson = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const { optline: _program, ...featureFlags } = cdkJson.context;
  const outdir = mkdtempSync(join(tmpdir(), 'optline-cdk-out-'));
  try {
    const app = new App({
      outdir,
      context: {
        ...featureFlags,
        // Report validation findings in validation-report.json rather than throwing: the nag test
        // asserts on them, the other tests still get a template.
        '@aws-cdk/core:failSynthOnValidationErrors': false,
        // No stack's functions are bundled (see the file comment).
        'aws:cdk:bundling-stacks': [],
      },
      builtinCloudFormationValidation: checks,
    });
    const stack = new OptlineStack(app, TEST_STACK_NAME, {
      config: parseDeploymentConfig(raw),
      env: { account: '123456789012', region: 'us-east-1' },
    });
    if (checks) addNagChecks(app);
    const assembly = app.synth();
    const template = assembly.getStackByName(stack.stackName).template as Record<string, unknown>;
    const reportFile = join(assembly.directory, 'validation-report.json');
    const reports = existsSync(reportFile)
      ? (JSON.parse(readFileSync(reportFile, 'utf8')) as { pluginReports: PluginReport[] }).pluginReports
      : [];
    return { stack, json: { template, reports, acknowledgements: acknowledgementsIn(app) } };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function acknowledgementsIn(root: IConstruct): Acknowledgement[] {
  const found: Acknowledgement[] = [];
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.push({ path: construct.node.path, id, reason });
      }
    }
  }
  return found;
}

const CACHE_PREFIX = 'optline-synth-';
const WAIT_MS = 5 * 60_000;

/**
 * Where the shared synthesis of the test run led by process `runPid` (vitest's main process: the
 * workers' parent) is kept. Whoever creates the directory produces it: the run's background process
 * (test/support/shared-synthesis.setup.ts), or else the first file to ask.
 */
function sharedDirectory(runPid: number): string {
  return join(tmpdir(), `${CACHE_PREFIX}${runPid}-${inputsHash()}`);
}

/**
 * Synthesizes the shared configuration into the run's directory, unless another process has taken
 * it. Returns the synthesis it made, or undefined when another process makes it.
 */
export function produceSharedSynthesis(runPid: number): SynthesisJson | undefined {
  const dir = sharedDirectory(runPid);
  try {
    mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return undefined;
  }
  writeFileSync(join(dir, 'pid'), String(process.pid));
  removeStaleCaches(runPid);
  try {
    const { json } = synthesizeJson(TEST_CONFIG, true);
    writeFileSync(join(dir, 'result.json.tmp'), JSON.stringify(json));
    renameSync(join(dir, 'result.json.tmp'), join(dir, 'result.json'));
    return json;
  } catch (error) {
    writeFileSync(
      join(dir, 'error.txt'),
      error instanceof Error ? (error.stack ?? error.message) : String(error),
    );
    throw error;
  }
}

async function loadShared(): Promise<SynthesisJson> {
  const made = produceSharedSynthesis(process.ppid);
  if (made) return made;
  const dir = sharedDirectory(process.ppid);
  const result = join(dir, 'result.json');
  const failure = join(dir, 'error.txt');
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    if (existsSync(result)) return JSON.parse(readFileSync(result, 'utf8')) as SynthesisJson;
    if (existsSync(failure)) throw new Error(`shared synthesis failed:\n${readFileSync(failure, 'utf8')}`);
    if (producerGone(dir) && !existsSync(result))
      throw new Error(`the process synthesizing into ${dir} ended without a result`);
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`timed out waiting for the shared synthesis in ${dir}`);
}

/** Whether the producer of `dir` has written its pid and is no longer running. */
function producerGone(dir: string): boolean {
  try {
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    return pid > 0 && !isAlive(pid);
  } catch {
    return false;
  }
}

/** Hash of everything synthesis reads from the repository. */
function inputsHash(): string {
  const hash = createHash('sha256').update(JSON.stringify(TEST_CONFIG));
  const files = [
    ...['bin', 'lib', 'lambdas', 'statemachines'].flatMap((dir) => filesUnder(join(ROOT, dir))),
    join(ROOT, 'cdk.json'),
    join(ROOT, 'package-lock.json'),
    __filename,
  ].sort();
  for (const file of files) {
    if (!existsSync(file)) continue;
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : filesUnder(path);
    return entry.isFile() ? [path] : [];
  });
}

/** Removes the caches of test runs that have ended. */
function removeStaleCaches(runPid: number): void {
  for (const name of readdirSync(tmpdir())) {
    const match = new RegExp(`^${CACHE_PREFIX}(\\d+)-`).exec(name);
    if (!match || Number(match[1]) === runPid || isAlive(Number(match[1]))) continue;
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
