import type { FastifyInstance, FastifyRequest } from 'fastify';
import { visit } from 'jsonc-parser';
import { TransportError } from '../core/errors.ts';

/**
 * What a signed body may be. Whatever Plant accepts it signs, so "close enough" parsing is not
 * good enough: bytes that are not UTF-8 would be signed as U+FFFD, a repeated member as whichever
 * copy the parser kept, and a 2,000-deep array as a stack-sized surprise for every verifier.
 */
export const MAX_JSON_DEPTH = 32;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

const malformed = (detail: string): TransportError => new TransportError('MALFORMED_REQUEST', detail);

/** The declared charset, if any; only UTF-8 (the only charset JSON has, RFC 8259 §8.1) is accepted. */
const charsetOf = (contentType: string | undefined): string | undefined =>
  /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase();

export const decodeUtf8 = (request: FastifyRequest, body: Buffer): string => {
  const charset = charsetOf(request.headers['content-type']);
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new TransportError('UNSUPPORTED_MEDIA_TYPE', `charset=${charset} is not accepted; send UTF-8`);
  }
  try {
    return UTF8.decode(body);
  } catch {
    throw malformed('The request body is not valid UTF-8');
  }
};

/**
 * One pass over the text for what JSON.parse forgives: a member name repeated in one object, and
 * nesting deeper than MAX_JSON_DEPTH. Syntax errors are left to the strict parser that follows.
 */
export const checkJsonShape = (text: string): void => {
  const objects: Set<string>[] = [];
  let depth = 0;
  let problem: string | undefined;
  const enter = (): void => {
    depth += 1;
    if (depth > MAX_JSON_DEPTH && problem === undefined) problem = `The request body nests deeper than ${MAX_JSON_DEPTH} levels`;
  };
  visit(text, {
    onObjectBegin: () => {
      enter();
      objects.push(new Set());
    },
    onObjectEnd: () => {
      depth -= 1;
      objects.pop();
    },
    onArrayBegin: enter,
    onArrayEnd: () => {
      depth -= 1;
    },
    onObjectProperty: (name) => {
      const seen = objects.at(-1);
      if (seen === undefined || problem !== undefined) return;
      if (seen.has(name)) problem = `The request body repeats the member "${name}" in one object`;
      seen.add(name);
    },
  });
  if (problem !== undefined) throw malformed(problem);
};

/**
 * Replaces Fastify's body parsers: JSON is decoded strictly (UTF-8 only, no repeated members, a
 * depth limit) and then parsed with Fastify's own prototype-poisoning-safe parser; form bodies
 * (OAuth token requests) are decoded strictly too. text/plain is not accepted (415).
 */
export const registerBodyParsing = (app: FastifyInstance): void => {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    try {
      const text = decodeUtf8(request, body);
      if (text.length > 0) checkJsonShape(text);
      void parseJson(request, text, done);
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    try {
      done(null, Object.fromEntries(new URLSearchParams(decodeUtf8(request, body))));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
};
