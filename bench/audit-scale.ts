/**
 * Audit history at scale (issue 7): p50/p95/p99 of one case's timeline and of auditor searches with
 * the history of 10,000,000 finished cases (ten years of a province), measured through the real
 * functions the routes call (domain/audit/scope.ts, domain/audit/store.ts loadTimeline,
 * domain/audit/case-search.ts searchCases).
 *
 *   npx tsx bench/audit-scale.ts
 *
 * Knobs: BENCH_PG_URL (server, default postgres://postgres@127.0.0.1:5432/postgres), BENCH_CASES
 * (10000000), BENCH_ITER (200), BENCH_CASE_BUDGET_S (30: a query stops being repeated after this many
 * seconds, with at least 3 samples), BENCH_RAW_DAYS (90: days of raw zeebe_record kept, see below),
 * BENCH_RESEED=1.
 *
 * Creates (or reuses when already seeded to the requested size) the database eiso_bench_audit, runs
 * the migrations (monthly partitions included), creates the months of the ten years, and seeds with
 * set-based INSERT ... SELECT generate_series in chunks of 1M cases, secondary indexes dropped and
 * rebuilt from their definitions, then VACUUM ANALYZE. What one case is (compact but complete for the
 * queries measured): 5 element instances (process, start event, one human step, one service task, end
 * event), 1 inbox task (the human step, completed by an officer of the case's unit, 10 % late), 2
 * process variables (maHoSo, startedByUnit) with their 2 variable events, 1 audit entry (case.start),
 * and, for the last BENCH_RAW_DAYS days only, 4 raw SEQUENCE_FLOW_TAKEN records (the raw stream is the
 * part that retention archives first). Cases are spread evenly over ten years, in time order.
 * Appends a section to bench/results/audit-scale.md.
 */
import type { Knex } from 'knex';
import { createKnex } from '../lib/db.js';
import { migrateLatest } from '../migrations/index.js';
import { caseAccess, scopeUnitCodes } from '../domain/audit/scope.js';
import { backfill as caseIndexBackfill } from '../migrations/20261123007000_case_index.js';
import { loadTimeline } from '../domain/audit/store.js';
import { searchCases, type CaseFilters } from '../domain/audit/case-search.js';
import { appendResults, benchDbUrl, createBenchDatabase, fmt, log, machine, machineNote, quantile, withBenchServer } from './lib.js';
import { provinceUnits, type BenchUnit } from './lib.js';

const DB_NAME = 'eiso_bench_audit';
const CASES = Number(process.env.BENCH_CASES ?? 10_000_000);
const ITER = Number(process.env.BENCH_ITER ?? 200);
const CASE_BUDGET_S = Number(process.env.BENCH_CASE_BUDGET_S ?? 20);
/** A query still running after this is cancelled and counted as "timed out" (the database's statement_timeout while measuring). */
const STATEMENT_TIMEOUT_S = Number(process.env.BENCH_STATEMENT_TIMEOUT_S ?? 60);
const RAW_DAYS = Number(process.env.BENCH_RAW_DAYS ?? 90);
const CHUNK = 1_000_000;
/** No new chunk starts after this many seconds of seeding; the results then say how many cases were reached. */
const SEED_BUDGET_S = Number(process.env.BENCH_SEED_BUDGET_S ?? 3000);
const YEARS = 10;
const KEY_BASE = 4503599627370496n; // 2^52: keys of partition 2 look like this
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
const TIMELINE_TARGET_MS = 50;
const SEARCH_TARGET_MS = 500;

const dbUrl = () => benchDbUrl(DB_NAME);

/** The seed of an existing database, if it was completed. */
async function seededInfo(): Promise<SeedInfo | undefined> {
  const db = createKnex(dbUrl(), { min: 0, max: 1 });
  try {
    return (await db.raw(`SELECT value FROM bench_meta WHERE key = 'seed'`)).rows[0]?.value as SeedInfo | undefined;
  } catch {
    return undefined;
  } finally {
    await db.destroy();
  }
}

/**
 * The database, reused when it holds a completed seed of the requested size; otherwise (or with
 * BENCH_RESEED=1) dropped and created again: the append-only audit_log cannot be emptied in place.
 */
