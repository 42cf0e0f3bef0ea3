/**
 * What every `optline` subcommand is: a usage text and a run function; its summary is in
 * command-summaries.ts, so listing the commands loads none of them.
 */
import { parseArgs } from 'node:util';

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Where to look for cdk.json (this directory or the nearest parent that has one). */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Set when stdout is a terminal: commands may redraw a live view there. */
  readonly tty?: { readonly write: (raw: string) => void };
}

export interface Command {
  readonly usage: string;
  run(args: readonly string[], io: CliIo): number | Promise<number>;
}

/** Bad arguments: reported with the command's usage, exit code 2. */
export class UsageError extends Error {}

export const EXIT_OK = 0;
/** The API (or AWS) answered with an error. */
export const EXIT_API_ERROR = 1;
export const EXIT_USAGE = 2;

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** node:util parseArgs, with its errors (unknown option, missing value) turned into usage errors. */
export function parse<T extends Options>(
  args: readonly string[],
  options: T,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
