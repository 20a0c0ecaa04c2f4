/**
 * Inbox at scale (issue 4): p50/p95/p99 of the inbox queries with 1,000,000 open and 10,000,000
 * finished tasks, measured through the real repository functions of domain/inbox/store.ts.
 *
 *   npx tsx bench/inbox-scale.ts
 *
 * Knobs: BENCH_PG_URL (server, default postgres://postgres@127.0.0.1:5432/postgres), BENCH_OPEN
 * (1000000), BENCH_FINISHED (10000000), BENCH_ITER (200), BENCH_SEED_BUDGET_S (600: no new chunk of
 * finished tasks starts after this; the figures then say how many were reached), BENCH_CASE_BUDGET_S (30:
 * a query stops being repeated after this many seconds, with at least 5 samples), BENCH_RESEED=1.
 *
 * Creates (or reuses when already seeded to the requested size) the database eiso_bench_inbox, runs
 * the migrations, seeds with set-based INSERT ... SELECT generate_series in chunks of 1M rows with the
 * secondary indexes of inbox_tasks dropped and recreated afterwards from their own definitions (the
 * migrations' indexes, byte for byte), then VACUUM ANALYZE. Appends a section to bench/results/inbox-scale.md.
 */
import { addDoneScopesKeys, fillDoneScopes } from '../migrations/20261123009000_inbox_done_scopes.js';
import { addOpenScopesKeys, fillOpenScopes } from '../migrations/20261123009100_inbox_open_scopes.js';
import os from 'node:os';
import type { Knex } from 'knex';
import { createKnex, EMBEDDED_PG_SETTINGS } from '../lib/db.js';
import { migrateLatest } from '../migrations/index.js';
import { COUNT_CAP, countTasks, listTasks, type ListOptions } from '../domain/inbox/store.js';
import type { Viewer } from '../domain/inbox/visibility.js';
import { ORG_SCOPE_TTL_MS, orgScope } from '../domain/org/units.js';
import { appendResults, benchDbUrl, createBenchDatabase, fmt, log, machine, machineNote, quantile, withBenchServer } from './lib.js';
import { provinceUnits, type BenchUnit } from './lib.js';

const DB_NAME = 'eiso_bench_inbox';
const OPEN = Number(process.env.BENCH_OPEN ?? 1_000_000);
const FINISHED = Number(process.env.BENCH_FINISHED ?? 10_000_000);
const ITER = Number(process.env.BENCH_ITER ?? 200);
const SEED_BUDGET_S = Number(process.env.BENCH_SEED_BUDGET_S ?? 600);
const CASE_BUDGET_S = Number(process.env.BENCH_CASE_BUDGET_S ?? 30);
const CHUNK = 1_000_000;
const TARGET_MS = 50;
const OFFICERS_PER_UNIT = 4;
const DEPARTMENTS = 30;
const DIVISIONS_PER_DEPT = 3;
const COMMUNES = 100;
const PROCESSES = [
  { id: 'cap_phep_xay_dung', name: 'Cấp giấy phép xây dựng' },
  { id: 'dang_ky_kinh_doanh', name: 'Đăng ký hộ kinh doanh' },
  { id: 'chung_thuc_ban_sao', name: 'Chứng thực bản sao từ bản chính' },
  { id: 'cap_doi_gcn_qsdd', name: 'Cấp đổi giấy chứng nhận quyền sử dụng đất' },
  { id: 'dang_ky_khai_sinh', name: 'Đăng ký khai sinh' },
];
const STEPS = ['Tiếp nhận hồ sơ', 'Thẩm định hồ sơ', 'Trình lãnh đạo phê duyệt', 'Ký duyệt kết quả', 'Trả kết quả'];

const dbUrl = () => benchDbUrl(DB_NAME);

async function ensureDatabase(): Promise<void> {
  await withBenchServer(async (admin) => {
    await createBenchDatabase(admin, DB_NAME);
    // The embedded PostgreSQL's settings (lib/db.ts) that a database can carry; shared_buffers is the
    // server's (postgresql.conf and a restart), so it is only reported.
    for (const [k, v] of Object.entries(EMBEDDED_PG_SETTINGS)) {
      if (k !== 'shared_buffers') await admin.raw(`ALTER DATABASE ${DB_NAME} SET ${k} = '${v}'`);
    }
  });
}

