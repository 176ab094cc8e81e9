import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../core/errors.ts';
import { problem, sendProblem, STATUS_BY_CODE } from './errors.ts';

/** How long a refused connection is drained before it is dropped. */
const DRAIN_MS = 2_000;

/**
 * Errors Fastify raises before a route is found (it hands them here instead of answering with its
 * own JSON): a URL that is not validly percent-encoded, a path parameter over maxParamLength.
 */
export const frameworkErrors = (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
  const [code, detail]: [ErrorCode, string] =
    error.code === 'FST_ERR_BAD_URL'
      ? ['MALFORMED_REQUEST', 'The URL is not validly percent-encoded']
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? ['URI_TOO_LONG', 'A path parameter is longer than the server reads']
        : ['INTERNAL_ERROR', 'The request could not be routed'];
  void sendProblem(reply, problem({ url: request.raw.url?.slice(0, 256) ?? '/', id: request.id }, code, detail));
};

/** What Node's HTTP parser refused, as a catalogued code. */
const codeFor = (error: ConnectionError): [ErrorCode, string] => {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return ['REQUEST_TIMEOUT', 'The request was not received in time'];
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    // No line break in what arrived: the request line alone is over the limit (a huge query string).
    // (Node hands over a Buffer, whatever Fastify's types say.)
    const raw: unknown = error.rawPacket;
    const lineEnded = Buffer.isBuffer(raw) ? raw.includes('\r\n') : true;
    return lineEnded
      ? ['HEADERS_TOO_LARGE', 'The request headers exceed the server limit']
      : ['URI_TOO_LONG', 'The request line (path and query string) exceeds the server limit'];
  }
  return ['MALFORMED_REQUEST', 'The request is not valid HTTP/1.1'];
};

/**
 * Node's parser refusals get a problem document too. Fastify's default handler writes its answer
 * and destroys the socket at once, so a client still sending (a 100 kB request line) gets a reset
 * instead of the answer; here the socket is half-closed and drained for a moment, which lets the
 * answer arrive.
 */
export const clientErrorHandler = (error: ConnectionError, socket: Socket): void => {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [code, detail] = codeFor(error);
  const body = JSON.stringify(problem({ url: '/', id: randomUUID() }, code, detail));
  const status = STATUS_BY_CODE[code];
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/problem+json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  socket.resume();
  setTimeout(() => socket.destroy(), DRAIN_MS).unref();
};
