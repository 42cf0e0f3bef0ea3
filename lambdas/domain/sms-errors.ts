/**
 * How the SMS gateway refused a text, as services and handlers see it. Domain errors the gateway
 * adapter throws, so that services recognise a refusal without importing the adapter, and the HTTP
 * error mapping every API function carries does not bundle the messaging client.
 */

/** The destination is on the identity's opt-out list: End User Messaging refused the send. */
export class OptedOutAtCarrierError extends Error {
  override readonly name = 'OptedOutAtCarrierError';
}

/** End User Messaging did not take the text, and a later attempt may: the caller may retry. */
export class SmsRetryableError extends Error {}

/** Sending too fast for the identity's messages-per-second: retry later. */
export class SmsThrottledError extends SmsRetryableError {
  override readonly name = 'SmsThrottledError';
}

/**
 * End User Messaging answered with a server error (5xx) after the SDK's own retries. Like the SDK,
 * which retries 5xx itself, Optline takes it to mean the text was not accepted.
 */
export class SmsUnavailableError extends SmsRetryableError {
  override readonly name = 'SmsUnavailableError';
}

/**
 * The call to End User Messaging ended without an answer (the connection was reset or timed out):
 * the text may or may not have been taken. Its claim stays `sending`, and only a delivery event can
 * say which (see CLAIM_CONFIRMATION_SECONDS): retrying at once could send it twice.
 */
export class SmsOutcomeUnknownError extends Error {
  override readonly name = 'SmsOutcomeUnknownError';
}