async function ensureDatabase(): Promise<SeedInfo | undefined> {
  return withBenchServer(async (admin) => {
    const exists = (await admin.raw('SELECT 1 FROM pg_database WHERE datname = ?', [DB_NAME])).rows.length > 0;
    const info = exists ? await seededInfo() : undefined;
    if (info && info.requested === CASES && !process.env.BENCH_RESEED) return info;
    if (exists) {
      log(`dropping database ${DB_NAME} (${info ? `seeded with ${info.cases} cases` : 'seed incomplete'})`);
      await admin.raw(`DROP DATABASE ${DB_NAME} WITH (FORCE)`);
    }
    await createBenchDatabase(admin, DB_NAME);
    return undefined;
  });
}

const units = (): BenchUnit[] => provinceUnits(DEPARTMENTS, DIVISIONS_PER_DEPT, COMMUNES);
const unitsAll = units();
/** Units that receive cases (not the province itself). */
const workUnits = unitsAll.filter((u) => u.kind !== 'province');

async function seedOrg(db: Knex): Promise<void> {
  const ids = new Map<string, number>();
  for (const u of unitsAll) {
    const [row] = await db('org_units')
      .insert({ code: u.code, name: u.name, kind: u.kind, parent_id: u.parent ? ids.get(u.parent)! : null })
      .onConflict('code')
      .merge(['name', 'kind', 'parent_id'])
      .returning('id');
    ids.set(u.code, row.id);
  }
  const users = unitsAll.flatMap((u) => [
    { username: `${u.code}.kt`, password_hash: 'x', full_name: `Kiểm tra viên ${u.name}`, unit_id: ids.get(u.code)!, roles: ['auditor'] },
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
        xml: caseModel(p.id, p.name),
        checksum: 'bench',
      })
      .onConflict('process_definition_key')
      .ignore();
  }
}

/**
 * The model of the seeded cases (start, one human step, one service task, end: the element ids the history
 * rows name), with its diagram: the timeline reads it (the diagram as drawn, domain/deadlines/drawn-model.ts).
 */
