/**
 * The SDK loads `@smithy/core/event-streams` (about 15 KB) only for an operation that streams events
 * (Transcribe, Bedrock, Lambda's InvokeWithResponseStream…). None of the clients the Lambdas use has
 * such an operation (test/lib/event-streams-absent.test.ts checks their schemas), so the CDK bundling
 * aliases the module to this one, which refuses clearly if that ever changes.
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
