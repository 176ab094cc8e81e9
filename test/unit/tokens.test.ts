import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlantError } from '../../src/core/errors.ts';
import { TokenService } from '../../src/http/auth/tokens.ts';

const SECRET = 'unit-test-secret-that-is-long-enough-000';

const reason = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PlantError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'accepted';
};

describe('bearer tokens', () => {
  it('round-trips Plant-issued HS256 tokens with subject and known roles only', async () => {
    const tokens = new TokenService({ secret: SECRET, issuer: 'plant', audience: 'plant-api' });
    const token = await tokens.mint('svc', ['operator', 'auditor']);
    expect(await tokens.verify(token)).toEqual({ subject: 'svc', roles: ['operator', 'auditor'] });
    expect(await tokens.verify(token)).toEqual({ subject: 'svc', roles: ['operator', 'auditor'] }); // cached path
  });

  it('a cached verification does not outlive the token', async () => {
    const tokens = new TokenService({ secret: SECRET, issuer: 'plant', audience: 'plant-api' });
    const token = await tokens.mint('brief', ['reader'], 1);
    await tokens.verify(token);
    await new Promise((r) => setTimeout(r, 2100));
    expect(await reason(tokens.verify(token))).toBe('UNAUTHENTICATED: The bearer token has expired');
  });

  it('refuses a roles claim that is a string or holds non-strings, instead of reading it as roles', async () => {
    const tokens = new TokenService({ secret: SECRET, issuer: 'plant', audience: 'plant-api' });
    const signed = (roles: unknown): Promise<string> =>
      new SignJWT({ roles })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('mallory')
        .setIssuer('plant')
        .setAudience('plant-api')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(SECRET));
    const refused = "UNAUTHENTICATED: The bearer token's roles claim must be an array of strings";
    expect(await reason(tokens.verify(await signed('admin')))).toBe(refused);
    expect(await reason(tokens.verify(await signed('governance,admin')))).toBe(refused);
    expect(await reason(tokens.verify(await signed(['operator', 7])))).toBe(refused);
    expect(await reason(tokens.verify(await signed({ admin: true })))).toBe(refused);
    expect(await tokens.verify(await signed(['operator']))).toEqual({ subject: 'mallory', roles: ['operator'] });
  });

  describe('an external OIDC issuer (JWKS over HTTP)', () => {
    let server: Server;
    let jwksUrl = '';
    let sign: (claims: Record<string, unknown>, opts?: { iss?: string; aud?: string; exp?: string }) => Promise<string>;

    beforeAll(async () => {
      const { publicKey, privateKey } = await generateKeyPair('RS256');
      const jwk = { ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
      server = createServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [jwk] }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
      sign = (claims, opts = {}) =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
          .setSubject('alice@idp')
          .setIssuer(opts.iss ?? 'https://idp.example.com/')
          .setAudience(opts.aud ?? 'plant')
          .setIssuedAt()
          .setExpirationTime(opts.exp ?? '5m')
          .sign(privateKey);
    });
    afterAll(() => {
      server.close();
    });

    const service = (): TokenService =>
      new TokenService({
        secret: SECRET,
        issuer: 'plant',
        audience: 'plant-api',
        oidc: { jwksUrl, issuer: 'https://idp.example.com/', audience: 'plant', rolesClaim: 'realm_access.roles' },
      });

    it('accepts its tokens, reading roles from the configured claim', async () => {
      const token = await sign({ realm_access: { roles: ['governance', 'not-a-plant-role'] } });
      expect(await service().verify(token)).toEqual({ subject: 'alice@idp', roles: ['governance'] });
    });

    it('a space-delimited scope claim is read as roles; a string in any other claim is refused', async () => {
      const scoped = new TokenService({
        secret: SECRET,
        issuer: 'plant',
        audience: 'plant-api',
        oidc: { jwksUrl, issuer: 'https://idp.example.com/', audience: 'plant', rolesClaim: 'scope' },
      });
      expect(await scoped.verify(await sign({ scope: 'openid governance' }))).toEqual({ subject: 'alice@idp', roles: ['governance'] });
      expect(await reason(service().verify(await sign({ realm_access: { roles: 'governance' } })))).toMatch(/realm_access.roles claim must be an array/);
    });

    it('checks issuer, audience, expiry and signature', async () => {
      const tokens = service();
      expect(await reason(tokens.verify(await sign({}, { iss: 'https://evil.example.com/' })))).toMatch(/^UNAUTHENTICATED: .*iss/);
      expect(await reason(tokens.verify(await sign({}, { aud: 'other' })))).toMatch(/^UNAUTHENTICATED: .*aud/);
      expect(await reason(tokens.verify(await sign({}, { exp: '-1m' })))).toBe('UNAUTHENTICATED: The bearer token has expired');
      const token = await sign({});
      const forged = `${token.slice(0, token.lastIndexOf('.'))}.${'A'.repeat(342)}`;
      expect(await reason(tokens.verify(forged))).toMatch(/^UNAUTHENTICATED/);
    });

    it('without an OIDC issuer configured, asymmetric tokens are refused', async () => {
      const plain = new TokenService({ secret: SECRET, issuer: 'plant', audience: 'plant-api' });
      expect(await reason(plain.verify(await sign({})))).toBe('UNAUTHENTICATED: Tokens signed with RS256 are not accepted');
    });
  });
});