const units = (): BenchUnit[] => provinceUnits(DEPARTMENTS, DIVISIONS_PER_DEPT, COMMUNES);

async function seedOrg(db: Knex): Promise<void> {
  const us = units();
  const ids = new Map<string, number>();
  for (const u of us) {
    const [row] = await db('org_units')
      .insert({ code: u.code, name: u.name, kind: u.kind, parent_id: u.parent ? ids.get(u.parent)! : null })
      .onConflict('code')
      .merge(['name', 'kind', 'parent_id'])
      .returning('id');
    ids.set(u.code, row.id);
  }
  // One leader and OFFICERS_PER_UNIT officers per unit: "<code>.ld", "<code>.cb1".."<code>.cbN" (no one signs in: the hash is a placeholder).
  const users = us.flatMap((u) => [
    { username: `${u.code}.ld`, password_hash: 'x', full_name: `Lãnh đạo ${u.name}`, unit_id: ids.get(u.code)!, roles: ['leader'] },
    ...Array.from({ length: OFFICERS_PER_UNIT }, (_, i) => ({
      username: `${u.code}.cb${i + 1}`,
      password_hash: 'x',
      full_name: `Cán bộ ${i + 1} ${u.name}`,
      unit_id: ids.get(u.code)!,
      roles: ['officer'],
    })),
  ]);
  await db('users').insert(users).onConflict('username').ignore();
  for (const [i, p] of PROCESSES.entries()) {
    await db('process_definitions')
      .insert({
        process_definition_key: 2251799813685000 + i,
        bpmn_process_id: p.id,
        name: p.name,
        version: 1,
        resource_name: `${p.id}.bpmn`,
        deployment_key: 2251799813684000 + i,
        xml: '<bench/>',
        checksum: 'bench',
      })
      .onConflict('process_definition_key')
      .ignore();
  }
}

/**
 * One chunk of tasks, all set-based. Tasks go to a unit (skewed: departments and divisions get more work
 * than communes), offered to "<unit>/officer" (10 % also to "<unit>/leader", 2 % to one officer by name);
 * 30 % of open tasks are claimed by an officer of the unit; due dates spread around now (about 15 % of
 * open tasks overdue); finished tasks were completed by an officer of the unit over the last two years.
 */
