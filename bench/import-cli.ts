/**
 * The import command in a process of its own, as an operator runs it, so that its peak memory is its
 * own and not the local runtime's (bench/import-case.ts forks this file with tsx). Sends back the exit
 * code, the JSON report and the process's peak RSS.
 */
import { main } from '../cli/optline';

const args = JSON.parse(process.argv[2] ?? '[]') as string[];
const out: string[] = [];
const err: string[] = [];
main(args, {
  out: (text) => out.push(text),
  err: (text) => err.push(text),
  cwd: process.cwd(),
  env: process.env,
}).then(
  (code) => {
    const result = {
      code,
      output: out.join('\n'),
      errors: err.join('\n'),
      // resourceUsage().maxRSS is in kilobytes (getrusage ru_maxrss).
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
    process.send?.(result, () => process.exit(0));
  },
  (error: unknown) => {
    process.send?.({ code: -1, output: '', errors: String(error), peakRssBytes: 0 }, () => process.exit(1));
  },
);
