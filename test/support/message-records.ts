/** Reads message records straight from the local DynamoDB, for tests and benchmarks that check outcomes. */
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import type { LocalRuntime } from '../../local/runtime';

/**
 * The campaign's recipients whose message is still `sending`: claimed, and no send recorded (an
 * invocation killed between the two).
 */
export async function claimedNotSent(runtime: LocalRuntime, campaignId: string): Promise<Set<string>> {
  const dynamo = new DynamoDBClient({
    endpoint: runtime.dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });
  const phones = new Set<string>();
  try {
    const pages = paginateScan({ client: dynamo }, { TableName: runtime.dynamo.tableNames.messages });
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        if (item.campaignId?.S === campaignId && item.status?.S === 'sending')
          phones.add(item.phone?.S ?? '');
      }
    }
  } finally {
    dynamo.destroy();
  }
  return phones;
}
