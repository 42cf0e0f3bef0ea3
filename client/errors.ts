/** What a failed call of the Optline API throws. */

export class OptlineApiError extends Error {
  override readonly name = 'OptlineApiError';
  constructor(
    /** The route, e.g. `POST /v1/events`. */
    readonly route: string,
    /** HTTP status (0 when no answer came: a network failure or a timeout). */
    readonly status: number,
    /**
     * The API's `error.code` (`validation_error`, `consent_required`, `rate_limited`…), or API
     * Gateway's error type (`MissingAuthenticationTokenException`, `InvalidSignatureException`…).
     */
    readonly code: string,
    message: string,
    /** The request field at fault, when the API names one. */
    readonly field: string | undefined,
    /** Seconds the API asked to wait (`Retry-After`), when it did. */
    readonly retryAfterSeconds: number | undefined,
    /** The parsed answer, as it came. */
    readonly body: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** `{ error: { code, message, field } }` or API Gateway's `{ message }` (with `x-amzn-errortype`). */
  static fromResponse(route: string, status: number, headers: Headers, body: unknown): OptlineApiError {
    const retryAfter = headers.get('retry-after');
    const retryAfterSeconds =
      retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
    const error = (body as { error?: { code?: unknown; message?: unknown; field?: unknown } } | null)?.error;
    if (error && typeof error.code === 'string') {
      return new OptlineApiError(
        route,
        status,
        error.code,
        typeof error.message === 'string' ? error.message : error.code,
        typeof error.field === 'string' ? error.field : undefined,
        retryAfterSeconds,
        body,
      );
    }
    const gatewayMessage = (body as { message?: unknown } | null)?.message;
    return new OptlineApiError(
      route,
      status,
      headers.get('x-amzn-errortype')?.split(':')[0] ?? `http_${status}`,
      typeof gatewayMessage === 'string' ? gatewayMessage : `HTTP ${status}`,
      undefined,
      retryAfterSeconds,
      body,
    );
  }
}
