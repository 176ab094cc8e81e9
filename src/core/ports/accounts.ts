import type { Role } from '../roles.ts';
import type { Actor } from './ledger.ts';

export interface ServiceAccount {
  client_id: string;
  roles: Role[];
  description: string | null;
  created_at: string;
  /** Set when the account was revoked; its tokens are refused from then on. */
  disabled_at: string | null;
  /** The last time its secret was replaced (null: the secret it was created with). */
  secret_rotated_at: string | null;
}

/** Machine clients that exchange a secret for a token (POST /auth/token). */
export interface ServiceAccountStore {
  /** Creates an account and returns its secret, which is shown once and stored only hashed. */
  create(actor: Actor, input: { client_id: string; roles: Role[]; description?: string | undefined }): Promise<{ account: ServiceAccount; secret: string }>;
  /** The account's roles when the secret is right and the account enabled; null otherwise. */
  authenticate(clientId: string, secret: string): Promise<Role[] | null>;
  list(): Promise<ServiceAccount[]>;
  get(clientId: string): Promise<ServiceAccount | undefined>;
  /** A new secret (shown once); the old one stops working at once. Refused for a revoked account. */
  rotateSecret(actor: Actor, clientId: string): Promise<{ account: ServiceAccount; secret: string }>;
  /** Revokes the account for good: its secret and every token it holds stop working at once. */
  revoke(actor: Actor, clientId: string): Promise<ServiceAccount>;
  /** Whether tokens issued to this account are still honoured (one primary-key read). */
  isActive(clientId: string): Promise<boolean>;
}
