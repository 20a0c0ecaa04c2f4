import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import { hash } from '@node-rs/argon2';
import { insertUser, upsertUnit } from '../../domain/org/users.js';
import { DEMO_UNITS } from '../../api/demo.js';
import type { Role } from '../../api/schemas/auth.js';
import { isBackPressure } from '../../engine/client.js';

const suffix = () => randomBytes(3).toString('hex');

/** A time written out in Vietnam's time: vn('2026-03-02 15:30') is 15:30 on 2 March 2026 at UTC+7. */
export const vn = (s: string) => new Date(`${s.replace(' ', 'T')}:00+07:00`);

/**
 * An instant's Vietnam wall clock written out as the forms and slips write it, through Intl (not through the
 * code under test): time "08 giờ 05 phút, ngày 02/03/2026", words "ngày 02 tháng 03 năm 2026", short
 * "08:05 02/03/2026", date "2026-03-02".
 */
export function vnWritten(d: Date): { time: string; words: string; short: string; date: string } {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Ho_Chi_Minh',
      hour: '2-digit',
      minute: '2-digit',
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hourCycle: 'h23',
    })
      .formatToParts(d)
      .map((x) => [x.type, x.value]),
  );
  return {
    time: `${p.hour} giờ ${p.minute} phút, ngày ${p.day}/${p.month}/${p.year}`,
    words: `ngày ${p.day} tháng ${p.month} năm ${p.year}`,
    short: `${p.hour}:${p.minute} ${p.day}/${p.month}/${p.year}`,
    date: `${p.year}-${p.month}-${p.day}`,
  };
}

/** The demo units exist in every test database (the bundled procedure names them as candidate groups). */
export async function ensureDemoUnits(db: Knex): Promise<void> {
  for (const u of DEMO_UNITS) await upsertUnit(db, u);
}

export async function createUnit(db: Knex, opts: { name?: string; parentCode?: string } = {}): Promise<string> {
  const code = `U-${suffix()}`.toUpperCase();
  await upsertUnit(db, { code, name: opts.name ?? `Đơn vị thử ${code}`, kind: 'unit', parentCode: opts.parentCode });
  return code;
}

export interface TestUser {
  id: number;
  username: string;
  password: string;
  unitCode: string;
  roles: Role[];
}

/** A fresh user with a unique name (tests never share users). */
export async function createUser(db: Knex, opts: { roles: Role[]; unitCode?: string; fullName?: string }): Promise<TestUser> {
  await ensureDemoUnits(db);
  const username = `${opts.roles[0]}_${suffix()}`;
  const password = `Pw-${randomBytes(6).toString('hex')}`;
  const unitCode = opts.unitCode ?? 'SNNMT';
  const id = await insertUser(db, {
    username,
    passwordHash: await hash(password),
    fullName: opts.fullName ?? `Người thử ${username}`,
    unitCode,
    roles: opts.roles,
  });
  return { id, username, password, unitCode, roles: opts.roles };
}

export interface Client {
  token: string;
  user: TestUser;
  get: (url: string) => Promise<{ status: number; body: any }>;
  post: (url: string, body?: unknown) => Promise<{ status: number; body: any }>;
  del: (url: string) => Promise<{ status: number; body: any }>;
}

/** Signs in through the HTTP API and returns a small client that sends the bearer token. */
export async function login(app: FastifyInstance, user: TestUser, opts: { remoteAddress?: string } = {}): Promise<Client> {
  // remoteAddress: many sign-ins in a row from one address meet the sign-in rate limit
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: user.username, password: user.password },
    ...(opts.remoteAddress ? { remoteAddress: opts.remoteAddress } : {}),
  });
  if (res.statusCode !== 200) throw new Error(`login of ${user.username} failed: ${res.statusCode} ${res.body}`);
  const token = res.json().token as string;
  const call = async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) => {
    const r = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
    return { status: r.statusCode, body: r.body ? safeJson(r.body) : undefined };
  };
  return { token, user, get: (u) => call('GET', u), post: (u, b) => call('POST', u, b ?? {}), del: (u) => call('DELETE', u) };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

