/** The DynamoDB meter of the local runtime: requests and estimated capacity units, invisible to callers. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoMeter } from '../../local/dynamo-meter';
import { startDynamo, type LocalDynamo } from '../../local/dynamodb';

describe('DynamoDB meter', () => {
  let dynamo: LocalDynamo;
  let client: DynamoDBDocumentClient;
  const messages = () => dynamo.tableNames.messages;
  const profiles = () => dynamo.tableNames.profiles;
  const message = (id: string, bodyBytes: number) => ({
    messageId: id,
    phone: '+12065550100',
    at: '2026-01-01T00:00:00.000Z',
    body: 'x'.repeat(bodyBytes),
  });
  const usage = async (operation: string, table: string) =>
    (await dynamo.meter.snapshot()).get(`${operation} ${table}`);

  beforeAll(async () => {
    dynamo = await startDynamo({ prefix: 'meter-test' });
    client = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: dynamo.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
      }),
    );
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.stop();
  });
  beforeEach(async () => {
    await dynamo.meter.setEnabled(true);
    await dynamo.meter.reset();
  });

  it('counts nothing while disabled', async () => {
    await dynamo.meter.setEnabled(false);
    await client.send(new PutCommand({ TableName: messages(), Item: message('m-0', 10) }));
    expect((await dynamo.meter.snapshot()).size).toBe(0);
  });

  it('counts a write in 1 KB units, and an index entry for an item that carries its keys', async () => {
    await client.send(new PutCommand({ TableName: messages(), Item: message('m-1', 1500) }));
    // 1.5 KB: 2 units in the table; 1 in the byPhone index, which holds only keys.
    expect(await usage('PutItem', messages())).toEqual({
      requests: 1,
      errors: 0,
      conditionalCheckFailures: 0,
      readUnits: 0,
      writeUnits: 3,
      indexWriteUnits: 1,
      unconditionalWrites: 1,
    });
    // Not a marketing subscriber: no marketingShard, so not in the sparse index.
    await client.send(new PutCommand({ TableName: profiles(), Item: { phone: '+12065550100', a: 'b' } }));
    expect(await usage('PutItem', profiles())).toMatchObject({ writeUnits: 1, indexWriteUnits: 0 });
    // A marketing subscriber of 1.5 KB is in the sparse index, which projects everything: 2 more.
    await client.send(
      new PutCommand({
        TableName: profiles(),
        Item: { phone: '+12065550101', marketingShard: '3', pad: 'x'.repeat(1500) },
      }),
    );
    expect(await usage('PutItem', profiles())).toMatchObject({ requests: 2, indexWriteUnits: 2 });
  });

  it('leaves a keys-only index alone when an update changes none of its keys, as DynamoDB does', async () => {
    await client.send(new PutCommand({ TableName: messages(), Item: message('m-4', 10) }));
    await dynamo.meter.reset();
    await client.send(
      new UpdateCommand({
        TableName: messages(),
        Key: { messageId: 'm-4' },
        UpdateExpression: 'SET #status = :sent, #awsMessageId = :id',
        ExpressionAttributeNames: { '#status': 'status', '#awsMessageId': 'awsMessageId' },
        ExpressionAttributeValues: { ':sent': 'sent', ':id': 'aws-1' },
      }),
    );
    expect(await usage('UpdateItem', messages())).toMatchObject({ writeUnits: 1, indexWriteUnits: 0 });
    // Moving the message in time changes the index's sort key: the index entry is rewritten.
    await client.send(
      new UpdateCommand({
        TableName: messages(),
        Key: { messageId: 'm-4' },
        UpdateExpression: 'SET #at = :at',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':at': '2026-01-02T00:00:00.000Z' },
      }),
    );
    expect(await usage('UpdateItem', messages())).toMatchObject({ writeUnits: 3, indexWriteUnits: 1 });
  });

  it('counts reads in 4 KB units, halved when eventually consistent, and hides the figure from the caller', async () => {
    await client.send(new PutCommand({ TableName: messages(), Item: message('m-2', 100) }));
    const strong = await client.send(
      new GetCommand({ TableName: messages(), Key: { messageId: 'm-2' }, ConsistentRead: true }),
    );
    await client.send(new GetCommand({ TableName: messages(), Key: { messageId: 'm-2' } }));
    expect(strong.Item?.messageId).toBe('m-2');
    expect(strong.ConsumedCapacity).toBeUndefined();
    expect(await usage('GetItem', messages())).toMatchObject({ requests: 2, readUnits: 1.5, writeUnits: 0 });

    const asked = await client.send(
      new GetCommand({ TableName: messages(), Key: { messageId: 'm-2' }, ReturnConsumedCapacity: 'TOTAL' }),
    );
    expect(asked.ConsumedCapacity?.CapacityUnits).toBe(0.5);
  });

  it('charges the minimum read for a query that finds nothing', async () => {
    await client.send(
      new QueryCommand({
        TableName: dynamo.tableNames.consentLog,
        KeyConditionExpression: '#phone = :p',
        ExpressionAttributeNames: { '#phone': 'phone' },
        ExpressionAttributeValues: { ':p': '+12065550199' },
      }),
    );
    expect(await usage('Query', dynamo.tableNames.consentLog)).toMatchObject({ requests: 1, readUnits: 0.5 });
  });

  it('charges a failed conditional write and counts it as an error', async () => {
    await client.send(new PutCommand({ TableName: messages(), Item: message('m-3', 10) }));
    await expect(
      client.send(
        new PutCommand({
          TableName: messages(),
          Item: message('m-3', 10),
          ConditionExpression: 'attribute_not_exists(#messageId)',
          ExpressionAttributeNames: { '#messageId': 'messageId' },
        }),
      ),
    ).rejects.toThrow(/conditional/i);
    expect(await usage('PutItem', messages())).toMatchObject({
      requests: 2,
      errors: 1,
      conditionalCheckFailures: 1,
      writeUnits: 3,
    });
  });

  it('counts the items written without a condition: single writes without one, every batched item', async () => {
    await client.send(
      new PutCommand({
        TableName: messages(),
        Item: message('m-5', 10),
        ConditionExpression: 'attribute_not_exists(#messageId)',
        ExpressionAttributeNames: { '#messageId': 'messageId' },
      }),
    );
    expect(await usage('PutItem', messages())).toMatchObject({ requests: 1, unconditionalWrites: 0 });
    await client.send(
      new BatchWriteCommand({
        RequestItems: {
          [messages()]: [
            { PutRequest: { Item: message('m-6', 10) } },
            { DeleteRequest: { Key: { messageId: 'm-5' } } },
          ],
          [profiles()]: [{ PutRequest: { Item: { phone: '+12065550102' } } }],
        },
      }),
    );
    expect(await usage('BatchWriteItem', messages())).toMatchObject({ requests: 1, unconditionalWrites: 2 });
    expect(await usage('BatchWriteItem', profiles())).toMatchObject({ unconditionalWrites: 1 });
    await client.send(new DeleteCommand({ TableName: messages(), Key: { messageId: 'm-6' } }));
    expect(await usage('DeleteItem', messages())).toMatchObject({ unconditionalWrites: 1 });
  });

  it('sums and subtracts usage', () => {
    const before = new Map([['GetItem t', { ...zero(), requests: 1, readUnits: 1 }]]);
    const after = new Map([
      ['GetItem t', { ...zero(), requests: 3, readUnits: 2 }],
      ['PutItem t', { ...zero(), requests: 1, writeUnits: 1 }],
    ]);
    const delta = DynamoMeter.difference(after, before);
    expect(delta.get('GetItem t')).toMatchObject({ requests: 2, readUnits: 1 });
    expect(DynamoMeter.total(delta)).toMatchObject({ requests: 3, readUnits: 1, writeUnits: 1 });
    expect(DynamoMeter.total(delta, (key) => key.startsWith('Put')).requests).toBe(1);
  });
});

function zero() {
  return {
    requests: 0,
    errors: 0,
    conditionalCheckFailures: 0,
    readUnits: 0,
    writeUnits: 0,
    indexWriteUnits: 0,
    unconditionalWrites: 0,
  };
}
