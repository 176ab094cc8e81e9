import type { Command } from 'commander';
import type { ServiceAccount } from '../../core/ports/accounts.ts';
import { isRole, ROLES, type Role } from '../../core/roles.ts';
import type { Actor } from '../../core/ports/ledger.ts';
import { answer, serverFor } from '../server.ts';
import { CommandFailure, print, printJson, table, withContext } from '../shared.ts';

interface Options {
  json?: boolean;
  url?: string;
  token?: string;
}

/** The operator at the terminal, as the database records them for changes made without a server. */
const OPERATOR: Actor = { subject: 'cli-admin', roles: ['admin'] };

const show = (accounts: readonly ServiceAccount[]): string =>
  table(
    ['CLIENT ID', 'ROLES', 'CREATED', 'SECRET ROTATED', 'REVOKED'],
    accounts.map((a) => [a.client_id, a.roles.join(','), a.created_at, a.secret_rotated_at ?? '-', a.disabled_at ?? '-']),
  );

const withServer = (command: Command): Command =>
  command
    .option('--json', 'print as JSON')
    .option('--url <url>', 'through a running server (admin token in --token or $PLANT_TOKEN)')
    .option('--token <token>', 'bearer token for --url (default: $PLANT_TOKEN)');

export const registerAccounts = (program: Command): void => {
  const accounts = program.command('accounts').description('Service accounts: create, list, show, rotate a secret, revoke');

  withServer(
    accounts
      .command('create')
      .description('A new service account; its secret is printed once')
      .argument('<client-id>')
      .requiredOption('-r, --role <role...>', `role(s): ${ROLES.join(', ')}`)
      .option('-d, --description <text>', 'what the account is for'),
  ).action(async (clientId: string, o: Options & { role: string[]; description?: string }) => {
    const roles = o.role.flatMap((r) => r.split(','));
    const bad = roles.filter((r) => !isRole(r));
    if (bad.length > 0) throw new CommandFailure(`unknown role(s): ${bad.join(', ')} (use ${ROLES.join(', ')})`);
    const input = { client_id: clientId, roles: roles as Role[], ...(o.description === undefined ? {} : { description: o.description }) };
    const server = await serverFor(o, ['admin']);
    const created =
      server === undefined
        ? await withContext(async (ctx) => {
            const { account, secret } = await ctx.accounts.create(OPERATOR, input);
            return { ...account, client_secret: secret };
          })
        : await answer(server.api.POST('/api/v1/auth/service-accounts', { body: input }));
    if (o.json === true) printJson(created);
    else print(`Created ${clientId} (${created.roles.join(', ')}). Its secret, shown once:\n${created.client_secret}`);
  });

  withServer(accounts.command('list').description('Every service account, revoked ones too')).action(async (o: Options) => {
    const server = await serverFor(o, ['admin']);
    const all: ServiceAccount[] =
      server === undefined ? await withContext((ctx) => ctx.accounts.list()) : await answer(server.api.GET('/api/v1/auth/service-accounts'));
    if (o.json === true) printJson(all);
    else print(all.length === 0 ? 'No service accounts.' : show(all));
  });

  withServer(accounts.command('show').description('One service account').argument('<client-id>')).action(async (clientId: string, o: Options) => {
    const server = await serverFor(o, ['admin']);
    const one =
      server === undefined
        ? await withContext((ctx) => ctx.accounts.get(clientId))
        : await answer(server.api.GET('/api/v1/auth/service-accounts/{client_id}', { params: { path: { client_id: clientId } } }));
    if (one === undefined) throw new CommandFailure(`No service account has the client id ${clientId}`);
    if (o.json === true) printJson(one);
    else print(show([one]));
  });

  withServer(accounts.command('rotate-secret').description('A new secret, printed once; the old one stops working at once').argument('<client-id>')).action(
    async (clientId: string, o: Options) => {
      const server = await serverFor(o, ['admin']);
      const rotated =
        server === undefined
          ? await withContext(async (ctx) => {
              const { account, secret } = await ctx.accounts.rotateSecret(OPERATOR, clientId);
              return { ...account, client_secret: secret };
            })
          : await answer(server.api.POST('/api/v1/auth/service-accounts/{client_id}/rotate-secret', { params: { path: { client_id: clientId } } }));
      if (o.json === true) printJson(rotated);
      else print(`New secret for ${clientId} (shown once; the old one no longer works):\n${rotated.client_secret}`);
    },
  );

  withServer(accounts.command('revoke').description('Revoke for good: the secret and every token issued to the account stop working at once').argument('<client-id>')).action(
    async (clientId: string, o: Options) => {
      const server = await serverFor(o, ['admin']);
      const revoked =
        server === undefined
          ? await withContext((ctx) => ctx.accounts.revoke(OPERATOR, clientId))
          : await answer(server.api.POST('/api/v1/auth/service-accounts/{client_id}/revoke', { params: { path: { client_id: clientId } } }));
      if (o.json === true) printJson(revoked);
      else print(`Revoked ${clientId} at ${String(revoked.disabled_at)}; its tokens are refused from now on.`);
    },
  );
};
