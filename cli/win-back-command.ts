/**
 * `optline win-back index`: puts the customers whose last order was recorded before the win-back
 * flow's index existed into it, so the daily sweep finds them when they lapse (docs/flows.md#win-back).
 * Exit code 0 when done, 1 when AWS answered an error, 2 on bad usage.
 */
import { EXIT_API_ERROR, EXIT_OK, parse, UsageError, type CliIo, type Command } from './command';
import { indexLastOrders } from './last-orders-index';
import { tableTarget } from './table-target';

export const winBack: Command = {
  usage: [
    'Usage: optline win-back index [--table <name>] [options]',
    '',
    "index   Adds the win-back index's attributes to the profiles whose last order was recorded",
    '        before it (a one-off Scan of the profiles table; idempotent).',
    '',
    'With your AWS credentials:',
    '  --table <name>      The profiles table (default: the ProfilesTableName output of --stack)',
    '  --stack <name>      The deployed stack',
    '  --profile <name>    AWS profile (default: the SDK chain)',
    "  --region <region>   AWS Region of the stack (default: AWS_REGION, the profile's, us-east-1)",
    '  --json              Print the counts as JSON',
    '  -h, --help          Show this help',
  ].join('\n'),
  run: runWinBack,
};

async function runWinBack(args: readonly string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  if (action === '--help' || action === '-h') {
    io.out(winBack.usage);
    return EXIT_OK;
  }
  if (action !== 'index')
    throw new UsageError(action === undefined ? 'missing action: index' : `unknown action "${action}"`);
  const { values, positionals } = parse(rest, {
    table: { type: 'string' },
    stack: { type: 'string' },
    profile: { type: 'string' },
    region: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(winBack.usage);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  try {
    const result = await indexLastOrders(await tableTarget(values, io, 'ProfilesTableName'));
    if (values.json) io.out(JSON.stringify(result, null, 2));
    else io.out(`Indexed the last orders of ${result.indexed} profiles (${result.found} found unindexed)`);
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // AWS refused (credentials, the table), or the stack has no such output.
    io.err(`optline win-back index: ${(error as Error).name}: ${(error as Error).message}`);
    return EXIT_API_ERROR;
  }
}
