/**
 * Global setup of the `shared` project (vitest.config.mts): starts the shared synthesis of the stack
 * (test/support/template.ts) in a background process as the test run begins, so that it is ready
 * when the template tests ask for it rather than made while they wait: vitest runs the `shared`
 * project's files after the `fresh` project's, and the first template test used to synthesize while
 * the other workers' template tests waited for it. If it fails, the template tests report its error;
 * if the run ends first, it is stopped.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './root';

export default function setup(): () => void {
  const producer = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'test', 'support', 'synthesize-shared.ts'), String(process.pid)],
    { cwd: ROOT, stdio: 'ignore' },
  );
  return () => {
    if (producer.exitCode === null && producer.signalCode === null) producer.kill();
  };
}
