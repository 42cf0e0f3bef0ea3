/**
 * `npm test`: the static checks (`scripts/static-checks.ts`: the type check beside the lint) and
 * every vitest test, started together. The tests run one file more than there are cores; the checks
 * run at a lower priority (nice 10), so they take the moments the local runtime's files leave a core
 * idle while they wait on timers and sockets, rather than delaying the tests. vitest's output
 * streams as it comes; the checks' output follows it, whole. The exit code is 1 if either failed.
 *
 *   npx tsx scripts/test.ts [vitest arguments]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';

/** The niceness of the checks: below the tests, above nothing else. */
const CHECKS_PRIORITY = 10;

function exited(child: ChildProcess): Promise<number> {
  return new Promise((done) => {
    child.on('error', () => done(1));
    child.on('close', (code) => done(code ?? 1));
  });
}

async function main(): Promise<number> {
  const checks = spawn(process.execPath, ['--import', 'tsx', 'scripts/static-checks.ts'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Lowered before the checks start their own processes (tsx loads first), which inherit it.
  if (checks.pid !== undefined) setPriority(checks.pid, CHECKS_PRIORITY);
  let checksOutput = '';
  checks.stdout.on('data', (chunk: Buffer) => (checksOutput += chunk.toString()));
  checks.stderr.on('data', (chunk: Buffer) => (checksOutput += chunk.toString()));
  const checksDone = exited(checks);

  const tests = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  const [testsCode, checksCode] = await Promise.all([exited(tests), checksDone]);
  process.stdout.write(`\n${checksOutput}`);
  process.stdout.write(
    `\nnpm test: tests ${testsCode === 0 ? 'passed' : 'failed'}, checks ${checksCode === 0 ? 'passed' : 'failed'}\n`,
  );
  return testsCode === 0 && checksCode === 0 ? 0 : 1;
}

void main().then((code) => {
  process.exitCode = code;
});
