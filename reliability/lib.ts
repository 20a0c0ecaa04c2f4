/**
 * Shared by the reliability scripts: HTTP with outages, a seeded random source, the API as a child
 * process that can be killed with SIGKILL, officers working the five-step process over HTTP, and the
 * final checks on the database (nothing lost, nothing doubled, audit chain intact).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hash } from '@node-rs/argon2';
import type { Knex } from 'knex';
import { insertUser, upsertUnit } from '../domain/org/users.js';
import { verifyAuditChain } from '../domain/audit/chain.js';
import { fiveStepModel } from '../bench/lib.js';
import { DEMO_UNITS } from '../api/demo.js';

export const PROCESS_ID = 'reliability-five-steps';
export const STEPS = 5;

export const say = (tag: string) => (m: string) => console.log(`[${tag} ${new Date().toISOString().slice(11, 19)}] ${m}`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** mulberry32: the same schedule for the same seed. */
export function prng(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One HTTP call; status 0 when no answer came (the API is down or the connection was cut). */
export async function http(
  base: string,
  method: string,
  url: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any }> {
  try {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, json };
  } catch {
    return { status: 0, json: undefined };
  }
}

/** The API/worker process (`api/server.ts`) as a child that can be started again after a kill. */
export class ApiProcess {
  private child: ChildProcess | undefined;
  readonly base: string;
  constructor(
    private readonly port: number,
    private readonly env: () => Record<string, string>,
    private readonly logFile: string,
  ) {
    this.base = `http://127.0.0.1:${port}`;
  }

