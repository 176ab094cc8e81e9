import { unwrap, type components, type paths } from '@plant/client';
import { useEffect, useId, useState } from 'react';
import { Link } from 'wouter';
import { ProblemView } from '../components/ProblemView.tsx';
import { usePlant } from '../context.ts';
import { isKind, KIND_LABEL, KINDS, type EntityKind } from '../kinds.ts';
import { may } from '../session.ts';

type Report = components['schemas']['AuditReport'];
type Checkpoint = paths['/api/v1/log/checkpoint']['get']['responses'][200]['content']['application/json'];
type EmbeddingStatus = paths['/api/v1/embeddings/status']['get']['responses'][200]['content']['application/json'];
type QualityRun = components['schemas']['EmbeddingQualityRun'];
type Tampering = paths['/api/v1/audit/tampering/{id}']['get']['responses'][200]['content']['application/json'];

interface EntityResult {
  entity_id: string;
  entity_type: string;
  name: string;
  version: number;
  compliant: boolean;
  violations: { code?: string; message?: string }[];
  chain: { valid?: boolean; details?: string[] };
}

type Scope = 'all' | 'kind' | 'entity';

const count = (v: unknown): string => (typeof v === 'number' ? String(v) : '—');

/** Saves a response as a file without ever putting the token in a URL. */
const download = async (token: string, path: string, filename: string): Promise<void> => {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`${String(response.status)}: ${(await response.text()).slice(0, 300)}`);
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  URL.revokeObjectURL(url);
};

const TamperingReport = ({ id }: { id: string }): React.JSX.Element => {
  const { client } = usePlant();
  const [report, setReport] = useState<Tampering | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    void client.api.GET('/api/v1/audit/tampering/{id}', { params: { path: { id } } }).then(unwrap).then(setReport, setError);
  }, [client, id]);
  if (error !== null) return <ProblemView error={error} />;
  if (report === null) return <p>Checking…</p>;
  return (
    <div className={report.tampered ? 'tamper bad' : 'tamper'} data-tampered={String(report.tampered)}>
      <p>
        <strong>{report.tampered ? 'Tampered' : 'Intact'}</strong>: {report.amendment_count} amendments, chain of {report.hash_chain_length}
        {report.broken_at_index !== null && <>, broken at amendment {report.broken_at_index}</>}
      </p>
      {report.details.length > 0 && <ul>{report.details.map((d) => <li key={d}>{d}</li>)}</ul>}
    </div>
  );
};

