/**
 * Failures that a retry repeats. DynamoDB and End User Messaging answer `ValidationException` to a
 * request that is invalid in itself (a reserved word in an expression, an item over 400 KB, a value
 * the API does not take), so the same request fails the same way every time. Everything else
 * (throttling, a server error, a lost connection) may pass when tried again.
 */
export function isRepeatableFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationException';
}

/** A failure's message, cut to what a log entry should hold. */
export function failureMessage(error: unknown, max = 300): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > max ? `${message.slice(0, max - 1)}…` : message;
}