  async start(timeoutMs = 180_000): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'api/server.ts'], {
      env: { ...process.env, PORT: String(this.port), LOG_LEVEL: 'warn', ...this.env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d: Buffer) => appendFileSync(this.logFile, d));
    child.stderr.on('data', (d: Buffer) => appendFileSync(this.logFile, d));
    this.child = child;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}; see ${this.logFile}`);
      if ((await http(this.base, 'GET', '/health')).status === 200) return;
      await sleep(250);
    }
    throw new Error(`the API did not become healthy in ${timeoutMs / 1000} s; see ${this.logFile}`);
  }

  /** kill -9, and wait until it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }
}

export interface Crew {
  password: string;
  officers: string[];
  /** officers of the one-stop desk of the bundled procedures (XA-TANPHU-TTPV) */
  desks: string[];
}

/** The bundled one-stop procedure the desks receive during the runs (processes/onestop-catalogue.json). */
export const DESK_PROCEDURE = {
  code: '1.001612',
  bpmnProcessId: 'mc-dang-ky-ho-kinh-doanh',
  documents: [{ code: 'GIAY-DE-NGHI', copies: 1 }],
  deskUnit: 'XA-TANPHU-TTPV',
};

/** A unit, a designer and officers, and the five-step process deployed through the API. */
export async function prepare(db: Knex, base: string, officers: number, desks = 0): Promise<Crew> {
  const unit = 'RELIAB';
  await upsertUnit(db, { code: unit, name: 'Đơn vị thử độ tin cậy', kind: 'unit' });
  for (const u of DEMO_UNITS) await upsertUnit(db, u);
  const password = `Reliab-${Math.random().toString(36).slice(2, 10)}`;
  const passwordHash = await hash(password);
  await insertUser(db, { username: 'reliab_designer', passwordHash, fullName: 'Người thiết kế', unitCode: unit, roles: ['designer'] });
  const names = Array.from({ length: officers }, (_, i) => `reliab_officer_${i}`);
  for (const [i, username] of names.entries()) await insertUser(db, { username, passwordHash, fullName: `Cán bộ ${i}`, unitCode: unit, roles: ['officer'] });
  const deskNames = Array.from({ length: desks }, (_, i) => `reliab_desk_${i}`);
  for (const [i, username] of deskNames.entries())
    await insertUser(db, { username, passwordHash, fullName: `Cán bộ một cửa ${i}`, unitCode: DESK_PROCEDURE.deskUnit, roles: ['officer'] });
  const designer = await tokenOf(base, 'reliab_designer', password);
  const dep = await http(base, 'POST', '/api/process-definitions', designer, {
    resourceName: `${PROCESS_ID}.bpmn`,
    xml: fiveStepModel(PROCESS_ID, { userGroup: `${unit}/officer` }),
  });
  if (dep.status !== 201) throw new Error(`deploy failed: ${dep.status} ${JSON.stringify(dep.json)}`);
  return { password, officers: names, desks: deskNames };
}

export async function tokenOf(base: string, username: string, password: string): Promise<string> {
  for (;;) {
    const r = await http(base, 'POST', '/api/auth/login', undefined, { username, password });
    if (r.status === 200) return r.json.token as string;
    await sleep(500);
  }
}

export const counters = { httpErrors: 0, started: 0, queued: 0, replays: 0, replayMismatches: 0, received: 0 };

/**
 * One officer: starts its share of the cases (`cases`), then claims and completes whatever of the
 * process is offered to it or held by it, until `done()` says to stop. Every failure is retried on
 * the next round (status 0 or 5xx are counted as outage errors).
 */
export async function officerLoop(bases: string[], username: string, password: string, cases: number, done: () => Promise<boolean>): Promise<void> {
  let round = 0;
  const baseNow = () => bases[round++ % bases.length];
  let token = await tokenOf(bases[0], username, password);
  let started = 0;
  for (;;) {
    const base = baseNow();
    if (started < cases) {
      // Every case has its Idempotency-Key; a failed or queued start is retried with the same key.
      const key = `${username}-case-${started}`;
      const r = await http(
        base,
        'POST',
        '/api/process-instances',
        token,
        { bpmnProcessId: PROCESS_ID, variables: { starter: username } },
        { 'idempotency-key': key },
      );
      if (r.status === 201 || r.status === 200) {
        started++;
        counters.started++;
        // Now and then the client repeats a request that succeeded (a lost answer, as it sees it).
        if (started % 3 === 0) {
          const again = await http(
            base,
            'POST',
            '/api/process-instances',
            token,
            { bpmnProcessId: PROCESS_ID, variables: { starter: username } },
            { 'idempotency-key': key },
          );
          if (again.status === 200 || again.status === 201) {
            counters.replays++;
            if (again.json.processInstanceKey !== r.json.processInstanceKey) counters.replayMismatches++;
          }
        }
      } else if (r.status === 202) counters.queued++;
      else counters.httpErrors++;
    }
    const list = await http(base, 'GET', `/api/tasks?scope=all&bpmnProcessId=${PROCESS_ID}&limit=50`, token);
    if (list.status === 401) {
      token = await tokenOf(base, username, password);
      continue;
    }
    if (list.status !== 200) {
      counters.httpErrors++;
      await sleep(300);
      continue;
    }
    const items = (list.json.items as { id: string; assignee: string | null }[]).filter((t) => t.assignee === null || t.assignee === username);
    if (items.length === 0) {
      if (started >= cases && (await done())) return;
      await sleep(200);
      continue;
    }
    for (const t of items.slice(0, 5)) {
      if (t.assignee === null) {
        const c = await http(base, 'POST', `/api/tasks/${t.id}/claim`, token);
        if (c.status !== 200) {
          if (c.status === 0 || c.status >= 500) counters.httpErrors++;
          continue;
        }
      }
      // The steps have no form and their model reads no variable: a completion carries none (any other is refused).
      const r = await http(base, 'POST', `/api/tasks/${t.id}/complete`, token, { variables: {} });
      if (r.status === 0 || r.status >= 500) counters.httpErrors++;
    }
  }
}

/** An in-person receipt as the desk's form sends it: the body in "data" and a scanned PDF per document. */
async function receiveWithScans(base: string, token: string, body: { documents: { code: string }[] } & Record<string, unknown>): Promise<{ status: number }> {
  const form = new FormData();
  form.append('data', JSON.stringify(body));
  for (const d of body.documents)
    form.append(`scan:${d.code}`, new Blob([`%PDF-1.4\n% scan ${d.code}\n%%EOF\n`], { type: 'application/pdf' }), `${d.code}.pdf`);
  try {
    const res = await fetch(`${base}/api/onestop/dossiers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
      signal: AbortSignal.timeout(15_000),
    });
    await res.arrayBuffer();
    return { status: res.status };
  } catch {
    return { status: 0 };
  }
}

