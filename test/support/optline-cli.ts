/**
 * `optline …` run in the test's own process through the CLI's `main`, as bin/optline-cli.cjs runs it
 * (the launcher itself is tested by spawning it): what it printed, each line ended as on a terminal,
 * and its exit code. An error the command did not handle is exit code 1, as the launcher makes it.
 */
import { main } from '../../cli/optline';
import { ROOT } from './root';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function optlineInProcess(
  args: readonly string[],
  options: { readonly cwd?: string; readonly env?: Readonly<Record<string, string | undefined>> } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  let code: number;
  try {
    code = await main(args, {
      out: (text) => (stdout += `${text}\n`),
      err: (text) => (stderr += `${text}\n`),
      cwd: options.cwd ?? ROOT,
      env: options.env ?? process.env,
    });
  } catch (error) {
    stderr += `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`;
    code = 1;
  }
  return { code, stdout, stderr };
}
