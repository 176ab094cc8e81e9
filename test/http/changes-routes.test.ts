import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeRow } from '../../src/core/ports/log.ts';
import { engines } from '../support/engines.ts';
import * as f from '../support/factories.ts';
import { createTestApi, type TestApi } from '../support/api.ts';

type Change = ChangeRow;

describe.each(await engines())('the change feed and amendments by hash (%s)', (engine) => {
  let api: TestApi;
  let reader: { authorization: string };
  beforeAll(async () => {
    api = await createTestApi(engine, { holdLimitMs: 20_000 });
    reader = await api.auth(['reader']);
  });
  afterAll(async () => {
    await api.close();
  });

  const changes = async (query: string): Promise<{ status: number; body: { items: Change[]; next: number | null; error_code?: string; errors?: { field: string; message: string }[] } }> => {
    const res = await api.app.inject({ method: 'GET', url: `/api/v1/changes${query}`, headers: reader });
    return { status: res.statusCode, body: res.json() };
  };

  it('lists every amendment in log order, pages by `after`, and filters by kind', async () => {
    const agent = await f.agent(api.t.write, await f.graph(api.t.write));
    const skill = await f.skill(api.t.write, { certified: false });
    const size = await api.t.log.store.size();
    const all = await changes('?limit=1000');
    expect(all.status).toBe(200);
    expect(all.body.items.map((c) => c.leaf_index)).toEqual([...Array(size).keys()]);
    expect(all.body.next).toBe(size - 1);
    const history = await api.t.store.getAmendments(skill.id);
    expect(all.body.items.filter((c) => c.entity_id === skill.id).map((c) => [c.hash, c.operation, c.version])).toEqual(
      history.map((a) => [a.hash, a.payload.operation, a.payload.version]),
    );
    // Pages of 2 walk the same sequence with nothing missed or repeated.
    const walked: number[] = [];
    let after: number | null = null;
    for (;;) {
      const page = await changes(`?limit=2${after === null ? '' : `&after=${after}`}`);
      if (page.body.items.length === 0) break;
      walked.push(...page.body.items.map((c) => c.leaf_index));
      after = page.body.next;
    }
    expect(walked).toEqual([...Array(size).keys()]);
    const agents = await changes('?kind=Agent&limit=1000');
    expect(agents.body.items.every((c) => c.entity_type === 'Agent')).toBe(true);
    expect(agents.body.items.map((c) => c.entity_id)).toContain(agent.id);
  });

  it('the hold limit ends a long poll and a stream (the client resumes)', async () => {
    const short = await createTestApi(engine, { holdLimitMs: 300 });
    try {
      const headers = await short.auth(['reader']);
      const poll = await short.app.inject({ method: 'GET', url: '/api/v1/changes?wait=30', headers });
      expect(poll.json()).toEqual({ items: [], next: null });
      const stream = await short.app.inject({ method: 'GET', url: '/api/v1/changes/stream', headers });
      expect(stream.statusCode).toBe(200);
      // Without the limit this stream never ends and the test times out.
      expect(stream.body).toBe('');
    } finally {
      await short.close();
    }
  });

  it('long-polls with `wait`: answers as soon as a change lands', async () => {
    const last = (await changes('?limit=1000')).body.next ?? -1;
    const waiting = changes(`?after=${last}&wait=10`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const written = await f.skill(api.t.write, { certified: false });
    const page = await waiting;
    expect(page.body.items.map((c) => c.entity_id)).toEqual([written.id]);
    // Nothing new: an empty page that keeps the cursor.
    const idle = await changes(`?after=${page.body.next ?? 0}&wait=0`);
    expect(idle.body).toEqual({ items: [], next: page.body.next });
  });

  it('refuses bad cursors, kinds and waits with one clear problem each', async () => {
    const size = await api.t.log.store.size();
    const beyond = await changes(`?after=${size + 5}`);
    expect(beyond.status).toBe(422);
    expect(beyond.body.errors?.[0]?.field).toBe('querystring/after');
    for (const bad of ['?after=-1', '?after=abc', '?wait=31', '?limit=0', '?limit=1001']) {
      const res = await changes(bad);
      expect(res.status, bad).toBe(422);
      expect(res.body.error_code).toBe('VALIDATION_ERROR');
    }
    const kind = await changes('?kind=Robot');
    expect(kind.status).toBe(422);
    expect(kind.body.errors).toHaveLength(1);
    expect(kind.body.errors?.[0]?.message).toBe('must be one of: Skill, JobRole, Industry, Agent, Team');
  });

  it('looks an amendment up by hash: the amendment, its entity and its leaf', async () => {
    const skill = await f.skill(api.t.write, { certified: false });
    const [first] = await api.t.store.getAmendments(skill.id);
    if (first === undefined) throw new Error('no amendment');
    const res = await api.app.inject({ method: 'GET', url: `/api/v1/amendments/${first.hash}`, headers: reader });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ amendment: { hash: string; payload: { entity_id: string } }; entity: { id: string }; leaf_index: number }>();
    expect(body.amendment.hash).toBe(first.hash);
    expect(body.entity.id).toBe(skill.id);
    expect(body.leaf_index).toBe((await api.t.log.store.leafByAmendment(first.hash))?.leaf_index);
    expect((await api.app.inject({ method: 'GET', url: `/api/v1/amendments/${'e'.repeat(64)}`, headers: reader })).statusCode).toBe(404);
    expect((await api.app.inject({ method: 'GET', url: '/api/v1/amendments/not-a-hash', headers: reader })).statusCode).toBe(422);
  });

  it('streams changes as Server-Sent Events, and resumes after Last-Event-ID', async () => {
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}/api/v1/changes/stream`;
    const size = await api.t.log.store.size();
    const read = async (headers: Record<string, string>, until: (events: { id: number; data: Change }[]) => boolean): Promise<{ id: number; data: Change }[]> => {
      const controller = new AbortController();
      const res = await fetch(url, { headers: { ...reader, ...headers }, signal: controller.signal });
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const events: { id: number; data: Change }[] = [];
      const decoder = new TextDecoder();
      let buffer = '';
      const body = res.body?.getReader();
      while (body !== undefined && !until(events)) {
        const { value, done } = await body.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const id = /^id: (\d+)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (id !== undefined && data !== undefined) events.push({ id: Number(id), data: JSON.parse(data) as Change });
        }
      }
      controller.abort();
      return events;
    };
    const firstTwo = await read({}, (e) => e.length >= 2);
    // Events arrive in log order from the first leaf (the reader may take more than it asked for).
    expect(firstTwo.map((e) => e.id).slice(0, 2)).toEqual([0, 1]);
    // Reconnect after leaf 1: the rest, then a change written while the stream is open.
    const resumed = await read({ 'last-event-id': '1' }, (e) => e.length >= size - 2);
    expect(resumed.map((e) => e.id).slice(0, size - 2)).toEqual([...Array(size).keys()].slice(2));
    // A quiet feed still answers its headers at once: the client knows it is connected before
    // the first event or keepalive (15 s away), so this fetch resolves long before the abort.
    const quiet = new AbortController();
    const timer = setTimeout(() => { quiet.abort(); }, 10_000);
    const connected = await fetch(url, { headers: { ...reader, 'last-event-id': String(size - 1) }, signal: quiet.signal });
    clearTimeout(timer);
    expect(connected.status).toBe(200);
    quiet.abort();
    const live = read({ 'last-event-id': String(size - 1) }, (e) => e.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const written = await f.skill(api.t.write, { certified: false });
    expect((await live).map((e) => e.data.entity_id)).toEqual([written.id]);
  });
});
