import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import { PROCESSES_DIR } from '../engine/bundled.js';
import { toLocalIso } from '../domain/deadlines/calendar/index.js';
import { now as businessNow, nowMs as businessNowMs } from '../lib/clock.js';
import { rescueLostJobs, type DemoClock } from './demo-clock.js';
import type { ZeebeClient } from '../engine/client.js';
import { isoSweep } from '../domain/iso/sweep.js';

/**
 * The demo's activity (`npm start`, issue 18): after the server listens, the demo users live through the
 * bundled one-stop procedures, the land-registration procedure and the ISO system of the department,
 * through the HTTP API (fastify.inject, each demo user signed in with their password; citizens
 * through the public routes with their lookup key) and the real engine, never by writing rows. Reading
 * the database is only used to wait for what the engine has done (the next task, a status).
 *
 * A past year (issue 18 item 1): with a DemoClock (npm start --demo), business time starts a year back
 * and every piece of work is played at its own moment of that year, in time order (class Timeline): a
 * dossier is received on a working day, each of its steps is done some working hours or days later (a few
 * dossiers late, past the step's and the case's due time), ISO work is spread over the months. The clock
 * moves forward only when every piece is waiting for its next moment; at the end it is back on the system
 * time, and the dossiers that stay open were received in the last weeks (some near or past due).
 * Without a clock (tests that drive the filler directly) everything happens now.
 *
 * Once per data folder: `<dataDir>/demo-fill.json` records it (and a database that already holds demo
 * dossiers is never filled again). Demo dossiers are marked: applicant e-mail `*.demo.*@example.com` and
 * the note "Dữ liệu mẫu (demo)".
 */

export interface DemoFillOptions {
  app: FastifyInstance;
  db: Knex;
  dataDir: string;
  /** the demo users' passwords (seedDemo's answer): the filler signs in as each of them */
  passwords: ReadonlyMap<string, string>;
  /** one-stop dossiers to make (default 120 here; npm start's DEMO_DOSSIERS default 250, lib/config.ts); land cases and ISO records are made besides */
  dossiers?: number;
  /** pieces worked at the same time (default 6) */
  concurrency?: number;
  /** progress and outcome lines */
  say?: (m: string) => void;
  /** how long to wait for the engine at one step before giving up that piece (default 180 s) */
  stepTimeoutMs?: number;
  /** live through a past year (npm start --demo): the platform's clock, moved between the pieces' moments */
  clock?: DemoClock;
  /** days back the year starts (default 365) */
  yearDays?: number;
  /** the engine client: the filler runs the ISO sweep once where the year needs it (late dossiers' nonconformities) */
  zeebe?: ZeebeClient;
}

export interface DemoFillResult {
  skipped: boolean;
  reason?: string;
  total: number;
  completed: number;
  failed: number;
  errors: string[];
}

export const DEMO_MARK_NOTE = 'Dữ liệu mẫu (demo) / demo data';
const DEMO_EMAIL_LIKE = '%.demo.%@example.com';
const MARKER = 'demo-fill.json';

// --- the bundled one-stop procedures as the demo users work them ------------------------------------

interface Step {
  el: string;
  user: string;
  vars: Record<string, unknown>;
}
interface Proc {
  processId: string;
  desk: string;
  reviewer: string;
  /** the procedure's own steps after an eligible appraisal, the last one usually the leader's approval */
  steps: Step[];
  /** an officer and a leader of the agency (apology letters) */
  agencyOfficer: string;
  agencyLeader: string;
  /** the leader's approval can send the dossier back to the appraisal */
  sendBack?: Step;
  /** the competent agency, when the procedure is offered by several (issue 17 item 10) */
  agencyCode?: string;
  /** the desk that receives in person, when not the agency's own (any desk of the province, NĐ 118/2025 Art. 15) */
  inPersonDesk?: string;
}

const PROCS: Proc[] = [
  {
    processId: 'mc-dang-ky-ho-kinh-doanh',
    desk: 'motcuaxa',
    reviewer: 'kinhtexa',
    steps: [{ el: 'PheDuyet', user: 'truongphongkt', vars: { pheDuyet: 'dong-y' } }],
    agencyOfficer: 'kinhtexa',
    agencyLeader: 'chutichxa',
  },
  {
    processId: 'mc-cap-phep-xay-dung-nha-o',
    desk: 'motcuaxa',
    reviewer: 'kinhtexa',
    steps: [
      { el: 'KiemTraThucDia', user: 'kinhtexa', vars: { phuHopQuyHoach: 'phu-hop', bienBanKiemTra: 'Phù hợp chỉ giới xây dựng, hiện trạng đúng hồ sơ' } },
      { el: 'XemXetTrinhKy', user: 'truongphongkt', vars: { yKienTruongPhong: 'Đủ điều kiện, trình Chủ tịch ký' } },
      { el: 'PheDuyet', user: 'chutichxa', vars: { pheDuyet: 'dong-y' } },
    ],
    agencyOfficer: 'kinhtexa',
    agencyLeader: 'chutichxa',
  },
  {
    processId: 'mc-cap-phieu-ly-lich-tu-phap',
    desk: 'motcuatinh',
    reviewer: 'tuphap',
    steps: [
      { el: 'TraCuuCongAn', user: 'congan', vars: { ketQuaTraCuu: 'khong-co-an-tich', noiDungTraCuu: 'Không có án tích' } },
      { el: 'LapPhieu', user: 'tuphap', vars: { loaiPhieu: 'so-1', soPhieu: '' } },
      { el: 'PheDuyet', user: 'giamdocstp', vars: { pheDuyet: 'dong-y' } },
    ],
    agencyOfficer: 'tuphap',
    agencyLeader: 'giamdocstp',
  },
  {
    processId: 'mc-dang-ky-khai-sinh',
    desk: 'motcuaxa',
    reviewer: 'hotich',
    steps: [],
    agencyOfficer: 'hotich',
    agencyLeader: 'chutichxa',
  },
  {
    processId: 'mc-cap-chung-chi-hanh-nghe-duoc',
    desk: 'motcuatinh',
    reviewer: 'duocsi',
    steps: [
      { el: 'HoiDongTuVan', user: 'truongphongduoc', vars: { phamViHanhNghe: 'Nhà thuốc', bienBanHoiDong: 'Hội đồng đề nghị cấp' } },
      { el: 'PheDuyet', user: 'giamdocsyt', vars: { pheDuyet: 'dong-y' } },
    ],
    agencyOfficer: 'duocsi',
    agencyLeader: 'giamdocsyt',
    sendBack: { el: 'PheDuyet', user: 'giamdocsyt', vars: { pheDuyet: 'tham-dinh-lai', yKienLanhDao: 'Xác minh lại văn bằng chuyên môn' } },
  },
];

/** Birth registration offered by a second commune (xã Tân Thạnh), some of it received at xã Tân Phú's desk. */
const SECOND_COMMUNE: Proc = {
  processId: 'mc-dang-ky-khai-sinh-xa-tan-thanh',
  desk: 'motcuaxa2',
  reviewer: 'hotich2',
  steps: [],
  agencyOfficer: 'hotich2',
  agencyLeader: 'chutichxa',
  agencyCode: 'XA-TANTHANH',
  inPersonDesk: 'motcuaxa',
};
const SECOND_COMMUNE_KINDS = ['in-person', 'open-review', 'returned', 'submitted', 'in-person', 'open-return'] as const;

/**
 * What happens to a dossier, in the order they are handed out (the first ones give every officer and
 * leader of the procedure an open task, so a small fill still fills every inbox).
 */
