import { PGlite, types } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
const db = await PGlite.create({ extensions: { vector }, parsers: { [types.TIMESTAMPTZ]: (v: string) => new Date(v).toISOString() } });
await db.exec(`create table t (id uuid primary key, j jsonb, ts timestamptz default now(), a text[]); create function rej() returns trigger language plpgsql as $$ begin raise exception 'nope' using errcode='PL001'; end $$; create trigger tr before delete on t for each row execute function rej();`);
await db.query('insert into t (id, j, a) values ($1, $2, $3)', ['0190a000-0000-7000-8000-000000000001', { x: 1, s: 'é' }, ['a','b']]);
try { await db.query('delete from t'); } catch (e: any) { console.log('err', e.code, e.constraint, e.message, e.constructor.name); }
try { await db.query('insert into t (id) values ($1)', ['0190a000-0000-7000-8000-000000000001']); } catch (e: any) { console.log('err', e.code, e.constraint); }
console.log((await db.query('select * from t where id = any($1::uuid[])', [['0190a000-0000-7000-8000-000000000001']])).rows);
try { await db.transaction(async (tx) => { await tx.query("select set_config('x.y', $1, true)", ['v']); await tx.query('select 1/0'); }); } catch (e: any) { console.log('tx err', e.code); }
console.log((await db.query("select current_setting('x.y', true) as s, count(*) from t")).rows);
console.log((await db.query("select $1::jsonb as j", [JSON.stringify([1,2])])).rows, (await db.query("select $1::jsonb as j", [[1,2]])).rows);
await db.close();