function caseModel(id: string, name: string): string {
  const shape = (el: string, x: number, w = 100, h = 80) =>
    `<bpmndi:BPMNShape id="${el}_di" bpmnElement="${el}"><dc:Bounds x="${x}" y="${w === 36 ? 102 : 80}" width="${w}" height="${h}" /></bpmndi:BPMNShape>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs_${id}" targetNamespace="http://eiso.gov.vn/bench">
  <bpmn:process id="${id}" name="${name}" isExecutable="true">
    <bpmn:startEvent id="BatDau" name="Nhận hồ sơ"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="XuLy" name="Thẩm định và xử lý hồ sơ"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>
    <bpmn:serviceTask id="GuiKetQua" name="Gửi kết quả điện tử"><bpmn:extensionElements><zeebe:taskDefinition type="bench-send" /></bpmn:extensionElements><bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F3</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:endEvent id="KetThuc" name="Đã trả kết quả"><bpmn:incoming>F3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="BatDau" targetRef="XuLy" />
    <bpmn:sequenceFlow id="F2" sourceRef="XuLy" targetRef="GuiKetQua" />
    <bpmn:sequenceFlow id="F3" sourceRef="GuiKetQua" targetRef="KetThuc" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_${id}"><bpmndi:BPMNPlane id="Plane_${id}" bpmnElement="${id}">
    ${shape('BatDau', 100, 36, 36)}${shape('XuLy', 200)}${shape('GuiKetQua', 360)}${shape('KetThuc', 520, 36, 36)}
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}

/**
 * The per-case values every table derives from the case number i, so all tables agree without joins:
 * start time (ten years, in order, a little jitter), procedure, unit (skewed towards the first units),
 * officer, step duration, late flag. r1..r3 are cheap integer hashes of i in [0, 1).
 */
function casesCte(part: number, parts: number): string {
  const codes = workUnits.map((u) => `'${u.code}'`).join(',');
  const procs = PROCESSES.map((p) => `'${p.id}'`).join(',');
  const names = PROCESSES.map((p) => `'${p.name}'`).join(',');
  return `
WITH c AS (SELECT ARRAY[${codes}]::text[] AS codes, ARRAY[${procs}]::text[] AS procs, ARRAY[${names}]::text[] AS names),
h AS (
  SELECT i,
         mod(i * 2654435761, 4294967296)::float8 / 4294967296 AS r1,
         mod(i * 2246822519 + 7, 4294967296)::float8 / 4294967296 AS r2,
         mod(i * 3266489917 + 13, 4294967296)::float8 / 4294967296 AS r3
  FROM generate_series(${part}, ${CASES - 1}, ${parts}) AS i
),
g AS (
  SELECT h.i, h.r1, h.r2, h.r3,
         ${KEY_BASE} + h.i * 16 AS k,
         1 + (h.i % ${PROCESSES.length})::int AS p,
         1 + floor(${workUnits.length} * power(h.r1, 1.3))::int AS u,
         1 + (h.i % ${OFFICERS_PER_UNIT})::int AS who,
         date_trunc('milliseconds', now() - interval '${YEARS * 365} days' + (h.i::float8 / ${CASES}) * interval '${YEARS * 365} days' + h.r2 * interval '30 minutes') AS t0,
         interval '1 minute' * floor(30 + h.r2 * 4000) AS work,
         h.r3 < 0.10 AS late
  FROM h
),
x AS (SELECT g.*, c.codes[g.u] AS unit, c.procs[g.p] AS proc, c.names[g.p] AS pname, 'HS-' || to_char(g.t0, 'YYMMDD') || '-' || lpad(g.i::text, 8, '0') AS code FROM g, c)`;
}

/** One INSERT per table for the cases i = part (mod parts): each chunk spreads over the ten years, so a partial seed is still ten years. */
function chunkStatements(part: number, parts: number, rawSince: number): string[] {
  const cte = casesCte(part, parts);
  const pdk = `2251799813685000 + x.p - 1`;
  // t0: start; +1 s human step starts; +1 s + work: done; +3 s service task done; +3 s end
  return [
    `${cte} INSERT INTO hist_process_instances (process_instance_key, bpmn_process_id, process_definition_key, version, state, start_time, end_time, partition_id, position)
     SELECT x.k, x.proc, ${pdk}, 1, 'completed', x.t0, x.t0 + x.work + interval '3 seconds', 2, x.i * 16 + 15 FROM x`,
    `${cte} INSERT INTO hist_element_instances (element_instance_key, process_instance_key, process_definition_key, bpmn_process_id, element_id, element_name,
       bpmn_element_type, bpmn_event_type, flow_scope_key, state, start_time, end_time, start_position, partition_id, position)
     SELECT x.k + e.n, x.k, ${pdk}, x.proc, CASE WHEN e.n = 0 THEN x.proc ELSE e.id END, CASE WHEN e.n = 0 THEN x.pname ELSE e.name END, e.type, e.ev,
            CASE WHEN e.n = 0 THEN NULL ELSE x.k END, 'completed',
            x.t0 + e.s + CASE WHEN e.n IN (3, 4) THEN x.work ELSE interval '0' END,
            x.t0 + e.f + CASE WHEN e.n IN (0, 2, 3, 4) THEN x.work ELSE interval '0' END, x.i * 16 + e.n, 2, x.i * 16 + e.n + 8
     FROM x CROSS JOIN (VALUES
       (0, 'process', NULL::text, 'PROCESS', NULL::text, interval '0', interval '3 seconds'),
       (1, 'BatDau', 'Nhận hồ sơ', 'START_EVENT', 'NONE', interval '0', interval '0'),
       (2, 'XuLy', 'Thẩm định và xử lý hồ sơ', 'USER_TASK', NULL, interval '1 second', interval '1 second'),
       (3, 'GuiKetQua', 'Gửi kết quả điện tử', 'SERVICE_TASK', NULL, interval '2 seconds', interval '3 seconds'),
       (4, 'KetThuc', 'Đã trả kết quả', 'END_EVENT', 'NONE', interval '3 seconds', interval '3 seconds')
     ) AS e(n, id, name, type, ev, s, f)`,
    `${cte} INSERT INTO inbox_tasks (job_key, process_instance_key, element_instance_key, process_definition_key, bpmn_process_id, process_version,
       element_id, name, assignee, candidate_groups, candidate_users, due_date, form_key, variables, status, completed_by, created_at, claimed_at, completed_at, updated_at)
     SELECT x.k + 5, x.k, x.k + 2, ${pdk}, x.proc, 1, 'XuLy', 'Thẩm định và xử lý hồ sơ', x.unit || '.cb' || x.who, ARRAY[x.unit || '/officer'], '{}'::text[],
            x.t0 + interval '1 second' + CASE WHEN x.late THEN x.work - interval '1 hour' ELSE x.work + interval '2 days' END,
            'app:' || x.proc, jsonb_build_object('maHoSo', x.code), 'completed', x.unit || '.cb' || x.who,
            x.t0 + interval '1 second', x.t0 + interval '2 seconds', x.t0 + interval '1 second' + x.work, x.t0 + interval '1 second' + x.work
     FROM x`,
    `${cte} INSERT INTO hist_variables (scope_key, name, variable_key, process_instance_key, value, updated_at, partition_id, position)
     SELECT x.k, v.name, x.k + 6 + v.n, x.k, to_jsonb(CASE v.n WHEN 0 THEN x.code ELSE x.unit END), x.t0, 2, x.i * 16 + 6 + v.n
     FROM x CROSS JOIN (VALUES (0, 'maHoSo'), (1, 'startedByUnit')) AS v(n, name)`,
    `${cte} INSERT INTO hist_variable_events (partition_id, position, variable_key, scope_key, process_instance_key, name, intent, value, ts)
     SELECT 2, x.i * 16 + 6 + v.n, x.k + 6 + v.n, x.k, x.k, v.name, 'CREATED', to_jsonb(CASE v.n WHEN 0 THEN x.code ELSE x.unit END), x.t0
     FROM x CROSS JOIN (VALUES (0, 'maHoSo'), (1, 'startedByUnit')) AS v(n, name)`,
    `${cte} INSERT INTO audit_log (seq, at, actor, actor_roles, actor_unit, action, target_type, target_id, after, ip, prev_hash, hash)
     SELECT x.i + 1, x.t0, x.unit || '.cb' || x.who, '{officer}', x.unit, 'case.start', 'case', x.k::text, jsonb_build_object('bpmnProcessId', x.proc, 'maHoSo', x.code), '10.0.0.1',
            md5((x.i)::text) || md5((x.i)::text || 'p'), md5((x.i + 1)::text) || md5((x.i + 1)::text || 'p')
     FROM x`,
    `${cte} INSERT INTO zeebe_record (partition_id, position, record_key, record_type, value_type, intent, ts, body)
     SELECT 2, x.i * 16 + f.n, x.k + 10 + f.n, 'EVENT', 'PROCESS_INSTANCE', 'SEQUENCE_FLOW_TAKEN', x.t0 + f.n * interval '1 second',
            jsonb_build_object('value', jsonb_build_object('processInstanceKey', x.k, 'elementId', 'F' || f.n, 'bpmnProcessId', x.proc))
     FROM x CROSS JOIN generate_series(1, 4) AS f(n) WHERE x.i >= ${rawSince}`,
  ];
}

const TABLES = [
  'hist_process_instances',
  'hist_element_instances',
  'inbox_tasks',
  'hist_variables',
  'hist_variable_events',
  'audit_log',
  'zeebe_record',
  'case_index',
  'case_search',
];
/** Statement triggers that keep case_index (migrations/20261123007000): off during the load, the index is filled once after it. */
const CASE_INDEX_TRIGGERS = ['inbox_tasks_case_index_ins', 'inbox_tasks_case_index_upd', 'inbox_tasks_case_index_del'];

interface SeedInfo {
  requested: number;
  cases: number;
  chunks: number;
  chunksDone: number;
  seconds: number;
  indexSeconds: number;
  rawCases: number;
  reused: boolean;
}

/** Seeds a freshly migrated database. */
async function seed(db: Knex): Promise<SeedInfo> {
  await db.raw(`CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb NOT NULL)`);
  const t0 = Date.now();
  await seedOrg(db);
  // The months of the ten years, for every partitioned table.
  for (const t of ['hist_element_instances', 'hist_variable_events', 'hist_jobs', 'audit_log']) {
    await db.raw(`SELECT eiso_ensure_month_partitions(?::regclass, (now() - interval '${YEARS * 365 + 31} days')::date, (now() + interval '3 months')::date)`, [
      t,
    ]);
  }
  // Secondary indexes off during the load (primary keys stay), rebuilt from their own definitions.
  const idx: { name: string; def: string }[] = (
    await db.raw(
      `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS def FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
       WHERE t.relname = ANY(?) AND NOT x.indisprimary AND NOT x.indisunique ORDER BY i.relname`,
      [TABLES],
    )
  ).rows;
  // pg_get_indexdef says "ON ONLY <parent>" for a partitioned table's index, which would build the parent's alone.
  const indexes = idx.map((i) => ({ ...i, def: i.def.replace(' ON ONLY ', ' ON ') }));
  for (const i of idx) await db.raw(`DROP INDEX IF EXISTS ${i.name}`);
  for (const t of CASE_INDEX_TRIGGERS) await db.raw(`ALTER TABLE inbox_tasks DISABLE TRIGGER ${t}`);
  await db.raw('SET synchronous_commit = off');
  const rawSince = Math.max(0, Math.floor(CASES * (1 - RAW_DAYS / (YEARS * 365))));
  const parts = Math.max(1, Math.ceil(CASES / CHUNK));
  let done = 0;
  // Two connections share the tables of a chunk (the machine is shared: more would take more than our part).
  const second = createKnex(dbUrl(), { min: 0, max: 1 });
  try {
    await second.raw('SET synchronous_commit = off');
    for (let part = 0; part < parts; part++) {
      if ((Date.now() - t0) / 1000 > SEED_BUDGET_S) {
        log(`seed budget of ${SEED_BUDGET_S} s spent: stopping after ${done} of ${parts} chunks`);
        break;
      }
      const t = Date.now();
      const [a, b, c, d, e, f, g] = chunkStatements(part, parts, rawSince);
      await Promise.all([
        (async () => {
          for (const sql of [b, f]) await db.raw(sql);
        })(),
        (async () => {
          for (const sql of [a, c, d, e, g]) await second.raw(sql);
        })(),
      ]);
      done++;
      log(`chunk ${done}/${parts} (${((Date.now() - t) / 1000).toFixed(1)} s, ${((Date.now() - t0) / 1000).toFixed(0)} s so far)`);
    }
  } finally {
    await second.destroy();
  }
  const tc = Date.now();
  await db.transaction((trx) => caseIndexBackfill(trx));
  for (const t of CASE_INDEX_TRIGGERS) await db.raw(`ALTER TABLE inbox_tasks ENABLE TRIGGER ${t}`);
  log(`case_index filled (${((Date.now() - tc) / 1000).toFixed(1)} s)`);
  const ti = Date.now();
  await db.raw(`SET maintenance_work_mem = '1GB'`);
  await db.raw('SET max_parallel_maintenance_workers = 2');
  for (const i of indexes) {
    const t = Date.now();
    await db.raw(i.def);
    log(`index ${i.name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  }
  const indexSeconds = (Date.now() - ti) / 1000;
  const tv = Date.now();
  for (const t of [...TABLES, 'org_units', 'users']) await db.raw(`VACUUM ANALYZE ${t}`);
  log(`vacuum analyze (${((Date.now() - tv) / 1000).toFixed(1)} s)`);
  const cases = Number((await db.raw('SELECT count(*) AS n FROM hist_process_instances')).rows[0].n);
  const info: SeedInfo = {
    requested: CASES,
    cases,
    chunks: parts,
    chunksDone: done,
    seconds: (Date.now() - t0) / 1000,
    indexSeconds,
    rawCases: CASES - rawSince,
    reused: false,
  };
  await db.raw(`INSERT INTO bench_meta VALUES ('seed', ?::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [JSON.stringify(info)]);
  return info;
}

// ---------------------------------------------------------------------------------------------
// Measurements

interface Case {
  name: string;
  target: number;
  run: (i: number) => Promise<unknown>;
}

const pick = <T>(xs: T[], i: number): T => xs[(i * 7919) % xs.length];

async function auditorOf(db: Knex, unitCode: string) {
  const u = await db('users as u')
    .join('org_units as o', 'o.id', 'u.unit_id')
    .where('u.username', `${unitCode}.kt`)
    .first('u.id', 'u.roles', 'o.id as unit_id', 'o.code');
  return { id: u.id as number, roles: u.roles as CurrentRoles, unit: { id: u.unit_id as number, code: u.code as string } };
}
type CurrentRoles = ('admin' | 'designer' | 'officer' | 'leader' | 'auditor')[];

/** What GET /api/cases/:key/timeline does against the database (api/routes/cases/timeline.ts), in the same order and concurrency. */
async function timelineRoute(db: Knex, key: string, auditor: Awaited<ReturnType<typeof auditorOf>>) {
  const access = await caseAccess(db, key, await scopeUnitCodes(db, auditor as never));
  if (!access.exists) throw new Error(`case ${key} missing`);
  if (!access.inScope) throw new Error(`case ${key} out of scope`);
  const units = access.units;
  const tl = await loadTimeline(db, key);
  if (!tl || tl.elements.length !== 5) throw new Error(`timeline of ${key}: ${tl?.elements.length} elements`);
  return { ...tl, units };
}

/** What GET /api/audit/cases does: scope, then the search (count + first page of 50). */
async function searchRoute(db: Knex, auditor: Awaited<ReturnType<typeof auditorOf>>, f: CaseFilters) {
  const scope = await scopeUnitCodes(db, auditor as never);
  return searchCases(db, { ...f, limit: 50, offset: 0 }, scope);
}

function monthOf(i: number): { from: string; to: string } {
  // a month somewhere in the ten years, varying with i
  const start = new Date(Date.now() - (30 + ((i * 37) % (YEARS * 12 - 2)) * 30.4) * 86400_000);
  start.setUTCDate(1);
  start.setUTCHours(0, 0, 0, 0);
  const end = new Date(start);
  end.setUTCMonth(end.getUTCMonth() + 1);
  return { from: start.toISOString(), to: end.toISOString() };
}

async function cases(db: Knex): Promise<Case[]> {
  const province = await auditorOf(db, 'TINH');
  const dept = await auditorOf(db, 'SO01');
  const commune = await auditorOf(db, 'XA001');
  const procs = PROCESSES.map((p) => p.id);
  // Cases to look at: a sample of the whole ten years, and cases of SO01's subtree for its auditor.
  const anyKeys: string[] = (
    await db.raw(`SELECT process_instance_key::text AS k FROM hist_process_instances TABLESAMPLE SYSTEM (1) ORDER BY random() LIMIT 5000`)
  ).rows.map((r: { k: string }) => r.k);
  const deptKeys: string[] = (
    await db.raw(
      `SELECT scope_key::text AS k FROM hist_variables WHERE name = 'startedByUnit' AND (value #>> '{}') = ANY(?::text[]) ORDER BY random() LIMIT 2000`,
      [['SO01', 'SO01-P1', 'SO01-P2', 'SO01-P3']],
    )
  ).rows.map((r: { k: string }) => r.k);
  const codeOf = async (i: number) =>
    (
      await db('hist_variables')
        .where({ scope_key: pick(anyKeys, i), name: 'maHoSo' })
        .first('value')
    ).value as string;
  return [
    {
      name: 'timeline: one case, province auditor (any of the ten years)',
      target: TIMELINE_TARGET_MS,
      run: (i) => timelineRoute(db, pick(anyKeys, i), province),
    },
    { name: 'timeline: one case, department auditor (its own cases)', target: TIMELINE_TARGET_MS, run: (i) => timelineRoute(db, pick(deptKeys, i), dept) },
    { name: 'search: case code (q), province auditor', target: SEARCH_TARGET_MS, run: async (i) => searchRoute(db, province, { q: await codeOf(i) }) },
    {
      name: 'search: variable maHoSo=…, province auditor',
      target: SEARCH_TARGET_MS,
      run: async (i) => searchRoute(db, province, { variable: `maHoSo=${await codeOf(i)}` }),
    },
    {
      name: 'search: procedure + one month, province auditor',
      target: SEARCH_TARGET_MS,
      run: (i) => searchRoute(db, province, { bpmnProcessId: pick(procs, i), ...monthOf(i) }),
    },
    {
      name: 'search: procedure + one month + late, province auditor',
      target: SEARCH_TARGET_MS,
      run: (i) => searchRoute(db, province, { bpmnProcessId: pick(procs, i), timing: 'late', ...monthOf(i) }),
    },
    {
      name: 'search: breached step + one month, province auditor',
      target: SEARCH_TARGET_MS,
      run: (i) => searchRoute(db, province, { breachedStep: 'XuLy', ...monthOf(i) }),
    },
    {
      name: 'search: officer + one month, province auditor',
      target: SEARCH_TARGET_MS,
      run: (i) => searchRoute(db, province, { officer: `${pick(workUnits, i).code}.cb${1 + (i % OFFICERS_PER_UNIT)}`, ...monthOf(i) }),
    },
    { name: 'search: one month, department auditor (scope: its subtree)', target: SEARCH_TARGET_MS, run: (i) => searchRoute(db, dept, monthOf(i)) },
    {
      name: 'search: unit filter + one month, province auditor',
      target: SEARCH_TARGET_MS,
      run: (i) => searchRoute(db, province, { unit: pick(['SO02', 'SO05', 'XA010'], i), ...monthOf(i) }),
    },
    { name: 'search: one month, commune auditor', target: SEARCH_TARGET_MS, run: (i) => searchRoute(db, commune, monthOf(i)) },
    { name: 'search: no filter (first page + total of 10 years), province auditor', target: SEARCH_TARGET_MS, run: () => searchRoute(db, province, {}) },
  ];
}

