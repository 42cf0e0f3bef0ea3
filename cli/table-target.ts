/**
 * A table the operator's commands read or migrate directly, for what no function may do (a whole
 * table at once): `--table <name>`, or the stack's output naming it; the caller's AWS credentials
 * (the SDK chain, `--profile`). Against the local runtime, set AWS_ENDPOINT_URL_DYNAMODB to the
 * endpoint `npm start` prints.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { StackLookupError } from './api-target';
import { UsageError, type CliIo } from './command';

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
  return { table: await stackOutput(values.stack, outputKey, region, values.profile), ...common };
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
