/**
 * The one catalog of error codes, in two parts. The core and the adapters under it raise only the
 * domain codes (a `DomainError` cannot be built with any other); the transport codes exist only
 * because the HTTP adapter speaks HTTP. The HTTP adapter maps every code to a status in exactly one
 * place, and `docs/errors.md` documents every code with its part (a test keeps the three in step).
 */
export const DOMAIN_ERROR_CODES = {
  VALIDATION_ERROR: 'The request is malformed: a field has the wrong type, is missing, or is not allowed.',
  CONSTITUTIONAL_VIOLATION: 'The entity, as it would be after the write, breaks one or more L0/L1 rules.',
  REFERENCE_NOT_FOUND: 'A field refers to an entity that does not exist.',
  ENTITY_NOT_FOUND: 'The entity named in the path does not exist.',
  DUPLICATE_ENTITY: 'Another non-deleted entity of the same kind already has this name or external id.',
  INVALID_STATE: 'The operation is not allowed in the entity\'s current status or kind.',
  CONCURRENT_MODIFICATION: 'The write conflicted with another write and could not be serialized; retry it.',
  DUPLICATE_APPROVAL: 'This governance actor already approved the open certification request; another actor must approve.',
  FORBIDDEN: 'The caller is known but its roles do not allow this operation.',
  SUBSCRIPTION_NOT_FOUND: 'The webhook subscription named in the path does not exist.',
  DUPLICATE_SUBSCRIPTION: 'Another webhook subscription already delivers to this URL.',
  IDEMPOTENCY_KEY_REUSED: 'The Idempotency-Key was already used by this caller for a different request.',
  SIGNING_KEY_RETIRED: 'The key this server signs with is retired; nothing was written. An operator must configure a new one.',
  KEY_NOT_FOUND: 'No published signing key has the key id named in the path.',
  KEY_IN_USE: 'The key is the one this server signs with; rotate to a new key before retiring it.',
  KEY_CONFIGURED: 'The signing key comes from configuration (SIGNING_KEY or SIGNING_KEY_FILE); only a development key is rotated in place.',
  ACCOUNT_NOT_FOUND: 'No service account has the client id named in the path.',
} as const;

/** Transport-only: raised by the HTTP adapter about the request itself, never by the core. */
export const TRANSPORT_ERROR_CODES = {
  MALFORMED_REQUEST: 'The request cannot be read: its body is not strict JSON in UTF-8, or its URL is not validly encoded.',
  UNAUTHENTICATED: 'No valid bearer token was presented.',
  RATE_LIMITED: 'Too many requests from this client; retry after the indicated time.',
  PAYLOAD_TOO_LARGE: 'The request body exceeds the configured limit.',
  URI_TOO_LONG: 'The request line or a path parameter is longer than the server reads.',
  HEADERS_TOO_LARGE: 'The request headers are larger than the server reads.',
  REQUEST_TIMEOUT: 'The request was not received completely in time.',
  NOT_FOUND: 'No route matches the request.',
  METHOD_NOT_ALLOWED: 'The route exists but not for this method.',
  UNSUPPORTED_MEDIA_TYPE: 'The request body is not JSON in UTF-8 (or, for the token endpoint, form-encoded).',
  SERVICE_UNAVAILABLE: 'A dependency (the database) is unavailable or not migrated.',
  INTERNAL_ERROR: 'An unexpected error. Details are in the server log under the request id.',
} as const;

export const ERROR_CODES = { ...DOMAIN_ERROR_CODES, ...TRANSPORT_ERROR_CODES } as const;

export type DomainErrorCode = keyof typeof DOMAIN_ERROR_CODES;
export type TransportErrorCode = keyof typeof TRANSPORT_ERROR_CODES;
export type ErrorCode = keyof typeof ERROR_CODES;

export const isTransportOnly = (code: ErrorCode): code is TransportErrorCode => Object.hasOwn(TRANSPORT_ERROR_CODES, code);

export interface Violation {
  /** Rule code such as `L0-04` or `L1-AGENT-05`. */
  readonly code: string;
  /** The full violation string, prefixed with the code as the seed system wrote it. */
  readonly message: string;
}

export interface FieldError {
  /** A JSON-pointer-like path to the field at fault, e.g. `required_skills/1`. */
  readonly field: string;
  readonly message: string;
}

/** An error with a code from the catalog; the HTTP adapter renders any of them as a problem. */
export abstract class PlantError extends Error {
  readonly code: ErrorCode;
  readonly violations: readonly Violation[] | undefined;
  readonly errors: readonly FieldError[] | undefined;

  protected constructor(
    code: ErrorCode,
    message: string,
    extra: { violations?: readonly Violation[]; errors?: readonly FieldError[] } = {},
  ) {
    super(message);
    this.code = code;
    this.violations = extra.violations;
    this.errors = extra.errors;
  }
}

export class DomainError extends PlantError {
  declare readonly code: DomainErrorCode;

  constructor(
    code: DomainErrorCode,
    message: string,
    extra: { violations?: readonly Violation[]; errors?: readonly FieldError[] } = {},
  ) {
    super(code, message, extra);
    this.name = 'DomainError';
  }
}

/** Raised only by the HTTP adapter, with a transport-only code. */
export class TransportError extends PlantError {
  declare readonly code: TransportErrorCode;

  constructor(code: TransportErrorCode, message: string) {
    super(code, message);
    this.name = 'TransportError';
  }
}
