// SPDX-License-Identifier: ISC
//
// DuckDB as a baseline of the scope question: what an analyst would run on
// the log exported as JSON lines.  bench/scope_bench runs it over the same
// file it gives jq, with the same questions, and reads back its figures.
//
//   node scope.mjs --jsonl FILE --db FILE --runs N
//       --question NAME:KIND:ID:FROM:TO [--question ...]
//
// KIND is actor or vendor; FROM and TO are seconds ([FROM, TO)).  The
// entries are loaded into a DuckDB file (the index of an entry is its line
// number), into two tables: as loaded (the log's order, which is time
// order) and sorted by vendor, actor, time (DuckDB's zone maps then skip
// most row groups).  Each question is asked as scope_bench asks SQLite:
// grouped per tenant, action and outcome with counts, first and last time,
// the entry indexes and the users of allowed resets.  Prints shell
// assignments: DUCK_LOAD_S, DUCK_SORT_S, DUCK_VERSION, and per question
// DUCK_<NAME>_{LOADED,SORTED}_{P50,P90,BEST} (ms) and DUCK_<NAME>_EVENTS.
import duckdb, { DuckDBInstance } from '@duckdb/node-api';

function args(argv) {
  const o = { questions: [], runs: 21 };
  for (let i = 2; i < argv.length; i += 2) {
    const k = argv[i], v = argv[i + 1];
    if (v === undefined)
      throw new Error(`${k} needs a value`);
    if (k === '--jsonl') o.jsonl = v;
    else if (k === '--db') o.db = v;
    else if (k === '--runs') o.runs = Number(v);
    else if (k === '--question') {
      const [name, kind, id, from, to] = v.split(':');
      if (!/^[A-Z]+$/.test(name) || !['actor', 'vendor'].includes(kind) ||
          !/^[A-Za-z0-9._-]+$/.test(id ?? '') || !(Number(to) > Number(from)))
        throw new Error(`bad --question ${v}`);
      o.questions.push({ name, kind, id, from: Number(from),
        to: Number(to) });
    } else
      throw new Error(`unknown option ${k}`);
  }
  if (!o.jsonl || !o.db || !(o.runs >= 1) || o.questions.length === 0)
    throw new Error('usage: scope.mjs --jsonl FILE --db FILE --runs N ' +
        '--question NAME:KIND:ID:FROM:TO ...');
  return o;
}

function pct(v) {
  const s = [...v].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { p50: at(0.5), p90: at(0.9), best: s[0] };
}

const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;

async function main() {
  const o = args(process.argv);
  const inst = await DuckDBInstance.create(o.db);
  const c = await inst.connect();
  const out = [];
  let t0 = performance.now();
  // The JSON lines as they are, then the columns the question reads; an
  // entry's index is its position in the file (DuckDB keeps insertion
  // order, and rowid is that position).
  await c.run(`CREATE OR REPLACE TABLE raw AS SELECT * FROM read_json(
      ${sqlString(o.jsonl)}, format = 'newline_delimited',
      columns = {time: 'VARCHAR',
        actor: 'STRUCT(kind VARCHAR, id VARCHAR, vendor VARCHAR)',
        tenant: 'VARCHAR', action: 'VARCHAR', outcome: 'VARCHAR',
        target: 'VARCHAR'})`);
  await c.run(`CREATE OR REPLACE TABLE entries AS SELECT rowid AS idx,
      epoch_ms(CAST(time AS TIMESTAMPTZ)) // 1000 AS t, time,
      actor.id AS actor_id, actor.vendor AS vendor_id, tenant, action,
      outcome, target FROM raw ORDER BY rowid`);
  await c.run('DROP TABLE raw');
  out.push(`DUCK_LOAD_S=${((performance.now() - t0) / 1e3).toFixed(2)}`);
  t0 = performance.now();
  await c.run(`CREATE OR REPLACE TABLE entries_sorted AS SELECT * FROM entries
      ORDER BY vendor_id, actor_id, t`);
  out.push(`DUCK_SORT_S=${((performance.now() - t0) / 1e3).toFixed(2)}`);
  await c.run('CHECKPOINT');

  for (const q of o.questions) {
    for (const table of ['entries', 'entries_sorted']) {
      const col = q.kind === 'vendor' ? 'vendor_id' : 'actor_id';
      const ps = await c.prepare(`SELECT tenant, action,
          outcome = 'allowed' AS allowed, count(*) AS n, min(time),
          max(time), string_agg(idx::VARCHAR, ','),
          string_agg(DISTINCT CASE WHEN outcome = 'allowed' AND action IN
            ('user.password_reset', 'user.mfa_reset') THEN target END, ',')
        FROM ${table} WHERE ${col} = $1 AND t >= $2 AND t < $3
        GROUP BY ALL ORDER BY tenant`);
      const ms = [];
      let events = 0;
      for (let k = 0; k < o.runs; k++) {
        ps.bindVarchar(1, q.id);
        ps.bindBigInt(2, BigInt(q.from));
        ps.bindBigInt(3, BigInt(q.to));
        const s = performance.now();
        const reader = await ps.runAndReadAll();
        const rows = reader.getRows();
        ms.push(performance.now() - s);
        events = rows.reduce((a, r) => a + Number(r[3]), 0);
      }
      const p = pct(ms), tag = table === 'entries' ? 'LOADED' : 'SORTED';
      out.push(`DUCK_${q.name}_${tag}_P50=${p.p50.toFixed(2)}`);
      out.push(`DUCK_${q.name}_${tag}_P90=${p.p90.toFixed(2)}`);
      out.push(`DUCK_${q.name}_${tag}_BEST=${p.best.toFixed(2)}`);
      out.push(`DUCK_${q.name}_${tag}_EVENTS=${events}`);
    }
  }
  out.push(`DUCK_VERSION=${duckdb.version().replace(/[^0-9.]/g, '')}`);
  c.closeSync();
  console.log(out.join('\n'));
}

main().catch((err) => {
  console.error(`scope.mjs: ${err.message}`);
  process.exit(1);
});