const ms = (v: number) => (v === Infinity ? `> ${STATEMENT_TIMEOUT_S * 1000}` : fmt(v));

interface Row {
  name: string;
  target: number;
  n: number;
  timeouts: number;
  p50: number;
  p95: number;
  p99: number;
}

async function measure(cs: Case[], iter: number): Promise<Row[]> {
  const out: Row[] = [];
  for (const c of cs) {
    const w0 = Date.now();
    // warm-up on other cases than the measured ones (one run only when a run takes seconds)
    for (let i = 0; i < Math.min(5, iter) && Date.now() - w0 < 5_000; i++)
      await c.run(50_000 + i).catch((err) => {
        if ((err as { code?: string }).code !== '57014') throw err;
      });
    const ms: number[] = [];
    let timeouts = 0;
    const m0 = Date.now();
    for (let i = 0; i < iter; i++) {
      if (i >= 3 && (Date.now() - m0) / 1000 > CASE_BUDGET_S) break;
      const t = process.hrtime.bigint();
      try {
        await c.run(i);
        ms.push(Number(process.hrtime.bigint() - t) / 1e6);
      } catch (err) {
        if ((err as { code?: string }).code !== '57014') throw err; // statement_timeout
        ms.push(Infinity);
        timeouts++;
      }
    }
    ms.sort((a, b) => a - b);
    const r = { name: c.name, target: c.target, n: ms.length, timeouts, p50: quantile(ms, 0.5), p95: quantile(ms, 0.95), p99: quantile(ms, 0.99) };
    log(`${c.name}: n ${r.n} p50 ${fmt(r.p50)} p95 ${fmt(r.p95)} p99 ${fmt(r.p99)} ms`);
    out.push(r);
  }
  return out;
}

