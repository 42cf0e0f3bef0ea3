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
 * between files and workers through a directory in the OS temp dir: the first file to ask
 * synthesizes (holding the directory as a lock) and writes the result; the others wait for it. The
 * directory name carries the vitest process id and a hash of every input (bin/, lib/, lambdas/,
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
 * Synthesizes in this process, with the AwsSolutions checks. `checks: false` leaves them out (the
 * reports are then empty), for tests that read the template only: the checks change nothing in it.
 *
 * CDK's built-in CloudFormation validation (the resource schemas) runs in the shared synthesis
 * only, whose report test/infrastructure/cloudformation-validation.test.ts reads, as `cdk synth`
 * runs it on the default configuration. Its engine takes about 5.5 s of CPU to load in each process
 * that runs it, and 1 s a template after that.
 */
export function synthesize(
  raw: Record<string, unknown> = TEST_CONFIG,
  options: { checks?: boolean } = {},
): Synthesis & { stack: OptlineStack } {
  const { stack, json } = synthesizeJson(raw, { nag: options.checks ?? true, cloudFormation: false });
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

function synthesizeJson(raw: Record<string, unknown>, checks: { nag: boolean; cloudFormation: boolean }) {
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
      builtinCloudFormationValidation: checks.cloudFormation,
    });
    const stack = new OptlineStack(app, TEST_STACK_NAME, {
      config: parseDeploymentConfig(raw),
      env: { account: '123456789012', region: 'us-east-1' },
    });
    if (checks.nag) addNagChecks(app);
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

async function loadShared(): Promise<SynthesisJson> {
  const dir = join(tmpdir(), `${CACHE_PREFIX}${process.ppid}-${inputsHash()}`);
  const result = join(dir, 'result.json');
  const failure = join(dir, 'error.txt');
  let producer = false;
  try {
    mkdirSync(dir);
    producer = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (producer) {
    removeStaleCaches();
    try {
      const { json } = synthesizeJson(TEST_CONFIG, { nag: true, cloudFormation: true });
      writeFileSync(`${result}.tmp`, JSON.stringify(json));
      renameSync(`${result}.tmp`, result);
      return json;
    } catch (error) {
      writeFileSync(failure, error instanceof Error ? (error.stack ?? error.message) : String(error));
      throw error;
    }
  }
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    if (existsSync(result)) return JSON.parse(readFileSync(result, 'utf8')) as SynthesisJson;
    if (existsSync(failure)) throw new Error(`shared synthesis failed:\n${readFileSync(failure, 'utf8')}`);
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`timed out waiting for the shared synthesis in ${dir}`);
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
function removeStaleCaches(): void {
  for (const name of readdirSync(tmpdir())) {
    const match = new RegExp(`^${CACHE_PREFIX}(\\d+)-`).exec(name);
    if (!match || Number(match[1]) === process.ppid || isAlive(Number(match[1]))) continue;
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
