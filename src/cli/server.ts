import { createPlantClient, PlantError, unwrap, type PlantClient } from '@plant/client';
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