async function sizes(db: Knex): Promise<string[]> {
  const out: string[] = [];
  for (const t of TABLES) {
    const r = await db.raw(
      `SELECT pg_size_pretty(sum(pg_table_size(c.oid))) AS t, pg_size_pretty(sum(pg_indexes_size(c.oid))) AS i, count(*) AS parts
         FROM pg_class c WHERE c.oid = ?::regclass OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = ?::regclass)`,
      [t, t],
    );
    const rows = (await db.raw(`SELECT reltuples::bigint AS n FROM pg_class WHERE oid = ?::regclass`, [t])).rows[0].n;
    const est =
      Number(rows) > 0
        ? Number(rows)
        : Number(
            (
              await db.raw(`SELECT sum(reltuples)::bigint AS n FROM pg_class WHERE oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = ?::regclass)`, [
                t,
              ])
            ).rows[0].n,
          );
    const parts = Number(r.rows[0].parts) - 1;
    out.push(`\`${t}\`: ~${est.toLocaleString('en')} rows, ${r.rows[0].t} + indexes ${r.rows[0].i}${parts > 0 ? `, ${parts} partitions` : ''}`);
  }
  const total = (await db.raw(`SELECT pg_size_pretty(pg_database_size(current_database())) AS s`)).rows[0].s;
  out.push(`database total: ${total}`);
  return out;
}