const KINDS = [
  'open-review',
  'open-approval',
  'returned',
  'open-return',
  'open-mid',
  'not-eligible',
  'supplement',
  'refused-desk',
  'fees',
  'supplement-waiting',
  'apology',
  'claimed-review',
  'submitted',
  'returned-post',
  'withdrawn',
  'fees-waiting',
  'sent-back',
  'completion-requested',
  'returned',
  'in-person',
  'returned',
  'open-review',
] as const;
type Kind = (typeof KINDS)[number];

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE = ['Văn', 'Thị', 'Hữu', 'Minh', 'Thanh', 'Ngọc', 'Quốc', 'Gia', 'Đức', 'Thu'];
const GIVEN = [
  'An',
  'Bình',
  'Cường',
  'Dung',
  'Em',
  'Giang',
  'Hà',
  'Hải',
  'Hạnh',
  'Khoa',
  'Lan',
  'Long',
  'Mai',
  'Nam',
  'Oanh',
  'Phúc',
  'Quân',
  'Sơn',
  'Tâm',
  'Uyên',
  'Vinh',
  'Yến',
];
const COMMENTS = ['Cán bộ hướng dẫn tận tình', 'Thủ tục nhanh gọn', 'Cần rút ngắn thời gian chờ', 'Hài lòng', 'Phòng chờ hơi đông', 'Trả kết quả đúng hẹn', ''];

/** A small deterministic generator, so two fills of the same size tell the same story. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

interface CatalogueEntry {
  code: string;
  bpmnProcessId: string;
  requiredDocuments: { code: string; mandatory: boolean; copies?: number; scanExempt?: string }[];
  agencies?: { agencyCode: string; bpmnProcessId?: string }[];
}

// --- calling the API as a user or a citizen ---------------------------------------------------------

interface Reply {
  status: number;
  body: any;
}

/** How many times a request answered 503 (engine busy) is sent again by the filler. */
const BUSY_RESENDS = 4;

class Api {
  private tokens = new Map<string, string>();
  /** leaves the filler's requests out of the request log (errors are still logged) */
  private quiet: Record<string, string>;
  constructor(
    private app: FastifyInstance,
    readonly db: Knex,
    private passwords: ReadonlyMap<string, string>,
  ) {
    this.quiet = { 'x-eiso-demo-fill': app.demoFill.quietKey };
  }

  /**
   * The bearer token of a demo user, from the sign-in route with the password npm start printed (each user
   * from an address of their own: the sign-in route counts per address).
   */
  private async token(username: string): Promise<string> {
    const known = this.tokens.get(username);
    if (known) return known;
    const password = this.passwords.get(username);
    if (!password) throw new Error(`the password of ${username} is not known (changed since the demo was made)`);
    const n = [...this.passwords.keys()].indexOf(username);
    const r = await this.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: `127.0.2.${n + 1}`,
      headers: this.quiet,
      payload: { username, password },
    });
    if (r.statusCode !== 200) throw new Error(`sign-in of ${username}: ${r.statusCode} ${r.body.slice(0, 200)}`);
    const token = (JSON.parse(r.body) as { token: string }).token;
    this.tokens.set(username, token);
    return token;
  }

  /**
   * A request as the user. A 503 (the engine busy or out of reach: nothing was done) is sent again a few
   * times, seconds apart, as the person would press again; a task's completion is not (its 503 is re-sent
   * by the runtime, see Work.work).
   */
  async as(username: string, method: 'GET' | 'POST', url: string, body?: unknown): Promise<Reply> {
    const resend = !/^\/api\/tasks\/[^/]+\/complete$/.test(url);
    for (let attempt = 0; ; attempt++) {
      const r = await this.app.inject({
        method,
        url,
        headers: { ...this.quiet, authorization: `Bearer ${await this.token(username)}` },
        ...(body !== undefined ? { payload: body as object } : {}),
      });
      if (r.statusCode !== 503 || !resend || attempt >= BUSY_RESENDS) return { status: r.statusCode, body: parse(r.body) };
      await new Promise((done) => setTimeout(done, 2000 * (attempt + 1)));
    }
  }

  /** A multipart form sent as a signed-in person (the desk's in-person receipt with its scans). */
  async okForm(username: string, url: string, form: Multipart): Promise<any> {
    const r = await this.app.inject({
      method: 'POST',
      url,
      headers: { ...this.quiet, authorization: `Bearer ${await this.token(username)}`, ...form.headers },
      payload: form.payload,
    });
    if (r.statusCode !== 201) throw new Error(`${username} POST ${url}: ${r.statusCode} ${r.body.slice(0, 300)}`);
    return parse(r.body);
  }

  async ok(username: string, method: 'GET' | 'POST', url: string, body?: unknown, expect: number[] = [200, 201, 202]): Promise<any> {
    const r = await this.as(username, method, url, body);
    if (!expect.includes(r.status)) throw new Error(`${username} ${method} ${url}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    return r.body;
  }

  /** A citizen on their own phone (the public routes count per address). */
  async citizen(ip: string, method: 'GET' | 'POST', url: string, o: { token?: string; body?: unknown; form?: Multipart } = {}): Promise<Reply> {
    const r = await this.app.inject({
      method,
      url,
      remoteAddress: ip,
      headers: { ...this.quiet, ...(o.token ? { 'x-lookup-token': o.token } : {}), ...(o.form?.headers ?? {}) },
      ...(o.form ? { payload: o.form.payload } : o.body !== undefined ? { payload: o.body as object } : {}),
    });
    return { status: r.statusCode, body: parse(r.body) };
  }
}

function parse(body: string): any {
  try {
    return body ? JSON.parse(body) : undefined;
  } catch {
    return body;
  }
}

interface Multipart {
  payload: Buffer;
  headers: Record<string, string>;
}
function multipart(fields: Record<string, string>, files: { field: string; name: string; content: Buffer }[]): Multipart {
  const boundary = `----eisodemo${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; filename="${f.name}"\r\nContent-Type: application/pdf\r\n\r\n`),
      f.content,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
const pdf = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);

// --- waiting for the engine ---------------------------------------------------------------------------

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined | null>): Promise<T> {
  const end = Date.now() + timeoutMs;
  let wait = 100;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(wait);
    wait = Math.min(wait * 1.5, 1000);
  }
}

class Worker {
  constructor(
    private api: Api,
    private db: Knex,
    private timeoutMs: number,
    /** waits for the moment of this piece's next step (the past year), nothing without a clock */
    readonly pace: () => Promise<void> = async () => {},
    /** waits `workingDays` more (a revision months later), nothing without a clock */
    readonly later: (workingDays: number) => Promise<void> = async () => {},
  ) {}

  /** The same worker for one piece of work with its own pace. */
  paced(p: Pace): Worker {
    return new Worker(this.api, this.db, this.timeoutMs, p.next, p.later);
  }

  /** The open task of a step of an instance (optionally the one whose variables match). */
  task(key: string, el: string, match?: (vars: Record<string, unknown>) => boolean): Promise<{ job_key: string }> {
    return until(`${el} of ${key}`, this.timeoutMs, async () => {
      const rows = await this.db('inbox_tasks').where({ process_instance_key: key, element_id: el, status: 'open' }).select('job_key', 'variables');
      const row = rows.find((r) => !match || match(typeof r.variables === 'string' ? JSON.parse(r.variables) : (r.variables ?? {})));
      return row ? { job_key: String(row.job_key) } : undefined;
    });
  }

  /** The step of an instance that is open now, whichever it is. */
  anyOpen(key: string): Promise<string> {
    return until(`a step of ${key}`, this.timeoutMs, async () => {
      const row = await this.db('inbox_tasks').where({ process_instance_key: key, status: 'open' }).first('element_id');
      return row ? String(row.element_id) : undefined;
    });
  }

  async claim(user: string, key: string, el: string): Promise<string> {
    await this.task(key, el);
    await this.pace();
    const t = await this.task(key, el);
    await this.api.ok(user, 'POST', `/api/tasks/${t.job_key}/claim`);
    return t.job_key;
  }

  /** Claims and completes the open step as the user; a 503 (the engine was slow) is re-sent by the runtime. */
  async work(user: string, key: string, el: string, vars: Record<string, unknown>, match?: (v: Record<string, unknown>) => boolean): Promise<void> {
    await this.task(key, el, match); // the step is there before its moment comes
    await this.pace();
    const t = await this.task(key, el, match);
    await this.api.ok(user, 'POST', `/api/tasks/${t.job_key}/claim`);
    const r = await this.api.as(user, 'POST', `/api/tasks/${t.job_key}/complete`, { variables: vars });
    if (r.status === 503) {
      await until(`${el} completion re-sent`, this.timeoutMs, async () =>
        (await this.db('inbox_tasks').where({ job_key: t.job_key }).first('status'))?.status === 'completed' ? true : undefined,
      );
    } else if (r.status !== 200) throw new Error(`${user} completes ${el}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  }

  dossier(id: string, ok: (d: any) => boolean, what: string): Promise<any> {
    return until(what, this.timeoutMs, async () => {
      const d = await this.db('dossiers').where({ id }).first();
      return d && ok(d) ? d : undefined;
    });
  }
}

// --- the fill -----------------------------------------------------------------------------------------

interface Marker {
  status: 'running' | 'done';
  startedAt: string;
  finishedAt?: string;
  total?: number;
  completed?: number;
  failed?: number;
}

function readMarker(dataDir: string): Marker | null {
  const file = path.join(dataDir, MARKER);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Marker;
  } catch {
    return { status: 'running', startedAt: '' };
  }
}
function writeMarker(dataDir: string, m: Marker): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path.join(dataDir, MARKER), JSON.stringify(m, null, 2));
}

