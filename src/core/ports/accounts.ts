import type { Role } from '../roles.ts';
import type { Actor } from './ledger.ts';

export interface ServiceAccount {
  client_id: string;
  roles: Role[];
  description: string | null;
  created_at: string;
  disabled_at: string | null;
}

/** Machine clients that exchange a secret for a token (POST /auth/token). */
export interface ServiceAccountStore {
  /** Creates an account and returns its secret, which is shown once and stored only hashed. */
  create(actor: Actor, input: { client_id: string; roles: Role[]; description?: string | undefined }): Promise<{ account: ServiceAccount; secret: string }>;
  /** The account's roles when the secret is right and the account enabled; null otherwise. */
  authenticate(clientId: string, secret: string): Promise<Role[] | null>;
}
