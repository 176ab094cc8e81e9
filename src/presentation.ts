/**
 * How results are shown, the same over HTTP and in the CLI: the search answer, the audit report's
 * summary form and its CSV. The report view is defined with the audit because export bundles embed it.
 */
import type { SearchableKind } from './core/entity.ts';
import type { EntityAudit } from './core/use-cases/audit.ts';
import type { SearchHit, SearchResult } from './core/use-cases/search.ts';

export { reportView } from './core/use-cases/audit.ts';

export interface SearchView {
  query: string;
  mode: SearchResult['mode'];
  degraded?: string;
  model: string;
  hits: { kind: SearchableKind; id: string; name: string; status: string; certified: boolean; industry_id: string | null; scores: SearchHit['scores']; why: string[] }[];
}

export const searchView = (query: string, result: SearchResult): SearchView => ({
  query,
  mode: result.mode,
  ...(result.degraded === undefined ? {} : { degraded: result.degraded }),
  model: result.model,
  hits: result.hits.map((h) => ({
    kind: h.entityType,
    id: h.entityId,
    name: h.name,
    status: h.status,
    certified: h.certified,
    industry_id: h.industryId,
    scores: h.scores,
    why: h.why,
  })),
});

const csvCell = (value: unknown): string => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  // Quote always, double embedded quotes, and defuse spreadsheet formulas.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
};

export const CSV_HEADER = ['entity_id', 'entity_type', 'name', 'version', 'compliant', 'l0_pass', 'l1_pass', 'chain_intact', 'amendment_alignment', 'violations'];

export const auditCsv = (entities: readonly EntityAudit[]): string => {
  const rows = entities.map((e) =>
    [e.entity_id, e.entity_type, e.name, e.version, e.compliant, e.l0_pass, e.l1_pass, e.chain.intact, e.amendment_alignment, e.violations.map((v) => v.message).join(' | ')]
      .map(csvCell)
      .join(','),
  );
  return `${[CSV_HEADER.join(','), ...rows].join('\r\n')}\r\n`;
};