async function main(): Promise<void> {
  const reused = await ensureDatabase();
  let db = createKnex(dbUrl(), { min: 0, max: 2 });
  try {
    await db.raw(`ALTER DATABASE ${DB_NAME} SET statement_timeout = 0`);
    const tm = Date.now();
    await migrateLatest(db);
    const migrateSeconds = (Date.now() - tm) / 1000;
    log(`migrations: ${migrateSeconds.toFixed(1)} s`);
    if (reused) log(`reusing seeded database: ${reused.cases} cases`);
    const info = reused ? { ...reused, reused: true } : await seed(db);
    // A seed made before the timeline read the diagram stored a placeholder for the model: the real one now.
    for (const p of PROCESSES)
      await db('process_definitions')
        .where({ bpmn_process_id: p.id, checksum: 'bench' })
        .update({ xml: caseModel(p.id, p.name) });
    if (process.env.BENCH_SEED_ONLY) {
      log(`seeded ${info.cases} cases; BENCH_SEED_ONLY: not measuring`);
      return;
    }
    await db.raw(`ALTER DATABASE ${DB_NAME} SET statement_timeout = '${STATEMENT_TIMEOUT_S}s'`);
    await db.destroy();
    db = createKnex(dbUrl(), { min: 0, max: 10 }); // new sessions take the timeout; the app's pool size
    const seeded = Number((await db.raw(`SELECT count(*) AS n FROM hist_process_instances`)).rows[0].n);
    const sz = await sizes(db);
    const migs = (await db.raw(`SELECT name FROM knex_migrations ORDER BY name DESC LIMIT 1`)).rows[0]?.name;
    const load = (await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ');
    log('measuring');
    const rows = await measure(await cases(db), ITER);
    const loadAfter = (await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ');
    const lines = [
      ``,
      `## Audit history at scale: ${new Date().toISOString()}`,
      ``,
      `- Machine: ${machine()}. ${machineNote()} (Load average 1/5/15 min ${load} before measuring, ${loadAfter} after.)`,
      `- PostgreSQL: ${(await db.raw('SHOW server_version')).rows[0].server_version}, shared_buffers ${(await db.raw('SHOW shared_buffers')).rows[0].shared_buffers}, work_mem ${(await db.raw('SHOW work_mem')).rows[0].work_mem}, database \`${DB_NAME}\`, latest migration \`${migs}\``,
      `- Seeded: ${seeded.toLocaleString('en')} finished cases (requested ${CASES.toLocaleString('en')}${info.chunksDone < info.chunks ? `; the seed budget stopped after ${info.chunksDone} of ${info.chunks} chunks` : ''}) over ${YEARS} years (${PROCESSES.length} procedures, ${workUnits.length} units receiving cases, ${unitsAll.length * (OFFICERS_PER_UNIT + 1)} users). Per case: 5 element instances, 1 human step in inbox_tasks (10 % late), 2 process variables + 2 variable events, 1 audit entry; raw zeebe_record (4 sequence flows per case) only for the last ${RAW_DAYS} days (${info.rawCases.toLocaleString('en')} cases). No case_deadlines rows (lateness comes from the steps), no attachments.`,
      `- Seed: ${info.reused ? 'reused from an earlier run, which took' : 'took'} ${fmt(info.seconds, 0)} s (index rebuild ${fmt(info.indexSeconds, 0)} s of it), then VACUUM ANALYZE.`,
      ...sz.map((s) => `  - ${s}`),
      ...(migrateSeconds > 5
        ? [
            `- Migrations applied at the start of this run on the existing database: ${fmt(migrateSeconds, 0)} s (the case_index migration: table, set-based backfill in batches of 200,000 cases, indexes, ANALYZE).`,
          ]
        : []),
      `- A query running past ${STATEMENT_TIMEOUT_S} s was cancelled (statement_timeout) and counts as "> ${STATEMENT_TIMEOUT_S * 1000}" in the percentiles.`,
      `- Each query up to ${ITER} times (fewer, as n says, when it ran past ${CASE_BUDGET_S} s), one at a time, varying cases, months, procedures and units, timed around the same functions the route calls, with the same concurrency, pool of 10 like the app (timeline: scopeUnitCodes, caseAccess (existence, scope and units from case_index), loadTimeline (its reads concurrent); search: scopeUnitCodes, then searchCases over case_index = count stopping at 10,001 (then the planner's estimate) + page of 50, concurrent).`,
      ``,
      `| Query | n | p50 ms | p95 ms | p99 ms | target p95 | met |`,
      `|---|---:|---:|---:|---:|---:|:---:|`,
      ...rows.map(
        (r) =>
          `| ${r.name} | ${r.n}${r.timeouts ? ` (${r.timeouts} timed out)` : ''} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${r.target} ms | ${r.p95 <= r.target ? 'yes' : '**no**'} |`,
      ),
      ``,
    ];
    appendResults('audit-scale.md', lines);
  } finally {
    await db.destroy();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
