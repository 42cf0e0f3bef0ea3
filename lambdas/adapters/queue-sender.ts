/** SQS SendMessageBatch (10 per call), retrying the entries SQS reports as failed. */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CACHED_MIDDLEWARE, environmentClient, HTTP_HANDLER, setUpClient } from './client-setup';
import { MAX_DELAY_SECONDS, type QueueSender } from '../domain/ports/queue-sender';

function sqsClient(): SQSClient {
  return environmentClient('sqs', () =>
    setUpClient(new SQSClient({ ...CACHED_MIDDLEWARE, ...HTTP_HANDLER })),
  );
}

export class SqsQueueSender implements QueueSender {
  async sendAll(queueUrl: string, bodies: readonly unknown[], delaySeconds = 0): Promise<void> {
    for (let i = 0; i < bodies.length; i += 10) {
      let entries = bodies.slice(i, i + 10).map((body, j) => ({
        Id: String(i + j),
        MessageBody: JSON.stringify(body),
        ...(delaySeconds > 0 ? { DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.ceil(delaySeconds)) } : {}),
      }));
      for (let attempt = 0; entries.length > 0; attempt++) {
        const result = await sqsClient().send(
          new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
        );
        const failed = new Set((result.Failed ?? []).map((f) => f.Id));
        entries = entries.filter((e) => failed.has(e.Id));
        if (entries.length > 0) {
          if (attempt >= 8) throw new Error(`${entries.length} queue messages could not be sent`);
          await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt * Math.random()));
        }
      }
    }
  }
}
