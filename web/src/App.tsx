import { useMemo, useState } from 'react';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { ClientContext } from './context.ts';
import { Audit } from './pages/Audit.tsx';
import { Catalog } from './pages/Catalog.tsx';
import { Create } from './pages/Create.tsx';
import { EntityPage } from './pages/EntityPage.tsx';
import { Governance } from './pages/Governance.tsx';
import { OidcCallback } from './pages/OidcCallback.tsx';
import { Operators } from './pages/Operators.tsx';
import { CALLBACK_PATH } from './oidc.ts';
import { SignIn } from './pages/SignIn.tsx';
import { clientFor, loadSession, saveSession, type Session } from './session.ts';

/** Each entry: where it links, its label, and the paths that count as being on it. */
const NAV = [
  ['/', 'Catalog', ['/search', '/entities']],
  ['/governance', 'Governance', []],
  ['/new/skill', 'Create', ['/new']],
  ['/audit', 'Audit', []],
  ['/operators', 'Operators', []],
] as const;

const current = (location: string, href: string, also: readonly string[]): boolean =>
  location === href || also.some((prefix) => location.startsWith(prefix)) || (href !== '/' && location.startsWith(href));

export const App = (): React.JSX.Element => {
  const [session, setSession] = useState<Session | null>(loadSession);
  const client = useMemo(() => clientFor(session), [session]);
  const [location] = useLocation();
  const signIn = (next: Session | null): void => {
    saveSession(next);
    setSession(next);
  };

  if (location === CALLBACK_PATH) {
    return (
      <ClientContext.Provider value={{ client, session }}>
        <OidcCallback onSignIn={signIn} />
      </ClientContext.Provider>
    );
  }
  if (session === null) {
    return (
      <ClientContext.Provider value={{ client, session }}>
        <SignIn onSignIn={signIn} />
      </ClientContext.Provider>
    );
  }
  return (
    <ClientContext.Provider value={{ client, session }}>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <Link href="/" className="brand">Plant Console</Link>
        <nav aria-label="Main">
          {NAV.map(([href, label, also]) => (
            <Link key={href} href={href} aria-current={current(location, href, also) ? 'page' : undefined}>{label}</Link>
          ))}
        </nav>
        <div className="who">
          <span>
            Signed in as <strong>{session.subject}</strong> ({session.roles.join(', ') || 'no roles'})
          </span>
          <button type="button" className="link" onClick={() => { signIn(null); }}>Sign out</button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Switch>
          <Route path="/" component={Catalog} />
          <Route path="/search" component={Catalog} />
          <Route path="/entities/:id">{(params) => <EntityPage id={params.id} />}</Route>
          <Route path="/governance" component={Governance} />
          <Route path="/new"><Redirect to="/new/skill" /></Route>
          <Route path="/new/:what">{(params) => <Create what={params.what} />}</Route>
          <Route path="/audit" component={Audit} />
          <Route path="/operators" component={Operators} />
          <Route path="/sign-in"><Redirect to="/" /></Route>
          <Route>
            <h1>Not found</h1>
            <p>
              No console page at <code>{location}</code>. <Link href="/">Back to the catalog</Link>
            </p>
          </Route>
        </Switch>
      </main>
    </ClientContext.Provider>
  );
};
