import { describe, expect, it } from 'vitest';
import { certificationPolicy, ConfigError, loadConfig } from '../../src/composition/config.ts';
import { httpOptions } from '../../src/composition/http.ts';

const problems = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('configuration', () => {
  it('has development defaults and is frozen', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 8000, PLANT_DATA_DIR: './.plant', SIGNING_ALGORITHM: 'RSA-PSS-SHA256', DB_APP_ROLE: 'plant_app' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reports every problem at once', () => {
    const found = problems({ PORT: 'eighty', SIGNING_ALGORITHM: 'DSA', DATABASE_URL: 'mysql://x', JWT_SECRET: 'short' });
    expect(found.map((p) => p.split(':')[0])).toEqual(['PORT', 'DATABASE_URL', 'SIGNING_ALGORITHM', 'JWT_SECRET']);
  });

  it('reads LOG_WITNESSES as URL and cosigner key pairs, and names what is wrong with an entry', () => {
    const key = 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2';
    expect(loadConfig({}).LOG_WITNESSES).toEqual([]);
    expect(loadConfig({ LOG_WITNESSES: ` http://127.0.0.1:7380 ${key} ` }).LOG_WITNESSES).toEqual([{ url: 'http://127.0.0.1:7380', vkey: key }]);
    expect(problems({ LOG_WITNESSES: key })).toEqual([expect.stringContaining('each witness is "<http(s) URL> <verifier key>"')]);
    expect(problems({ LOG_WITNESSES: `http://a ${key.replace('da77ade7', 'da77ade8')}` })).toEqual([expect.stringContaining('its key id does not match its key')]);
    expect(problems({ LOG_WITNESSES: 'http://a PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW' })).toEqual([expect.stringContaining('not an Ed25519 cosigner key')]);
    expect(problems({ LOG_WITNESSES: `http://a ${key},http://b ${key}` })).toEqual([expect.stringContaining('listed twice')]);
  });

  it('reads DATABASE_REPLICA_URLS as PostgreSQL URLs, and only beside a server database', () => {
    const server = { DATABASE_URL: 'postgres://postgres@db:5432/plant' };
    expect(loadConfig({ ...server, DATABASE_REPLICA_URLS: ' postgres://r1:5432/plant, postgresql://r2/plant ' }).DATABASE_REPLICA_URLS).toEqual(['postgres://r1:5432/plant', 'postgresql://r2/plant']);
    expect(loadConfig(server)).toMatchObject({ DATABASE_REPLICA_URLS: [], REPLICA_MAX_LAG_MS: 1000, REPLICA_CHECK_INTERVAL_MS: 500 });
    expect(problems({ ...server, DATABASE_REPLICA_URLS: 'mysql://r1/plant' }).map((p) => p.split(':')[0])).toEqual(['DATABASE_REPLICA_URLS.0']);
    expect(problems({ DATABASE_REPLICA_URLS: 'postgres://r1/plant' })).toEqual([expect.stringContaining('needs DATABASE_URL or APP_DATABASE_URL')]);
  });

  it('never echoes a secret value in its messages', () => {
    const found = problems({ JWT_SECRET: 'hunter2-is-my-secret' });
    expect(found.join('\n')).not.toContain('hunter2');
  });

  it('refuses to start in production without real secrets', () => {
    const found = problems({ NODE_ENV: 'production' });
    expect(found.map((p) => p.split(':')[0])).toEqual([
      'SIGNING_KEY or SIGNING_KEY_FILE',
      'JWT_SECRET',
      'LOG_KEY or LOG_KEY_FILE',
      'DATABASE_URL',
      'APP_DATABASE_URL or DB_APP_PASSWORD',
    ]);
  });

  it('lets production migrations run with only the owner database URL', () => {
    const migrate = (env: NodeJS.ProcessEnv): string[] => {
      try {
        loadConfig(env, { signs: false });
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
      return [];
    };
    expect(migrate({ NODE_ENV: 'production', DATABASE_URL: 'postgres://owner@db/plant' })).toEqual([]);
    expect(migrate({ NODE_ENV: 'production' }).map((p) => p.split(':')[0])).toEqual(['DATABASE_URL']);
  });

  it('accepts a complete production configuration', () => {
    expect(
      problems({
        NODE_ENV: 'production',
        SIGNING_KEY_FILE: '/run/secrets/signing.pem',
        LOG_KEY_FILE: '/run/secrets/log.pem',
        JWT_SECRET: 'x'.repeat(40),
        DATABASE_URL: 'postgres://admin@db/plant',
        DB_APP_PASSWORD: 'pw',
      }),
    ).toEqual([]);
  });

  it('rejects both a key and a key file', () => {
    expect(problems({ SIGNING_KEY: 'pem', SIGNING_KEY_FILE: '/k.pem' })).toEqual(['SIGNING_KEY and SIGNING_KEY_FILE: set only one']);
  });

  it('the console\'s OpenID sign-in needs the external issuer, by URL, and never comes with the development sign-in', () => {
    expect(problems({ CONSOLE_OIDC_CLIENT_ID: 'plant-console' })[0]).toMatch(/^CONSOLE_OIDC_CLIENT_ID: needs JWT_JWKS_URL/);
    const external = { JWT_JWKS_URL: 'https://id.example.com/jwks', JWT_AUDIENCE: 'plant', CONSOLE_OIDC_CLIENT_ID: 'plant-console' };
    expect(problems({ ...external, JWT_ISSUER: 'not a url' })[0]).toMatch(/^CONSOLE_OIDC_CLIENT_ID/);
    const options = httpOptions(loadConfig({ ...external, JWT_ISSUER: 'https://id.example.com/realms/plant', JWT_ROLES_CLAIM: 'realm_access.roles' }));
    expect(options.oidc).toEqual({ authority: 'https://id.example.com/realms/plant', client_id: 'plant-console', scope: 'openid profile', roles_claim: 'realm_access.roles' });
    expect(options.devTokens).toBe(false);
    expect(options.console?.csp).toContain("connect-src 'self' https://id.example.com;");
    expect(httpOptions(loadConfig({})).oidc).toBeNull();
  });

  it('four-eyes settings: quorum 2 in production unless set, request TTL in s, m, h or d', () => {
    const test = loadConfig({ NODE_ENV: 'test' });
    expect(certificationPolicy(test)).toEqual({ quorum: 1, requestTtlMs: 7 * 86_400_000 });
    expect(certificationPolicy({ ...test, NODE_ENV: 'production' }).quorum).toBe(2);
    expect(certificationPolicy(loadConfig({ NODE_ENV: 'test', CERTIFICATION_QUORUM: '3', CERTIFICATION_REQUEST_TTL: '12h' }))).toEqual({ quorum: 3, requestTtlMs: 43_200_000 });
    expect(certificationPolicy(loadConfig({ NODE_ENV: 'test', CERTIFICATION_REQUEST_TTL: '90' })).requestTtlMs).toBe(90_000);
    expect(problems({ CERTIFICATION_REQUEST_TTL: 'a week' })[0]).toMatch(/^CERTIFICATION_REQUEST_TTL: a duration such as 7d/);
    expect(problems({ CERTIFICATION_QUORUM: '0' })[0]).toMatch(/^CERTIFICATION_QUORUM:/);
    expect(problems({ GENESIS_WEBHOOK_URL: 'https://gate.example.com/verdict' })).toEqual(['GENESIS_WEBHOOK_SECRET: required with GENESIS_WEBHOOK_URL (the Standard Webhooks secret, whsec_…)']);
  });
});
