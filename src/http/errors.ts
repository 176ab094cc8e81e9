import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PlantError, type ErrorCode, type FieldError, type Violation } from '../core/errors.ts';
import { DependencyUnavailable } from '../core/ports/health.ts';

/** The one place error codes become HTTP statuses. A test checks it covers the whole catalog. */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  VALIDATION_ERROR: 422,
  MALFORMED_REQUEST: 400,
  CONSTITUTIONAL_VIOLATION: 422,
  REFERENCE_NOT_FOUND: 422,
  ENTITY_NOT_FOUND: 404,
  DUPLICATE_ENTITY: 409,
  INVALID_STATE: 409,
  CONCURRENT_MODIFICATION: 409,
  DUPLICATE_APPROVAL: 409,
  SUBSCRIPTION_NOT_FOUND: 404,
  DUPLICATE_SUBSCRIPTION: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  SIGNING_KEY_RETIRED: 503,
  KEY_NOT_FOUND: 404,
  KEY_IN_USE: 409,
  KEY_CONFIGURED: 409,
  ACCOUNT_NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  HEADERS_TOO_LARGE: 431,
  REQUEST_TIMEOUT: 408,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UNSUPPORTED_MEDIA_TYPE: 415,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
};

const TITLES: Record<ErrorCode, string> = {
  VALIDATION_ERROR: 'Invalid request',
  MALFORMED_REQUEST: 'Malformed request',
  CONSTITUTIONAL_VIOLATION: 'Constitutional rules violated',
  REFERENCE_NOT_FOUND: 'Referenced entity not found',
  ENTITY_NOT_FOUND: 'Entity not found',
  DUPLICATE_ENTITY: 'Duplicate entity',
  INVALID_STATE: 'Operation not allowed in this state',
  CONCURRENT_MODIFICATION: 'Concurrent modification',
  DUPLICATE_APPROVAL: 'Already approved by this actor',
  SUBSCRIPTION_NOT_FOUND: 'Webhook subscription not found',
  DUPLICATE_SUBSCRIPTION: 'Duplicate webhook subscription',
  IDEMPOTENCY_KEY_REUSED: 'Idempotency key reused',
  SIGNING_KEY_RETIRED: 'Signing key retired',
  KEY_NOT_FOUND: 'Key not found',
  KEY_IN_USE: 'Key in use',
  KEY_CONFIGURED: 'Signing key is configured',
  ACCOUNT_NOT_FOUND: 'Service account not found',
  UNAUTHENTICATED: 'Authentication required',
  FORBIDDEN: 'Forbidden',
  RATE_LIMITED: 'Too many requests',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  URI_TOO_LONG: 'URI too long',
  HEADERS_TOO_LARGE: 'Request headers too large',
  REQUEST_TIMEOUT: 'Request timeout',
  NOT_FOUND: 'Not found',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  SERVICE_UNAVAILABLE: 'Service unavailable',
  INTERNAL_ERROR: 'Internal server error',
};

export const problemType = (code: ErrorCode): string => `urn:plant:error:${code}`;

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  error_code: ErrorCode;
  request_id: string;
  timestamp: string;
  violations?: readonly Violation[];
  errors?: readonly FieldError[];
}

/** A problem document about a request (or a connection: any url and id); `instance` is the path without its query. */
export const problem = (
  where: { readonly url: string; readonly id: string },
  code: ErrorCode,
  detail: string,
  extra: { violations?: readonly Violation[] | undefined; errors?: readonly FieldError[] | undefined } = {},
): Problem => ({
  type: problemType(code),
  title: TITLES[code],
  status: STATUS_BY_CODE[code],
  detail,
  instance: where.url.split('?')[0] ?? where.url,
  error_code: code,
  request_id: where.id,
  timestamp: new Date().toISOString(),
  ...(extra.violations === undefined ? {} : { violations: extra.violations }),
  ...(extra.errors === undefined ? {} : { errors: extra.errors }),
});

export const sendProblem = (reply: FastifyReply, body: Problem): FastifyReply =>
  reply.code(body.status).type('application/problem+json').send(body);

