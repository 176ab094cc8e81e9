import type { Command } from 'commander';
import { loadConfig } from '../../composition/config.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { jwtSecretFile, resolveJwtSecret } from '../../composition/resources.ts';
import { tokenService } from '../../composition/http.ts';
import { isRole, ROLES, type Role } from '../../core/roles.ts';

export const registerToken = (program: Command): void => {
  program
    .command('token')
    .description('Print a bearer token signed with the configured JWT secret (development and scripts)')
    .requiredOption('-r, --role <role...>', `role(s): ${ROLES.join(', ')}`)
    .option('-s, --sub <name>', 'subject recorded as the actor of every write made with the token', 'dev-user')
    .option('--ttl <seconds>', 'lifetime in seconds', '1800')
    .option('--json', 'print {"access_token", "token_type", "expires_in"} instead of the bare token')
    .action(async (options: { role: string[]; sub: string; ttl: string; json?: boolean }) => {
      const roles = options.role.flatMap((r) => r.split(','));
      const bad = roles.filter((r) => !isRole(r));
      if (bad.length > 0) throw new Error(`unknown role(s): ${bad.join(', ')} (use ${ROLES.join(', ')})`);
      const ttl = Number(options.ttl);
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > 7 * 24 * 3600) throw new Error('--ttl must be 1..604800 seconds');
      const config = loadConfig();
      // No secret here yet means no server has used this data directory: a server elsewhere will refuse the token.
      const fresh = config.JWT_SECRET === undefined && !existsSync(jwtSecretFile(config));
      const token = await tokenService(config, resolveJwtSecret(config)).mint(options.sub, roles as Role[], ttl);
      if (fresh) {
        process.stderr.write(
          `plant token: warning: no server has used ${path.resolve(config.PLANT_DATA_DIR)} yet, so a new secret was made there; ` +
            'a server running from another directory (or with JWT_SECRET) will answer 401 to this token. Run this where you ran `npm start`, or set PLANT_DATA_DIR.\n',
        );
      }
      process.stdout.write(
        options.json === true ? `${JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: ttl })}\n` : `${token}\n`,
      );
    });
};
