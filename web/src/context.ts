import type { PlantClient } from '@plant/client';
import { createContext, useContext } from 'react';
import type { Session } from './session.ts';

export interface ClientState {
  client: PlantClient;
  session: Session | null;
}

export const ClientContext = createContext<ClientState | null>(null);

export const usePlant = (): ClientState => {
  const state = useContext(ClientContext);
  if (state === null) throw new Error('usePlant outside ClientContext');
  return state;
};
