/**
 * `optline consent`: the consent log as evidence. `verify` recomputes a number's hash chain from its
 * log as the API serves it (or every number's, from the table) and reports each break; `chain` adds
 * the chain to entries recorded before it. Exit code 0 when every chain is intact, 1 when one is
 * broken (or the API or AWS answered an error), 2 on bad usage.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { ConsentLogEntry } from '../lambdas/domain/consent';
import { verifyChain, type ChainReport } from '../lambdas/domain/consent-chain';
import { apiFailure } from './api-commands';
import { apiClient, StackLookupError, TARGET_OPTIONS, TARGET_USAGE } from './api-target';
import { EXIT_API_ERROR, EXIT_OK, parse, UsageError, type CliIo, type Command } from './command';
import { chainExistingEntries, numbersOf, type TableTarget } from './consent-log-table';

const TABLE_USAGE = [
  'The whole table (--all, chain), with your AWS credentials:',
  '  --table <name>      The consent-log table (default: the ConsentLogTableName output of --stack)',
].join('\n');

export const consent: Command = {
  summary: 'Verify the consent log hash chain; chain entries recorded before it',
  usage: [
    'Usage: optline consent verify <phone> [options]',
    '       optline consent verify --all [--table <name>] [options]',
    '       optline consent chain [--table <name>] [options]',
    '',
    'verify  Recomputes the hash chain of the number (GET /v1/profiles/{phone}/consent-log), or of',
    '        every number in the table, and lists each break: the entry whose content no longer',
    '        gives its hash, or whose prevHash is not the hash of the entry before it. Exit 1 on a break.',
    'chain   Adds prevHash and hash to the entries recorded before the chain (idempotent).',
    '',
    TARGET_USAGE,
    '',
    TABLE_USAGE,
    '  -h, --help          Show this help',
  ].join('\n'),
  run: runConsent,
};

async function runConsent(args: readonly string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  if (action === '--help' || action === '-h') {
    io.out(consent.usage);
    return EXIT_OK;
  }
  if (action !== 'verify' && action !== 'chain')
    throw new UsageError(
      action === undefined ? 'missing action: verify, chain' : `unknown action "${action}"`,
    );
  const { values, positionals } = parse(rest, {
    ...TARGET_OPTIONS,
    all: { type: 'boolean' },
    table: { type: 'string' },
  });
  if (values.help) {
    io.out(consent.usage);
    return EXIT_OK;
  }
  try {
    if (action === 'chain') {
      if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
      const result = await chainExistingEntries(await tableTarget(values, io));
      if (values.json) io.out(JSON.stringify(result, null, 2));
      else
        io.out(
          `Chained ${result.chained} entries of ${result.numbers} numbers (${result.alreadyChained} were already chained)`,
        );
      return EXIT_OK;
    }
    if (values.all) {
      if (positionals.length > 0) throw new UsageError('give a phone number or --all, not both');
      const reports: (ChainReport & { phone: string })[] = [];
      for await (const { phone, entries } of numbersOf(await tableTarget(values, io)))
        reports.push({ phone, ...verifyChain(entries) });
      return report(reports, values.json === true, io);
    }
    if (positionals.length !== 1)
      throw new UsageError(
        positionals.length === 0 ? 'missing <phone> (or --all)' : `unexpected argument ${positionals[1]}`,
      );
    const client = await apiClient(values, io.env);
    const log = await client.getConsentLog(positionals[0]!);
    return report([{ phone: log.phone, ...verifyChain(log.events.map(asStored)) }], values.json === true, io);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (isAwsError(error)) {
      io.err(`optline consent ${action}: ${error.name}: ${error.message}`);
      return EXIT_API_ERROR;
    }
    return apiFailure(`consent ${action}`, error, io);
  }
}

/** An entry as stored: the API adds each change's `status`, which the hash does not cover. */
function asStored(event: Record<string, unknown>): ConsentLogEntry {
  const { status: _status, ...entry } = event;
  return entry as unknown as ConsentLogEntry;
}

function report(reports: readonly (ChainReport & { phone: string })[], json: boolean, io: CliIo): number {
  const broken = reports.filter((r) => !r.intact);
  if (json) io.out(JSON.stringify(reports.length === 1 ? reports[0] : { numbers: reports }, null, 2));
  else {
    for (const r of reports) {
      if (r.intact) {
        if (reports.length === 1) io.out(`${r.phone}: chain intact, ${r.entries} entries, head ${r.head}`);
        continue;
      }
      io.out(`${r.phone}: chain BROKEN (${r.breaks.length} breaks in ${r.entries} entries)`);
      for (const b of r.breaks)
        io.out(
          `  entry ${b.seq} (${b.eventKey}): ${b.reason}${b.expected ? ` expected ${b.expected}, found ${b.found}` : ''}`,
        );
    }
    if (reports.length !== 1)
      io.out(`${reports.length} numbers: ${reports.length - broken.length} intact, ${broken.length} broken`);
  }
  return broken.length > 0 ? EXIT_API_ERROR : EXIT_OK;
}

async function tableTarget(
  values: { table?: string; stack?: string; region?: string; profile?: string },
  io: CliIo,
): Promise<TableTarget> {
  const region = values.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  const common = { ...(region ? { region } : {}), ...(values.profile ? { profile: values.profile } : {}) };
  if (values.table) return { table: values.table, ...common };
  if (!values.stack) throw new UsageError('give --table <name> or --stack <name>');
  return { table: await stackOutput(values.stack, 'ConsentLogTableName', region, values.profile), ...common };
}

async function stackOutput(stack: string, key: string, region?: string, profile?: string): Promise<string> {
  const cloudFormation = new CloudFormationClient({
    ...(region ? { region } : {}),
    credentials: fromNodeProviderChain(profile ? { profile } : {}),
  });
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stack }));
    const output = (Stacks?.[0]?.Outputs ?? []).find(
      (o) => o.OutputKey === key || new RegExp(`${key}[0-9A-F]{8}$`).test(o.OutputKey ?? ''),
    );
    if (!output?.OutputValue) throw new StackLookupError(`stack ${stack} has no ${key} output`);
    return output.OutputValue;
  } catch (error) {
    if (error instanceof StackLookupError) throw error;
    throw new StackLookupError(`cannot read stack ${stack}: ${(error as Error).message}`);
  } finally {
    cloudFormation.destroy();
  }
}

function isAwsError(error: unknown): error is Error & { $metadata: unknown } {
  return error instanceof Error && '$metadata' in error;
}
