import { json, type Sql } from './sql.ts';
import type { SignatureAlgorithm } from '../../core/amendment.ts';
import type { KeyRegistry, PublicKeyRecord, PublishedKey } from '../../core/ports/keys.ts';

/**
 * Publishes a public key (idempotent). Keys are never deleted; rotation only sets retired_at.
 * Only the owner may run this (0008_database_checks.sql); the service role is refused.
 */
export const publishKey = async (pool: Sql, key: PublicKeyRecord): Promise<void> => {
  await pool.query(
    'INSERT INTO signing_keys (key_id, alg, public_jwk) VALUES ($1, $2, $3) ON CONFLICT (key_id) DO NOTHING',
    [key.keyId, key.algorithm, json(key.jwk)],
  );
};

export const retireKey = async (pool: Sql, keyId: string): Promise<void> => {
  await pool.query('UPDATE signing_keys SET retired_at = now() WHERE key_id = $1 AND retired_at IS NULL', [keyId]);
};

export const listKeys = async (pool: Sql): Promise<PublishedKey[]> => {
  const { rows } = await pool.query<{
    key_id: string;
    alg: SignatureAlgorithm;
    public_jwk: PublicKeyRecord['jwk'];
    created_at: string;
    retired_at: string | null;
  }>('SELECT key_id, alg, public_jwk, created_at, retired_at FROM signing_keys ORDER BY created_at, key_id');
  return rows.map((r) => ({ keyId: r.key_id, algorithm: r.alg, jwk: r.public_jwk, createdAt: r.created_at, retiredAt: r.retired_at }));
};

/** The registry in the signing_keys table. */
export class PgKeyRegistry implements KeyRegistry {
  constructor(private readonly sql: Sql) {}

  list(): Promise<PublishedKey[]> {
    return listKeys(this.sql);
  }

  retire(keyId: string): Promise<void> {
    return retireKey(this.sql, keyId);
  }
}