/** Whether this data folder's marker says its demo activity was made, or begun, already (no database needed). */
export function demoFillMarked(dataDir: string): boolean {
  return readMarker(dataDir) !== null;
}

/** Whether this data folder (or its database) has had its demo activity already. */
export async function demoFilledBefore(db: Knex, dataDir: string): Promise<string | null> {
  const m = readMarker(dataDir);
  if (m?.status === 'done') return 'done';
  if (m) return 'interrupted';
  const row = await db('dossiers').whereRaw(`applicant->>'email' LIKE ?`, [DEMO_EMAIL_LIKE]).first('id');
  return row ? 'present' : null;
}

/** Makes the demo's activity once; returns at once (skipped) when it was made before. Throws only when the database cannot be read. */
export async function fillDemo(opts: DemoFillOptions): Promise<DemoFillResult> {
  const { app, db, dataDir } = opts;
  const say = opts.say ?? (() => {});
  const state = app.demoFill;
  state.running = true; // from the first moment: the banner may ask before the checks below answer
  const before = await demoFilledBefore(db, dataDir).catch((err: unknown) => {
    state.running = false;
    throw err;
  });
  if (before) {
    state.running = false;
    state.done = true;
    const m = readMarker(dataDir);
    Object.assign(state, { total: m?.total ?? 0, completed: m?.completed ?? 0, failed: m?.failed ?? 0 });
    const reason =
      before === 'interrupted'
        ? 'an earlier start was stopped while it filled the demo; what it made stays, nothing is added'
        : 'the demo data of this data folder was made before';
    return { skipped: true, reason, total: state.total, completed: state.completed, failed: state.failed, errors: [] };
  }
  const startedAt = new Date().toISOString();
  writeMarker(dataDir, { status: 'running', startedAt });

  const api = new Api(app, db, opts.passwords);
  const w = new Worker(api, db, opts.stepTimeoutMs ?? 180_000);
  const catalogue = JSON.parse(readFileSync(path.join(PROCESSES_DIR, 'onestop-catalogue.json'), 'utf8')) as CatalogueEntry[];
  const n = opts.dossiers ?? 120;
  // The year: from `yearDays` back to an hour ago (business time), working hours of working days.
  const clock = opts.clock;
  const endMs = Date.now() - 3_600_000;
  const startMs = workMoment(endMs - (opts.yearDays ?? 365) * DAY);
  const span = endMs - 30 * DAY - startMs;
  /** a moment of the year: `f` from 0 (its start) to 1 (a month before its end) */
  const inYear = (f: number) => workMoment(startMs + Math.max(0, Math.min(1, f)) * span);
  /** a moment of the last `days` calendar days (work left open at the end) */
  const recent = (f: number, days = 10) => workMoment(endMs - (1 + f * days) * DAY);
  const pieces: { name: string; at: number; late: boolean; seed: number; run: (w: Worker) => Promise<void> }[] = [];
  for (let i = 0; i < n; i++) {
    const proc = PROCS[i % PROCS.length];
    const kind = KINDS[Math.floor(i / PROCS.length) % KINDS.length];
    const entry = catalogue.find((c) => c.bpmnProcessId === proc.processId);
    if (!entry) continue;
    const r = rng(i * 31337 + 5);
    const open = OPEN_KINDS.has(kind);
    // The first returned dossier of each procedure is late, in the first months: each agency's ISO register
    // then has a nonconformity the platform opened for a late dossier before the year's ISO work closes some.
    const lateEarly = kind === 'returned' && i < 3 * PROCS.length;
    const at = open ? recent(r()) : inYear(r() * (lateEarly ? 0.5 : 1));
    pieces.push({
      name: `${proc.processId} ${kind} #${i}`,
      at,
      late: r() < (open ? 0.35 : 0.18) || lateEarly,
      seed: i,
      run: (pw) => dossier(api, pw, proc, entry, kind, i),
    });
  }
  const secondCommune = catalogue.find((c) => c.agencies?.some((a) => a.bpmnProcessId === SECOND_COMMUNE.processId));
  if (secondCommune)
    SECOND_COMMUNE_KINDS.forEach((kind, j) => {
      const r = rng(j * 7 + 1);
      pieces.push({
        name: `${SECOND_COMMUNE.processId} ${kind} #${j}`,
        at: OPEN_KINDS.has(kind) ? recent(r()) : inYear(r()),
        late: j === 2,
        seed: n + j,
        run: (pw) => dossier(api, pw, SECOND_COMMUNE, secondCommune, kind, n + j),
      });
    });
  const landCount = Math.max(6, Math.round(n / 8));
  for (let i = 0; i < landCount; i++) {
    const r = rng(i * 13 + 7);
    const done = LAND_STOPS[i % LAND_STOPS.length] === 'done';
    const lateEarly = done && i < LAND_STOPS.length; // as above, for the department's register
    pieces.push({
      name: `land case #${i}`,
      at: done ? inYear(r() * (lateEarly ? 0.5 : 1)) : recent(r()),
      late: r() < 0.3 || lateEarly,
      seed: 10_000 + i,
      run: (pw) => landCase(api, pw, i),
    });
  }
  const zeebe = opts.zeebe;
  isoPieces(api, zeebe ? () => isoSweep(db, zeebe).then(() => undefined) : undefined).forEach(([name, run], j) =>
    pieces.push({ name, at: ISO_MOMENTS[name] === undefined ? recent(0.5) : inYear(ISO_MOMENTS[name]), late: false, seed: 20_000 + j, run }),
  );
  pieces.sort((a, b) => a.at - b.at);

  Object.assign(state, { running: true, done: false, total: pieces.length, completed: 0, failed: 0 });
  const errors: string[] = [];
  let lastShown = -1;
  let lastDate = '';
  const progress = (final = false) => {
    const pct = Math.floor(((state.completed + state.failed) * 100) / state.total);
    const date = clock ? vnDate(businessNowMs()) : '';
    if (!final && pct < lastShown + 10 && date.slice(3) === lastDate.slice(3)) return;
    lastShown = Math.max(lastShown, pct);
    lastDate = date;
    say(
      `Dữ liệu demo / demo data: ${state.completed + state.failed}/${state.total} (${pct} %)${date ? `, ngày / date ${date}` : ''}${state.failed ? `, ${state.failed} lỗi / failed` : ''}`,
    );
  };
  say('Filling the demo with activity in the background; look around meanwhile (npm start -- --empty skips it)');
  if (clock) say(`The demo lives through a past year: ${vnDate(startMs)} to ${vnDate(endMs)} (business time; back to now at the end)`);
  progress(true);
  const timeline = new Timeline(clock, Math.max(1, opts.concurrency ?? 6), (ms) => {
    state.demoDate = vnDate(ms);
    progress();
  });
  const one = async (p: (typeof pieces)[number]) => {
    timeline.begin();
    try {
      const pace = new Pace(timeline, p.at, p.late, rng(p.seed * 3 + 11));
      await timeline.at(p.at);
      await p.run(w.paced(pace));
      state.completed++;
    } catch (err) {
      state.failed++;
      errors.push(`${p.name}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      timeline.end();
    }
    progress();
  };
  // Jobs whose activation was lost while the clock is moved back (no job time-out fires then): handed out again.
  const stopRescue = clock && opts.zeebe ? rescueLostJobs(db, opts.zeebe, { say }) : () => {};
  try {
    if (clock) {
      await clock.moveTo(startMs);
      state.demoDate = vnDate(startMs);
      await Promise.all(pieces.map(one));
    } else {
      // no clock: everything now, a few pieces at a time
      let next = 0;
      const lane = async () => {
        while (next < pieces.length) await one(pieces[next++]);
      };
      await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 6) }, lane));
    }
  } finally {
    stopRescue();
    if (clock) await clock.reset().catch((err: unknown) => say(`Demo clock: ${err instanceof Error ? err.message : String(err)}`));
    state.demoDate = undefined;
    state.running = false;
    state.done = true;
    writeMarker(dataDir, {
      status: 'done',
      startedAt,
      finishedAt: new Date().toISOString(),
      total: state.total,
      completed: state.completed,
      failed: state.failed,
    });
  }
  progress(true);
  for (const e of errors.slice(0, 10)) say(`  demo: ${e}`);
  return { skipped: false, total: state.total, completed: state.completed, failed: state.failed, errors };
}

// --- the past year: moments, paces, the timeline ------------------------------------------------------

const DAY = 86_400_000;
const VN = 7 * 3_600_000;

/** dd/mm/yyyy in Vietnam's time. */
function vnDate(ms: number): string {
  const d = new Date(ms + VN);
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
}

/** The moment itself when it is in working hours (Monday to Friday, 08:00 to 16:30 in Vietnam), else the next start of them. */
function workMoment(ms: number): number {
  const d = new Date(ms + VN);
  const h = d.getUTCHours() + d.getUTCMinutes() / 60;
  let day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  let at = ms + VN;
  if (h >= 16.5) {
    day += DAY;
    at = day + 8 * 3_600_000;
  } else if (h < 8) at = day + 8 * 3_600_000;
  for (;;) {
    const wd = new Date(day).getUTCDay();
    if (wd !== 0 && wd !== 6) break;
    day += DAY;
    at = day + 8 * 3_600_000;
  }
  return at - VN;
}

/** `days` working days after `ms` (fractions are working hours: 0.5 is about four hours). */
function addWorkingDays(ms: number, days: number): number {
  let at = workMoment(ms);
  for (let k = 0; k < Math.floor(days); k++) at = workMoment(at + DAY);
  const hours = (days - Math.floor(days)) * 8.5;
  return workMoment(at + hours * 3_600_000);
}

/** Open work at the end of the year: received in its last weeks. */
const OPEN_KINDS: ReadonlySet<Kind> = new Set<Kind>([
  'open-review',
  'open-approval',
  'open-mid',
  'open-return',
  'claimed-review',
  'submitted',
  'supplement-waiting',
  'fees-waiting',
  'completion-requested',
  'apology',
]);

/** When the ISO work of the year happens (0: the year's start, 1: a month before its end; absent: the last weeks). */
const ISO_MOMENTS: Record<string, number> = {
  'ISO objectives': 0.01,
  'ISO (Sở Tư pháp) objective': 0.02,
  'ISO document issued and revised': 0.04,
  'ISO document issued': 0.1,
  'ISO risks': 0.15,
  'ISO nonconformity closed': 0.3,
  'ISO (Sở Tư pháp) nonconformity closed': 0.4,
  'ISO complaint answered': 0.5,
  'ISO internal audit': 0.62,
  'ISO nonconformities of late dossiers closed': 0.8,
  'ISO management review': 0.9,
};

/** One piece's moments: each step some working hours after the one before (a late piece: days after). */
class Pace {
  private t: number;
  constructor(
    private timeline: Timeline,
    start: number,
    private late: boolean,
    private r: () => number,
  ) {
    this.t = start;
  }
  next = async (): Promise<void> => {
    const d = this.late ? 3 + this.r() * 5 : this.r() < 0.7 ? 0.1 + this.r() * 0.6 : 0.7 + this.r() * 1.3;
    this.t = addWorkingDays(this.t, d);
    await this.timeline.at(this.t);
  };
  later = async (workingDays: number): Promise<void> => {
    this.t = addWorkingDays(this.t, workingDays);
    await this.timeline.at(this.t);
  };
}

/**
 * The pieces of the fill played in time order on the demo's clock. A piece counts as running until it
 * waits for a moment (or ends); once none runs, the clock moves to the earliest moment waited for, and the
 * pieces waiting for it (and for the next working hours, at most `atOnce`) go on. Without a clock nobody waits.
 */
class Timeline {
  private waiting: { at: number; go: () => void }[] = [];
  private running = 0;
  private moving = false;
  constructor(
    private clock: DemoClock | undefined,
    private atOnce: number,
    private moved: (ms: number) => void,
  ) {}
  begin(): void {
    this.running++;
  }
  end(): void {
    this.running--;
    this.kick();
  }
  at(ms: number): Promise<void> {
    if (!this.clock) return Promise.resolve();
    return new Promise((go) => {
      this.waiting.push({ at: ms, go });
      this.running--;
      this.kick();
    });
  }
  private kick(): void {
    if (!this.clock || this.running > 0 || this.moving || this.waiting.length === 0) return;
    this.moving = true;
    this.waiting.sort((a, b) => a.at - b.at);
    const first = this.waiting[0].at;
    let k = 0;
    while (k < this.waiting.length && k < this.atOnce && this.waiting[k].at <= first + 4 * 3_600_000) k++;
    const batch = this.waiting.splice(0, k);
    const clock = this.clock;
    void (async () => {
      try {
        if (first > clock.now()) await clock.moveTo(first);
      } catch {
        /* the pieces go on at the time it shows; the next move tries again */
      }
      this.moved(clock.now());
      this.moving = false;
      this.running += batch.length;
      for (const b of batch) b.go();
    })();
  }
}

// --- one dossier ----------------------------------------------------------------------------------------

async function dossier(api: Api, w: Worker, proc: Proc, entry: CatalogueEntry, kind: Kind, i: number): Promise<void> {
  const r = rng(i * 7919 + 17);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const name = `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`;
  const email = `cong.dan.demo.${i}@example.com`;
  const ip = `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}`;
  const mandatory = entry.requiredDocuments.filter((d) => d.mandatory);

  // Received at the desk in person (no lookup key for the citizen) or submitted online and accepted.
  if (kind === 'in-person') {
    // The paper dossier is scanned at the desk: one file per document handed in, unless the catalogue exempts it.
    const d = await api.okForm(
      proc.inPersonDesk ?? proc.desk,
      '/api/onestop/dossiers',
      multipart(
        {
          data: JSON.stringify({
            procedureCode: entry.code,
            ...(proc.agencyCode ? { agencyCode: proc.agencyCode } : {}),
            applicant: { name, email, phone: '0912345678', idNumber: `0010900${String(10000 + i)}` },
            documents: mandatory.map((x) => ({ code: x.code, copies: x.copies ?? 1 })),
            note: DEMO_MARK_NOTE,
          }),
        },
        mandatory.filter((x) => !x.scanExempt).map((x) => ({ field: `scan:${x.code}`, name: `${x.code}-scan.pdf`, content: pdf(`scan ${x.code}`) })),
      ),
    );
    const row = await w.dossier(String(d.id), (x) => x.process_instance_key !== null && x.status === 'IN_PROCESSING', `${d.code} in processing`);
    const key = String(row.process_instance_key);
    await review(w, proc, key, { ketQuaThamDinh: 'du-dieu-kien', yKienThamDinh: 'Hồ sơ đủ điều kiện' });
    await runSteps(w, proc, key, i);
    await w.work(proc.desk, key, 'TraKetQua', { hinhThucTra: 'tai-quay', daKyNhan: true });
    return;
  }

  const submitted = await api.citizen(ip, 'POST', '/api/public/dossiers', {
    form: multipart(
      {
        procedureCode: entry.code,
        ...(proc.agencyCode ? { agencyCode: proc.agencyCode } : {}),
        applicantName: name,
        applicantIdNumber: `0010900${String(10000 + i)}`,
        applicantEmail: email,
        applicantPhone: `09${String(10000000 + i * 37).slice(0, 8)}`,
        note: DEMO_MARK_NOTE,
      },
      mandatory.map((x) => ({ field: `doc:${x.code}`, name: `${x.code}.pdf`, content: pdf(x.code) })),
    ),
  });
  if (submitted.status !== 201) throw new Error(`online submission: ${submitted.status} ${JSON.stringify(submitted.body).slice(0, 300)}`);
  // No code before receipt (TT 03/2025 Art. 13): the submission has its tracking reference until the desk receives it.
  const reference = submitted.body.reference as string;
  const token = submitted.body.lookupToken as string;
  const row = await until<{ id: string }>(`dossier ${reference}`, 30_000, () => api.db('dossiers').where({ reference }).first('id'));
  const id = String(row.id);
  if (kind === 'submitted') return; // waits in the desk's online queue
  await w.pace(); // the desk looks at it some hours later
  if (kind === 'refused-desk') {
    await api.ok(proc.desk, 'POST', `/api/onestop/dossiers/${id}/refuse`, { reason: 'Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan' });
    return;
  }
  if (kind === 'completion-requested') {
    await api.ok(proc.desk, 'POST', `/api/onestop/dossiers/${id}/request-completion`, {
      reason: 'Bản chụp giấy tờ không rõ, đề nghị nộp lại',
      documents: [mandatory[0].code],
    });
    return;
  }
  const code = (await api.ok(proc.desk, 'POST', `/api/onestop/dossiers/${id}/accept`, {})).code as string;
  const accepted = await w.dossier(id, (x) => x.process_instance_key !== null && x.status === 'IN_PROCESSING', `${code} in processing`);
  const key = String(accepted.process_instance_key);

  if (kind === 'open-review') return;
  if (kind === 'claimed-review') {
    await w.claim(proc.reviewer, key, 'ThamDinh');
    return;
  }
  if (kind === 'withdrawn') {
    await w.task(key, 'ThamDinh');
    await w.pace();
    const r2 = await api.citizen(ip, 'POST', `/api/public/dossiers/${code}/withdraw`, { token, body: { reason: 'Tôi muốn nộp lại hồ sơ khác' } });
    if (r2.status !== 202) throw new Error(`withdraw: ${r2.status} ${JSON.stringify(r2.body).slice(0, 200)}`);
    return;
  }
  if (kind === 'fees' || kind === 'fees-waiting') {
    await api.ok(proc.desk, 'POST', `/api/onestop/dossiers/${id}/fees/request`, { reason: 'Nộp lệ phí theo quy định trước khi giải quyết' });
    await w.dossier(id, (x) => x.status === 'AWAITING_FEES', `${code} awaiting fees`);
    if (kind === 'fees-waiting') return;
    await w.pace();
    await api.ok(proc.desk, 'POST', `/api/onestop/dossiers/${id}/fees/paid`);
    await w.dossier(id, (x) => x.status !== 'AWAITING_FEES', `${code} fees paid`);
  }
  if (kind === 'apology') {
    await w.task(key, 'ThamDinh');
    await w.pace();
    await apology(api, proc, code);
    return;
  }
  if (kind === 'not-eligible') {
    await review(w, proc, key, { ketQuaThamDinh: 'khong-du-dieu-kien', lyDoKhongCap: 'Hồ sơ không đáp ứng điều kiện theo quy định' });
    // The leader signs the refusal where the procedure has one, then the desk hands the notice over.
    for (let step = 0; ; step++) {
      const el = await w.anyOpen(key);
      if (el === 'TraKetQua') break;
      const s = proc.steps.find((x) => x.el === el);
      if (!s || step > proc.steps.length) throw new Error(`unexpected step ${el} on the refusal path`);
      await w.work(s.user, key, s.el, stepVars(s, i));
    }
    await w.work(proc.desk, key, 'TraKetQua', { hinhThucTra: 'tai-quay', daKyNhan: true });
    await w.pace();
    await evaluate(api, ip, code, token, r);
    return;
  }
  if (kind === 'supplement' || kind === 'supplement-waiting') {
    await review(w, proc, key, { ketQuaThamDinh: 'can-bo-sung', lyDoBoSung: 'Bổ sung bản chụp giấy tờ rõ nét hơn' });
    await w.dossier(id, (x) => x.status === 'SUPPLEMENT_REQUESTED_IN_PROCESSING', `${code} waiting for the supplement`);
    if (kind === 'supplement-waiting') return;
    await w.pace();
    const s = await api.citizen(ip, 'POST', `/api/public/dossiers/${code}/supplement`, {
      token,
      form: multipart({ note: 'Đã chụp lại giấy tờ' }, [{ field: `doc:${mandatory[0].code}`, name: 'bo-sung.pdf', content: pdf('bo sung') }]),
    });
    if (s.status !== 202) throw new Error(`supplement: ${s.status} ${JSON.stringify(s.body).slice(0, 200)}`);
    await w.dossier(id, (x) => x.status === 'IN_PROCESSING', `${code} back in processing`);
  }
  // From here the dossier is eligible.
  await review(w, proc, key, { ketQuaThamDinh: 'du-dieu-kien', yKienThamDinh: 'Hồ sơ đủ điều kiện' });
  if (kind === 'open-approval') {
    await runSteps(w, proc, key, i, proc.steps.length - 1);
    return;
  }
  if (kind === 'open-mid') return; // the procedure's first own step (or the return) is open
  if (kind === 'sent-back' && proc.sendBack) {
    await runSteps(w, proc, key, i, proc.steps.length - 1);
    await w.work(proc.sendBack.user, key, proc.sendBack.el, proc.sendBack.vars);
    await review(w, proc, key, { ketQuaThamDinh: 'du-dieu-kien', yKienThamDinh: 'Đã xác minh văn bằng' });
  }
  await runSteps(w, proc, key, i);
  if (kind === 'open-return') return;
  const post = kind === 'returned-post';
  await w.work(
    proc.desk,
    key,
    'TraKetQua',
    post ? { hinhThucTra: 'buu-chinh', soVanDon: `EMS${100000 + i}VN`, daKyNhan: true } : { hinhThucTra: 'tai-quay', daKyNhan: true },
  );
  await w.dossier(id, (x) => x.closed_at !== null, `${code} closed`);
  if (r() < 0.8) {
    await w.pace();
    await evaluate(api, ip, code, token, r);
  }
}

async function review(w: Worker, proc: Proc, key: string, vars: Record<string, unknown>): Promise<void> {
  await w.work(proc.reviewer, key, 'ThamDinh', vars);
}

/** The procedure's steps up to (not including) `stopAt` (all of them by default). */
async function runSteps(w: Worker, proc: Proc, key: string, i: number, stopAt = proc.steps.length): Promise<void> {
  for (const [n, s] of proc.steps.entries()) {
    if (n >= stopAt) return;
    await w.work(s.user, key, s.el, stepVars(s, i));
  }
}

function stepVars(s: Step, i: number): Record<string, unknown> {
  const vars = { ...s.vars };
  if (s.el === 'KiemTraThucDia') vars.ngayKiemTra = toLocalIso(businessNow()).slice(0, 10);
  if (s.el === 'LapPhieu') vars.soPhieu = `${100 + i}/LLTP`;
  return vars;
}

/** The agency's officer drafts the apology letter with a new date after the appointment; its leader approves. */
async function apology(api: Api, proc: Proc, code: string): Promise<void> {
  const win = await api.ok(proc.agencyOfficer, 'GET', `/api/onestop-stats/dossiers/${encodeURIComponent(code)}/apology/window`);
  if (!win.open) return; // a one-day procedure leaves no time for a letter
  const appointment = new Date(win.appointmentAt);
  let drafted = false;
  for (let d = 3; d < 12 && !drafted; d++) {
    const date = toLocalIso(new Date(appointment.getTime() + d * 86_400_000)).slice(0, 10);
    const r = await api.as(proc.agencyOfficer, 'POST', `/api/onestop-stats/dossiers/${encodeURIComponent(code)}/apology`, {
      reason: 'Cần xác minh thêm thông tin với cơ quan phối hợp',
      newDate: date,
    });
    if (r.status === 201) drafted = true;
    else if (r.body?.code !== 'APOLOGY_DATE_NOT_WORKING') throw new Error(`apology: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
  }
  if (drafted) await api.ok(proc.agencyLeader, 'POST', `/api/onestop-stats/dossiers/${encodeURIComponent(code)}/apology/approve`);
}

async function evaluate(api: Api, ip: string, code: string, token: string, r: () => number): Promise<void> {
  const form = await api.citizen(ip, 'GET', `/api/public/evaluations/${encodeURIComponent(code)}?t=${encodeURIComponent(token)}`);
  if (form.status !== 200 || !form.body?.canEvaluate) return;
  const score = () => (r() < 0.7 ? 5 : r() < 0.7 ? 4 : r() < 0.6 ? 3 : 2);
  const body = {
    token,
    overall: score(),
    receipt: score(),
    processing: score(),
    returnStage: score(),
    officers: (form.body.officers as { key: string }[]).map((o) => ({ key: o.key, score: score() })),
    comment: COMMENTS[Math.floor(r() * COMMENTS.length)],
  };
  const sent = await api.citizen(ip, 'POST', `/api/public/evaluations/${encodeURIComponent(code)}`, { body });
  if (sent.status !== 201) throw new Error(`evaluation: ${sent.status} ${JSON.stringify(sent.body).slice(0, 200)}`);
}

// --- land registration (processes/dang-ky-bien-dong-dat-dai.bpmn) --------------------------------------

const LAND_STOPS = ['TiepNhan', 'ThamDinh', 'PheDuyet', 'TraKetQua', 'done', 'ThamDinh', 'done', 'PheDuyet'] as const;

async function landCase(api: Api, w: Worker, i: number): Promise<void> {
  const target = LAND_STOPS[i % LAND_STOPS.length];
  const r = rng(i * 104729 + 3);
  const name = `${FAMILY[Math.floor(r() * FAMILY.length)]} ${MIDDLE[Math.floor(r() * MIDDLE.length)]} ${GIVEN[Math.floor(r() * GIVEN.length)]}`;
  // (An earlier receipt date, eisoReceivedAt, is the platform's own variable: a start may not give it.)
  const variables: Record<string, unknown> = { nguoiNop: name, ghiChu: DEMO_MARK_NOTE };
  const started = await api.ok('motcua', 'POST', '/api/process-instances', { bpmnProcessId: 'dang-ky-bien-dong-dat-dai', variables });
  const key = String(started.processInstanceKey);
  const steps: Step[] = [
    { el: 'TiepNhan', user: 'motcua', vars: { nguoiNop: name, soThua: `${10 + i}/${3 + (i % 7)}`, hoSoDayDu: true } },
    { el: 'ThamDinh', user: 'chuyenvien', vars: { ketQuaThamDinh: 'du-dieu-kien', yKienThamDinh: 'Hồ sơ hợp lệ, đủ điều kiện đăng ký biến động' } },
    { el: 'PheDuyet', user: 'lanhdao', vars: { pheDuyet: 'dong-y' } },
    { el: 'TraKetQua', user: 'motcua', vars: { hinhThucTra: 'truc-tiep', daTraKetQua: true } },
  ];
  for (const s of steps) {
    if (s.el === target) {
      if (i % 3 === 1) await w.claim(s.user, key, s.el); // some already in progress
      return;
    }
    await w.work(s.user, key, s.el, s.vars);
  }
}

// --- the department's ISO system (processes/iso-*.bpmn) ---------------------------------------------------

function isoPieces(api: Api, sweep?: () => Promise<void>): [string, (w: Worker) => Promise<void>][] {
  // business time (the demo's past year), read when the step is done
  const yearNow = () => businessNow().getFullYear();
  const todayIso = () => toLocalIso(businessNow()).slice(0, 10);
  const inDays = (d: number) => toLocalIso(new Date(businessNowMs() + d * 86_400_000)).slice(0, 10);
  const approveDoc = async (w: Worker, key: string) => {
    await w.work('truongphong', key, 'LanhDaoPhongRaSoat', { ketQuaRaSoat: 'dat', yKienRaSoat: 'Đạt' });
    await w.work('thukyiso', key, 'ThuKyIsoRaSoat', { ketQuaRaSoat: 'dat' });
    await w.work('daidienld', key, 'LanhDaoChatLuongXemXet', { ketQuaRaSoat: 'dat' });
    await w.work('lanhdao', key, 'LanhDaoBanHanh', { ketQuaRaSoat: 'dat', ngayHieuLuc: todayIso() });
  };
  const newDoc = async (code: string, title: string) => {
    const d = await api.ok('chuyenvien', 'POST', '/api/iso/documents', {
      code,
      title,
      docType: 'quy-trinh',
      summary: 'Ban hành lần đầu',
      distributeTo: ['SNNMT-VP'],
    });
    return { id: String(d.id), key: String(d.versions[0].processInstanceKey) };
  };
  /** Who works a nonconformity in an agency's ISO system: its Office, the responsible division's officer, the management representative. */
  const SNNMT_NC = { office: 'motcua', unit: 'SNNMT-QLDD', unitName: 'Phòng Quản lý đất đai', officer: 'chuyenvien', representative: 'daidienld' };
  const STP_NC = { office: 'vanphongstp', unit: 'STP-HCTP', unitName: 'Phòng Hành chính tư pháp', officer: 'tuphap', representative: 'daidienstp' };
  const nc = async (w: Worker, reporter: string, title: string, description: string, close: boolean, who = SNNMT_NC) => {
    const n = await api.ok(reporter, 'POST', '/api/iso/nonconformities', { title, description });
    await correct(w, String(n.processInstanceKey), close, who);
  };
  /** The corrective action of a nonconformity, from the Office's receipt to its closing (or the representative's opinion). */
  const correct = async (w: Worker, key: string, close: boolean, who: typeof SNNMT_NC) => {
    await w.work(who.office, key, 'VanPhongTiepNhan', { donViChuTri: who.unit, yKienVanPhong: `Chuyển ${who.unitName} xử lý` });
    await w.work(who.officer, key, 'XacDinhNguyenNhan', { nguyenNhan: 'Mẫu phiếu kiểm soát cũ không có ô chữ ký' });
    await w.work(who.officer, key, 'DeXuatHanhDong', { hanhDongKhacPhuc: 'Cập nhật mẫu phiếu, tập huấn cán bộ', canYKienDaiDien: true });
    if (!close) return; // waits for the management representative's opinion
    await w.work(who.representative, key, 'YKienDaiDien', { yKienDaiDien: 'Đồng ý, hoàn thành trong tháng' });
    await w.work(who.officer, key, 'ThucHien', { ketQuaThucHien: 'Đã cập nhật mẫu phiếu và tập huấn' });
    await w.work(who.office, key, 'KiemChung', { coHieuLuc: 'co', nhanXetKiemChung: 'Kiểm tra 10 hồ sơ mới: đủ chữ ký' });
    await w.work(who.office, key, 'DongPhieu', { ketLuan: 'Đã khắc phục, có hiệu lực' });
  };
  const complaint = async (w: Worker, receiver: string, title: string, finish: boolean) => {
    const c = await api.ok(receiver, 'POST', '/api/iso/complaints', {
      title,
      content: 'Công dân phản ánh về thời gian giải quyết hồ sơ đất đai.',
      submitter: 'Nguyễn Văn Phản',
      contact: '0900000000',
      channel: 'truc-tuyen',
    });
    const key = String(c.processInstanceKey);
    await w.work('motcua', key, 'PhanLoai', { phanLoai: 'khieu-nai', donViXuLy: 'SNNMT-QLDD' });
    if (!finish) return;
    await w.work('chuyenvien', key, 'XacMinh', { ketQuaXacMinh: 'Hồ sơ trả đúng hẹn theo phiếu hẹn' });
    await w.work('lanhdao', key, 'KetLuan', { ketLuanPhanAnh: 'khong-dung', noiDungKetLuan: 'Phản ánh không đúng' });
    await w.work('motcua', key, 'TraLoi', { noiDungTraLoi: 'Đã trả lời công dân bằng văn bản' });
  };
  return [
    [
      'ISO document issued and revised',
      async (w: Worker) => {
        const d = await newDoc('QT-DEMO-01', 'Quy trình tiếp nhận và trả kết quả hồ sơ đất đai');
        await w.work('chuyenvien', d.key, 'SoanThao', { tomTatNoiDung: 'Quy định các bước tiếp nhận, thẩm định, trả kết quả' });
        await approveDoc(w, d.key);
        await w.work('motcua', d.key, 'XacNhanDaDoc', { daDoc: true });
        await w.later(110); // revised months later
        const rev = await api.ok('chuyenvien', 'POST', `/api/iso/documents/${d.id}/revisions`, {
          summary: 'Bổ sung bước lưu hồ sơ điện tử',
          distributeTo: ['SNNMT-VP'],
        });
        const v2 = String((rev.versions as any[]).find((v) => v.version === 2).processInstanceKey);
        await w.work('chuyenvien', v2, 'SoanThao', { tomTatNoiDung: 'Bổ sung bước lưu hồ sơ điện tử' });
        await approveDoc(w, v2);
      },
    ],
    [
      'ISO document issued',
      async (w: Worker) => {
        const d = await newDoc('QT-DEMO-02', 'Quy trình kiểm soát hồ sơ chất lượng');
        await w.work('chuyenvien', d.key, 'SoanThao', { tomTatNoiDung: 'Lưu trữ, bảo quản và hủy hồ sơ' });
        await approveDoc(w, d.key);
      },
    ],
    [
      'ISO document in review',
      async (w: Worker) => {
        const d = await newDoc('QT-DEMO-03', 'Quy trình xử lý phản ánh, kiến nghị');
        await w.work('chuyenvien', d.key, 'SoanThao', { tomTatNoiDung: 'Dự thảo lần 1' });
        await w.work('truongphong', d.key, 'LanhDaoPhongRaSoat', { ketQuaRaSoat: 'dat', yKienRaSoat: 'Đạt' }); // the ISO secretary's turn
      },
    ],
    [
      'ISO nonconformity closed',
      (w: Worker) => nc(w, 'thukyiso', 'Phiếu kiểm soát thiếu chữ ký người thẩm định', 'Ba hồ sơ tháng trước không có chữ ký người thẩm định.', true),
    ],
    [
      'ISO nonconformity open',
      (w: Worker) => nc(w, 'motcua', 'Hồ sơ lưu thiếu biên bản bàn giao', 'Hai hồ sơ đất đai không lưu biên bản bàn giao giữa các bộ phận.', false),
    ],
    [
      'ISO internal audit',
      async (w: Worker) => {
        const a = await api.ok('thukyiso', 'POST', '/api/iso/audits', {
          year: yearNow(),
          scope: 'Đánh giá nội bộ các phòng của Sở',
          departments: ['SNNMT-VP', 'SNNMT-QLDD'],
        });
        const key = String(a.processInstanceKey);
        await w.work('thukyiso', key, 'LapChuongTrinh', { chuongTrinh: 'Mục tiêu: đánh giá sự phù hợp; chuẩn mực: TCVN ISO 9001:2015' });
        await w.work('lanhdao', key, 'PheDuyetChuongTrinh', { pheDuyet: 'dat' });
        await w.work('thukyiso', key, 'LapKeHoach', { keHoach: 'Tuần 2: Văn phòng; tuần 3: Phòng Quản lý đất đai' });
        await w.work('lanhdao', key, 'PheDuyetKeHoach', { pheDuyet: 'dat' });
        await w.work(
          'thukyiso',
          key,
          'DanhGiaTaiDonVi',
          { dieuKhoanDaKiemTra: ['7.5', '8.5.1'], ghiChuDanhGia: 'Văn phòng: hồ sơ lưu đầy đủ', phatHien: [] },
          (v) => v.phong === 'SNNMT-VP',
        );
        await w.work(
          'thukyiso',
          key,
          'DanhGiaTaiDonVi',
          {
            dieuKhoanDaKiemTra: ['7.5', '10.2'],
            ghiChuDanhGia: 'Phòng Quản lý đất đai',
            phatHien: [{ dieuKhoan: '7.5.3', noiDung: 'Hai hồ sơ không lưu phiếu kiểm soát' }],
          },
          (v) => v.phong === 'SNNMT-QLDD',
        );
        await w.work('lanhdao', key, 'KetLuan', { ketLuanDanhGia: 'Hệ thống phù hợp; khắc phục 1 điểm không phù hợp' });
      },
    ],
    [
      'ISO management review',
      async (w: Worker) => {
        const rv = await api.ok('thukyiso', 'POST', '/api/iso/reviews', {
          year: yearNow(),
          title: `Xem xét của lãnh đạo năm ${yearNow()}`,
          departments: ['SNNMT-QLDD'],
        });
        const key = String(rv.processInstanceKey);
        await w.work('thukyiso', key, 'SoanThongBao', { thongBao: 'Họp xem xét cuối năm; các phòng báo cáo kết quả mục tiêu và rủi ro' });
        await w.work('lanhdao', key, 'DuyetThongBao', { pheDuyet: 'dat' });
        await w.work('truongphong', key, 'BaoCao', { baoCao: 'Phòng Quản lý đất đai: đạt mục tiêu, 2 hồ sơ trễ hạn' }, (v) => v.donVi === 'SNNMT-QLDD');
        await w.work('thukyiso', key, 'TongHop', { tongHop: 'Tổng hợp báo cáo của các phòng' });
        await w.work('thukyiso', key, 'HopXemXet', { bienBan: 'Biên bản họp xem xét của lãnh đạo' });
        await w.work('lanhdao', key, 'KetLuanXemXet', { ketLuanXemXet: 'Hệ thống phù hợp, có hiệu lực', hanhDongXemXet: 'Rút ngắn thời gian thẩm định' });
      },
    ],
    [
      'ISO objectives',
      async (_w: Worker) => {
        await api.ok('lanhdao', 'POST', '/api/iso/objectives', {
          unitCode: 'SNNMT',
          year: yearNow(),
          title: 'Tỷ lệ hồ sơ giải quyết đúng hạn',
          metric: 'on_time_rate',
          target: 95,
          direction: 'at_least',
        });
        await api.ok('lanhdao', 'POST', '/api/iso/objectives', {
          unitCode: 'SNNMT',
          year: yearNow(),
          title: 'Không có hồ sơ quá hạn tồn đọng',
          metric: 'overdue_open',
          target: 0,
          direction: 'at_most',
        });
      },
    ],
    [
      'ISO risks',
      async (w: Worker) => {
        const rk = await api.ok('chuyenvien', 'POST', '/api/iso/risks', {
          kind: 'risk',
          title: 'Hồ sơ đất đai trễ hạn do thiếu cán bộ thẩm định',
          description: 'Một cán bộ nghỉ dài ngày',
          reviewCycleDays: 30,
        });
        const key = String(rk.processInstanceKey);
        await w.work('truongphong', key, 'DanhGiaRuiRo', { khaNang: 4, mucDo: 4, bienPhap: 'Phân công cán bộ dự phòng', hanXuLy: inDays(30) });
        await w.work('chuyenvien', key, 'ThucHienBienPhap', { ketQuaXuLy: 'Đã phân công 2 cán bộ dự phòng' });
        await w.work('thukyiso', key, 'XemXetDinhKy', { khaNang: 2, mucDo: 3, ketQuaXemXet: 'Rủi ro đã giảm', tiepTucTheoDoi: 'tiep-tuc' });
        const opp = await api.ok('truongphong', 'POST', '/api/iso/risks', {
          kind: 'opportunity',
          title: 'Tiếp nhận hồ sơ trực tuyến toàn trình',
          description: 'Giảm thời gian đi lại của người dân',
        });
        await w.work('truongphong', String(opp.processInstanceKey), 'DanhGiaRuiRo', {
          khaNang: 3,
          mucDo: 3,
          bienPhap: 'Mở dịch vụ công trực tuyến',
          hanXuLy: inDays(60),
        });
        // and one waiting for the head of division's assessment
        await api.ok('chuyenvien', 'POST', '/api/iso/risks', {
          kind: 'risk',
          title: 'Mất dữ liệu hồ sơ điện tử',
          description: 'Máy chủ lưu trữ chưa có bản sao dự phòng',
          reviewCycleDays: 90,
        });
      },
    ],
    // The second agency's own quality system (Sở Tư pháp: its ISO secretary, Office and management representative).
    [
      'ISO (Sở Tư pháp) nonconformity closed',
      (w: Worker) =>
        nc(w, 'thukyisostp', 'Sổ theo dõi lý lịch tư pháp ghi thiếu ngày trả', 'Bốn phiếu lý lịch tư pháp không ghi ngày trả kết quả.', true, STP_NC),
    ],
    [
      'ISO (Sở Tư pháp) nonconformity open',
      (w: Worker) => nc(w, 'vanphongstp', 'Chậm chuyển hồ sơ sang Công an tỉnh', 'Hai hồ sơ chuyển Công an tỉnh tra cứu sau 1 ngày.', false, STP_NC),
    ],
    [
      'ISO (Sở Tư pháp) nonconformity reported',
      async (_w: Worker) => {
        // waits for the department's Office to receive it
        await api.ok('tuphap', 'POST', '/api/iso/nonconformities', {
          title: 'Phiếu lý lịch tư pháp in sai năm sinh',
          description: 'Một phiếu in sai năm sinh của người yêu cầu, phát hiện khi trả kết quả.',
        });
      },
    ],
    [
      'ISO (Sở Tư pháp) internal audit planned',
      async (_w: Worker) => {
        // the department's ISO secretary drafts the programme (left open)
        await api.ok('thukyisostp', 'POST', '/api/iso/audits', {
          year: yearNow(),
          scope: 'Đánh giá nội bộ Phòng Hành chính tư pháp',
          departments: ['STP-HCTP'],
        });
      },
    ],
    [
      'ISO (Sở Tư pháp) objective',
      async (_w: Worker) => {
        await api.ok('giamdocstp', 'POST', '/api/iso/objectives', {
          unitCode: 'STP',
          year: yearNow(),
          title: 'Tỷ lệ phiếu lý lịch tư pháp trả đúng hạn',
          metric: 'on_time_rate',
          target: 98,
          direction: 'at_least',
        });
      },
    ],
    [
      'ISO nonconformities of late dossiers closed',
      async (w: Worker) => {
        // The platform's ISO sweep (every 5 minutes of the runtime) opens one for each late dossier: the
        // run it would have made now, then each agency's Office works its first ones to their closing.
        if (sweep) await sweep();
        for (const [agency, who] of [
          ['SNNMT', SNNMT_NC],
          ['STP', STP_NC],
        ] as const) {
          const keys = await api
            .db('iso_nonconformities')
            .where({ source_type: 'late_case', agency })
            .whereNotNull('process_instance_key')
            .orderBy('id')
            .limit(2)
            .pluck('process_instance_key');
          for (const key of keys) await correct(w, String(key), true, who);
        }
      },
    ],
    ['ISO complaint answered', (w: Worker) => complaint(w, 'motcua', 'Hồ sơ trả kết quả chậm', true)],
    ['ISO complaint open', (w: Worker) => complaint(w, 'thukyiso', 'Thái độ tiếp dân tại bộ phận một cửa', false)],
  ];
}
