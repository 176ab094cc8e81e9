import { unwrap, type Change, type Entity, type paths, type PlantClient } from '@plant/client';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { Link } from 'wouter';
import { ProblemView } from '../components/ProblemView.tsx';
import { usePlant } from '../context.ts';
import { KIND_ONE } from '../kinds.ts';
import { followChanges } from '../live.ts';
import { may } from '../session.ts';

type QueueItem = paths['/api/v1/governance/queue']['get']['responses'][200]['content']['application/json']['items'][number];

/** A row of the page: a queue item, or a skill or role nobody has asked to certify yet. */
interface Row {
  type: QueueItem['type'] | 'uncertified';
  entity_id: string;
  entity_type: string;
  name: string;
  version: number;
  waiting_since: string;
  cause: QueueItem['cause'];
  request: QueueItem['request'];
}

type Decision = 'approve' | 'reject' | 'still_valid' | 'decertify';

const LABEL: Record<Row['type'], string> = {
  certification_request: 'Certification request',
  review: 'Requires review',
  embedding_drift: 'Embedding drift',
  uncertified: 'Not certified yet',
};

const PAGES = 10;

const loadQueue = async (client: PlantClient): Promise<Row[]> => {
  const rows: Row[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < PAGES; page++) {
    const data = await unwrap(await client.api.GET('/api/v1/governance/queue', { params: { query: { limit: 200, ...(cursor === undefined ? {} : { cursor }) } } }));
    rows.push(...data.items);
    if (data.next_cursor === null) break;
    cursor = data.next_cursor;
  }
  const queued = new Set(rows.map((r) => r.entity_id));
  const [skills, roles] = await Promise.all([
    client.api.GET('/api/v1/genesis/skills', { params: { query: { certified: false, limit: 200 } } }).then(unwrap),
    client.api.GET('/api/v1/genesis/job-roles', { params: { query: { certified: false, limit: 200 } } }).then(unwrap),
  ]);
  const open = (e: Entity): boolean => !queued.has(e.id) && (e.status === 'draft' || e.status === 'active');
  for (const e of [...skills, ...roles].filter(open)) {
    rows.push({ type: 'uncertified', entity_id: e.id, entity_type: e.entity_type, name: e.name, version: e.version, waiting_since: e.updated_at, cause: null, request: null });
  }
  return rows;
};

const decide = async (client: PlantClient, row: Row, decision: Decision, reason: string, precedents: string[]): Promise<void> => {
  const body = { reason, ...(precedents.length > 0 ? { precedents } : {}) };
  const path = { params: { path: { id: row.entity_id } }, body };
  if (decision === 'still_valid' || (decision === 'decertify' && row.type === 'review')) {
    await unwrap(await client.api.POST('/api/v1/entities/{id}/review', { params: { path: { id: row.entity_id } }, body: { outcome: decision, ...body } }));
    return;
  }
  const skill = row.entity_type === 'Skill';
  if (decision === 'approve') await unwrap(await (skill ? client.api.POST('/api/v1/genesis/skills/{id}/certify', path) : client.api.POST('/api/v1/genesis/job-roles/{id}/certify', path)));
  else if (decision === 'reject') await unwrap(await (skill ? client.api.POST('/api/v1/genesis/skills/{id}/certify/reject', path) : client.api.POST('/api/v1/genesis/job-roles/{id}/certify/reject', path)));
  else await unwrap(await (skill ? client.api.POST('/api/v1/genesis/skills/{id}/decertify', path) : client.api.POST('/api/v1/genesis/job-roles/{id}/decertify', path)));
};

const choicesFor = (row: Row): Decision[] => {
  if (row.type === 'review' || row.type === 'embedding_drift') return ['still_valid', 'decertify'];
  if (row.entity_type !== 'Skill' && row.entity_type !== 'JobRole') return [];
  return row.request === null ? ['approve'] : ['approve', 'reject'];
};

const DECISION_LABEL: Record<Decision, string> = { approve: 'Approve', reject: 'Reject', still_valid: 'Still valid', decertify: 'Decertify' };

const Progress = ({ request }: { request: NonNullable<Row['request']> }): React.JSX.Element => {
  const who = request.approvals.map((a) => a.actor).join(', ');
  const noun = request.quorum === 1 ? 'approval' : 'approvals';
  return (
    <p className="progress">
      <strong>{request.approvals.length} of {request.quorum} {noun}</strong>
      {who !== '' && <>: {who}</>}
      {request.expired && <span className="tag bad"> expired — the next approval opens a new request</span>}
      {request.waiting_for_gate_since != null && <span className="tag"> waiting for the constitutional gate</span>}
    </p>
  );
};

