import type { Amendment } from '../amendment.ts';
import type { EntityKind } from '../entity.ts';
import { entityView } from '../entity-view.ts';
import type { Actor } from '../store.ts';
import { runAudit, type AuditDeps, type AuditReport, type EntityAudit } from './audit.ts';

export const EXPORT_FORMAT = 'plant.export/v1';

export interface PublicKeyEntry {
  jwk: Record<string, unknown>;
  createdAt: string;
  retiredAt: string | null;
}

export interface ExportBundle {
  format: typeof EXPORT_FORMAT;
  exported_at: string;
  exportable: true;
  report: Record<string, unknown>;
  public_keys: { keys: Record<string, unknown>[] };
  entities: (Record<string, unknown> & { amendments: Amendment[] })[];
  signature_status: { entity_id: string; has_signature: boolean; signature_verified: boolean }[];
}

/** Per-entity results without the full chain detail of intact chains (kept for broken ones). */
export const reportView = (report: AuditReport): Record<string, unknown> => ({
  ...report,
  entities: report.entities.map((e) => ({
    entity_id: e.entity_id,
    entity_type: e.entity_type,
    name: e.name,
    version: e.version,
    compliant: e.compliant,
    l0_pass: e.l0_pass,
    l1_pass: e.l1_pass,
    chain_intact: e.chain.intact,
    amendment_alignment: e.amendment_alignment,
    violations: e.violations,
    ...(e.chain.intact ? {} : { chain: e.chain }),
  })),
});

/**
 * The export bundle: every entity with its amendments exactly as stored (payload, hash,
 * signature), the public keys that verify them (rotated ones included), and the audit verdict.
 * docs/bundle-format.md documents it; the transparency-log work adds checkpoints and proofs.
 */
export const buildExportBundle = async (
  deps: AuditDeps & { listKeys: () => Promise<PublicKeyEntry[]> },
  actor: Actor,
  kind?: EntityKind,
  onProgress?: (done: number, total: number) => void,
): Promise<{ bundle: ExportBundle; report: AuditReport }> => {
  const report = await runAudit(deps, actor, { kind, onProgress });
  const ids = report.entities.map((e) => e.entity_id);
  const [records, chains, keys] = await Promise.all([deps.store.getEntities(ids), deps.store.getAmendmentsFor(ids), deps.listKeys()]);
  return {
    report,
    bundle: {
      format: EXPORT_FORMAT,
      exported_at: report.audited_at,
      exportable: true,
      report: reportView(report),
      public_keys: { keys: keys.map((k) => ({ ...k.jwk, created_at: k.createdAt, retired_at: k.retiredAt })) },
      entities: ids.flatMap((id) => {
        const record = records.get(id);
        return record === undefined ? [] : [{ ...entityView(record), amendments: chains.get(id) ?? [] }];
      }),
      signature_status: report.entities.map((e) => ({
        entity_id: e.entity_id,
        has_signature: e.chain.amendment_count > 0,
        signature_verified: !e.chain.problems.some((p) => p.check === 'signature'),
      })),
    },
  };
};

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
