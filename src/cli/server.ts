import { existsSync } from 'node:fs';
import { createPlantClient, PlantError, unwrap, type PlantClient } from '@plant/client';
import { loadConfig } from '../composition/config.ts';
import { tokenService } from '../composition/http.ts';
import { jwtSecretFile, resolveJwtSecret } from '../composition/resources.ts';
import { localServerUrl } from '../composition/server.ts';
import type { Role } from '../core/roles.ts';
import { CommandFailure } from './shared.ts';

/**
 * The CLI's server mode (--url) is a client of the SDK like any portal: typed calls, retries on
 * 429/503 and dropped connections for reads, problems as PlantError.
 */
export const serverClient = (url: string, token: string | undefined): PlantClient => {
  const bearer = token ?? process.env.PLANT_TOKEN;
  if (bearer === undefined || bearer === '') throw new CommandFailure('--url needs a token: pass --token or set PLANT_TOKEN (see `plant token`)');
  return createPlantClient({ baseUrl: url, token: bearer });
};

/** The answer of an SDK call; a refusal becomes the one line the CLI prints before exiting 1. */
export const answer = async <R extends { data?: unknown; error?: unknown; response: Response }>(call: Promise<R>): Promise<NonNullable<R['data']>> => {
  try {
    return (await unwrap(await call)) as NonNullable<R['data']>;
  } catch (error) {
    if (error instanceof PlantError) throw new CommandFailure(`server answered ${error.status} ${error.errorCode}: ${error.problem.detail ?? error.problem.title ?? ''}`);
    throw error;
  }
};

/**
 * The server a command talks to: `--url`, or else the local `plant serve` that holds the embedded
 * database (its lock file says where it listens), or none (the command opens the database).
 * For the local server, without --token or PLANT_TOKEN, the command mints a short-lived token
 * with `roles` from the data directory's development secret, the one that server checks.
 */
/** A client of the server a command talks to, with the address it was found at. */
export type ServerClient = PlantClient & { url: string };

export const serverFor = async (options: { url?: string | undefined; token?: string | undefined }, roles: readonly Role[]): Promise<ServerClient | undefined> => {
  if (options.url !== undefined) return { ...serverClient(options.url, options.token), url: options.url };
  const config = loadConfig();
  const url = localServerUrl(config);
  if (url === undefined) return undefined;
  process.stderr.write(`plant: the server at ${url} holds the embedded database; asking it\n`);
  const token = options.token ?? process.env.PLANT_TOKEN;
  if (token !== undefined && token !== '') return { ...serverClient(url, token), url };
  // Never make a secret here: one the server does not have would only mint refused tokens.
  if (config.JWT_SECRET === undefined && !existsSync(jwtSecretFile(config))) {
    throw new CommandFailure(`the server at ${url} holds the embedded database and its tokens are not signed with a secret here: pass --token or set PLANT_TOKEN`);
  }
  return { ...createPlantClient({ baseUrl: url, token: await tokenService(config, resolveJwtSecret(config)).mint('cli', roles, 300) }), url };
};