const Results = ({ byKind }: { byKind: [string, Report][] }): React.JSX.Element => {
  const [open, setOpen] = useState<string | null>(null);
  const failing = byKind.flatMap(([, r]) => (r.entities as unknown as EntityResult[]).filter((e) => !e.compliant));
  return (
    <>
      <table className="grid">
        <caption>Results by kind</caption>
        <thead>
          <tr><th scope="col">Kind</th><th scope="col">Entities</th><th scope="col">Compliant</th><th scope="col">L0 pass</th><th scope="col">L1 pass</th><th scope="col">Chain intact</th><th scope="col">Requires review</th></tr>
        </thead>
        <tbody>
          {byKind.map(([kind, r]) => (
            <tr key={kind} className={r.compliant < r.total_entities ? 'bad' : undefined}>
              <th scope="row">{isKind(kind) ? KIND_LABEL[kind] : kind}</th>
              <td>{r.total_entities}</td><td>{r.compliant}</td><td>{r.statistics.l0_pass}</td><td>{r.statistics.l1_pass}</td><td>{r.statistics.hash_chain_intact}</td><td>{r.statistics.requires_review}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {failing.length === 0 ? (
        <p className="ok" role="status">Every audited entity is compliant.</p>
      ) : (
        <ul className="results" aria-label="Non-compliant entities">
          {failing.map((e) => (
            <li key={e.entity_id} data-entity={e.entity_id}>
              <Link href={`/entities/${e.entity_id}`}>{e.name}</Link> <span className="meta">{e.entity_type} · v{e.version}</span>
              <ul className="why">
                {e.violations.map((v) => <li key={`${v.code ?? ''}${v.message ?? ''}`}>{(v.message ?? '').startsWith(v.code ?? '\u0000') ? v.message : `${v.code ?? ''}: ${v.message ?? ''}`}</li>)}
                {e.chain.valid === false && <li>hash chain broken</li>}
              </ul>
              <button type="button" className="link" aria-expanded={open === e.entity_id} onClick={() => { setOpen(open === e.entity_id ? null : e.entity_id); }}>
                Tampering report
              </button>
              {open === e.entity_id && <TamperingReport id={e.entity_id} />}
            </li>
          ))}
        </ul>
      )}
    </>
  );
};

/** Audits, the exports auditors take away, the log's checkpoint and the embedding pipeline. */
export const Audit = (): React.JSX.Element => {
  const { client, session } = usePlant();
  const [scope, setScope] = useState<Scope>('all');
  const [kind, setKind] = useState<EntityKind>('Agent');
  const [entityId, setEntityId] = useState('');
  const [progress, setProgress] = useState<[number, number] | null>(null);
  const [byKind, setByKind] = useState<[string, Report][] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [checkpoint, setCheckpoint] = useState<Checkpoint | null>(null);
  const [embeddings, setEmbeddings] = useState<EmbeddingStatus | null>(null);
  const [quality, setQuality] = useState<QualityRun | null | undefined>(undefined);
  const ids = { kind: useId(), entity: useId() };
  const auditor = may(session, 'auditor');

  useEffect(() => {
    void client.api.GET('/api/v1/log/checkpoint').then(unwrap).then(setCheckpoint, () => undefined);
    void client.api.GET('/api/v1/embeddings/status').then(unwrap).then(setEmbeddings, () => undefined);
    void client.api.GET('/api/v1/embeddings/quality', { params: { query: { limit: 1 } } }).then(unwrap).then((q) => { setQuality(q.runs[0] ?? null); }, () => { setQuality(null); });
  }, [client]);

  const run = async (): Promise<void> => {
    setError(null);
    setByKind(null);
    // One request per kind, so a long audit shows how far it got and reads by kind.
    const scopes: { entity_type?: EntityKind; entity_id?: string }[] = scope === 'all' ? KINDS.map((k) => ({ entity_type: k })) : scope === 'kind' ? [{ entity_type: kind }] : [{ entity_id: entityId.trim() }];
    const done: [string, Report][] = [];
    try {
      for (const [i, s] of scopes.entries()) {
        setProgress([i, scopes.length]);
        const report = await unwrap(await client.api.POST('/api/v1/audit/run', { body: s }));
        const label = s.entity_type ?? (report.entities[0] as EntityResult | undefined)?.entity_type ?? 'Entity';
        done.push([label, report]);
      }
      setProgress([scopes.length, scopes.length]);
      setByKind(done);
    } catch (e) {
      setError(e);
      setProgress(null);
    }
  };

  const exportQuery = scope === 'kind' ? `&entity_type=${kind}` : scope === 'entity' ? `&entity_id=${encodeURIComponent(entityId.trim())}` : '';
  const save = (format: 'json' | 'csv'): void => {
    if (session === null) return;
    setError(null);
    download(session.token, `/api/v1/audit/export?format=${format}${exportQuery}`, `plant-export${scope === 'all' ? '' : '-partial'}.${format}`).catch(setError);
  };

  return (
    <>
      <h1>Audit</h1>
      {!auditor && <p className="hint">Audits and exports need the auditor role; the checkpoint and the embedding pipeline are shown to everyone.</p>}
      {auditor && (
        <form className="panel form" aria-label="Run an audit" onSubmit={(e) => { e.preventDefault(); void run(); }}>
          <fieldset className="choices">
            <legend>Scope</legend>
            {(['all', 'kind', 'entity'] as const).map((s) => (
              <label key={s} className="check">
                <input type="radio" name="scope" value={s} checked={scope === s} onChange={() => { setScope(s); }} />
                {s === 'all' ? 'Everything' : s === 'kind' ? 'One kind' : 'One entity'}
              </label>
            ))}
          </fieldset>
          {scope === 'kind' && (
            <>
              <label htmlFor={ids.kind}>Kind</label>
              <select id={ids.kind} value={kind} onChange={(e) => { setKind(e.target.value as EntityKind); }}>
                {KINDS.map((k) => <option key={k} value={k}>{KIND_LABEL[k]}</option>)}
              </select>
            </>
          )}
          {scope === 'entity' && (
            <>
              <label htmlFor={ids.entity}>Entity id</label>
              <input id={ids.entity} required spellCheck={false} value={entityId} onChange={(e) => { setEntityId(e.target.value); }} />
            </>
          )}
          <div className="row">
            <button type="submit" disabled={progress !== null && progress[0] < progress[1]}>Run audit</button>
            <button type="button" className="secondary" onClick={() => { save('json'); }}>Download {scope === 'all' ? 'full' : 'partial'} bundle (JSON)</button>
            <button type="button" className="secondary" onClick={() => { save('csv'); }}>Download CSV</button>
          </div>
          {progress !== null && (
            <p aria-live="polite">
              <progress max={progress[1]} value={progress[0]} aria-label="Audit progress" /> {progress[0]} of {progress[1]} {progress[1] === 1 ? 'scope' : 'kinds'} audited
            </p>
          )}
          <ProblemView error={error} />
        </form>
      )}
      {byKind !== null && <Results byKind={byKind} />}

      <div className="sections">
        <section aria-labelledby="cp">
          <h2 id="cp">Current checkpoint</h2>
          {checkpoint === null ? <p>No checkpoint yet.</p> : (
            <dl>
              <dt>Origin</dt><dd>{checkpoint.origin}</dd>
              <dt>Tree size</dt><dd>{checkpoint.tree_size}</dd>
              <dt>Root hash</dt><dd><code className="hash">{checkpoint.root_hash}</code></dd>
              <dt>Signed at</dt><dd>{new Date(checkpoint.created_at).toLocaleString()}</dd>
              <dt>Witnesses</dt>
              <dd>
                {checkpoint.cosignatures.length === 0
                  ? 'No cosignatures: the checkpoint carries the log’s own signature only.'
                  : `Cosigned by ${checkpoint.cosignatures.map((c) => c.witness).join(', ')} (their lines are in the note below; check them with the witnesses’ keys: plant verify --witness).`}
              </dd>
            </dl>
          )}
          {checkpoint !== null && <pre className="note">{checkpoint.note}</pre>}
        </section>
        <section aria-labelledby="emb">
          <h2 id="emb">Embedding jobs</h2>
          {embeddings === null ? <p>Unavailable.</p> : (
            <dl>
              <dt>Provider</dt><dd>{embeddings.provider} ({embeddings.model})</dd>
              <dt>Documents</dt><dd>{embeddings.documents} ({embeddings.embedded} embedded)</dd>
              <dt>Queue</dt><dd>{embeddings.queued} queued, {embeddings.in_flight} in flight, {embeddings.dead} dead</dd>
            </dl>
          )}
          <h2>Latest drift report</h2>
          {quality === undefined && <p>Loading…</p>}
          {quality === null && <p>No drift check has run yet.</p>}
          {quality != null && (
            <dl>
              <dt>Run</dt><dd>#{quality.id} ({quality.trigger}, {quality.state}) by {quality.requested_by}</dd>
              <dt>Started</dt><dd>{new Date(quality.started_at).toLocaleString()}</dd>
              {quality.report !== null && (
                <>
                  <dt>Checked</dt><dd>{count(quality.report.checked)} of {count(quality.report.total_entities)}</dd>
                  <dt>Drifted</dt><dd>{Array.isArray(quality.report.drift_detected) ? quality.report.drift_detected.length : 0}</dd>
                </>
              )}
            </dl>
          )}
        </section>
      </div>
    </>
  );
};
