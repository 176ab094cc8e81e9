import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Role } from '../../core/roles.ts';
import type { Actor } from '../../core/ports/ledger.ts';
import { setActor, sqlError, type SqlPool } from './sql.ts';
import { DomainError } from '../../core/errors.ts';
import type { ServiceAccount, ServiceAccountStore } from '../../core/ports/accounts.ts';

// argon2id with the library's defaults (m=19 MiB, t=2, p=1), OWASP's baseline: ~7.5 ms here.
const ARGON = { algorithm: 2 } as const;
// Verified when the client id is unknown, so a miss costs the same time as a wrong secret.
let decoy: Promise<string> | undefined;

const COLUMNS = 'client_id, roles, description, created_at, disabled_at, secret_rotated_at';

const notFound = (clientId: string): DomainError => new DomainError('ACCOUNT_NOT_FOUND', `No service account has the client id ${clientId}`);
const revoked = (clientId: string): DomainError => new DomainError('INVALID_STATE', `Service account ${clientId} is revoked; create a new one`);

export class ServiceAccounts implements ServiceAccountStore {
  constructor(private readonly pool: SqlPool) {}

  /** Creates an account and returns its secret, which is shown once and stored only hashed. */
  async create(actor: Actor, input: { client_id: string; roles: Role[]; description?: string | undefined }): Promise<{ account: ServiceAccount; secret: string }> {
    const secret = randomBytes(32).toString('base64url');
    const secretHash = await hash(secret, ARGON);
    try {
      const rows = await this.pool.transaction(async (tx) => {
        await setActor(tx, actor);
        return (
          await tx.query<ServiceAccount>(
            `INSERT INTO service_accounts (client_id, secret_hash, roles, description, created_by) VALUES ($1, $2, $3, $4, $5)
             RETURNING ${COLUMNS}`,
            [input.client_id, secretHash, input.roles, input.description ?? null, actor.subject],
          )
        ).rows;
      });
      const account = rows[0];
      if (account === undefined) throw new Error('insert returned nothing');
      return { account, secret };
    } catch (error) {
      const { code } = sqlError(error);
      if (code === '23505') throw new DomainError('DUPLICATE_ENTITY', `Service account '${input.client_id}' already exists`);
      if (code === '42501') throw new DomainError('FORBIDDEN', 'Only admin may create service accounts');
      if (code === '23514') throw new DomainError('VALIDATION_ERROR', 'Invalid client_id or roles', { errors: [{ field: 'client_id', message: 'must match ^[a-z0-9][a-z0-9._-]{2,63}$' }] });
      throw error;
    }
  }

  /** The account's roles when the secret matches an enabled account; null otherwise. */
  async authenticate(clientId: string, secret: string): Promise<Role[] | null> {
    const { rows } = await this.pool.query<{ secret_hash: string; roles: Role[]; disabled_at: string | null }>(
      'SELECT secret_hash, roles, disabled_at FROM service_accounts WHERE client_id = $1',
      [clientId],
    );
    const row = rows[0];
    if (row === undefined) {
      decoy ??= hash(randomBytes(16).toString('hex'), ARGON);
      await verify(await decoy, secret).catch(() => false);
      return null;
    }
    const ok = await verify(row.secret_hash, secret).catch(() => false);
    return ok && row.disabled_at === null ? row.roles : null;
  }

  async list(): Promise<ServiceAccount[]> {
    return (await this.pool.query<ServiceAccount>(`SELECT ${COLUMNS} FROM service_accounts ORDER BY created_at, client_id`)).rows;
  }

  async get(clientId: string): Promise<ServiceAccount | undefined> {
    return (await this.pool.query<ServiceAccount>(`SELECT ${COLUMNS} FROM service_accounts WHERE client_id = $1`, [clientId])).rows[0];
  }

  async rotateSecret(actor: Actor, clientId: string): Promise<{ account: ServiceAccount; secret: string }> {
    const secret = randomBytes(32).toString('base64url');
    const secretHash = await hash(secret, ARGON);
    const account = await this.update(actor, clientId, 'secret_hash = $2, secret_rotated_at = now()', [secretHash]);
    if (account !== undefined) return { account, secret };
    throw (await this.get(clientId)) === undefined ? notFound(clientId) : revoked(clientId);
  }

  async revoke(actor: Actor, clientId: string): Promise<ServiceAccount> {
    // Revoking a revoked account changes nothing and answers it as it is (its first disabled_at).
    const account = (await this.update(actor, clientId, 'disabled_at = now()', [])) ?? (await this.get(clientId));
    if (account === undefined) throw notFound(clientId);
    return account;
  }

  async isActive(clientId: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ active: boolean }>('SELECT disabled_at IS NULL AS active FROM service_accounts WHERE client_id = $1', [clientId]);
    return rows[0]?.active === true;
  }

  /** Changes an account that is not revoked, in one statement; undefined when there is none such. */
  private async update(actor: Actor, clientId: string, set: string, params: unknown[]): Promise<ServiceAccount | undefined> {
    try {
      const rows = await this.pool.transaction(async (tx) => {
        await setActor(tx, actor);
        return (await tx.query<ServiceAccount>(`UPDATE service_accounts SET ${set} WHERE client_id = $1 AND disabled_at IS NULL RETURNING ${COLUMNS}`, [clientId, ...params])).rows;
      });
      return rows[0];
    } catch (error) {
      const { code } = sqlError(error);
      if (code === '42501') throw new DomainError('FORBIDDEN', 'Only admin may change service accounts');
      if (code === 'PL011') throw revoked(clientId);
      throw error;
    }
  }
}
