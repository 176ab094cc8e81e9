/** What readiness asks of the database: does it answer, and are its migrations current. */
export interface DatabaseHealth {
  readonly engine: string;
  /** Rejects when the database does not answer. */
  migrations(): Promise<{ current: boolean; applied: number; expected: number }>;
}
