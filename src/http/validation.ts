import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

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

export const registerValidation = (app: FastifyInstance): void => {
  const strict = build(false);
  const lenient = build(true);
  app.setValidatorCompiler(({ schema, httpPart }): ValidateFunction =>
    (httpPart === 'body' ? strict : lenient).compile(schema),
  );
};
