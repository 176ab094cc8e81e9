/** The problem document (RFC 9457) Plant answers every error with. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  error_code?: string;
  request_id?: string;
  violations?: { code: string; message: string }[];
  errors?: { field: string; message: string }[];
}

/** A request Plant refused or could not serve, with what the problem document says. */
export class PlantError extends Error {
  override name = 'PlantError';
  readonly status: number;
  /** Plant's error code, e.g. `CONSTITUTIONAL_VIOLATION` (docs/errors.md). */
  readonly errorCode: string;
  /** Quote it to the operators: the server logs the request under this id. */
  readonly requestId: string | undefined;
  /** Rule failures (L0/L1), when the write broke the constitution. */
  readonly violations: { code: string; message: string }[];
  /** Field errors, when the request was malformed. */
  readonly errors: { field: string; message: string }[];
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(`${String(status)} ${problem.error_code ?? 'HTTP_ERROR'}: ${problem.detail ?? problem.title ?? 'request failed'}`);
    this.status = status;
    this.errorCode = problem.error_code ?? 'HTTP_ERROR';
    this.requestId = problem.request_id;
    this.violations = problem.violations ?? [];
    this.errors = problem.errors ?? [];
    this.problem = problem;
  }
}

/** Reads a failed response as a PlantError, whatever its body (a proxy's HTML page included). */
export const problemOf = async (response: Response): Promise<PlantError> => {
  const text = await response.text().catch(() => '');
  let problem: Problem = { status: response.status, detail: text.slice(0, 500) };
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) problem = parsed;
  } catch {
    // Not JSON: keep the start of the body as the detail.
  }
  return new PlantError(response.status, problem);
};
