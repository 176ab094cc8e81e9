import type { Command } from 'commander';
import { validate as isUuid } from 'uuid';
import { DECISION_OPERATIONS, isDecisionOperation } from '../../core/governance.ts';
import { listDecisions, type DecisionPage } from '../../core/use-cases/decisions.ts';
import { governanceQueue, type QueueItem, type QueuePage } from '../../core/use-cases/governance-queue.ts';
import { answer, serverFor } from '../server.ts';
import { CommandFailure, print, printJson, table, withContext } from '../shared.ts';

const why = (i: QueueItem): string => {
  if (i.request !== null) {
    const who = i.request.approvals.map((a) => a.actor).join(', ');
    if (i.request.waiting_for_gate_since != null) return `approved by ${who}; waiting for the constitutional gate since ${i.request.waiting_for_gate_since}`;
    return `${i.request.approvals.length} of ${i.request.quorum} approvals (${who}); ${i.request.expired ? 'expired' : 'expires'} ${i.request.expires_at}`;
  }
  if (i.type === 'embedding_drift') return 'embedding drifted from its text';
  return `${i.cause?.operation ?? '?'} by ${i.cause?.actor ?? '?'}: ${i.cause?.reason ?? '(no reason)'}`;
};

const render = (page: QueuePage): string => {
  if (page.items.length === 0) return 'Nothing waits for governance.';
  return [
    table(
      ['WAITING SINCE', 'TYPE', 'KIND', 'NAME', 'ID', 'WHY'],
      page.items.map((i) => [
        i.waiting_since,
        i.type,
        i.entity_type,
        i.name,
        i.entity_id,
        why(i),
      ]),
    ),
    ...(page.next_cursor === null ? [] : ['', `more: --cursor ${page.next_cursor}`]),
  ].join('\n');
};

export const registerGovernance = (program: Command): void => {
  const governance = program.command('governance').description('What waits for governance, and its decisions');
  governance
    .command('queue')
    .description('Open certification requests, entities requiring review (and why) and drifted embeddings, oldest first')
    .option('-n, --limit <n>', 'how many (1-200)', '50')
    .option('--cursor <cursor>', 'the next page (printed after a full page)')
    .option('--json', 'print the page as JSON')
    .option('--url <url>', 'read through a running server instead of the database')
    .option('--token <token>', 'bearer token for --url (default: $PLANT_TOKEN)')
    .action(async (options: { limit: string; cursor?: string; json?: boolean; url?: string; token?: string }) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new CommandFailure('--limit must be an integer from 1 to 200');
      let page: QueuePage;
      const server = await serverFor(options, ['reader']);
      if (server !== undefined) {
        const query = { limit, ...(options.cursor === undefined ? {} : { cursor: options.cursor }) };
        page = (await answer(server.api.GET('/api/v1/governance/queue', { params: { query } }))) as QueuePage;
      } else {
        page = await withContext(({ write }) => governanceQueue(write, { limit, cursor: options.cursor }));
      }
      if (options.json === true) printJson(page);
      else print(render(page));
    });

  governance
    .command('decisions')
    .description('Governance decisions, newest first: who decided what, why, and which precedents they cited')
    .option('--entity <id>', 'only decisions about this entity')
    .option('--actor <sub>', 'only decisions by this actor')
    .option('--operation <op>', `only one kind of decision (${DECISION_OPERATIONS.join(', ')})`)
    .option('-q, --query <words>', 'words to find in the reasons')
    .option('--since <time>', 'only decisions at or after this ISO 8601 time')
    .option('-n, --limit <n>', 'how many (1-200)', '50')
    .option('--cursor <cursor>', 'the next page (printed after a full page)')
    .option('--json', 'print the page as JSON')
    .option('--url <url>', 'read through a running server instead of the database')
    .option('--token <token>', 'bearer token for --url (default: $PLANT_TOKEN)')
    .action(async (o: { entity?: string; actor?: string; operation?: string; query?: string; since?: string; limit: string; cursor?: string; json?: boolean; url?: string; token?: string }) => {
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new CommandFailure('--limit must be an integer from 1 to 200');
      if (o.operation !== undefined && !isDecisionOperation(o.operation)) throw new CommandFailure(`--operation must be one of ${DECISION_OPERATIONS.join(', ')}`);
      if (o.entity !== undefined && !isUuid(o.entity)) throw new CommandFailure(`--entity ${o.entity} is not a UUID`);
      const query = { entityId: o.entity, actor: o.actor, operation: o.operation, q: o.query, since: o.since, cursor: o.cursor, limit };
      let page: DecisionPage;
      const server = await serverFor(o, ['reader']);
      if (server !== undefined) {
        const named = { entity_id: o.entity, actor: o.actor, operation: o.operation, q: o.query, since: o.since, cursor: o.cursor };
        const params = { limit, ...Object.fromEntries(Object.entries(named).filter(([, value]) => value !== undefined)) };
        page = await answer(server.api.GET('/api/v1/governance/decisions', { params: { query: params } }));
      } else {
        page = await withContext(({ store }) => listDecisions(store, query));
      }
      if (o.json === true) printJson(page);
      else if (page.decisions.length === 0) print('No decisions match.');
      else {
        print(
          table(
            ['AT', 'DECISION', 'BY', 'KIND', 'ENTITY', 'REASON', 'HASH'],
            page.decisions.map((d) => [d.at, d.operation, d.actor, d.entity_type, d.entity_id, d.reason ?? '', d.amendment_hash.slice(0, 16)]),
          ) + (page.next_cursor === null ? '' : `\n\nmore: --cursor ${page.next_cursor}`),
        );
      }
    });
};
