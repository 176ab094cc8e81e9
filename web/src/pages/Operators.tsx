import { unwrap, type components, type paths } from '@plant/client';
import { useEffect, useState } from 'react';
import { ProblemView } from '../components/ProblemView.tsx';
import { usePlant } from '../context.ts';
import { may } from '../session.ts';

type Webhook = components['schemas']['Webhook'];
type Delivery = components['schemas']['WebhookDelivery'];
type Account = paths['/api/v1/auth/service-accounts']['get']['responses'][200]['content']['application/json'][number];
type Key = paths['/api/v1/keys']['get']['responses'][200]['content']['application/json']['keys'][number] & { kid?: string; kty?: string; crv?: string; created_at?: string; retired_at?: string | null; current?: boolean };

const when = (iso: string | null | undefined): string => (iso == null ? '—' : new Date(iso).toLocaleString());

const Deliveries = ({ id }: { id: string }): React.JSX.Element => {
  const { client } = usePlant();
  const [items, setItems] = useState<Delivery[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    void client.api.GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id }, query: { limit: 50 } } }).then(unwrap).then((d) => { setItems(d.items); }, setError);
  }, [client, id]);
  if (error !== null) return <ProblemView error={error} />;
  if (items === null) return <p>Loading deliveries…</p>;
  if (items.length === 0) return <p>No events recorded for this subscription yet.</p>;
  return (
    <table className="grid">
      <caption>Deliveries (first 50, in log order)</caption>
      <thead><tr><th scope="col">Leaf</th><th scope="col">State</th><th scope="col">Attempts</th><th scope="col">Last status</th><th scope="col">Last error</th><th scope="col">Delivered</th></tr></thead>
      <tbody>
        {items.map((d) => (
          <tr key={d.leaf_index} className={d.state === 'dead' ? 'bad' : undefined}>
            <td>{d.leaf_index}</td><td>{d.state}</td><td>{d.attempts}</td><td>{d.last_status ?? '—'}</td><td>{d.last_error ?? '—'}</td><td>{when(d.delivered_at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};

/** Webhook subscriptions with their deliveries, service accounts and the published signing keys. */
export const Operators = (): React.JSX.Element => {
  const { client, session } = usePlant();
  const admin = may(session, 'admin');
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [accounts, setAccounts] = useState<Account[] | null>(null);
  const [keys, setKeys] = useState<Key[] | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    void client.api.GET('/api/v1/keys').then(unwrap).then((k) => { setKeys(k.keys); }, setError);
    if (!admin) return;
    void client.api.GET('/api/v1/webhooks').then(unwrap).then((w) => { setHooks(w.items); }, setError);
    void client.api.GET('/api/v1/auth/service-accounts').then(unwrap).then(setAccounts, setError);
  }, [client, admin]);

  return (
    <>
      <h1>Operators</h1>
      <ProblemView error={error} />
      {!admin && <p className="hint">Webhooks and service accounts are shown to admins; everyone sees the published keys.</p>}
      {admin && (
        <section className="panel" aria-labelledby="hooks">
          <h2 id="hooks">Webhook subscriptions</h2>
          {hooks === null && <p>Loading…</p>}
          {hooks?.length === 0 && <p>No subscriptions. Create one with <code>POST /api/v1/webhooks</code>.</p>}
          {hooks !== null && hooks.length > 0 && (
            <ul className="results">
              {hooks.map((h) => (
                <li key={h.id}>
                  <strong>{h.url}</strong>
                  <span className="meta">
                    {h.enabled ? 'enabled' : `disabled${h.disabled_reason === null ? '' : `: ${h.disabled_reason}`}`} · {h.delivered} delivered · {h.pending} pending · {h.dead} dead
                    {h.consecutive_failures > 0 && ` · ${String(h.consecutive_failures)} failures in a row, next try ${when(h.next_attempt_at)}`}
                  </span>
                  <p className="hint">{h.description ?? ''} Kinds: {h.kinds.length === 0 ? 'all' : h.kinds.join(', ')}; operations: {h.operations.length === 0 ? 'all' : h.operations.join(', ')}.</p>
                  <button type="button" className="link" aria-expanded={open === h.id} onClick={() => { setOpen(open === h.id ? null : h.id); }}>Deliveries</button>
                  {open === h.id && <Deliveries id={h.id} />}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {admin && (
        <section className="panel" aria-labelledby="accounts">
          <h2 id="accounts">Service accounts</h2>
          {accounts === null && <p>Loading…</p>}
          {accounts?.length === 0 && <p>No service accounts. <code>plant accounts create</code> makes one.</p>}
          {accounts !== null && accounts.length > 0 && (
            <table className="grid">
              <thead><tr><th scope="col">Client id</th><th scope="col">Roles</th><th scope="col">Description</th><th scope="col">Created</th><th scope="col">Secret rotated</th><th scope="col">Revoked</th></tr></thead>
              <tbody>
                {accounts.map((a) => (
                  <tr key={a.client_id} className={a.disabled_at === null ? undefined : 'muted'}>
                    <td><code>{a.client_id}</code></td><td>{a.roles.join(', ')}</td><td>{a.description ?? '—'}</td><td>{when(a.created_at)}</td><td>{when(a.secret_rotated_at)}</td><td>{when(a.disabled_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      <section className="panel" aria-labelledby="keys">
        <h2 id="keys">Published signing keys</h2>
        {keys === null && <p>Loading…</p>}
        {keys !== null && (
          <table className="grid">
            <thead><tr><th scope="col">Key id (RFC 7638)</th><th scope="col">Type</th><th scope="col">Created</th><th scope="col">State</th></tr></thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.kid}>
                  <td><code className="hash">{k.kid}</code></td><td>{k.kty}{k.crv === undefined ? '' : ` ${k.crv}`}</td><td>{when(k.created_at)}</td>
                  <td>{k.current === true ? 'current' : k.retired_at != null ? `retired ${when(k.retired_at)}` : 'published'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
};
