import type { Entity } from '@plant/client';
import { useEffect, useId, useRef, useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { usePlant } from '../context.ts';
import { isKind, KIND_LABEL, KIND_ONE, KINDS, LIST_PATH, STATUSES, type EntityKind } from '../kinds.ts';
import { problemText } from '../problems.ts';

interface Hit {
  id: string;
  kind: string;
  name: string;
  status: string;
  certified: boolean;
  why: string[];
}

interface Row {
  id: string;
  kind: string;
  name: string;
  status: string;
  certified: boolean | null;
  detail: string[];
}

const PAGE = 25;

const toRow = (e: Entity): Row => ({
  id: e.id,
  kind: e.entity_type,
  name: e.name,
  status: e.status,
  certified: e.certification?.certified ?? null,
  detail: [e.description ?? '', e.amendment_alignment === 'requires_review' ? 'requires review' : ''].filter((s) => s !== ''),
});

/** The catalog: search by meaning and text on /search, lists per kind on /, both with filters. */
export const Catalog = (): React.JSX.Element => {
  const { client } = usePlant();
  const [location, navigate] = useLocation();
  const params = new URLSearchParams(useSearch());
  const q = params.get('q') ?? '';
  const searching = location.startsWith('/search') && q !== '';
  const kindParam = params.get('kind');
  const kind: EntityKind | null = isKind(kindParam) ? kindParam : null;
  const listKind: EntityKind = kind ?? 'Agent';
  const status = params.get('status') ?? '';
  const certified = params.get('certified') === 'true';
  const review = params.get('review') === 'true';
  const industry = params.get('industry') ?? '';
  const cursor = params.get('cursor') ?? '';

  const [draft, setDraft] = useState(q);
  const [rows, setRows] = useState<Row[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState(0);
  const [industries, setIndustries] = useState<Entity[]>([]);
  const box = useRef<HTMLInputElement>(null);
  const ids = { q: useId(), kind: useId(), status: useId(), industry: useId(), certified: useId(), review: useId() };

  useEffect(() => {
    setDraft(q);
  }, [q]);

  useEffect(() => {
    void client.api.GET('/api/v1/genesis/industries', { params: { query: { limit: 200 } } }).then(({ data }) => { setIndustries(data ?? []); });
  }, [client]);

  useEffect(() => {
    let live = true;
    setRows(null);
    setError(null);
    const load = async (): Promise<void> => {
      if (searching) {
        const { data, error: problem, response } = await client.api.GET('/api/v1/search', {
          params: {
            query: {
              q,
              limit: PAGE,
              ...(kind !== null && kind !== 'Team' ? { kind } : {}),
              ...(status === '' ? {} : { status: status as 'active' }),
              ...(industry === '' ? {} : { industry_id: industry }),
              ...(certified ? { certified_only: true } : {}),
            },
          },
        });
        if (!live) return;
        if (data === undefined) {
          setError(problemText(problem, response));
          return;
        }
        setRows((data.hits as Hit[]).map((h) => ({ id: h.id, kind: h.kind, name: h.name, status: h.status, certified: h.certified, detail: h.why })));
        setNext(null);
        return;
      }
      const { data, error: problem, response } = await client.api.GET(LIST_PATH[listKind], {
        params: {
          query: {
            limit: PAGE,
            ...(status === '' ? {} : { status: status as 'active' }),
            ...(certified ? { certified: true } : {}),
            ...(review ? { amendment_alignment: 'requires_review' as const } : {}),
            ...(cursor === '' ? {} : { cursor }),
          },
        },
      });
      if (!live) return;
      if (data === undefined) {
        setError(problemText(problem, response));
        return;
      }
      setRows(data.map(toRow));
      setNext(response.headers.get('x-next-cursor'));
    };
    load().catch((e: unknown) => { if (live) setError(String(e)); });
    setSelected(0);
    return () => {
      live = false;
    };
  }, [client, searching, q, kind, listKind, status, certified, review, industry, cursor]);

  // "/" focuses the search box; arrows or j/k move through the results; Enter opens one.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement;
      if (e.key === '/' && !typing) {
        e.preventDefault();
        box.current?.focus();
        return;
      }
      if (typing || rows === null || rows.length === 0) return;
      if (e.key === 'ArrowDown' || e.key === 'j') {
        e.preventDefault();
        setSelected((s) => Math.min(rows.length - 1, s + 1));
      } else if (e.key === 'ArrowUp' || e.key === 'k') {
        e.preventDefault();
        setSelected((s) => Math.max(0, s - 1));
      } else if (e.key === 'Enter') {
        const row = rows[selected];
        if (row !== undefined) navigate(`/entities/${row.id}`);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => { window.removeEventListener('keydown', onKey); };
  }, [rows, selected, navigate]);

  const go = (changes: Record<string, string | null>, path = searching ? '/search' : '/'): void => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === '') p.delete(k);
      else p.set(k, v);
    }
    if (!('cursor' in changes)) p.delete('cursor');
    const qs = p.toString();
    navigate(qs === '' ? path : `${path}?${qs}`);
  };

  return (
    <>
      <h1>{searching ? `Results for “${q}”` : KIND_LABEL[listKind]}</h1>
      <form
        role="search"
        className="searchbar"
        onSubmit={(e) => {
          e.preventDefault();
          const text = draft.trim();
          if (text === '') go({ q: null }, '/');
          else go({ q: text }, '/search');
        }}
      >
        <label htmlFor={ids.q}>Search by meaning or words</label>
        <div className="row">
          <input id={ids.q} ref={box} type="search" value={draft} maxLength={500} placeholder="e.g. an agent that grows our TikTok followers" onChange={(e) => { setDraft(e.target.value); }} />
          <button type="submit">Search</button>
        </div>
        <p className="hint">Press <kbd>/</kbd> to search, <kbd>↑</kbd> <kbd>↓</kbd> to move, <kbd>Enter</kbd> to open.</p>
      </form>
      <fieldset className="filters">
        <legend>Filters</legend>
        <div>
          <label htmlFor={ids.kind}>Kind</label>
          <select id={ids.kind} value={searching ? (kind ?? '') : listKind} onChange={(e) => { go({ kind: e.target.value }); }}>
            {searching ? <option value="">Any kind</option> : null}
            {KINDS.filter((k) => !searching || k !== 'Team').map((k) => (
              <option key={k} value={k}>{KIND_ONE[k]}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={ids.status}>Status</label>
          <select id={ids.status} value={status} onChange={(e) => { go({ status: e.target.value }); }}>
            <option value="">{searching ? 'Active' : 'Any but deleted'}</option>
            {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </div>
        {searching ? (
          <div>
            <label htmlFor={ids.industry}>Industry</label>
            <select id={ids.industry} value={industry} onChange={(e) => { go({ industry: e.target.value }); }}>
              <option value="">Any industry</option>
              {industries.map((i) => <option key={i.id} value={i.id}>{i.name}</option>)}
            </select>
          </div>
        ) : (
          <div className="check">
            <input id={ids.review} type="checkbox" checked={review} onChange={(e) => { go({ review: e.target.checked ? 'true' : null }); }} />
            <label htmlFor={ids.review}>Requires review</label>
          </div>
        )}
        <div className="check">
          <input id={ids.certified} type="checkbox" checked={certified} onChange={(e) => { go({ certified: e.target.checked ? 'true' : null }); }} />
          <label htmlFor={ids.certified}>Certified only</label>
        </div>
      </fieldset>
      {error !== null && <p role="alert" className="error">{error}</p>}
      {rows === null && error === null && <p aria-live="polite">Loading…</p>}
      {rows !== null && rows.length === 0 && <p>Nothing matches.</p>}
      {rows !== null && rows.length > 0 && (
        <ol className="results" aria-label={searching ? 'Search results' : KIND_LABEL[listKind]}>
          {rows.map((r, i) => (
            <li key={r.id} className={i === selected ? 'selected' : undefined} aria-current={i === selected ? 'true' : undefined}>
              <Link href={`/entities/${r.id}`}>{r.name}</Link>
              <span className="meta">
                {KIND_ONE[r.kind] ?? r.kind} · {r.status}
                {r.certified === true ? ' · certified' : r.certified === false ? ' · not certified' : ''}
              </span>
              {r.detail.length > 0 && (
                <ul className="why">
                  {r.detail.map((w) => <li key={w}>{w}</li>)}
                </ul>
              )}
            </li>
          ))}
        </ol>
      )}
      {!searching && (cursor !== '' || next !== null) && (
        <nav className="pager" aria-label="Pages">
          {cursor !== '' && <button type="button" onClick={() => { window.history.back(); }}>Previous page</button>}
          {next !== null && <button type="button" onClick={() => { go({ cursor: next }); }}>Next page</button>}
        </nav>
      )}
    </>
  );
};
