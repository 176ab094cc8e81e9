import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { PlantError, TransportError } from '../../core/errors.ts';
import { isRole, type Role } from '../../core/roles.ts';
import type { Actor } from '../../core/ports/ledger.ts';

export interface TokenSettings {
  /** HS256 secret for tokens Plant issues itself (service accounts, `plant token`). */
  secret: string;
  issuer: string;
  audience: string;
  /** An external OIDC issuer whose asymmetric tokens are accepted too. */
  oidc?: { jwksUrl: string; issuer: string; audience: string; rolesClaim: string } | undefined;
  /**
   * Whether a service account's tokens are still honoured. Asked on every request that carries
   * one (a primary-key read), never cached: a revoked account's tokens stop working at once.
   */
  accountActive?: ((clientId: string) => Promise<boolean>) | undefined;
}

export const TOKEN_TTL_SECONDS = 30 * 60;

const unauthenticated = (why: string): TransportError => new TransportError('UNAUTHENTICATED', why);

/** Claims that RFC 8693 defines as one space-delimited string; every other roles claim must be an array. */
const DELIMITED_CLAIMS: ReadonlySet<string> = new Set(['scope', 'scp']);

/**
 * The roles a token grants. A roles claim that is not an array of strings is refused, not read
 * leniently: "governance,admin" as one string must not become two roles by accident of parsing.
 */
const rolesFrom = (payload: JWTPayload, claimPath: string): Role[] => {
  let value: unknown = payload;
  for (const part of claimPath.split('.')) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  }
  if (value === undefined) return [];
  const last = claimPath.split('.').at(-1) ?? claimPath;
  if (typeof value === 'string' && DELIMITED_CLAIMS.has(last)) return value.split(' ').filter(isRole);
  if (!Array.isArray(value) || !value.every((r) => typeof r === 'string')) {
    throw unauthenticated(`The bearer token's ${claimPath} claim must be an array of strings`);
  }
  return value.filter(isRole);
};

/**
 * Verifies bearer tokens: HS256 ones against the configured secret, asymmetric ones against the
 * OIDC issuer's JWKS (when configured). exp, nbf, iss and aud are always checked; the error says
 * which check failed but never echoes the token.
 */
/** Verified tokens are remembered briefly: a portal sends the same token thousands of times. */
const CACHE_MAX = 10_000;
const CACHE_SECONDS = 60;

export class TokenService {
  // A KeyObject, built once: handing jose raw bytes makes it import the key on every verify.
  private readonly key: KeyObject;
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  private readonly verified = new Map<string, { actor: Actor; clientId: string | undefined; until: number }>();

  constructor(private readonly settings: TokenSettings) {
    this.key = createSecretKey(Buffer.from(settings.secret, 'utf8'));
    this.jwks = settings.oidc === undefined ? undefined : createRemoteJWKSet(new URL(settings.oidc.jwksUrl));
  }

  /**
   * Verifies (or recalls a recent verification of) a bearer token. A cached entry never outlives
   * the token's own exp, nor CACHE_SECONDS; the cache is bounded and evicts oldest first.
   */
  async verify(token: string): Promise<Actor> {
    const now = Date.now();
    let hit = this.verified.get(token);
    if (hit !== undefined && hit.until <= now) {
      this.verified.delete(token);
      hit = undefined;
    }
    if (hit === undefined) {
      const { actor, exp, clientId } = await this.verifyFresh(token);
      if (this.verified.size >= CACHE_MAX) {
        const oldest = this.verified.keys().next().value;
        if (oldest !== undefined) this.verified.delete(oldest);
      }
      hit = { actor, clientId, until: Math.min(exp * 1000, now + CACHE_SECONDS * 1000) };
      this.verified.set(token, hit);
    }
    // The signature is remembered; the account's standing is not.
    if (hit.clientId !== undefined && this.settings.accountActive !== undefined && !(await this.settings.accountActive(hit.clientId))) {
      throw unauthenticated('The service account this token was issued to is revoked');
    }
    return hit.actor;
  }

  /** A token for `subject`; `clientId` marks one issued to a service account (RFC 9068's client_id). */
  async mint(subject: string, roles: readonly Role[], ttlSeconds = TOKEN_TTL_SECONDS, clientId?: string): Promise<string> {
    return new SignJWT({ roles: [...roles], ...(clientId === undefined ? {} : { client_id: clientId }) })
      .setJti(randomUUID())
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(subject)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.key);
  }

  private async verifyFresh(token: string): Promise<{ actor: Actor; exp: number; clientId?: string | undefined }> {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw unauthenticated('The bearer token is not a JWT');
    }
    try {
      if (alg === 'HS256') {
        const { payload } = await jwtVerify(token, this.key, {
          algorithms: ['HS256'],
          issuer: this.settings.issuer,
          audience: this.settings.audience,
          requiredClaims: ['sub', 'exp'],
        });
        const clientId = typeof payload.client_id === 'string' ? payload.client_id : undefined;
        return { actor: { subject: payload.sub ?? '', roles: rolesFrom(payload, 'roles') }, exp: payload.exp ?? 0, clientId };
      }
      const oidc = this.settings.oidc;
      if (this.jwks === undefined || oidc === undefined) throw unauthenticated(`Tokens signed with ${String(alg)} are not accepted`);
      const { payload } = await jwtVerify(token, this.jwks, {
        issuer: oidc.issuer,
        audience: oidc.audience,
        requiredClaims: ['sub', 'exp'],
      });
      return { actor: { subject: payload.sub ?? '', roles: rolesFrom(payload, oidc.rolesClaim) }, exp: payload.exp ?? 0 };
    } catch (error) {
      if (error instanceof PlantError) throw error;
      const code = (error as { code?: string }).code ?? '';
      const reason: Record<string, string> = {
        ERR_JWT_EXPIRED: 'The bearer token has expired',
        ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'The bearer token signature is invalid',
        ERR_JWT_CLAIM_VALIDATION_FAILED: `The bearer token failed claim validation (${String((error as { claim?: string }).claim)})`,
      };
      throw unauthenticated(reason[code] ?? 'The bearer token is invalid');
    }
  }
}
