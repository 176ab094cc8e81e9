import { unwrap } from '@plant/client';
import { useEffect, useRef, useState } from 'react';
import { useLocation } from 'wouter';
import { usePlant } from '../context.ts';
import { userManager } from '../oidc.ts';
import { sessionFromToken, type Session } from '../session.ts';

/**
 * Where the identity provider sends the browser back: oidc-client-ts checks the state, redeems the
 * code with the PKCE verifier it kept, and the access token (a JWT for Plant's audience) becomes
 * the session. The server checks that token on every request; nothing here trusts it.
 */
export const OidcCallback = ({ onSignIn }: { onSignIn: (session: Session) => void }): React.JSX.Element => {
  const { client } = usePlant();
  const [, navigate] = useLocation();
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);
  useEffect(() => {
    const finish = async (): Promise<void> => {
      const { oidc } = await unwrap(await client.api.GET('/api/v1/auth/sign-in'));
      if (oidc === null) throw new Error('this server has no OpenID Connect sign-in configured');
      const user = await userManager(oidc).signinRedirectCallback();
      const session = sessionFromToken(user.access_token, oidc.roles_claim);
      if (session === null) throw new Error('the identity provider’s access token is not a JWT with a subject; Plant cannot accept it');
      onSignIn(session);
      navigate('/', { replace: true });
    };
    // Once per code: a second redemption would fail (StrictMode runs effects twice in development).
    if (started.current) return;
    started.current = true;
    finish().catch((e: unknown) => { setError(e instanceof Error ? e.message : String(e)); });
  }, [client, navigate, onSignIn]);
  return (
    <main id="main" className="signin">
      <h1>Signing in…</h1>
      {error === null ? <p aria-live="polite">Finishing the sign-in with your identity provider.</p> : (
        <>
          <p role="alert" className="error">Sign-in failed: {error}</p>
          <p><a href="/">Back to the sign-in page</a></p>
        </>
      )}
    </main>
  );
};
