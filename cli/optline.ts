/**
 * `optline`: commands for an Optline project and its API. `npx optline …` runs this file through
 * bin/optline-cli.cjs (or its compiled copy in dist/); `npx tsx cli/optline.ts …` works too. Every
 * subcommand is one entry of COMMANDS, a module of its own with its usage text and argument parsing,
 * loaded when it runs; usage errors exit 2, API errors 1. The API commands call the API through OptlineClient (signed requests).
 */
import type { Command, CliIo } from './command';
import { EXIT_OK, EXIT_USAGE, UsageError } from './command';
import { COMMAND_SUMMARIES, type CommandName } from './command-summaries';

export type { CliIo } from './command';

// The SDK warns on stderr that Node 20 support ends in 2027: noise in a command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * Each command's module, loaded only when the command runs: a preview or a `--help` does not load
 * the AWS SDK clients, pdf-lib and csv-parse that other commands need, which would triple its start.
 */
const COMMANDS: Readonly<Record<CommandName, () => Promise<Command>>> = {
  preview: async () => (await import('./preview-command.js')).preview,
  profiles: async () => (await import('./api-commands.js')).profiles,
  subscriptions: async () => (await import('./api-commands.js')).subscriptions,
  messages: async () => (await import('./api-commands.js')).messages,
  events: async () => (await import('./api-commands.js')).events,
  campaigns: async () => (await import('./api-commands.js')).campaigns,
  'number-change': async () => (await import('./number-change-command.js')).numberChange,
  consent: async () => (await import('./consent-commands.js')).consent,
  import: async () => (await import('./import-command.js')).importCommand,
  qr: async () => (await import('./qr.js')).qr,
  'win-back': async () => (await import('./win-back-command.js')).winBack,
};

/** Options of the API commands that may also stand before the command (`optline --stack prod …`). */
const GLOBAL_OPTIONS: Readonly<Record<string, boolean>> = {
  '--stack': true,
  '--profile': true,
  '--region': true,
  '--api': true,
  '--json': false,
};

/** Splits `[global options] <command> [args]`; the global options go after the command's own args. */
function splitGlobals(argv: readonly string[]): string[] {
  const globals: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const [flag = '', inline] = (argv[i] ?? '').split(/=(.*)/s, 2);
    const takesValue = GLOBAL_OPTIONS[flag];
    if (takesValue === undefined) break;
    if (takesValue && inline === undefined) {
      const value = argv[i + 1];
      if (value === undefined) return [...argv]; // the command parser reports the missing value
      globals.push(flag, value);
      i += 2;
    } else {
      globals.push(argv[i]!);
      i += 1;
    }
  }
  const [name, ...rest] = argv.slice(i);
  return name === undefined ? globals : [name, ...rest, ...globals];
}

export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = splitGlobals(argv);
  if (name === undefined) {
    io.err(`optline: missing command\n\n${usage()}`);
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = rest[0] === undefined ? undefined : await findCommand(rest[0]);
    io.out(topic ? topic.usage : usage());
    return EXIT_OK;
  }
  const command = await findCommand(name);
  if (!command) {
    io.err(`optline: unknown command "${name}"\n\n${usage()}`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`optline ${name}: ${error.message}\n\n${command.usage}`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

function usage(): string {
  const width = Math.max(...Object.keys(COMMAND_SUMMARIES).map((name) => name.length));
  const lines = Object.entries(COMMAND_SUMMARIES).map(
    ([name, summary]) => `  ${name.padEnd(width)}  ${summary}`,
  );
  return [
    'Usage: optline <command> [options]',
    '       optline [--stack <name>] [--profile <p>] [--region <r>] [--api <url>] <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run "optline <command> --help" for the options of a command.',
    'Exit codes: 0 done, 1 the API (or AWS) answered an error, 2 bad usage.',
  ].join('\n');
}

async function findCommand(name: string): Promise<Command | undefined> {
  return Object.hasOwn(COMMANDS, name) ? await COMMANDS[name as CommandName]() : undefined;
}

function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    cwd: process.cwd(),
    env: process.env,
    ...(process.stdout.isTTY ? { tty: { write: (raw: string) => process.stdout.write(raw) } } : {}),
  };
}

// `npx tsx cli/optline.ts …` runs this file directly; bin/optline-cli.cjs requires it and calls main.
if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