/**
 * One desk officer: receives `count` dossiers of the bundled one-stop procedure in person. A receipt
 * answered 201 counts; status 0 or 5xx is retried (a receipt whose answer was lost may have been
 * recorded: each recorded dossier must still have exactly one process instance).
 */
export async function deskLoop(bases: string[], username: string, password: string, count: number): Promise<void> {
  let round = 0;
  let token = await tokenOf(bases[0], username, password);
  let received = 0;
  while (received < count) {
    const base = bases[round++ % bases.length];
    const r = await receiveWithScans(base, token, {
      procedureCode: DESK_PROCEDURE.code,
      applicant: { name: `Người nộp ${username} ${received}` },
      documents: DESK_PROCEDURE.documents,
    });
    if (r.status === 201) {
      received++;
      counters.received++;
    } else if (r.status === 401) token = await tokenOf(base, username, password);
    else {
      counters.httpErrors++;
      await sleep(300);
    }
    await sleep(500);
  }
}

export async function completedCases(db: Knex): Promise<number> {
  const rows = await db('hist_process_instances').where({ bpmn_process_id: PROCESS_ID, state: 'completed' }).count<{ n: string }[]>('* as n');
  return Number(rows[0].n);
}

/** True when every instance of the process the history knows is completed and no inbox row is open. */
export async function settled(db: Knex): Promise<boolean> {
  const [row] = (
    await db.raw(
      `SELECT (SELECT count(*) FROM hist_process_instances WHERE bpmn_process_id = ? AND state <> 'completed') AS running,
              (SELECT count(*) FROM inbox_tasks WHERE bpmn_process_id = ? AND status <> 'completed') AS open,
              (SELECT count(*) FROM hist_process_instances WHERE bpmn_process_id = ?) AS total,
              (SELECT count(*) FROM engine_outbox WHERE status = 'pending') AS outbox,
              (SELECT count(*) FROM dossiers WHERE status <> 'SUBMITTED' AND process_instance_key IS NULL AND closed_at IS NULL) AS unstarted`,
      [PROCESS_ID, PROCESS_ID, PROCESS_ID],
    )
  ).rows as { running: string; open: string; total: string; outbox: string; unstarted: string }[];
  return (
    Number(row.running) === 0 && Number(row.open) === 0 && Number(row.total) >= counters.started && Number(row.outbox) === 0 && Number(row.unstarted) === 0
  );
}

export interface Verdict {
  ok: boolean;
  lines: string[];
}

