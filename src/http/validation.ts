import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../core/errors.ts';

/**
 * Two validators: bodies are checked strictly (a number where a string belongs is an error, not
 * silently converted; unknown members are refused, not silently dropped), while query strings
 * and path parameters, which are text by nature, are coerced to their declared types.
 */
const build = (coerce: boolean): Ajv => {
  const ajv = new Ajv({ coerceTypes: coerce ? 'array' : false, useDefaults: true, removeAdditional: false, allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv;
};

/** Marks a body schema as optional: an absent body passes, a present one must match. */
export const optionalBody = <T extends object>(schema: T): T => ({ ...schema, 'x-optional-body': true });

const allowAbsent = (compiled: ValidateFunction): ValidateFunction => {
  const validate = ((data: unknown) => {
    if (data === undefined || data === null) {
      validate.errors = null;
      return true;
    }
    const ok = compiled(data);
    validate.errors = compiled.errors ?? null;
    return ok;
  }) as ValidateFunction;
  return validate;
};

/**
 * A validator compiled when it is first called: compiling every route's schemas took a third of
 * a second of each start. Fastify reads `errors` from the function it was given, so they are
 * copied over from the compiled one.
 */
const onFirstUse = (make: () => ValidateFunction): ValidateFunction => {
  let compiled: ValidateFunction | undefined;
  const validate = ((data: unknown) => {
    compiled ??= make();
    const ok = compiled(data);
    validate.errors = compiled.errors ?? null;
    return ok;
  }) as ValidateFunction;
  return validate;
};

/** `eager` compiles every schema at start-up (the OpenAPI build does, so a bad schema fails there). */
export const registerValidation = (app: FastifyInstance, eager = false): void => {
  // Query values reach SQL as text parameters, which cannot hold NUL: refuse it with a 422.
  app.addHook('preValidation', (request, _reply, done) => {
    const query = request.url.split('?')[1];
    if (query !== undefined && /%00/i.test(query)) {
      done(new DomainError('VALIDATION_ERROR', 'The query string contains a NUL character', {
        errors: [{ field: 'querystring', message: 'must not contain NUL (%00)' }],
      }));
      return;
    }
    done();
  });
  const strict = build(false);
  const lenient = build(true);
  const compile = (schema: Record<string, unknown>, httpPart: string | undefined): ValidateFunction => {
    if (httpPart !== 'body') return lenient.compile(schema);
    const compiled = strict.compile(schema);
    return schema['x-optional-body'] === true ? allowAbsent(compiled) : compiled;
  };
  app.setValidatorCompiler(({ schema, httpPart }): ValidateFunction =>
    eager ? compile(schema as Record<string, unknown>, httpPart) : onFirstUse(() => compile(schema as Record<string, unknown>, httpPart)),
  );
};
