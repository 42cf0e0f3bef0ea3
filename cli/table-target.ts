/**
 * A table the operator's commands read or migrate directly, for what no function may do (a whole
 * table at once): `--table <name>`, or the stack's output naming it; the caller's AWS credentials
 * (the SDK chain, `--profile`). Against the local runtime, set AWS_ENDPOINT_URL_DYNAMODB to the
 * endpoint `npm start` prints.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { UsageError, type CliIo } from './command';
import { stackOutput } from './stack-outputs';

export interface TableTarget {
  readonly table: string;
  readonly region?: string;
  readonly profile?: string;
}

export function documentClient(target: TableTarget): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      ...(target.region ? { region: target.region } : {}),
      ...(target.profile ? { credentials: fromNodeProviderChain({ profile: target.profile }) } : {}),
    }),
  );
}

/** The table of `--table`, else the stack output `outputKey` of `--stack`. */
export async function tableTarget(
  values: { table?: string; stack?: string; region?: string; profile?: string },
  io: CliIo,
  outputKey: string,
): Promise<TableTarget> {
  const region = values.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  const common = { ...(region ? { region } : {}), ...(values.profile ? { profile: values.profile } : {}) };
  if (values.table) return { table: values.table, ...common };
  if (!values.stack) throw new UsageError('give --table <name> or --stack <name>');
  const table = await stackOutput({
    stack: values.stack,
    key: outputKey,
    instead: '--table <name>',
    region,
    profile: values.profile,
  });
  return { table, ...common };
}