function chunkSql(from: number, to: number, finished: boolean): string {
  const codes = units()
    .map((u) => `'${u.code}'`)
    .join(',');
  const procs = PROCESSES.map((p) => `'${p.id}'`).join(',');
  const steps = STEPS.map((s) => `'${s}'`).join(',');
  const n = units().length;
  return `
WITH c AS (SELECT ARRAY[${codes}]::text[] AS codes, ARRAY[${procs}]::text[] AS procs, ARRAY[${steps}]::text[] AS steps),
g AS (
  SELECT i,
         1 + floor(${n} * power(random(), 1.3))::int AS u,
         1 + floor(random() * ${PROCESSES.length})::int AS p,
         1 + (i % ${STEPS.length})::int AS s,
         1 + floor(random() * ${OFFICERS_PER_UNIT})::int AS who,
         random() AS r1, random() AS r2,
         ${finished ? `now() - random() * interval '730 days'` : `now() - random() * interval '20 days'`} AS created
  FROM generate_series(${from}, ${to - 1}) AS i
)
INSERT INTO inbox_tasks (job_key, process_instance_key, element_instance_key, process_definition_key, bpmn_process_id, process_version,
  element_id, name, assignee, candidate_groups, candidate_users, due_date, form_key, variables, status, completed_by,
  created_at, claimed_at, completed_at, updated_at, reminded_at, urged_at)
SELECT 4503599627370496 + g.i * 2,
       4503599627370496 + (g.i / ${STEPS.length}) * 2 + 1,
       4503599627370496 + g.i * 2 + 1,
       2251799813685000 + g.p - 1,
       c.procs[g.p], 1, 'S' || g.s, c.steps[g.s],
       ${finished ? `c.codes[g.u] || '.cb' || g.who` : `CASE WHEN g.r1 < 0.30 THEN c.codes[g.u] || '.cb' || g.who END`},
       CASE WHEN g.r2 < 0.10 THEN ARRAY[c.codes[g.u] || '/officer', c.codes[g.u] || '/leader'] ELSE ARRAY[c.codes[g.u] || '/officer'] END,
       CASE WHEN g.r2 > 0.98 THEN ARRAY[c.codes[g.u] || '.cb' || g.who] ELSE '{}'::text[] END,
       ${finished ? `g.created + interval '1 day' * (1 + g.r2 * 5)` : `now() + (g.r2 * 12 - 2) * interval '1 day'`},
       'app:' || c.procs[g.p] || '-S' || g.s,
       jsonb_build_object('maHoSo', 'HS-' || to_char(g.created, 'YYYYMMDD') || '-' || lpad((g.i / ${STEPS.length})::text, 8, '0'),
                          'hoTen', 'Nguyễn Văn ' || (g.i % 997), 'soTien', (g.i % 50) * 10000),
       ${finished ? `'completed'` : `'open'`},
       ${finished ? `c.codes[g.u] || '.cb' || g.who` : 'NULL'},
       g.created,
       ${finished ? `g.created + interval '2 hours'` : `CASE WHEN g.r1 < 0.30 THEN g.created + interval '2 hours' END`},
       ${finished ? `g.created + interval '1 day' * (0.2 + g.r1 * 6)` : 'NULL'},
       ${finished ? `g.created + interval '1 day' * (0.2 + g.r1 * 6)` : 'g.created'},
       ${finished ? 'NULL' : `CASE WHEN g.r2 BETWEEN 0.5 AND 0.55 THEN now() - interval '1 hour' END`},
       ${finished ? 'NULL' : `CASE WHEN g.r1 < 0.03 THEN now() - interval '30 minutes' END`}
FROM g, c`;
}

interface SeedInfo {
  open: number;
  finished: number;
  seconds: number;
  indexSeconds: number;
  reused: boolean;
}

