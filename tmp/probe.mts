import { openPglite } from '/work/main/src/adapters/db/database.ts';
const h = await openPglite(null);
const p = h.ownerPool;
await p.query('create table t (id int)');
await p.query(`create function rej() returns trigger language plpgsql as $$ begin raise exception 'nope' using errcode='PL001'; end $$`);
await p.query('create trigger tr before delete on t for each row execute function rej()');
await p.query('insert into t values (1)');
for (const q of ['delete from t', 'select 1/0', "select $1::int", 'delete from t where id = $1']) {
  try { await p.query(q, q.includes('$1') ? ['x'] : undefined); console.log('ok', q); } catch (e) { console.log('err', q, (e as any).code, (e as Error).message); }
  try { const r = await p.query('select 1 as one'); console.log(' after ok', r.rows); } catch (e) { console.log(' after err', (e as Error).message); }
}
try { await p.query('delete from t where id = $1', [1]); } catch (e) { console.log('err param', (e as any).code); }
console.log((await p.query('select 2 as two')).rows);
await p.end(); await h.pglite.close();
