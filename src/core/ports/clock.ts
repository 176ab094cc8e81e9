/** Time and identity generation: fixed in unit tests, system ones in production. */
export interface Clock {
  /** Current time as an ISO-8601 UTC string with millisecond precision. */
  now(): string;
}

export interface IdGenerator {
  /** A new UUIDv7. */
  next(): string;
}
