/**
 * The synthesized template whose policies the local endpoints enforce. Synthesizing the CDK app
 * takes seconds, so the part of the template the check reads is kept in
 * `node_modules/.cache/optline/`, under a hash of what the policies are made from: lib/, cdk.json,
 * package-lock.json (the CDK version), and the deployment settings that change resources (the
 * origination, the stage, and the flows written as data that are on: each is a state machine the
 * flow starter is granted). The rest of the program (brand, keywords, the built-in flows' settings…)
 * changes no policy, so a template synthesized for one program serves every program with the same
 * flow definitions on; test/local/permissions.test.ts checks that it does. A missing entry is
 * synthesized by one process at a time (parallel test files wait for the first): in a child process,
 * so that the CDK stays out of the runtime's memory, or, for tests (`inProcess`), in the calling
 * process, which has the CDK loaded or keeps it for its next files: about 0.8 s of CPU a template
 * there, 2.3 s in a child that loads TypeScript support, the CDK and lib/ first.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import type { DeploymentConfig } from '../../lib/config';
import type { CfnTemplate } from './policies';

const WAIT_MS = 5 * 60_000;

export interface TemplateSource {
  readonly template: CfnTemplate;
  /** Whether it was synthesized now (false: read from the cache). */
  readonly synthesized: boolean;
  readonly file: string;
}

/** The template of the stack this config deploys (its policy part), from the cache or synthesized. */
export async function synthesizedTemplate(
  root: string,
  config: DeploymentConfig,
  options: { inProcess?: boolean } = {},
): Promise<TemplateSource> {
  const raw = rawConfig(config);
  const dir = join(root, 'node_modules', '.cache', 'optline');
  const file = join(dir, `template-${inputsHash(root, config)}.json`);
  mkdirSync(dir, { recursive: true });
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    if (existsSync(file)) return { template: read(file), synthesized: false, file };
    const lock = `${file}.lock`;
    if (takeLock(lock)) {
      try {
        const template = await (options.inProcess ? synthesizeHere : synthesize)(root, raw, file);
        removeOld(file);
        return { template, synthesized: true, file };
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** What the template is synthesized from: the program, the origination and the stage. */
function rawConfig(config: DeploymentConfig): Record<string, unknown> {
  return { ...config.program, origination: config.origination, stage: config.stage };
}

function read(file: string): CfnTemplate {
  return JSON.parse(readFileSync(file, 'utf8')) as CfnTemplate;
}

/** Synthesizes the template of this config into `file`, whatever the cache holds. */
export async function synthesizeTemplate(
  root: string,
  config: DeploymentConfig,
  file: string,
): Promise<CfnTemplate> {
  return synthesize(root, rawConfig(config), file);
}

/** Runs local/iam/synthesize.ts in a child process (the runtime's thread goes on meanwhile). */
async function synthesize(root: string, raw: Record<string, unknown>, file: string): Promise<CfnTemplate> {
  const configFile = `${file}.config.json`;
  writeFileSync(configFile, JSON.stringify(raw));
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(
        process.execPath,
        [require.resolve('tsx/cli'), join(root, 'local', 'iam', 'synthesize.ts'), configFile, `${file}.tmp`],
        { cwd: root, env: { ...process.env }, maxBuffer: 16 * 1024 * 1024 },
        (error, _stdout, stderr) =>
          error
            ? reject(
                new Error(
                  `synthesizing the stack for the permission check failed:\n${stderr || error.message}`,
                ),
              )
            : resolve(),
      );
    });
    renameSync(`${file}.tmp`, file);
    return read(file);
  } finally {
    rmSync(configFile, { force: true });
  }
}

/** Synthesizes in this process (./policy-template.ts, loaded on first use), written as the child writes. */
async function synthesizeHere(
  root: string,
  raw: Record<string, unknown>,
  file: string,
): Promise<CfnTemplate> {
  const { synthesizePolicyTemplate } = await import('./policy-template.js');
  const template = synthesizePolicyTemplate(root, raw);
  writeFileSync(`${file}.tmp`, JSON.stringify(template));
  renameSync(`${file}.tmp`, file);
  return template;
}

/** Templates of inputs a week gone (the cache keeps every one it writes). */
function removeOld(current: string): void {
  const dir = join(current, '..');
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (
      path !== current &&
      /^template-[0-9a-f]+\.json$/.test(name) &&
      Date.now() - statSync(path).mtimeMs > 7 * 86_400_000
    )
      rmSync(path, { force: true });
  }
}

/** A lock directory; one left by a process that is gone is taken over. */
function takeLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(process.pid));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  try {
    const pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
    if (!isAlive(pid)) rmSync(lock, { recursive: true, force: true });
  } catch {
    // Its pid is not written yet, or it is gone already: look again.
    if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 10_000)
      rmSync(lock, { recursive: true, force: true });
  }
  return false;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Hash of what the policies are made from (see the file comment). */
function inputsHash(root: string, config: DeploymentConfig): string {
  const definedFlows = config.program.flows.definitions.filter((d) => d.enabled).map((d) => d.id);
  const hash = createHash('sha256').update(
    JSON.stringify({ o: config.origination, s: config.stage, f: definedFlows }),
  );
  const files = [
    ...filesUnder(root, 'lib'),
    'cdk.json',
    'package-lock.json',
    'local/iam/policy-template.ts',
  ].sort();
  for (const file of files)
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(root, file)))
      .update('\0');
  return hash.digest('hex').slice(0, 16);
}

function filesUnder(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(root, path);
    return entry.isFile() ? [relative(root, join(root, path))] : [];
  });
}
