/** BatchGetItem over any number of keys: 100 a request, unprocessed keys retried with backoff. */
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from './aws-clients';

const KEYS_PER_REQUEST = 100;
const ATTEMPTS = 9;

/** Every item found for `keys` (in no particular order); throws if some stay unprocessed. */
export async function batchGetAll(
  table: string,
  keys: readonly Record<string, unknown>[],
  options: { readonly consistentRead?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += KEYS_PER_REQUEST) {
    let pending = keys.slice(i, i + KEYS_PER_REQUEST);
    for (let attempt = 0; pending.length > 0; attempt++) {
      const result = await dynamoClient().send(
        new BatchGetCommand({
          RequestItems: {
            [table]: { Keys: pending, ...(options.consistentRead ? { ConsistentRead: true } : {}) },
          },
        }),
      );
      items.push(...(result.Responses?.[table] ?? []));
      pending = (result.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
      if (pending.length > 0) {
        if (attempt >= ATTEMPTS - 1) throw new Error(`${pending.length} items of ${table} could not be read`);
        await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt * Math.random()));
      }
    }
  }
  return items;
}
