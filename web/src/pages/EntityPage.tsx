import type { Entity } from '@plant/client';
import { useEffect, useId, useState } from 'react';
import { Link } from 'wouter';
import { VerificationBadge } from '../components/VerificationBadge.tsx';
import { usePlant } from '../context.ts';
import { diffContent } from '../diff.ts';
import { KIND_ONE } from '../kinds.ts';
import { problemText } from '../problems.ts';

interface Amendment {
  version: number;
  operation: string;
  actor: string;
  reason: string | null;
  timestamp: string;
  hash: string;
  key_id: string;
  alg: string;
  payload: Record<string, unknown>;
}

/** A link to another entity, named once it is fetched. */
const EntityLink = ({ id }: { id: string }): React.JSX.Element => {
  const { client } = usePlant();
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void client.api.GET('/api/v1/entities/{id}', { params: { path: { id } } }).then(({ data }) => {
      if (live && data !== undefined) setName(`${data.name} (${KIND_ONE[data.entity_type] ?? data.entity_type})`);
    });
    return () => { live = false; };
  }, [client, id]);
  return <Link href={`/entities/${id}`}>{name ?? id}</Link>;
};

const Field = ({ label, children }: { label: string; children: React.ReactNode }): React.JSX.Element => (
  <>
    <dt>{label}</dt>
    <dd>{children}</dd>
  </>
);

