/**
 * The static checks `npm test` runs before the tests: the type check (`npm run typecheck`) beside
 * the lint (`npm run lint`: ESLint, then Prettier in check mode). Each is single-threaded, so run one
 * after the other they leave a core idle for about a minute; side by side they take as long as the
 * longer. Each one's output is printed when it ends, whole; the exit code is 1 if either failed.
 *
 * Each keeps what it learnt in node_modules/.cache (which `npm ci` empties): tsc its incremental
 * build information, ESLint and Prettier the files they found clean, by content and under their
 * configuration. A later run looks again only at what changed (tsc still reads every declaration
 * file): 12 s of CPU instead of 48 s, with the same findings. No rule of this ESLint configuration
 * reads another file's types, so a file's findings depend on its content alone.
 *
 *   npx tsx scripts/static-checks.ts
 */
import { spawn } from 'node:child_process';

const CHECKS = ['typecheck', 'lint'] as const;

function run(script: string): Promise<{ script: string; code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn('npm', ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => done({ script, code: 1, output: `${output}${error.message}\n` }));
    child.on('close', (code) => done({ script, code: code ?? 1, output }));
  });
}

async function main(): Promise<number> {
  const results = await Promise.all(
    CHECKS.map((script) =>
      run(script).then((result) => {
        process.stdout.write(`> npm run ${script}: ${result.code === 0 ? 'ok' : 'failed'}\n${result.output}`);
        return result;
      }),
    ),
  );
  return results.every((result) => result.code === 0) ? 0 : 1;
}

void main().then((code) => {
  process.exitCode = code;
});