/** Polls until `probe` returns a truthy value (bounded: 45 s by default, the longest a loaded CI machine was seen to need for a state to arrive); returns it. */
export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 45_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/**
 * What the engine did with an instance, for the message of a wait that ran out: its last exported records
 * (value type, intent, element, job type, error) and its inbox rows. Read only when a test is failing.
 */
export async function explainInstance(db: Knex, processInstanceKey: string): Promise<string> {
  const records = await db.raw(
    `SELECT record_type, value_type, intent, body->'value'->>'elementId' AS element, body->'value'->>'type' AS job_type,
            COALESCE(body->'value'->>'errorMessage', body->>'rejectionReason') AS error, ts
       FROM zeebe_record WHERE body->'value'->>'processInstanceKey' = ? ORDER BY partition_id, position DESC LIMIT 30`,
    [String(processInstanceKey)],
  );
  const tasks = await db('inbox_tasks').where({ process_instance_key: processInstanceKey }).select('element_id', 'status', 'job_key', 'created_at');
  const lines = (records.rows as any[])
    .reverse()
    .map(
      (r) =>
        `  ${r.ts.toISOString()} ${r.record_type} ${r.value_type} ${r.intent} ${r.element ?? ''} ${r.job_type ?? ''} ${r.error ? `(${String(r.error).slice(0, 160)})` : ''}`,
    );
  return [`instance ${processInstanceKey}: last ${lines.length} exported records`, ...lines, `inbox rows: ${JSON.stringify(tasks)}`].join('\n');
}

/** A wait for an instance's step: when it runs out, its message says what the engine did with the instance. */
export function explainedWait<T>(wait: Promise<T>, db: Knex, processInstanceKey: string): Promise<T> {
  return wait.catch(async (err: Error) => {
    throw new Error(`${err.message}\n${await explainInstance(db, processInstanceKey)}`);
  });
}

/**
 * Runs a command sent straight to the broker, trying again while the broker pushes back
 * (RESOURCE_EXHAUSTED: nothing was written, the client is told to retry). A clock file's jump makes
 * every earlier file's user-task job time out at once; their redelivery can fill the request limit for longer
 * than the ~1.5 s the platform's client itself retries (engine/client.ts, the same test of a push-back).
 */
export async function whileBackPressure<T>(command: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 200; ; wait = Math.min(wait * 2, 3_000)) {
    try {
      return await command();
    } catch (err) {
      if (!isBackPressure(err) || Date.now() + wait > deadline) throw err;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/** POSTs through the API, trying again while it answers 503 (the broker pushed back; nothing was kept). */
export async function postWhileBusy(client: Client, url: string, body?: unknown, tries = 30): Promise<{ status: number; body: any }> {
  let r = await client.post(url, body);
  for (let i = 0; r.status === 503 && i < tries; i++) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    r = await client.post(url, body);
  }
  return r;
}

/** Deploys a bundled or given model through the API as a designer and starts one instance as an officer. */
export async function deployAndStart(
  app: FastifyInstance,
  designer: Client,
  starter: Client,
  opts: { resourceName: string; xml: string; forms?: Record<string, unknown>; variables?: Record<string, unknown> },
) {
  const dep = await designer.post('/api/process-definitions', { resourceName: opts.resourceName, xml: opts.xml, forms: opts.forms });
  if (dep.status !== 201) throw new Error(`deploy failed: ${dep.status} ${JSON.stringify(dep.body)}`);
  const bpmnProcessId = dep.body.processes[0].bpmnProcessId as string;
  const started = await starter.post('/api/process-instances', { bpmnProcessId, variables: opts.variables ?? {} });
  if (started.status !== 201) throw new Error(`start failed: ${started.status} ${JSON.stringify(started.body)}`);
  return { bpmnProcessId, processInstanceKey: started.body.processInstanceKey as string, deployment: dep.body };
}