/** What the database says after the storm: every case done, one inbox row per step, no double completion, audit chain intact. */
export async function verify(db: Knex, expectedCases: number): Promise<Verdict> {
  const q = async <T>(sql: string, bindings: unknown[] = []) => (await db.raw(sql, bindings as never)).rows as T[];
  const [instances] = await q<{ total: string; completed: string }>(
    `SELECT count(*) AS total, count(*) FILTER (WHERE state = 'completed') AS completed FROM hist_process_instances WHERE bpmn_process_id = ?`,
    [PROCESS_ID],
  );
  const [inbox] = await q<{ rows: string; element_instances: string; not_completed: string }>(
    `SELECT count(*) AS rows, count(DISTINCT element_instance_key) AS element_instances, count(*) FILTER (WHERE status <> 'completed') AS not_completed
       FROM inbox_tasks WHERE bpmn_process_id = ?`,
    [PROCESS_ID],
  );
  const [engine] = await q<{ completed_steps: string }>(
    `SELECT count(*) AS completed_steps FROM hist_element_instances WHERE bpmn_process_id = ? AND bpmn_element_type = 'USER_TASK' AND state = 'completed'`,
    [PROCESS_ID],
  );
  // A completion applied twice would leave two successful task.complete entries for one task.
  const [twice] = await q<{ n: string }>(
    `SELECT count(*) AS n FROM (SELECT target_id FROM audit_log WHERE action = 'task.complete' GROUP BY target_id HAVING count(*) > 1) s`,
  );
  // Two instances created for one outbox start (one case asked for) would share an eisoStartId.
  const [doubled] = await q<{ n: string }>(
    `SELECT count(*) AS n FROM (SELECT value FROM hist_variables WHERE name = 'eisoStartId' GROUP BY value HAVING count(DISTINCT process_instance_key) > 1) s`,
  );
  // Every received dossier: exactly one instance carries its id, and it is the one on the dossier.
  const [dossiers] = await q<{ received: string; one: string; none: string; more: string; mismatched: string }>(
    `WITH d AS (
       SELECT d.id, d.process_instance_key,
              (SELECT count(DISTINCT v.process_instance_key) FROM hist_variables v WHERE v.name = 'dossierId' AND v.value = to_jsonb(d.id::text)) AS instances,
              EXISTS (SELECT 1 FROM hist_variables v WHERE v.name = 'dossierId' AND v.value = to_jsonb(d.id::text) AND v.process_instance_key = d.process_instance_key) AS matches
         FROM dossiers d WHERE d.received_at IS NOT NULL)
     SELECT count(*) AS received, count(*) FILTER (WHERE instances = 1) AS one, count(*) FILTER (WHERE instances = 0) AS none,
            count(*) FILTER (WHERE instances > 1) AS more, count(*) FILTER (WHERE NOT matches) AS mismatched FROM d`,
  );
  const [outbox] = await q<{ done: string; adopted: string; pending: string; failed: string }>(
    `SELECT count(*) FILTER (WHERE status = 'done') AS done, count(*) FILTER (WHERE adopted) AS adopted, count(*) FILTER (WHERE status = 'pending') AS pending, count(*) FILTER (WHERE status = 'failed') AS failed FROM engine_outbox`,
  );
  const audit = await verifyAuditChain(db);
  const total = Number(instances.total);
  const steps = total * STEPS;
  const lost = total - Number(instances.completed) + (steps - Number(engine.completed_steps));
  const duplicated = Number(inbox.rows) - Number(inbox.element_instances) + Number(twice.n);
  const startsDoubled = Math.max(0, total - expectedCases) + Number(doubled.n);
  const dossiersOk = Number(dossiers.more) === 0 && Number(dossiers.none) === 0 && Number(dossiers.mismatched) === 0;
  const ok =
    total >= expectedCases &&
    startsDoubled === 0 &&
    counters.replayMismatches === 0 &&
    dossiersOk &&
    Number(outbox.pending) === 0 &&
    lost === 0 &&
    duplicated === 0 &&
    Number(inbox.not_completed) === 0 &&
    Number(inbox.rows) === steps &&
    audit.ok;
  return {
    ok,
    lines: [
      `- cases asked for: ${expectedCases}; instances in the engine: ${total}, completed: ${instances.completed}`,
      `- starts doubled (instances beyond the cases asked for, or two instances for one outbox start): ${startsDoubled}`,
      `- API starts with Idempotency-Key: ${counters.queued} answered 202 (queued) and retried with the same key; ${counters.replays} successful starts repeated with their key, ${counters.replayMismatches} gave another case`,
      `- one-stop dossiers received at the desk: ${dossiers.received}; with exactly one instance: ${dossiers.one}, none: ${dossiers.none}, more than one: ${dossiers.more}, instance not the dossier's: ${dossiers.mismatched}`,
      `- engine outbox: ${outbox.done} commands done (${outbox.adopted} adopted from the exported history after an uncertain send), ${outbox.pending} pending, ${outbox.failed} refused`,
      `- steps: ${engine.completed_steps} completed in the engine, ${inbox.rows} inbox rows for ${inbox.element_instances} step instances, ${inbox.not_completed} not completed`,
      `- HTTP calls that failed during the outages (retried): ${counters.httpErrors}`,
      `- audit chain: ${audit.ok ? 'verifies' : 'BROKEN'} (${audit.checked} entries)`,
      `- work lost: ${lost}; duplicated: ${duplicated}`,
    ],
  };
}

export function record(title: string, lines: string[]): void {
  console.log([title, ...lines].join('\n'));
  const results = path.resolve('reliability/RESULTS.md');
  if (!existsSync(results)) writeFileSync(results, '# Reliability results\n\nAppended by `npm run reliability:crash` and `npm run reliability:cluster`.\n\n');
  appendFileSync(results, `${[title, '', ...lines, ''].join('\n')}\n`);
}
