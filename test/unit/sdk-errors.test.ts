import { describe, expect, it } from 'vitest';
import { problemOf } from '../../clients/typescript/src/errors.ts';
import { PlantError, unwrap } from '../../clients/typescript/src/index.ts';

// A portal sees every failure as a PlantError, whatever answered: Plant's envelope, a proxy's
// HTML page, or a success with no body.
describe('the SDK reads failures as PlantError', () => {
  it('keeps the envelope: code, request id, violations and field errors', async () => {
    const body = { status: 422, error_code: 'CONSTITUTIONAL_VIOLATION', detail: 'L1-SKILL-02', request_id: 'r-1', violations: [{ code: 'L1-SKILL-02', message: 'no' }] };
    const error = await problemOf(new Response(JSON.stringify(body), { status: 422 }));
    expect(error).toMatchObject({ status: 422, errorCode: 'CONSTITUTIONAL_VIOLATION', requestId: 'r-1', violations: body.violations, errors: [] });
    expect(error.message).toBe('422 CONSTITUTIONAL_VIOLATION: L1-SKILL-02');
  });

  it("a proxy's HTML page becomes HTTP_ERROR with the start of the body as its detail", async () => {
    const error = await problemOf(new Response('<html>502 Bad Gateway</html>', { status: 502 }));
    expect(error).toMatchObject({ status: 502, errorCode: 'HTTP_ERROR', violations: [], problem: { detail: '<html>502 Bad Gateway</html>' } });
    const json = await problemOf(new Response('"just a string"', { status: 500 }));
    expect(json.problem).toEqual({ status: 500, detail: '"just a string"' });
  });

  it('a problem with neither detail nor title still says what failed', () => {
    expect(new PlantError(503, {}).message).toBe('503 HTTP_ERROR: request failed');
    expect(new PlantError(503, { title: 'Service Unavailable' }).message).toBe('503 HTTP_ERROR: Service Unavailable');
  });

  it('unwrap returns data, and throws for a bodiless success or a failure without a parsed body', async () => {
    await expect(unwrap({ data: { ok: 1 }, response: new Response(null, { status: 200 }) })).resolves.toEqual({ ok: 1 });
    await expect(unwrap({ response: new Response(null, { status: 200 }) })).rejects.toMatchObject({ status: 200, problem: { detail: 'the answer had no body' } });
    await expect(unwrap({ error: { error_code: 'NOT_FOUND', detail: 'no such entity' }, response: new Response(null, { status: 404 }) })).rejects.toMatchObject({ errorCode: 'NOT_FOUND' });
    await expect(unwrap({ response: new Response('upstream timed out', { status: 504 }) })).rejects.toMatchObject({ status: 504, errorCode: 'HTTP_ERROR', problem: { detail: 'upstream timed out' } });
  });
});