/** Fastify's own request errors, by their stable codes. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_REQUEST',
};

/** `body/required_skills/1`: where the value sits, plus the missing or unknown member's name. */
const fieldPath = (context: string, instancePath: string, params: Record<string, unknown>): string => {
  const leaf = params.missingProperty ?? params.additionalProperty;
  return [context, ...instancePath.split('/').filter((p) => p !== ''), ...(typeof leaf === 'string' ? [leaf] : [])].join('/');
};

type ValidationError = NonNullable<FastifyError['validation']>[number];

/**
 * A union of literals fails as one `const` error per member plus an `anyOf`; an `enum` as a bare
 * "allowed values". Either way the caller learns once which values are allowed.
 */
const enumsOnce = (errors: readonly ValidationError[]): ValidationError[] => {
  const out: ValidationError[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const here = errors.filter((o) => o.instancePath === e.instancePath);
    const consts = here.filter((o) => o.keyword === 'const');
    const isUnion = consts.length > 0 && here.every((o) => o.keyword === 'const' || o.keyword === 'anyOf');
    if (!isUnion && e.keyword !== 'enum') {
      out.push(e);
      continue;
    }
    if (seen.has(e.instancePath)) continue;
    seen.add(e.instancePath);
    const allowed = isUnion ? consts.map((c) => c.params.allowedValue) : ((e.params.allowedValues as unknown[] | undefined) ?? []);
    out.push({ ...e, keyword: 'enum', params: { allowedValues: allowed }, message: `must be one of: ${allowed.map(String).join(', ')}` });
  }
  return out;
};

/** Every non-2xx leaves through here as RFC 9457 problem details; unknown errors say nothing inside. */
/** `fallback`: answers a miss itself when it can (the console's client routes); true when it did. */
export const registerErrorHandling = (app: FastifyInstance, fallback?: (request: FastifyRequest, reply: FastifyReply) => boolean): void => {
  app.setErrorHandler((error: FastifyError | PlantError, request, reply) => {
    if (error instanceof DependencyUnavailable) {
      request.log.warn({ err: error.cause, request_id: request.id }, `${error.dependency} unavailable`);
      void reply.header('retry-after', '1');
      return sendProblem(reply, problem(request, 'SERVICE_UNAVAILABLE', `${error.dependency} is unavailable; retry shortly (nothing was changed unless a later read shows it)`));
    }
    if (error instanceof PlantError) {
      return sendProblem(reply, problem(request, error.code, error.message, { violations: error.violations, errors: error.errors }));
    }
    if (error.validation !== undefined) {
      const errors = enumsOnce(error.validation).map((v) => ({
        field: fieldPath(error.validationContext ?? 'body', v.instancePath, v.params),
        message: v.message ?? 'is invalid',
      }));
      return sendProblem(reply, problem(request, 'VALIDATION_ERROR', 'The request does not match the schema', { errors }));
    }
    const mapped = FASTIFY_CODES[error.code];
    if (mapped !== undefined) return sendProblem(reply, problem(request, mapped, error.message));
    if (error instanceof SyntaxError || error.statusCode === 400) {
      return sendProblem(reply, problem(request, 'MALFORMED_REQUEST', 'The request body could not be parsed'));
    }
    request.log.error({ err: error, request_id: request.id }, 'unhandled error');
    return sendProblem(reply, problem(request, 'INTERNAL_ERROR', 'An unexpected error occurred; see the server log under this request id'));
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // A path that exists for other methods is a wrong method (RFC 9110 §15.5.6), not a wrong path.
    // findRoute answers null for no match, though Fastify's types do not say so.
    const allowed = ROUTE_METHODS.filter((method) => (app.findRoute({ method, url: path }) as unknown) !== null);
    if (allowed.length > 0) {
      void reply.header('allow', [...allowed, ...(allowed.includes('GET') ? ['HEAD'] : [])].join(', '));
      return sendProblem(reply, problem(request, 'METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`));
    }
    if (fallback?.(request, reply) === true) return reply;
    return sendProblem(reply, problem(request, 'NOT_FOUND', `No route for ${request.method} ${path}`));
  });
};

const ROUTE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
