import { UserManager, WebStorageStateStore } from 'oidc-client-ts';

/** What GET /api/v1/auth/sign-in says about the external issuer. */
export interface OidcSettings {
  authority: string;
  client_id: string;
  scope: string;
  roles_claim: string;
}

export const CALLBACK_PATH = '/auth/callback';

/**
 * Authorization code with PKCE (oidc-client-ts always sends an S256 challenge for the code flow).
 * State and the user live in sessionStorage, like the console's own tokens: per tab, never a cookie.
 */
export const userManager = (o: OidcSettings): UserManager =>
  new UserManager({
    authority: o.authority,
    client_id: o.client_id,
    scope: o.scope,
    redirect_uri: `${window.location.origin}${CALLBACK_PATH}`,
    response_type: 'code',
    loadUserInfo: false,
    automaticSilentRenew: false,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
