import { unwrap } from '@plant/client';
import { useEffect, useId, useState } from 'react';
import { usePlant } from '../context.ts';
import { userManager, type OidcSettings } from '../oidc.ts';
import { sessionFromToken, type Session } from '../session.ts';

const ROLES = ['reader', 'operator', 'governance', 'auditor', 'admin'] as const;

interface Offer {
  development: boolean;
  oidc: OidcSettings | null;
}

/**
 * Paste a bearer token (from `plant token` or your identity provider). A server running with
 * the development secret also offers to mint one here, for a name and a role; a production
 * server does not have that route at all.
 */
export const SignIn = ({ onSignIn }: { onSignIn: (session: Session) => void }): React.JSX.Element => {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const { client } = usePlant();
  const [offer, setOffer] = useState<Offer | null>(null);
  const [name, setName] = useState('');
  const [role, setRole] = useState<string>('governance');
  const ids = { token: useId(), name: useId(), role: useId(), error: useId(), sso: useId() };

  useEffect(() => {
    void client.api.GET('/api/v1/auth/sign-in').then(unwrap).then(setOffer, () => undefined);
  }, [client]);

  const sso = async (oidc: OidcSettings): Promise<void> => {
    setError(null);
    try {
      await userManager(oidc).signinRedirect();
    } catch (e) {
      setError(`Could not reach ${oidc.authority}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const signInWith = (value: string): void => {
    const session = sessionFromToken(value);
    if (session === null) setError('That is not a JWT with a subject (sub).');
    else if (session.expires * 1000 <= Date.now()) setError('That token has expired.');
    else onSignIn(session);
  };

  const mint = async (): Promise<void> => {
    setError(null);
    const res = await fetch('/api/v1/auth/dev-token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subject: name.trim(), roles: [role] }),
    });
    const body = (await res.json()) as { access_token?: string; detail?: string };
    if (!res.ok || body.access_token === undefined) setError(body.detail ?? `The server answered ${res.status}.`);
    else signInWith(body.access_token);
  };

  return (
    <main id="main" className="signin">
      <h1>Plant Console</h1>
      <p className="lede">The governed registry of agent definitions. Sign in to browse, govern and verify it.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          signInWith(token);
        }}
      >
        <label htmlFor={ids.token}>Bearer token</label>
        <textarea id={ids.token} value={token} rows={4} spellCheck={false} onChange={(e) => { setToken(e.target.value); }} aria-describedby={error === null ? undefined : ids.error} />
        <button type="submit" disabled={token.trim() === ''}>Sign in with token</button>
      </form>
      {offer?.oidc != null && (
        <section className="panel sso" aria-labelledby={ids.sso}>
          <h2 id={ids.sso}>Single sign-on</h2>
          <p>Sign in at your organisation’s identity provider, {new URL(offer.oidc.authority).host}; it sends you back here signed in.</p>
          <button type="button" onClick={() => { if (offer.oidc !== null) void sso(offer.oidc); }}>Sign in with {new URL(offer.oidc.authority).host}</button>
        </section>
      )}
      {offer?.development === true && (
        <form
          className="dev"
          onSubmit={(e) => {
            e.preventDefault();
            void mint();
          }}
        >
          <h2>Development sign-in</h2>
          <p>This server signs tokens with its development secret, so it can mint one for you. Production servers cannot.</p>
          <label htmlFor={ids.name}>Your name</label>
          <input id={ids.name} value={name} autoComplete="username" onChange={(e) => { setName(e.target.value); }} required maxLength={100} />
          <label htmlFor={ids.role}>Role</label>
          <select id={ids.role} value={role} onChange={(e) => { setRole(e.target.value); }}>
            {ROLES.map((r) => (
              <option key={r} value={r}>{r}</option>
            ))}
          </select>
          <button type="submit" disabled={name.trim() === ''}>Mint a token and sign in</button>
        </form>
      )}
      {error !== null && <p id={ids.error} role="alert" className="error">{error}</p>}
    </main>
  );
};