async function seed(db: Knex): Promise<SeedInfo> {
  await db.raw(`CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb NOT NULL)`);
  const prev = (await db('bench_meta').where({ key: 'seed' }).first())?.value as SeedInfo | undefined;
  if (prev && prev.open === OPEN && prev.finished === FINISHED && !process.env.BENCH_RESEED) {
    log(`reusing seeded database: ${prev.open} open, ${prev.finished} finished`);
    return { ...prev, reused: true };
  }
  const t0 = Date.now();
  // CASCADE: the tables that point at a task (urges, ...) are empty in this database and go with it
  await db.raw('TRUNCATE inbox_tasks, inbox_done_scopes, inbox_open_scopes CASCADE');
  await seedOrg(db);
  // The trigger that files each finished task under its units is off during the load; the migration's
  // set-based backfill does the same afterwards.
  await db.raw('ALTER TABLE inbox_tasks DISABLE TRIGGER inbox_tasks_done_scopes');
  await db.raw('ALTER TABLE inbox_tasks DISABLE TRIGGER inbox_tasks_open_scopes');
  // Secondary indexes off during the load, rebuilt from their own definitions afterwards.
  const idx: { name: string; def: string }[] = (
    await db.raw(
      `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS def FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
       WHERE x.indrelid = 'inbox_tasks'::regclass AND NOT x.indisprimary ORDER BY i.relname`,
    )
  ).rows;
  await db.raw(`INSERT INTO bench_meta VALUES ('indexes', ?::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [JSON.stringify(idx)]);
  for (const i of idx) await db.raw(`DROP INDEX IF EXISTS ${i.name}`);
  await db.raw('SET synchronous_commit = off');
  let open = 0;
  for (let from = 0; from < OPEN; from += CHUNK) {
    const to = Math.min(OPEN, from + CHUNK);
    const t = Date.now();
    await db.raw(chunkSql(from, to, false));
    open = to;
    log(`open ${to}/${OPEN} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  }
  let finished = 0;
  for (let from = 0; from < FINISHED; from += CHUNK) {
    if ((Date.now() - t0) / 1000 > SEED_BUDGET_S) {
      log(`seed budget of ${SEED_BUDGET_S} s spent: stopping at ${finished} finished tasks`);
      break;
    }
    const to = Math.min(FINISHED, from + CHUNK);
    const t = Date.now();
    await db.raw(chunkSql(OPEN + from, OPEN + to, true));
    finished = to;
    log(`finished ${to}/${FINISHED} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  }
  const ti = Date.now();
  await db.raw(`SET maintenance_work_mem = '1GB'`);
  await db.raw('SET max_parallel_maintenance_workers = 2');
  for (const i of idx) {
    const t = Date.now();
    await db.raw(i.def);
    log(`index ${i.name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  }
  {
    const t = Date.now();
    await db.raw('DROP INDEX IF EXISTS inbox_done_scopes_unit_at_idx');
    await db.raw('ALTER TABLE inbox_done_scopes DROP CONSTRAINT IF EXISTS inbox_done_scopes_pkey');
    await db.transaction(async (trx) => {
      await trx.raw(`SET LOCAL work_mem = '256MB'`);
      await fillDoneScopes(trx);
    });
    await addDoneScopesKeys(db);
    await db.raw('ALTER TABLE inbox_tasks ENABLE TRIGGER inbox_tasks_done_scopes');
    log(`inbox_done_scopes (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    const t2 = Date.now();
    for (const i of ['inbox_open_scopes_badge_idx', 'inbox_open_scopes_flagged_idx', 'inbox_open_scopes_created_idx'])
      await db.raw(`DROP INDEX IF EXISTS ${i}`);
    await db.raw('ALTER TABLE inbox_open_scopes DROP CONSTRAINT IF EXISTS inbox_open_scopes_pkey');
    await fillOpenScopes(db);
    await addOpenScopesKeys(db);
    await db.raw('ALTER TABLE inbox_tasks ENABLE TRIGGER inbox_tasks_open_scopes');
    log(`inbox_open_scopes (${((Date.now() - t2) / 1000).toFixed(1)} s)`);
  }
  const indexSeconds = (Date.now() - ti) / 1000;
  const tv = Date.now();
  await db.raw('VACUUM ANALYZE inbox_tasks');
  await db.raw('VACUUM ANALYZE inbox_done_scopes');
  await db.raw('VACUUM ANALYZE inbox_open_scopes');
  await db.raw('ANALYZE org_units');
  await db.raw('ANALYZE users');
  log(`vacuum analyze (${((Date.now() - tv) / 1000).toFixed(1)} s)`);
  const info: SeedInfo = { open, finished, seconds: (Date.now() - t0) / 1000, indexSeconds, reused: false };
  // Marked "seeded" to the requested size only when the whole size was reached.
  if (open === OPEN && finished === FINISHED) {
    await db.raw(`INSERT INTO bench_meta VALUES ('seed', ?::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [JSON.stringify(info)]);
  }
  return info;
}

// ---------------------------------------------------------------------------------------------
// Measurements

interface Case {
  name: string;
  run: (i: number) => Promise<unknown>;
}

const unitsAll = units();
const pick = <T>(xs: T[], i: number): T => xs[(i * 7919) % xs.length];
const officerUnits = unitsAll.filter((u) => u.kind !== 'province');
const leaderUnits = unitsAll.filter((u) => u.kind === 'department' || u.kind === 'commune');
const officer = (i: number): Viewer => {
  const u = pick(officerUnits, i);
  return { username: `${u.code}.cb${1 + (i % OFFICERS_PER_UNIT)}`, groups: [u.code, `${u.code}/officer`] };
};
const leader = async (db: Knex, i: number, root?: string): Promise<Viewer> => {
  const u = root ?? pick(leaderUnits, i).code;
  return { username: `${u}.ld`, groups: [u, `${u}/leader`], scope: await orgScope(db, u) };
};
const personal = (o: Partial<ListOptions> = {}): ListOptions => ({ view: 'personal', limit: 50, offset: 0, ...o });

function cases(db: Knex): Case[] {
  const procs = PROCESSES.map((p) => p.id);
  return [
    { name: 'officer: default inbox (open, offered to my groups)', run: (i) => listTasks(db, officer(i), personal()) },
    { name: 'officer: mine (in progress)', run: (i) => listTasks(db, officer(i), personal({ bucket: 'in_progress' })) },
    { name: 'officer: available (not started)', run: (i) => listTasks(db, officer(i), personal({ bucket: 'not_started', sort: 'due' })) },
    { name: 'officer: reminded', run: (i) => listTasks(db, officer(i), personal({ bucket: 'reminded' })) },
    { name: 'officer: done (finished by me)', run: (i) => listTasks(db, officer(i), personal({ bucket: 'finished' })) },
    { name: 'officer: done, widened to all time', run: (i) => listTasks(db, officer(i), personal({ bucket: 'finished', finishedWithin: 'all' })) },
    { name: 'officer: overdue, procedure filter', run: (i) => listTasks(db, officer(i), personal({ timing: 'overdue', bpmnProcessId: pick(procs, i) })) },
    { name: 'officer: text search q', run: (i) => listTasks(db, officer(i), personal({ q: pick(['thẩm định', 'xây dựng', 'HS-2026', 'khai sinh'], i) })) },
    {
      name: 'officer: case code (maHoSo)',
      run: (i) => listTasks(db, officer(i), personal({ caseCode: `HS-20261101-${String(100000 + i).padStart(8, '0')}` })),
    },
    { name: 'officer: counts (badges)', run: (i) => countTasks(db, officer(i), { view: 'personal' }) },
    {
      name: 'leader: unit view, not started, overdue',
      run: async (i) => listTasks(db, await leader(db, i), { view: 'unit', bucket: 'not_started', timing: 'overdue', sort: 'due', limit: 50, offset: 0 }),
    },
    {
      name: 'leader: unit view, in progress, procedure + period',
      run: async (i) =>
        listTasks(db, await leader(db, i), {
          view: 'unit',
          bucket: 'in_progress',
          bpmnProcessId: pick(procs, i),
          createdFrom: new Date(Date.now() - 7 * 86400_000),
          limit: 50,
          offset: 0,
        }),
    },
    { name: 'leader: unit view, finished', run: async (i) => listTasks(db, await leader(db, i), { view: 'unit', bucket: 'finished', limit: 50, offset: 0 }) },
    {
      name: 'leader: unit view, finished, widened to 365 days',
      run: async (i) => listTasks(db, await leader(db, i), { view: 'unit', bucket: 'finished', finishedWithin: '365d', limit: 50, offset: 0 }),
    },
    {
      name: 'leader: unit view, text search q',
      run: async (i) => listTasks(db, await leader(db, i), { view: 'unit', q: pick(['thẩm định', 'ký duyệt', 'xây dựng'], i), limit: 50, offset: 0 }),
    },
    { name: 'leader: counts (badges), unit view', run: async (i) => countTasks(db, await leader(db, i), { view: 'unit' }) },
    { name: 'leader: unit view, all open, newest first', run: async (i) => listTasks(db, await leader(db, i), { view: 'unit', limit: 50, offset: 0 }) },
    {
      name: 'province leader: all open, newest first (1M tasks)',
      run: async (i) =>
        listTasks(db, await leader(db, i, unitsAll.find((u) => u.kind === 'province')!.code), { view: 'unit', limit: 50, offset: (i % 3) * 50 }),
    },
    {
      name: 'province leader: counts (badges)',
      run: async (i) => countTasks(db, await leader(db, i, unitsAll.find((u) => u.kind === 'province')!.code), { view: 'unit' }),
    },
  ];
}

interface Row {
  name: string;
  n: number;
  p50: number;
  p95: number;
  p99: number;
  /** median over a few calls of the shared buffers (8 kB pages) the call's statements touched: the work, whatever the load */
  buffers: number;
  /** the largest of those samples */
  buffersMax: number;
}

const BUFFER_SAMPLES = Number(process.env.BENCH_BUFFER_SAMPLES ?? 5);

/**
 * Shared buffers (hit + read, planning included) that one call of a case touches: every statement the
 * repository sends is captured and run again under EXPLAIN (ANALYZE, BUFFERS). Unlike milliseconds this
 * does not depend on what else the machine is doing, so it says whether a query does little work.
 */
async function buffersPerCall(db: Knex, c: Case, i: number): Promise<number> {
  const sent: { sql: string; bindings: unknown[] }[] = [];
  const listen = (q: { sql: string; bindings?: unknown[] }) => sent.push({ sql: q.sql, bindings: q.bindings ?? [] });
  db.on('query', listen);
  try {
    await c.run(i);
  } finally {
    db.removeListener('query', listen);
  }
  let total = 0;
  for (const q of sent) {
    if (!/^\s*(select|with)\b/i.test(q.sql)) continue;
    const res = await db.raw(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${q.sql.replace(/\$\d+/g, '?')}`, q.bindings as Knex.RawBinding[]);
    const [plan] = res.rows[0]['QUERY PLAN'] as { Plan: Record<string, number>; Planning?: Record<string, number> }[];
    total += (plan.Plan['Shared Hit Blocks'] ?? 0) + (plan.Plan['Shared Read Blocks'] ?? 0);
    total += (plan.Planning?.['Shared Hit Blocks'] ?? 0) + (plan.Planning?.['Shared Read Blocks'] ?? 0);
  }
  return total;
}

async function measure(db: Knex, cs: Case[], iter: number): Promise<Row[]> {
  const out: Row[] = [];
  for (const c of cs) {
    const w0 = Date.now();
    for (let i = 0; i < Math.min(10, iter) && Date.now() - w0 < 5_000; i++) await c.run(10_000 + i); // warm-up, other users than the measured ones
    const ms: number[] = [];
    const m0 = Date.now();
    for (let i = 0; i < iter; i++) {
      // A case far off the target stops after CASE_BUDGET_S with at least 5 samples; the table says n.
      if (i >= 5 && (Date.now() - m0) / 1000 > CASE_BUDGET_S) break;
      const t = process.hrtime.bigint();
      await c.run(i);
      ms.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    ms.sort((a, b) => a - b);
    const bufs: number[] = [];
    for (let i = 0; i < BUFFER_SAMPLES; i++) bufs.push(await buffersPerCall(db, c, i * 37));
    bufs.sort((a, b) => a - b);
    const r = {
      name: c.name,
      n: ms.length,
      p50: quantile(ms, 0.5),
      p95: quantile(ms, 0.95),
      p99: quantile(ms, 0.99),
      buffers: quantile(bufs, 0.5),
      buffersMax: bufs[bufs.length - 1] ?? NaN,
    };
    log(`${c.name}: p50 ${fmt(r.p50)} p95 ${fmt(r.p95)} p99 ${fmt(r.p99)} ms; buffers/call ${fmt(r.buffers, 0)} (max ${fmt(r.buffersMax, 0)})`);
    out.push(r);
  }
  return out;
}

async function sizes(db: Knex): Promise<{ table: string; indexes: { name: string; size: string }[]; doneScopes: string }> {
  const t = await db.raw(`SELECT pg_size_pretty(pg_table_size('inbox_tasks')) AS t, pg_size_pretty(pg_indexes_size('inbox_tasks')) AS i`);
  const idx = await db.raw(
    `SELECT i.relname AS name, pg_size_pretty(pg_relation_size(i.oid)) AS size FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
     WHERE x.indrelid = 'inbox_tasks'::regclass ORDER BY pg_relation_size(i.oid) DESC`,
  );
  const d = await db.raw(
    `SELECT pg_size_pretty(pg_table_size('inbox_done_scopes')) AS t, pg_size_pretty(pg_indexes_size('inbox_done_scopes')) AS i, (SELECT reltuples::bigint FROM pg_class WHERE relname = 'inbox_done_scopes') AS n`,
  );
  return {
    table: `${t.rows[0].t} (heap + toast), indexes ${t.rows[0].i}`,
    indexes: idx.rows,
    doneScopes: `~${Number(d.rows[0].n).toLocaleString('en')} rows, ${d.rows[0].t} + indexes ${d.rows[0].i}`,
  };
}

/** The machine's load while measuring: the figures mean little when other work shares the cores. */
let loadAtStart = os.loadavg();
function loadNote(): string {
  const now = os.loadavg();
  const f = (l: number[]) => l.map((x) => x.toFixed(1)).join(' / ');
  return `load average (1 / 5 / 15 min) ${f(loadAtStart)} when measuring began, ${f(now)} at the end, on ${os.cpus().length} cores`;
}

async function settings(db: Knex): Promise<string[]> {
  const out: string[] = [];
  for (const k of Object.keys(EMBEDDED_PG_SETTINGS)) out.push(`${k} ${(await db.raw(`SHOW ${k}`)).rows[0][k]}`);
  return out;
}

async function main(): Promise<void> {
  await ensureDatabase();
  const db = createKnex(dbUrl(), { min: 0, max: 2 });
  try {
    await migrateLatest(db);
    const info = await seed(db);
    const counts = (
      await db.raw(
        `SELECT count(*) FILTER (WHERE status IN ('open','completing')) AS open, count(*) FILTER (WHERE status = 'completed') AS finished FROM inbox_tasks`,
      )
    ).rows[0];
    const sz = await sizes(db);
    const migs = (await db.raw(`SELECT name FROM knex_migrations ORDER BY id DESC LIMIT 1`)).rows[0]?.name;
    log('measuring');
    loadAtStart = os.loadavg();
    const rows = await measure(db, cases(db), ITER);
    const lines = [
      ``,
      `## Inbox at scale: ${new Date().toISOString()}`,
      ``,
      `- Machine: ${machine()}. ${machineNote()}`,
      `- PostgreSQL: ${(await db.raw('SHOW server_version')).rows[0].server_version}, ${(await settings(db)).join(', ')}, database \`${DB_NAME}\`, latest migration \`${migs}\``,
      `- Rows: ${Number(counts.open).toLocaleString('en')} open, ${Number(counts.finished).toLocaleString('en')} finished (requested ${OPEN.toLocaleString('en')} / ${FINISHED.toLocaleString('en')}); ${unitsAll.length} units, ${unitsAll.length * (OFFICERS_PER_UNIT + 1)} users, ${PROCESSES.length} processes`,
      `- Seed: ${info.reused ? 'reused from an earlier run, which took' : 'took'} ${fmt(info.seconds, 0)} s (index rebuild ${fmt(info.indexSeconds, 0)} s of it; secondary indexes dropped during the load and recreated from their definitions, then VACUUM ANALYZE)`,
      `- Size of inbox_tasks: ${sz.table}; ${sz.indexes.map((i) => `${i.name} ${i.size}`).join(', ')}`,
      `- inbox_done_scopes (a finished task under each unit of its subtree chain): ${sz.doneScopes}`,
      `- Each query ${ITER} times (fewer, as n says, when a case ran past ${CASE_BUDGET_S} s), varying users and units, one at a time, timed around the repository call (list = total counted up to ${COUNT_CAP.toLocaleString('en')} + page of 50; counts = every bucket's on-time and overdue parts, each counted up to ${COUNT_CAP.toLocaleString('en')}; finished views over the last 30 days unless the case widens them; leader cases include the subtree from orgScope, cached ${ORG_SCOPE_TTL_MS / 1000} s)`,
      `- Load: ${loadNote()}`,
      ``,
      `- Buffers/call: median (and largest) of ${BUFFER_SAMPLES} calls of the shared 8 kB pages all statements of one call touch (EXPLAIN ANALYZE BUFFERS, hit + read): the work a call does, independent of the load`,
      ``,
      `| Query | n | p50 ms | p95 ms | p99 ms | p95 <= ${TARGET_MS} ms | buffers/call (max) |`,
      `|---|---:|---:|---:|---:|:---:|---:|`,
      ...rows.map(
        (r) =>
          `| ${r.name} | ${r.n} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${r.p95 <= TARGET_MS ? 'yes' : '**no**'} | ${fmt(r.buffers, 0)} (${fmt(r.buffersMax, 0)}) |`,
      ),
      ``,
    ];
    appendResults('inbox-scale.md', lines);
  } finally {
    await db.destroy();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
