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

export const registerValidation = (app: FastifyInstance): void => {
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
  app.setValidatorCompiler(({ schema, httpPart }): ValidateFunction => {
    if (httpPart !== 'body') return lenient.compile(schema);
    const compiled = strict.compile(schema);
    return (schema as Record<string, unknown>)['x-optional-body'] === true ? allowAbsent(compiled) : compiled;
  });
};
