/**
 * Named domain errors. `name` is stable so Step Functions `Retry`/`Catch` can match it, and the HTTP
 * layer maps `status`, `code` and `field` to a 4xx answer.
 */
export abstract class DomainError extends Error {
  abstract readonly status: 400 | 403 | 404 | 406 | 409 | 413 | 422 | 429;
  abstract readonly code: string;
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export class ValidationError extends DomainError {
  override readonly name = 'ValidationError';
  readonly status = 400;
  readonly code = 'validation_failed';
}

export class InvalidPhoneNumberError extends DomainError {
  override readonly name = 'InvalidPhoneNumberError';
  readonly status = 400;
  readonly code = 'invalid_phone_number';
}

export class CountryNotAllowedError extends DomainError {
  override readonly name = 'CountryNotAllowedError';
  readonly status = 400;
  readonly code = 'country_not_allowed';
}

export class NotFoundError extends DomainError {
  override readonly name = 'NotFoundError';
  readonly status = 404;
  readonly code = 'not_found';
}

export class ConsentRequiredError extends DomainError {
  override readonly name = 'ConsentRequiredError';
  readonly status = 409;
  readonly code = 'consent_required';
}

export class RateLimitedError extends DomainError {
  override readonly name = 'RateLimitedError';
  readonly status = 429;
  readonly code = 'rate_limited';
  constructor(
    message: string,
    field?: string,
    /** Seconds until the limit lets a request through again (the `Retry-After` header). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message, field);
  }
}

/** A one-time code that is wrong, expired or unknown. */
export class CodeRejectedError extends DomainError {
  override readonly name = 'CodeRejectedError';
  readonly status = 400;
  constructor(
    readonly code: 'code_incorrect' | 'code_expired' | 'code_not_found',
    message: string,
  ) {
    super(message, 'code');
  }
}

/** A batch that does not belong to the import it names (another input, or other lines). */
export class ImportConflictError extends DomainError {
  override readonly name = 'ImportConflictError';
  readonly status = 409;
  readonly code = 'import_conflict';
}
