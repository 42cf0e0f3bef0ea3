/**
 * Makes the test run's shared synthesis (test/support/template.ts) in a process of its own: started
 * by test/support/shared-synthesis.setup.ts with the pid of vitest's main process, the run it
 * belongs to. A failure is written where the template tests read it.
 *
 *   node --import tsx test/support/synthesize-shared.ts <vitest pid>
 */
import { produceSharedSynthesis } from './template';

const runPid = Number(process.argv[2]);
if (!Number.isInteger(runPid) || runPid <= 0) {
  process.stderr.write('usage: synthesize-shared.ts <vitest pid>\n');
  process.exit(2);
}
produceSharedSynthesis(runPid);
