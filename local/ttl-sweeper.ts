/**
 * dynalite does not implement TTL, so the local runtime deletes expired items itself, by the same
 * attribute DynamoDB would use, against the virtual clock. (Code never relies on TTL for
 * correctness: reads check expiry too, as DynamoDB's TTL deletion can lag by hours.)
 */
import { DeleteItemCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { tables, type TableDefinition, type TableId } from '../lib/catalog';
import type { Clock } from '../lambdas/domain/clock';

export class TtlSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private readonly client: DynamoDBClient;

  constructor(
    endpoint: string,
    private readonly tableNames: Record<TableId, string>,
    private readonly clock: Clock,
  ) {
    this.client = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }

  start(intervalMs = 30_000): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep().finally(() => (this.running = undefined));
    }, intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
    this.client.destroy();
  }

  /** Deletes every item whose TTL attribute is in the (virtual) past; returns how many. */
  async sweep(): Promise<number> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    let deleted = 0;
    for (const [id, definition] of Object.entries(tables) as [TableId, TableDefinition][]) {
      const attribute = definition.timeToLiveAttribute;
      if (!attribute) continue;
      const keys = [definition.partitionKey.name, ...(definition.sortKey ? [definition.sortKey.name] : [])];
      let startKey: Record<string, never> | undefined;
      do {
        const page = await this.client.send(
          new ScanCommand({
            TableName: this.tableNames[id],
            FilterExpression: '#ttl < :now',
            ExpressionAttributeNames: { '#ttl': attribute },
            ExpressionAttributeValues: { ':now': { N: String(now) } },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          const key = Object.fromEntries(keys.map((k) => [k, item[k]!]));
          await this.client.send(new DeleteItemCommand({ TableName: this.tableNames[id], Key: key }));
          deleted += 1;
        }
        startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
      } while (startKey);
    }
    return deleted;
  }
}
