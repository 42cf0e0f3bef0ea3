/**
 * Batches of messages onto a queue.
 * Implemented by lambdas/adapters/queue-sender.ts.
 */
/** SQS's longest DelaySeconds (15 minutes): a longer wait is a message that comes back and waits again. */
export const MAX_DELAY_SECONDS = 900;

export interface QueueSender {
  sendAll(queueUrl: string, bodies: readonly unknown[], delaySeconds?: number): Promise<void>;
}
