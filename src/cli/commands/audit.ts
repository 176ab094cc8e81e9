import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { validate as isUuid } from 'uuid';
import { ENTITY_KINDS, isKind, type EntityKind } from '../../core/entity.ts';
import { runAudit, type AuditReport } from '../../core/use-cases/audit.ts';
import { buildExportBundle } from '../../core/use-cases/export-bundle.ts';
import { progress } from '../progress.ts';
import { answer, serverFor } from '../server.ts';
import { CommandFailure, print, printJson, table, withContext } from '../shared.ts';
import { auditCsv } from '../../presentation.ts';

const AUDITOR = { subject: 'plant-cli', roles: ['auditor'] };

const kindOption = (value: string | undefined): EntityKind | undefined => {
  if (value === undefined) return undefined;
  if (!isKind(value)) throw new CommandFailure(`--kind must be one of ${ENTITY_KINDS.join(', ')}`);
  return value;
};

interface Summary {
  total_entities: number;
  compliant: number;
  statistics: { l0_pass: number; l1_pass: number; hash_chain_intact: number; requires_review: number };
  log?: { size: number; checkpoint_size: number | null; problems: string[] };
  entities: { entity_id: string; entity_type: string; name: string; compliant: boolean; violations: { message: string }[]; chain_intact?: boolean; chain?: { intact: boolean; problems: readonly { check: string; index: number; detail: string }[] } }[];
}

const render = (report: Summary): string => {
  const kinds = [...new Set(report.entities.map((e) => e.entity_type))];
  const rows = kinds.map((k) => {
    const of = report.entities.filter((e) => e.entity_type === k);
    return [k, of.length, of.filter((e) => e.compliant).length, of.length - of.filter((e) => e.compliant).length];
  });
  const problems = report.entities
    .filter((e) => !e.compliant)
    .flatMap((e) => [
      ...e.violations.map((v) => `  ${e.entity_type} ${e.entity_id} (${e.name}): ${v.message}`),
      ...(e.chain?.problems ?? []).map((p) => `  ${e.entity_type} ${e.entity_id} (${e.name}): chain ${p.check} at index ${p.index}: ${p.detail}`),
    ]);
  const s = report.statistics;
  return [
    table(['KIND', 'ENTITIES', 'COMPLIANT', 'PROBLEMS'], rows),
    '',
    `Total ${report.total_entities}, compliant ${report.compliant}; L0 pass ${s.l0_pass}, L1 pass ${s.l1_pass}, chains intact ${s.hash_chain_intact}, awaiting review ${s.requires_review}.`,
    ...(problems.length > 0 ? ['', 'Problems:', ...problems] : []),
    ...((report.log?.problems.length ?? 0) > 0 ? ['', 'Transparency log:', ...(report.log?.problems ?? []).map((p) => `  ${p}`)] : []),
  ].join('\n');
};

const toSummary = (report: AuditReport): Summary => ({
  ...report,
  entities: report.entities.map((e) => ({ ...e, chain_intact: e.chain.intact })),
});

export const registerAudit = (program: Command): void => {
  const audit = program.command('audit').description('Verify and export the registry');

  audit
    .command('run')
    .description('Re-verify every hash, link, signature and rule; exit 1 if anything fails')
    .option('-k, --kind <kind>', `only one kind (${ENTITY_KINDS.join(', ')})`)
    .option('--entity <id>', 'only one entity')
    .option('--json', 'print the full report as JSON')
    .option('--url <url>', 'audit through a running server instead of the database')
    .option('--token <token>', 'bearer token for --url (default: $PLANT_TOKEN)')
    .action(async (options: { kind?: string; entity?: string; json?: boolean; url?: string; token?: string }) => {
      const kind = kindOption(options.kind);
      let report: Summary;
      const server = await serverFor(options, ['auditor']);
      if (server !== undefined) {
        const query = { ...(kind === undefined ? {} : { entity_type: kind }), ...(options.entity === undefined ? {} : { entity_id: options.entity }) };
        report = (await answer(server.api.POST('/api/v1/audit/run', { body: query }))) as unknown as Summary;
      } else {
        report = await withContext(async (ctx) => {
          const bar = progress('Auditing');
          const result = await runAudit(ctx.audit, AUDITOR, { kind, entityId: options.entity, record: true, onProgress: bar.update });
          bar.stop();
          return toSummary(result);
        });
      }
      if (options.json === true) printJson(report);
      else print(render(report));
      const failing = report.total_entities - report.compliant;
      const logProblems = report.log?.problems.length ?? 0;
      if (options.entity !== undefined && report.total_entities === 0) throw new CommandFailure(`entity ${options.entity} not found`);
      if (failing > 0 || logProblems > 0) {
        const parts = [
          ...(failing > 0 ? [`${failing} of ${report.total_entities} entities are not compliant`] : []),
          ...(logProblems > 0 ? [`${logProblems} transparency-log problem(s)`] : []),
        ];
        throw new CommandFailure(`audit found problems: ${parts.join('; ')}`);
      }
    });

  audit
    .command('export')
    .description('Export the bundle (JSON: entities, amendments, signatures, public keys) or the report (CSV)')
    .option('-f, --format <format>', 'json or csv', 'json')
    .option('-o, --out <file>', 'write to a file instead of standard output')
    .option('-k, --kind <kind>', 'only one kind (a partial bundle)')
    .option('-e, --entity <id...>', 'only these entities (a partial bundle)')
    .option('--url <url>', 'export through a running server instead of the database')
    .option('--token <token>', 'bearer token for --url (default: $PLANT_TOKEN)')
    .action(async (options: { format: string; out?: string; kind?: string; entity?: string[]; url?: string; token?: string }) => {
      if (options.format !== 'json' && options.format !== 'csv') throw new CommandFailure('--format must be json or csv');
      const kind = kindOption(options.kind);
      const entityIds = options.entity;
      const bad = entityIds?.find((id) => !isUuid(id));
      if (bad !== undefined) throw new CommandFailure(`--entity ${bad} is not a UUID`);
      if (kind !== undefined && entityIds !== undefined) throw new CommandFailure('use --kind or --entity, not both');
      let text: string;
      const server = await serverFor(options, ['auditor']);
      if (server !== undefined) {
        const format: 'json' | 'csv' = options.format === 'csv' ? 'csv' : 'json';
        const query = { format, ...(kind === undefined ? {} : { entity_type: kind }), ...(entityIds === undefined ? {} : { entity_id: entityIds }) };
        text = await answer(server.api.GET('/api/v1/audit/export', { params: { query }, parseAs: 'text' }));
      } else {
        text = await withContext(async (ctx) => {
          const bar = progress('Exporting');
          const { bundle, report } = await buildExportBundle({ ...ctx.audit, keys: ctx.keys, log: ctx.log }, AUDITOR, { kind, entityIds }, bar.update);
          bar.stop();
          return options.format === 'csv' ? auditCsv(report.entities) : `${JSON.stringify(bundle, null, 2)}\n`;
        });
      }
      if (options.out === undefined) process.stdout.write(text);
      else {
        writeFileSync(options.out, text);
        process.stderr.write(`Wrote ${options.format.toUpperCase()} export to ${options.out}\n`);
      }
    });
};
