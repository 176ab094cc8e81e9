import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStubGate, type StubGate } from '../support/gate.ts';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'bin/plant.js');

/**
 * Black box: the built server started as a process on the embedded database, tokens minted by
 * the real `plant token` command, a local stand-in for the Genesis gate, and a governance flow
 * driven over HTTP.
 */
describe('governance flow against a running server (embedded database)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'plant-flow-'));
  const env: Record<string, string | undefined> = { ...process.env, PLANT_DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'warn', DATABASE_URL: '', SIGNING_ALGORITHM: 'Ed25519', PLANT_SEED: 'false', CERTIFICATION_QUORUM: '2' };
  let server: ChildProcess;
  let gate: StubGate;
  let base = '';

  const token = (role: string, sub: string): string =>
    execFileSync(process.execPath, [cli, 'token', '--role', role, '--sub', sub], { env, cwd: root }).toString().trim();

  beforeAll(async () => {
    gate = await startStubGate();
    env.GENESIS_WEBHOOK_URL = gate.url;
    env.GENESIS_WEBHOOK_SECRET = gate.secret;
    server = spawn(process.execPath, [cli, 'serve'], { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    base = await new Promise<string>((resolve, reject) => {
      server.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(out);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      server.on('exit', (code) => { reject(new Error(`server exited ${String(code)}: ${out}`)); });
    });
  });
  afterAll(async () => {
    await new Promise((resolve) => {
      server.on('exit', resolve);
      server.kill('SIGTERM');
    });
    await gate.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the JSON shape it expects
  const call = async <T,>(method: string, url: string, bearer: string, body?: unknown): Promise<{ status: number; json: T }> => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as T };
  };

  /** Waits (bounded) for the gate job to record the verdict; returns the certification. */
  const certifiedSoon = async (url: string, bearer: string): Promise<void> => {
    for (let i = 0; i < 100; i++) {
      const got = await call<{ certification: { certified: boolean; gate?: { verdict: string } } }>('GET', url, bearer);
      if (got.json.certification.certified) {
        expect(got.json.certification.gate?.verdict).toBe('approve');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${url} was not certified by the gate within 10 s`);
  };

  it('industry → skills → four-eyes certify + Genesis gate → job role → four-eyes certify + gate → agents → team → assign → audit → review', async () => {
    const gov = token('governance', 'governance-officer');
    const gov2 = token('governance', 'second-officer');
    const ops = token('operator', 'platform-engineer');
    const auditor = token('auditor', 'external-auditor');
    type E = { id: string; version: number; team_id?: string; agents?: string[] };

    const industry = await call<E>('POST', '/api/v1/genesis/industries', gov, { name: 'Marketing', description: 'Growth, content, and performance' });
    expect(industry.status).toBe(201);
    const seo = await call<E>('POST', '/api/v1/genesis/skills', gov, { name: 'SEO', description: 'Search engine optimisation', category: 'technical' });
    const ppc = await call<E>('POST', '/api/v1/genesis/skills', gov, { name: 'PPC Advertising', description: 'Paid search', category: 'technical' });
    for (const skill of [seo, ppc]) {
      expect(skill.status).toBe(201);
      // CERTIFICATION_QUORUM=2: the first officer's approval waits (202), the second completes it.
      expect((await call('POST', `/api/v1/genesis/skills/${skill.json.id}/certify`, gov, { reason: 'reviewed' })).status).toBe(202);
      expect((await call<{ error_code: string }>('POST', `/api/v1/genesis/skills/${skill.json.id}/certify`, gov, { reason: 'again' })).json.error_code).toBe('DUPLICATE_APPROVAL');
      // The quorum is reached; the gate's verdict completes it (the server's genesis-gate job).
      expect((await call('POST', `/api/v1/genesis/skills/${skill.json.id}/certify`, gov2, { reason: 'agreed' })).status).toBe(202);
      await certifiedSoon(`/api/v1/genesis/skills/${skill.json.id}`, gov);
    }
    const role = await call<E>('POST', '/api/v1/genesis/job-roles', gov, {
      name: 'SEO Specialist', description: 'Owns organic search', required_skills: [seo.json.id, ppc.json.id], industry_id: industry.json.id,
    });
    expect(role.status).toBe(201);
    expect((await call('POST', `/api/v1/genesis/job-roles/${role.json.id}/certify`, gov, { reason: 'covers organic search' })).status).toBe(202);
    const waiting = await call<{ items: { type: string; entity_id: string }[] }>('GET', '/api/v1/governance/queue', auditor);
    expect(waiting.json.items).toEqual([expect.objectContaining({ type: 'certification_request', entity_id: role.json.id })]);
    expect((await call('POST', `/api/v1/genesis/job-roles/${role.json.id}/certify`, gov2, { reason: 'agreed' })).status).toBe(202);
    await certifiedSoon(`/api/v1/genesis/job-roles/${role.json.id}`, gov);
    expect(gate.seen.map((a) => a.body.data.entity_id)).toEqual([seo.json.id, ppc.json.id, role.json.id]);
    expect(gate.seen.every((a) => a.verified)).toBe(true);

    const birth = (name: string) =>
      call<E>('POST', '/api/v1/agents', ops, { name, skill_id: seo.json.id, job_role_id: role.json.id, industry_id: industry.json.id });
    const ava = await birth('Ava Flux');
    const nova = await birth('Nova Quill');
    expect([ava.status, nova.status]).toEqual([201, 201]);
    const team = await call<E>('POST', '/api/v1/teams', ops, { name: 'Team 1', description: 'Search team', job_role_id: role.json.id, agents: [ava.json.id] });
    expect(team.status).toBe(201);
    const assigned = await call<E>('POST', `/api/v1/agents/${nova.json.id}/assign-team`, ops, { team_id: team.json.id });
    expect(assigned.json.team_id).toBe(team.json.id);
    expect((await call<E>('GET', `/api/v1/teams/${team.json.id}`, ops)).json.agents).toEqual([ava.json.id, nova.json.id]);

    const audit = await call<{ total_entities: number; compliant: number; statistics: { hash_chain_intact: number } }>('POST', '/api/v1/audit/run', auditor);
    expect(audit.status).toBe(200);
    expect(audit.json.total_entities).toBe(7);
    expect(audit.json.compliant).toBe(7);
    expect(audit.json.statistics.hash_chain_intact).toBe(7);

    const history = await call<{ amendments: { actor: string; operation: string }[] }>('GET', `/api/v1/entities/${nova.json.id}/history`, auditor);
    expect(history.json.amendments.map((a) => `${a.operation}:${a.actor}`)).toEqual(['create:platform-engineer', 'assign_team:platform-engineer']);
    expect((await call('POST', '/api/v1/genesis/skills', ops, { name: 'X', description: 'd', category: 'technical' })).status).toBe(403);

    // Changing certified content sends it, and what is built on it, to the queue; reviews clear it.
    await call('POST', `/api/v1/entities/${seo.json.id}/evolve`, gov, { changes: { description: 'Search engine optimisation, local too' } });
    const queue = await call<{ items: { entity_id: string }[] }>('GET', '/api/v1/governance/queue', auditor);
    const flagged = queue.json.items.map((i) => i.entity_id);
    expect(flagged.sort()).toEqual([seo.json.id, role.json.id, ava.json.id, nova.json.id, team.json.id].sort());
    expect((await call('POST', `/api/v1/entities/${ava.json.id}/review`, ops, { outcome: 'still_valid', reason: 'x' })).status).toBe(403);
    for (const id of flagged) {
      expect((await call('POST', `/api/v1/entities/${id}/review`, gov2, { outcome: 'still_valid', reason: 'local SEO is the same craft' })).status).toBe(200);
    }
    expect((await call<{ items: unknown[] }>('GET', '/api/v1/governance/queue', auditor)).json.items).toEqual([]);
  });
});
