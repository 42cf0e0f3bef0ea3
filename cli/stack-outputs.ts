/**
 * An output of a deployed stack, read with the caller's AWS credentials (the SDK chain, `--profile`):
 * `<key>` in Optline's own stack, `<construct id><key><hash>` where an app added the construct to a
 * stack of its own. One Optline per stack: with several, the output is ambiguous and the command
 * asks for the value itself.
 */

/** Thrown when the stack cannot be read: an AWS error, exit code 1. */
export class StackLookupError extends Error {}

export interface StackOutputQuery {
  readonly stack: string;
  /** The output's key (`ApiUrl`, `ProfilesTableName`). */
  readonly key: string;
  /** The option that gives the value instead (`--api <url>`), named when the output is ambiguous. */
  readonly instead: string;
  readonly region?: string | undefined;
  readonly profile?: string | undefined;
}

export async function stackOutput(query: StackOutputQuery): Promise<string> {
  const { stack, key, region, profile } = query;
  // Loaded only for --stack: a command given the value needs neither CloudFormation nor the chain.
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  const cloudFormation = new CloudFormationClient({
    ...(region ? { region } : {}),
    credentials: fromNodeProviderChain(profile ? { profile } : {}),
  });
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stack }));
    const pattern = new RegExp(`${key}[0-9A-F]{8}$`);
    const outputs = (Stacks?.[0]?.Outputs ?? []).filter(
      (o) => o.OutputKey === key || pattern.test(o.OutputKey ?? ''),
    );
    if (outputs.length === 0)
      throw new StackLookupError(`stack ${stack} has no ${key} output (is it an Optline stack?)`);
    if (outputs.length > 1)
      throw new StackLookupError(
        `stack ${stack} has ${outputs.length} Optline ${key} outputs (${outputs.map((o) => o.OutputKey).join(', ')}): give ${query.instead}`,
      );
    return outputs[0]!.OutputValue!;
  } catch (error) {
    if (error instanceof StackLookupError) throw error;
    throw new StackLookupError(`cannot read stack ${stack}: ${(error as Error).message}`);
  } finally {
    cloudFormation.destroy();
  }
}
