/**
 * The SMS gateway: the only way a text leaves Optline (End User Messaging in AWS).
 * Implemented by lambdas/adapters/sms-gateway.ts.
 */
export interface OutboundSms {
  readonly to: string;
  readonly body: string;
  readonly messageType: 'PROMOTIONAL' | 'TRANSACTIONAL';
  /**
   * The caller retries a refused send itself, checking consent again first: the SDK must not resend
   * it on its own (default false: the SDK retries throttling and server errors).
   */
  readonly callerRetries?: boolean;
  /** Echoed back in delivery events (our message id, campaign id…). */
  readonly context: Record<string, string>;
  /** `s3://bucket/key` media for MMS. */
  readonly mediaUrls?: readonly string[];
  /** Highest price per message part, e.g. "0.10" (USD). */
  readonly maxPrice?: string;
  /** Seconds End User Messaging keeps trying to deliver. */
  readonly timeToLive?: number;
  /** Send from this identity instead of the default (number changes; replies from the number texted). */
  readonly originationIdentity?: string;
}

export interface SmsGateway {
  send(message: OutboundSms): Promise<{ awsMessageId: string }>;
  putOptedOut(phone: string): Promise<void>;
  /** `refused` when End User Messaging will not remove the number (once per 30 days). */
  deleteOptedOut(phone: string): Promise<'removed' | 'not_listed' | 'refused'>;
}
