import type { Entity } from '@plant/client';
import { useEffect, useState } from 'react';
import { usePlant } from './context.ts';

/** Every certified entity of a list route (all pages), for the pickers. */
export const useCertified = (path: '/api/v1/genesis/skills' | '/api/v1/genesis/job-roles' | '/api/v1/genesis/industries', query: Record<string, string> = {}): Entity[] | null => {
  const { client } = usePlant();
  const [items, setItems] = useState<Entity[] | null>(null);
  const key = JSON.stringify(query);
  useEffect(() => {
    let live = true;
    setItems(null);
    const load = async (): Promise<void> => {
      const all: Entity[] = [];
      const filters = JSON.parse(key) as Record<string, string>;
      for await (const e of client.list(path, { limit: 200, ...(path === '/api/v1/genesis/industries' ? {} : { certified: true }), ...filters })) all.push(e);
      if (live) setItems(all.filter((e) => e.status === 'active' || e.status === 'draft'));
    };
    void load().catch(() => { if (live) setItems([]); });
    return () => { live = false; };
  }, [client, path, key]);
  return items;
};
