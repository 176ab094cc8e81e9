import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/http/body-parsing.ts';
import { createTestApi, type TestApi } from '../support/api.ts';

interface RawAnswer {
  status: number;
  contentType: string;
  body: Record<string, unknown>;
}

/** Sends bytes as they are (no client library to fix them up) and reads whatever comes back. */
const send = (port: number, request: Buffer | string): Promise<RawAnswer> =>
  new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      const contentType = /^content-type:\s*(.*)$/im.exec(head)?.[1] ?? '';
      try {
        resolve({ status, contentType, body: JSON.parse(rest.join('\r\n\r\n')) as Record<string, unknown> });
      } catch {
        reject(new Error(`no problem document in: ${text.slice(0, 300) || '(no answer)'}`));
      }
    });
    // Written, not ended: a half-closed client may get no answer at all from Node, whatever the server meant.
    socket.write(request);
  });

describe('strict bytes, strict JSON, and a problem document for every refusal', () => {
  let api: TestApi;
  let port = 0;
  let auth = '';

  beforeAll(async () => {
    api = await createTestApi('pglite');
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    port = (api.app.server.address() as AddressInfo).port;
    auth = (await api.auth(['governance'])).authorization;
  });
  afterAll(async () => {
    await api.close();
  });

  const post = (body: Buffer | string, contentType = 'application/json'): Buffer => {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    const head = `POST /api/v1/genesis/skills HTTP/1.1\r\nHost: plant\r\nAuthorization: ${auth}\r\nContent-Type: ${contentType}\r\nContent-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`;
    return Buffer.concat([Buffer.from(head), bytes]);
  };
  const skill = (name: string, extra = ''): string => `{"name":"${name}","description":"d","category":"technical"${extra}}`;

  const expectProblem = (answer: RawAnswer, status: number, code: string, detail?: RegExp): void => {
    expect(answer.status).toBe(status);
    expect(answer.contentType).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ status, error_code: code, type: `urn:plant:error:${code}` });
    expect(answer.body.request_id).toEqual(expect.any(String));
    if (detail !== undefined) expect(answer.body.detail).toMatch(detail);
  };

  it('refuses bytes that are not UTF-8 instead of signing U+FFFD', async () => {
    const body = Buffer.concat([Buffer.from('{"name":"Bad'), Buffer.from([0xff, 0xfe]), Buffer.from('","description":"d","category":"technical"}')]);
    expectProblem(await send(port, post(body)), 400, 'MALFORMED_REQUEST', /not valid UTF-8/);
    // An overlong encoding of "/" is invalid UTF-8 too.
    expectProblem(await send(port, post(Buffer.concat([Buffer.from('{"name":"A'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]))), 400, 'MALFORMED_REQUEST');
    expect((await api.t.store.countByKind()).Skill ?? 0).toBe(0);
  });

  it('refuses a member repeated in one object (at any depth), not last-one-wins', async () => {
    expectProblem(await send(port, post('{"name":"One","name":"Two","description":"d","category":"technical"}')), 400, 'MALFORMED_REQUEST', /repeats the member "name"/);
    expectProblem(await send(port, post(skill('Nested', ',"x":{"a":1,"a":2}'))), 400, 'MALFORMED_REQUEST', /repeats the member "a"/);
    // The same name in sibling objects is fine: the schema then judges the body (x is unknown).
    expectProblem(await send(port, post(skill('Sibling', ',"x":[{"a":1},{"a":2}]'))), 422, 'VALIDATION_ERROR');
  });

  it('refuses a charset other than UTF-8 and text/plain with 415', async () => {
    expectProblem(await send(port, post(skill('Latin'), 'application/json; charset=latin1')), 415, 'UNSUPPORTED_MEDIA_TYPE', /charset=latin1/);
    expectProblem(await send(port, post(skill('Plain'), 'text/plain')), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const utf8 = await send(port, post(skill('Declared UTF-8'), 'application/json; charset=UTF-8'));
    expect(utf8.status).toBe(201);
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels with 400, and accepts it up to the limit`, async () => {
    const nested = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    expectProblem(await send(port, post(skill('Deep', `,"x":${nested(2000)}`))), 400, 'MALFORMED_REQUEST', /deeper than 32 levels/);
    // At the limit the body parses; the schema then refuses the unknown member (422, not 400).
    expectProblem(await send(port, post(skill('Shallow', `,"x":${nested(MAX_JSON_DEPTH - 1)}`))), 422, 'VALIDATION_ERROR');
  });

  it('answers a badly encoded URL and an over-long path parameter with problem documents', async () => {
    expectProblem(await send(port, 'GET /api/v1/entities/%E0%A4%A HTTP/1.1\r\nHost: plant\r\nConnection: close\r\n\r\n'), 400, 'MALFORMED_REQUEST', /percent-encoded/);
    expectProblem(await send(port, `GET /api/v1/entities/${'a'.repeat(500)} HTTP/1.1\r\nHost: plant\r\nConnection: close\r\n\r\n`), 414, 'URI_TOO_LONG');
  });

  it('answers oversized headers (431) and a 100 kB query string (414) instead of dropping the connection', async () => {
    expectProblem(await send(port, `GET /api/v1/agents HTTP/1.1\r\nHost: plant\r\nX-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`), 431, 'HEADERS_TOO_LARGE');
    expectProblem(await send(port, `GET /api/v1/agents?q=${'a'.repeat(100_000)} HTTP/1.1\r\nHost: plant\r\nConnection: close\r\n\r\n`), 414, 'URI_TOO_LONG');
    const viaFetch = await fetch(`http://127.0.0.1:${port}/api/v1/agents?q=${'a'.repeat(100_000)}`);
    expect(viaFetch.status).toBe(414);
    expect(await viaFetch.json()).toMatchObject({ error_code: 'URI_TOO_LONG' });
  });

  it('answers a 2 MiB body with 413 in the problem envelope, over a real client', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/genesis/skills`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: skill('a'.repeat(2 * 1024 * 1024)),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ error_code: 'PAYLOAD_TOO_LARGE' });
  });

  it('form-encoded token requests are decoded strictly too', async () => {
    const body = Buffer.concat([Buffer.from('grant_type=client_credentials&client_id='), Buffer.from([0xff]), Buffer.from('&client_secret=x')]);
    const head = `POST /api/v1/auth/token HTTP/1.1\r\nHost: plant\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    expectProblem(await send(port, Buffer.concat([Buffer.from(head), body])), 400, 'MALFORMED_REQUEST', /not valid UTF-8/);
  });
});
