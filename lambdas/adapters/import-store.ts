/**
 * Imports in DynamoDB (pk `importId`, sk `itemKey`): the import's description (`#import`), for an
 * import by upload what the upload is (`#upload`), and one report per finished batch
 * (`batch#0000000001`…), and for an import by upload its run (`#run`: the
 * state its state machine's steps reached). A batch's report is put once (conditional on its
 * key), after every row of the batch is recorded: its presence is what "this batch is done" means to
 * a resumed import.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from './aws-clients';
import { named } from './dynamo-expression';
import type {
  BatchRecord,
  ImportDescription,
  ImportStore,
  RunRecord,
  UploadRecord,
} from '../domain/stores/imports';
import { parseUpload } from '../domain/stores/upload-record';

const DESCRIPTION_KEY = '#import';
const UPLOAD_KEY = '#upload';
const RUN_KEY = '#run';
const batchKey = (batch: number) => `batch#${String(batch).padStart(10, '0')}`;

export class DynamoImportStore implements ImportStore {
  constructor(private readonly table: string) {}

  async registerUpload(upload: UploadRecord): Promise<UploadRecord> {
    const stored = await this.putOnce({ ...upload, itemKey: UPLOAD_KEY });
    return stored ? parseUpload(stored) : upload;
  }

  async getUpload(importId: string): Promise<UploadRecord | undefined> {
    const item = await this.get(importId, UPLOAD_KEY);
    return item ? parseUpload(item) : undefined;
  }

  async describe(description: ImportDescription): Promise<ImportDescription> {
    const stored = await this.putOnce({ ...description, itemKey: DESCRIPTION_KEY });
    return (stored ?? description) as ImportDescription;
  }

  async getDescription(importId: string): Promise<ImportDescription | undefined> {
    return (await this.get(importId, DESCRIPTION_KEY)) as ImportDescription | undefined;
  }

  async getBatch(importId: string, batch: number): Promise<BatchRecord | undefined> {
    return (await this.get(importId, batchKey(batch))) as BatchRecord | undefined;
  }

  async putBatch(record: BatchRecord): Promise<BatchRecord> {
    const stored = await this.putOnce({ ...record, itemKey: batchKey(record.batch) });
    return (stored ?? record) as BatchRecord;
  }

  async listBatches(importId: string): Promise<BatchRecord[]> {
    const records: BatchRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamoClient().send(
        new QueryCommand({
          TableName: this.table,
          ...named({ KeyConditionExpression: '#importId = :id AND begins_with(#itemKey, :batch)' }),
          ExpressionAttributeValues: { ':id': importId, ':batch': 'batch#' },
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
      );
      records.push(...((page.Items ?? []) as BatchRecord[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return records;
  }

  async putRun(run: RunRecord): Promise<void> {
    await dynamoClient().send(new PutCommand({ TableName: this.table, Item: { ...run, itemKey: RUN_KEY } }));
  }

  async getRun(importId: string): Promise<RunRecord | undefined> {
    const item = await this.get(importId, RUN_KEY);
    if (!item) return undefined;
    const { itemKey: _key, ...run } = item;
    return run as unknown as RunRecord;
  }

  private async get(importId: string, itemKey: string): Promise<Record<string, unknown> | undefined> {
    const result = await dynamoClient().send(
      new GetCommand({ TableName: this.table, Key: { importId, itemKey }, ConsistentRead: true }),
    );
    return result.Item;
  }

  /** Puts the item unless its key exists; answers the existing item when it does. */
  private async putOnce(item: Record<string, unknown> & { importId: unknown; itemKey: string }) {
    try {
      await dynamoClient().send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ...named({ ConditionExpression: 'attribute_not_exists(#itemKey)' }),
        }),
      );
      return undefined;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return this.get(String(item.importId), item.itemKey);
    }
  }
}