/** The form every decision goes through: a required reason and optional precedents (amendment hashes). */
const DecisionForm = ({ row, onDone }: { row: Row; onDone: (message: string) => void }): React.JSX.Element => {
  const { client } = usePlant();
  const [reason, setReason] = useState('');
  const [precedents, setPrecedents] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const ids = { reason: useId(), precedents: useId() };
  const choices = choicesFor(row);
  if (choices.length === 0) return <p className="hint">Open the entity to act on it.</p>;

  const run = async (decision: Decision): Promise<void> => {
    setError(null);
    const cited = precedents.split(/[\s,]+/).filter((p) => p !== '');
    if (reason.trim() === '') {
      setError('A decision needs a reason.');
      return;
    }
    setBusy(true);
    try {
      await decide(client, row, decision, reason.trim(), cited);
      setReason('');
      setPrecedents('');
      onDone(`${DECISION_LABEL[decision]}: ${row.name}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="decision" onSubmit={(e) => { e.preventDefault(); }} aria-label={`Decide on ${row.name}`}>
      <label htmlFor={ids.reason}>Reason (required)</label>
      <textarea id={ids.reason} rows={2} required maxLength={2000} value={reason} onChange={(e) => { setReason(e.target.value); }} />
      <label htmlFor={ids.precedents}>Precedents (amendment hashes, optional)</label>
      <div className="row">
        <input id={ids.precedents} value={precedents} spellCheck={false} onChange={(e) => { setPrecedents(e.target.value); }} />
        {row.cause !== null && (
          <button type="button" className="secondary" onClick={() => { setPrecedents((p) => `${p} ${row.cause?.amendment_hash ?? ''}`.trim()); }}>
            Cite the flagging amendment
          </button>
        )}
      </div>
      <div className="row">
        {choices.map((d) => (
          <button key={d} type="button" disabled={busy} className={d === 'reject' || d === 'decertify' ? 'danger' : undefined} onClick={() => { void run(d); }}>
            {DECISION_LABEL[d]}
          </button>
        ))}
      </div>
      <ProblemView error={error} />
    </form>
  );
};

/**
 * What waits for governance, oldest first, kept current by the change feed: another client's
 * write reloads the queue without a page reload.
 */
export const Governance = (): React.JSX.Element => {
  const { client, session } = usePlant();
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [live, setLive] = useState(false);
  const [notice, setNotice] = useState('');
  const pending = useRef<number | null>(null);
  const canDecide = may(session, 'governance');

  const reload = useCallback(async (): Promise<void> => {
    try {
      setRows(await loadQueue(client));
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [client]);

  useEffect(() => {
    void reload();
  }, [reload]);

  useEffect(() => {
    if (session === null) return;
    const stop = new AbortController();
    const onChange = (change: Change): void => {
      setNotice(`${change.operation} of ${KIND_ONE[change.entity_type] ?? change.entity_type} ${change.entity_id} (v${String(change.version)})`);
      // A burst of writes reloads the queue once.
      if (pending.current !== null) window.clearTimeout(pending.current);
      pending.current = window.setTimeout(() => { pending.current = null; void reload(); }, 250);
    };
    void client.api.GET('/api/v1/log/checkpoint').then(unwrap).then((cp) =>
      followChanges({ token: session.token, after: cp.tree_size - 1, onChange, onStatus: setLive, signal: stop.signal }),
    ).catch(() => { setLive(false); });
    return () => { stop.abort(); };
  }, [client, session, reload]);

  return (
    <>
      <h1>Governance queue</h1>
      <p className="live-status" aria-live="polite">
        <span className={live ? 'dot on' : 'dot'} aria-hidden="true" /> {live ? 'Live: updates as the ledger changes' : 'Connecting to the change feed…'}
        {notice !== '' && <span className="hint"> · last change: {notice}</span>}
      </p>
      {!canDecide && <p className="hint">You can read the queue; decisions need the governance role.</p>}
      <ProblemView error={error} />
      {rows === null && error === null && <p>Loading…</p>}
      {rows !== null && rows.length === 0 && <p>Nothing waits for governance.</p>}
      {rows !== null && rows.length > 0 && (
        <ol className="queue" aria-label="Waiting for governance">
          {rows.map((row) => (
            <li key={`${row.type}-${row.entity_id}`} data-entity={row.entity_id} data-type={row.type}>
              <div className="queue-head">
                <Link href={`/entities/${row.entity_id}`}>{row.name}</Link>
                <span className="meta">{KIND_ONE[row.entity_type] ?? row.entity_type} · v{row.version} · {LABEL[row.type]} · since {new Date(row.waiting_since).toLocaleString()}</span>
              </div>
              {row.request !== null && <Progress request={row.request} />}
              {row.cause !== null && (
                <p className="cause">
                  Flagged by <strong>{row.cause.operation}</strong> (v{row.cause.version}) by {row.cause.actor}
                  {row.cause.reason !== null && <>: “{row.cause.reason}”</>}
                </p>
              )}
              {canDecide && <DecisionForm row={row} onDone={(m) => { setNotice(m); void reload(); }} />}
            </li>
          ))}
        </ol>
      )}
    </>
  );
};
