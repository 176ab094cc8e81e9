import { describe, expect, it } from 'vitest';
import { backoffMs, retryAfterMs } from '../../clients/typescript/src/index.ts';
import { serviceAccountTokens } from '../../clients/typescript/src/auth.ts';
import { ConsistencyTracker, DEFAULT_RETRY, transport } from '../../clients/typescript/src/transport.ts';

/** A fetch that answers from a script and records each request it got. */
const scripted = (answers: (Response | Error)[]) => {
  const seen: { method: string; auth: string | null; body: string }[] = [];
  const fetcher: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    seen.push({ method: request.method, auth: request.headers.get('authorization'), body: await request.text() });
    const next = answers.shift();
    if (next === undefined) throw new Error('no more answers');
    if (next instanceof Error) throw next;
    return next;
  };
  return { fetcher, seen };
};

const waits: number[] = [];
const sleep = (ms: number): Promise<void> => {
  waits.push(ms);
  return Promise.resolve();
};

describe('the SDK transport', () => {
  it('retries a GET on 503 and 429, honouring Retry-After (seconds or a date), then returns the answer', async () => {
    waits.length = 0;
    const soon = new Date(Date.now() + 3000).toUTCString();
    const { fetcher, seen } = scripted([
      new Response('', { status: 503, headers: { 'retry-after': '1' } }),
      new Response('', { status: 429, headers: { 'retry-after': soon } }),
      new Response('{"ok":true}', { status: 200 }),
    ]);
    const f = transport({ retry: DEFAULT_RETRY, fetch: fetcher, sleep, token: () => Promise.resolve('t0k') });
    const res = await f('http://plant.test/api/v1/keys');
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(3);
    expect(seen.every((s) => s.auth === 'Bearer t0k')).toBe(true);
    expect(waits[0]).toBe(1000);
    expect(waits[1]).toBeGreaterThan(1000);
    expect(waits[1]).toBeLessThanOrEqual(3000);
  });

  it('retries network errors on idempotent methods with backoff, and gives up after the configured retries', async () => {
    waits.length = 0;
    const { fetcher, seen } = scripted([new TypeError('fetch failed'), new TypeError('fetch failed'), new TypeError('fetch failed')]);
    const f = transport({ retry: { ...DEFAULT_RETRY, retries: 2 }, fetch: fetcher, sleep });
    await expect(f('http://plant.test/api/v1/keys', { method: 'DELETE' })).rejects.toThrow('fetch failed');
    expect(seen).toHaveLength(3);
    expect(waits).toHaveLength(2);
  });

  it('never retries a POST or PATCH: a write that failed midway may have committed', async () => {
    for (const answer of [new Response('', { status: 503, headers: { 'retry-after': '0' } }), new TypeError('socket hang up')]) {
      const { fetcher, seen } = scripted([answer, new Response('{}', { status: 201 })]);
      const f = transport({ retry: DEFAULT_RETRY, fetch: fetcher, sleep });
      const outcome = await f('http://plant.test/api/v1/genesis/skills', { method: 'POST', body: '{"name":"x"}' }).then((r) => r.status, (e: unknown) => (e as Error).message);
      expect(outcome).toBe(answer instanceof Response ? 503 : 'socket hang up');
      expect(seen).toHaveLength(1);
    }
  });

  it('retries a POST that carries an Idempotency-Key (the server runs it at most once)', async () => {
    const { fetcher, seen } = scripted([new TypeError('socket hang up'), new Response('{}', { status: 201 })]);
    const f = transport({ retry: DEFAULT_RETRY, fetch: fetcher, sleep });
    const res = await f('http://plant.test/api/v1/genesis/skills', { method: 'POST', headers: { 'idempotency-key': 'k1' }, body: '{"name":"x"}' });
    expect(res.status).toBe(201);
    expect(seen.map((s) => s.body)).toEqual(['{"name":"x"}', '{"name":"x"}']);
  });

  it('sends the same body on every attempt', async () => {
    const { fetcher, seen } = scripted([new Response('', { status: 503, headers: { 'retry-after': '0' } }), new Response('{}', { status: 200 })]);
    await transport({ retry: DEFAULT_RETRY, fetch: fetcher, sleep })('http://plant.test/x', { method: 'PUT', body: 'same' });
    expect(seen.map((s) => s.body)).toEqual(['same', 'same']);
  });

  it('read-your-writes: sends back the furthest consistency token any answer carried, unless the caller set one', async () => {
    const consistency = new ConsistencyTracker();
    const sent: (string | null)[] = [];
    const answers = ['0/16B3748', 'A/0', null, '9/FFFFFFFF', 'not a token'];
    const fetcher: typeof fetch = (input, init) => {
      sent.push(new Request(input, init).headers.get('x-plant-consistency'));
      const token = answers.shift() ?? null;
      return Promise.resolve(new Response('{}', { headers: token === null ? {} : { 'x-plant-consistency': token } }));
    };
    const call = transport({ retry: DEFAULT_RETRY, fetch: fetcher, sleep, consistency });
    for (let i = 0; i < 5; i++) await call('http://plant.test/x');
    await call('http://plant.test/x', { headers: { 'x-plant-consistency': '0/1' } });
    // A/0 is past 9/FFFFFFFF (the high word counts first); an unreadable token is ignored.
    expect(sent).toEqual([null, '0/16B3748', 'A/0', 'A/0', 'A/0', '0/1']);
    expect(consistency.token).toBe('A/0');
  });

  it('backoff is full jitter under a doubling, capped bound; Retry-After parses seconds and dates', () => {
    expect(backoffMs(0, DEFAULT_RETRY, () => 1)).toBe(200);
    expect(backoffMs(3, DEFAULT_RETRY, () => 1)).toBe(1600);
    expect(backoffMs(20, DEFAULT_RETRY, () => 1)).toBe(10_000);
    expect(backoffMs(3, DEFAULT_RETRY, () => 0)).toBe(0);
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT'))).toBe(60_000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });

  it('service-account tokens are shared by concurrent callers and renewed a minute before expiry', async () => {
    let clock = 0;
    let issued = 0;
    const fetcher: typeof fetch = () => {
      issued++;
      return Promise.resolve(new Response(JSON.stringify({ access_token: `token-${issued}`, expires_in: 1800 }), { status: 200 }));
    };
    const tokens = serviceAccountTokens('http://plant.test', { clientId: 'c', clientSecret: 's' }, fetcher, () => clock);
    expect(await Promise.all([tokens(), tokens(), tokens()])).toEqual(['token-1', 'token-1', 'token-1']);
    clock = 1_739_000;
    expect(await tokens()).toBe('token-1');
    clock = 1_740_000;
    expect(await tokens()).toBe('token-2');
  });
});
