/**
 * The SDK loads `@smithy/core/event-streams` (about 15 KB) only for an operation that streams events
 * (Transcribe, Bedrock, Lambda's InvokeWithResponseStream…). Of the clients the Lambdas use, only S3
 * has one, SelectObjectContent, which no Lambda calls (test/lib/event-streams-absent.test.ts checks
 * the clients' schemas and the calls), so the CDK bundling aliases the module to this one, which
 * refuses clearly if that ever changes.
 */
const refusal = (): never => {
  throw new Error('Event streams are not bundled: see lambdas/adapters/event-streams-absent.ts');
};

export class EventStreamSerde {
  constructor() {
    refusal();
  }
}

export const eventStreamSerdeProvider = refusal;

/**
 * S3's client resolves its event-stream config when it is built: the marshaller is left out, and
 * reading it (an event-stream operation) refuses.
 */
export function resolveEventStreamSerdeConfig<T extends object>(input: T): T {
  return Object.defineProperty(input, 'eventStreamMarshaller', { get: refusal, enumerable: false });
}