const text = (v: unknown): string => (v === null || v === undefined || v === '' ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

const Checks = ({ checks }: { checks: Record<string, boolean> }): React.JSX.Element => (
  <ul className="checks">
    {Object.entries(checks).map(([rule, ok]) => (
      <li key={rule} className={ok ? 'ok' : 'fail'}>{ok ? '✓' : '✗'} {rule}</li>
    ))}
  </ul>
);

/** One entity: its seven sections, its relations as links, its amendment timeline, a diff and the badge. */
export const EntityPage = ({ id }: { id: string }): React.JSX.Element => {
  const { client } = usePlant();
  const [entity, setEntity] = useState<Entity | null>(null);
  const [amendments, setAmendments] = useState<Amendment[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [from, setFrom] = useState(0);
  const [to, setTo] = useState(0);
  const ids = { from: useId(), to: useId() };

  useEffect(() => {
    let live = true;
    setEntity(null);
    setError(null);
    void Promise.all([
      client.api.GET('/api/v1/entities/{id}', { params: { path: { id } } }),
      client.api.GET('/api/v1/entities/{id}/history', { params: { path: { id } } }),
    ]).then(([e, h]) => {
      if (!live) return;
      if (e.data === undefined) {
        setError(problemText(e.error, e.response));
        return;
      }
      const list = (h.data?.amendments ?? []) as Amendment[];
      setEntity(e.data);
      setAmendments(list);
      setTo(list.length);
      setFrom(Math.max(1, list.length - 1));
    });
    return () => { live = false; };
  }, [client, id]);

  if (error !== null) return <p role="alert" className="error">{error}</p>;
  if (entity === null) return <p aria-live="polite">Loading…</p>;

  const content = (v: number): unknown => amendments.find((a) => a.version === v)?.payload.content ?? null;
  const changes = from > 0 && to > 0 ? diffContent(content(from), content(to)) : [];
  const e = entity;
  const cert = e.certification;

  return (
    <article className="entity">
      <header className="entity-head">
        <p className="kind">{KIND_ONE[e.entity_type] ?? e.entity_type}</p>
        <h1>{e.name}</h1>
        <p className="meta">
          {e.status} · version {e.version}
          {cert === undefined ? '' : cert.certified ? ' · certified' : ' · not certified'}
          {e.amendment_alignment === 'requires_review' ? ' · requires review' : ''}
        </p>
        {e.description !== undefined && <p className="description">{e.description}</p>}
        {e.superseded_by !== null && (
          <p className="successor">
            Deprecated in favour of <EntityLink id={e.superseded_by} />
          </p>
        )}
      </header>

      <VerificationBadge id={e.id} version={e.version} />

      <div className="sections">
        <section aria-labelledby="s-identity">
          <h2 id="s-identity">Identity</h2>
          <dl>
            <Field label="Id"><code>{e.id}</code></Field>
            <Field label="Kind">{e.entity_type}</Field>
            <Field label="External id">{text(e.external_id)}</Field>
            {e.category !== undefined && <Field label="Category">{e.category}</Field>}
            {e.seniority_level !== undefined && <Field label="Seniority">{e.seniority_level}</Field>}
          </dl>
        </section>
        <section aria-labelledby="s-lifecycle">
          <h2 id="s-lifecycle">Lifecycle</h2>
          <dl>
            <Field label="Status">{e.status}</Field>
            <Field label="Created">{e.created_at}</Field>
            <Field label="Updated">{e.updated_at}</Field>
            <Field label="Deleted">{text(e.deleted_at)}</Field>
            {cert !== undefined && <Field label="Certified">{cert.certified ? `by ${text(cert.certified_by)} at ${text(cert.certified_at)}` : 'no'}</Field>}
            {cert?.request !== undefined && cert.request !== null && (
              <Field label="Certification request">{`${String(cert.request.approvals.length)} approval(s): ${cert.request.approvals.map((a) => a.actor).join(', ')}`}</Field>
            )}
          </dl>
        </section>
        <section aria-labelledby="s-versioning">
          <h2 id="s-versioning">Versioning</h2>
          <dl>
            <Field label="Version">{e.version}</Field>
            <Field label="Version hash"><code className="hash">{e.version_hash}</code></Field>
            <Field label="Supersedes">{e.supersedes === null ? '—' : <EntityLink id={e.supersedes} />}</Field>
            <Field label="Superseded by">{e.superseded_by === null ? '—' : <EntityLink id={e.superseded_by} />}</Field>
          </dl>
        </section>
        <section aria-labelledby="s-alignment">
          <h2 id="s-alignment">Constitutional alignment</h2>
          <dl>
            <Field label="Alignment">{e.amendment_alignment}</Field>
            <Field label="L0 checks"><Checks checks={e.l0_compliance_status} /></Field>
            <Field label="L1 checks"><Checks checks={e.l1_compliance_status} /></Field>
          </dl>
        </section>
        <section aria-labelledby="s-audit">
          <h2 id="s-audit">Audit</h2>
          <dl>
            <Field label="Append-only">{e.append_only ? 'yes' : 'no'}</Field>
            <Field label="Chain head"><code className="hash">{e.hash_chain_head}</code></Field>
            <Field label="Amendments">{e.amendment_count}</Field>
            <Field label="Tamper-proof">{e.tamper_proof ? 'yes' : 'no'}</Field>
          </dl>
        </section>
        <section aria-labelledby="s-metadata">
          <h2 id="s-metadata">Metadata</h2>
          <dl>
            <Field label="Tags">{e.tags.length === 0 ? '—' : e.tags.join(', ')}</Field>
            <Field label="Governance notes">{text(e.governance_notes)}</Field>
            <Field label="Custom attributes">{Object.keys(e.custom_attributes).length === 0 ? '—' : <code>{JSON.stringify(e.custom_attributes)}</code>}</Field>
          </dl>
        </section>
        <section aria-labelledby="s-relationships">
          <h2 id="s-relationships">Relationships</h2>
          <dl>
            {e.skill_id !== undefined && <Field label="Skill"><EntityLink id={e.skill_id} /></Field>}
            {e.job_role_id !== undefined && <Field label="Job role"><EntityLink id={e.job_role_id} /></Field>}
            {e.industry_id !== undefined && <Field label="Industry">{e.industry_id === null ? '—' : <EntityLink id={e.industry_id} />}</Field>}
            {e.team_id !== undefined && <Field label="Team">{e.team_id === null ? '—' : <EntityLink id={e.team_id} />}</Field>}
            {e.required_skills !== undefined && (
              <Field label="Required skills">
                <ul className="links">{e.required_skills.map((s) => <li key={s}><EntityLink id={s} /></li>)}</ul>
              </Field>
            )}
            {e.agents !== undefined && (
              <Field label="Agents">
                <ul className="links">{e.agents.map((a) => <li key={a}><EntityLink id={a} /></li>)}</ul>
              </Field>
            )}
            <Field label="Parent">{e.parent_id === null ? '—' : <EntityLink id={e.parent_id} />}</Field>
            <Field label="Governed by">{e.governance_agent_id}</Field>
          </dl>
        </section>
      </div>

      <section aria-labelledby="s-timeline" className="timeline">
        <h2 id="s-timeline">Amendments</h2>
        <ol reversed>
          {[...amendments].reverse().map((a) => (
            <li key={a.hash}>
              <p>
                <strong>v{a.version} {a.operation}</strong> by <span className="actor">{a.actor}</span> at <time dateTime={a.timestamp}>{a.timestamp}</time>
              </p>
              <p className="reason">{a.reason ?? 'no reason given'}</p>
              <p className="sig">signed {a.alg} by key <code>{a.key_id.slice(0, 12)}…</code>, hash <code>{a.hash.slice(0, 16)}…</code></p>
            </li>
          ))}
        </ol>
      </section>

      {amendments.length > 1 && (
        <section aria-labelledby="s-diff" className="diff">
          <h2 id="s-diff">What changed</h2>
          <div className="row">
            <label htmlFor={ids.from}>From version</label>
            <select id={ids.from} value={from} onChange={(ev) => { setFrom(Number(ev.target.value)); }}>
              {amendments.map((a) => <option key={a.version} value={a.version}>v{a.version} {a.operation}</option>)}
            </select>
            <label htmlFor={ids.to}>to version</label>
            <select id={ids.to} value={to} onChange={(ev) => { setTo(Number(ev.target.value)); }}>
              {amendments.map((a) => <option key={a.version} value={a.version}>v{a.version} {a.operation}</option>)}
            </select>
          </div>
          {changes.length === 0 ? (
            <p>The content is the same in both versions.</p>
          ) : (
            <table>
              <thead><tr><th scope="col">Field</th><th scope="col">Before</th><th scope="col">After</th></tr></thead>
              <tbody>
                {changes.map((c) => (
                  <tr key={c.path} className={c.kind}>
                    <th scope="row"><code>{c.path}</code></th>
                    <td>{c.before ?? '—'}</td>
                    <td>{c.after ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </article>
  );
};
