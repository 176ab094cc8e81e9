import { Type } from 'typebox';
import { ROLES } from '../../core/roles.ts';

export const ClientIdParam = Type.Object({ client_id: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{2,63}$' }) });

/** A service account as shown to admins: never its secret or the secret's hash. */
export const ServiceAccountView = Type.Object({
  client_id: Type.String(),
  roles: Type.Array(Type.Union(ROLES.map((r) => Type.Literal(r)))),
  description: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  disabled_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When it was revoked; its tokens are refused from then on' }),
  secret_rotated_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const WithSecret = Type.Intersect([ServiceAccountView, Type.Object({ client_secret: Type.String({ description: 'Shown once; only its argon2id hash is stored' }) })]);
