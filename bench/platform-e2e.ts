import type { Knex } from 'knex';
import { hash } from '@node-rs/argon2';
import type { ZeebeClient } from '../engine/client.js';
import { deployProcess } from '../engine/deploy.js';
import { insertUser, upsertUnit } from '../domain/org/users.js';
import { fiveStepModel, quantile, stats, withBackpressure, type CpuSplit, type Stats } from './lib.js';

interface Officer {
  token: string;
  index: number;
  /** the API process this officer works through */
  base: string;
  /** wakes the officer's loop (an inbox event arrived) */
  wake?: () => void;
  closeStream?: () => void;
}

async function http(base: string, method: string, url: string, token?: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/**
 * How officers learn about new tasks.
 * - live: like the web inbox, an officer keeps the server-sent event stream open (GET /api/events) and
 *   refetches the list when an inbox event arrives (and at least every second).
 * - poll: the officer refetches the list every 5 ms while it has nothing to do (the first version of
 *   this benchmark; costs a list query with its count per poll).
 */
export type ClientMode = 'live' | 'poll';

/** One stage of the way from a completion to the next task, per task: milliseconds from the completion being sent. */
export interface StageTimes {
  stage: string;
  /** what the stage is */
  note: string;
  /** cumulative: from sending the completion of step k-1 to this point of step k */
  p50: number;
  p99: number;
  n: number;
}

export interface PlatformE2EResult {
  tasksPerSecond: number;
  seconds: number;
  tasks: number;
  /** completion sent -> next step's inbox row committed */
  latencyMs: Stats;
  /** completion sent -> the officer's event stream announced the next task (live mode only) */
  pushedMs: Stats;
  /** completion sent -> HTTP answer of the completion */
  completeHttpMs: Stats;
  claimHttpMs: Stats;
  stages: StageTimes[];
  /** CPU used while officers worked (when a meter was given) */
  cpu?: CpuSplit;
  /** what PostgreSQL's busy backends were doing, sampled every 50 ms during the run */
  backends: BackendSample;
  /** records the broker exported per completed task (events and rejections of the run's instances) */
  recordsPerTask: number;
}

/** Records the exporter wrote for these process instances (after the exporter caught up). */
export async function exportedRecords(db: Knex, processInstanceKeys: string[]): Promise<number> {
  const r = await db.raw(`SELECT count(*)::int AS n FROM zeebe_record WHERE body->'value'->>'processInstanceKey' = ANY(?::text[])`, [processInstanceKeys]);
  return r.rows[0].n as number;
}

/** Average number of busy backends of our database per sample, by what they wait for. */
export interface BackendSample {
  samples: number;
  /** running or waiting on I/O, client, etc. (not on a lock) */
  active: number;
  /** waiting on a row/transaction lock, and the part of it on the audit chain head */
  lockWait: number;
  auditLockWait: number;
  /** busy backends whose statement touches audit_chain_head (holding or waiting for the chain head) */
  auditHead: number;
}

/** Samples pg_stat_activity every 50 ms on its own connection until stopped. */
function sampleBackends(db: Knex): () => Promise<BackendSample> {
  const acc: BackendSample = { samples: 0, active: 0, lockWait: 0, auditLockWait: 0, auditHead: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      const r: { rows: { wait_event_type: string | null; query: string }[] } = await db.raw(
        `SELECT wait_event_type, query FROM pg_stat_activity
         WHERE datname = current_database() AND state <> 'idle' AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND query NOT ILIKE 'LISTEN%'`,
      );
      acc.samples++;
      for (const b of r.rows) {
        const audit = /audit_chain_head/.test(b.query);
        if (b.wait_event_type === 'Lock') {
          acc.lockWait++;
          if (audit) acc.auditLockWait++;
        } else acc.active++;
        if (audit) acc.auditHead++;
      }
      await new Promise((res) => setTimeout(res, 50));
    }
  })();
  return async () => {
    running = false;
    await loop;
    const n = Math.max(1, acc.samples);
    return { samples: acc.samples, active: acc.active / n, lockWait: acc.lockWait / n, auditLockWait: acc.auditLockWait / n, auditHead: acc.auditHead / n };
  };
}

/** Opens GET /api/events as the web inbox does (bearer header instead of a ticket) and calls back on each inbox event. */
async function openStream(
  base: string,
  token: string,
  onInbox: (data: { kind: string; taskId?: string; processInstanceKey?: string }) => void,
): Promise<() => void> {
  const ctrl = new AbortController();
  const res = await fetch(`${base}/api/events`, { headers: { authorization: `Bearer ${token}` }, signal: ctrl.signal });
  if (res.status !== 200 || !res.body) throw new Error(`event stream answered ${res.status}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  void (async () => {
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += decoder.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event === 'ready') ready();
          if (event === 'inbox' && data) onInbox(JSON.parse(data));
        }
      }
    } catch {
      /* aborted at the end of the run */
    }
  })();
  await isReady;
  return () => ctrl.abort();
}

/**
 * The platform end to end: the same five steps as human tasks, each claimed and completed through the
 * HTTP API by officers (one officer per share of the instances, so they do not fight over tasks).
 * Latency = from sending a completion to the next step's inbox row being committed (visible to the
 * inbox query), measured on the database clock and this process's clock (same machine). The stages in
 * between come from the broker's own records (zeebe_record, written by the exporter).
 * Several API processes (a cluster): officer i works through `base[i % base.length]`.
 */
export async function runPlatformE2E(
  base: string | string[],
  db: Knex,
  zeebe: ZeebeClient,
  opts: { instances: number; officers: number; run: string; client?: ClientMode; meter?: () => () => CpuSplit },
): Promise<PlatformE2EResult> {
  const mode = opts.client ?? 'live';
  const bases = Array.isArray(base) ? base : [base];
  const unit = 'BENCH';
  await upsertUnit(db, { code: unit, name: 'Đơn vị đo hiệu năng', kind: 'unit' });
  const id = `bench-e2e-${opts.run}`;
  await deployProcess(zeebe, db, { resourceName: `${id}.bpmn`, xml: fiveStepModel(id, { userGroup: `${unit}/officer` }) });

  const officers: Officer[] = [];
  const password = 'Bench-password-1';
  const passwordHash = await hash(password);
  for (let i = 0; i < opts.officers; i++) {
    const username = `bench_${opts.run}_${i}`;
    await insertUser(db, { username, passwordHash, fullName: `Cán bộ đo ${i}`, unitCode: unit, roles: ['officer'] });
    const at = bases[i % bases.length];
    const login = await http(at, 'POST', '/api/auth/login', undefined, { username, password });
    if (login.status !== 200) throw new Error(`login at ${at} answered ${login.status}`);
    officers.push({ token: login.json.token, index: i, base: at });
  }

  const keys: string[] = [];
  const pushedAt = new Map<string, number>(); // task id -> when the event stream announced it
  const owner = new Map<string, number>();
  if (mode === 'live') {
    for (const o of officers) {
      o.closeStream = await openStream(o.base, o.token, (e) => {
        if (e.kind !== 'created' || !e.taskId) return;
        if (!pushedAt.has(e.taskId)) pushedAt.set(e.taskId, Date.now());
        if (e.processInstanceKey && owner.get(e.processInstanceKey) === o.index) o.wake?.();
      });
    }
  }
  for (let i = 0; i < opts.instances; i++) {
    const r = await withBackpressure(() => zeebe.createProcessInstance({ bpmnProcessId: id, variables: {} }));
    keys.push(String(r.processInstanceKey));
    owner.set(String(r.processInstanceKey), i % opts.officers);
  }
  const total = opts.instances * 5;
  const sentAt = new Map<string, number>(); // `${instance}:${step}` -> when step's completion was sent
  const answeredAt = new Map<string, number>();
  const claimMs: number[] = [];
  let completed = 0;
  const stopMeter = opts.meter?.();
  const stopSampling = sampleBackends(db);
  const t0 = performance.now();
  const startedWall = Date.now();

  const waitForWork = (o: Officer) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(
        () => {
          o.wake = undefined;
          resolve();
        },
        mode === 'live' ? 1000 : 5,
      );
      if (mode === 'live') {
        o.wake = () => {
          clearTimeout(timer);
          o.wake = undefined;
          resolve();
        };
      }
    });

  await Promise.all(
    officers.map(async (o) => {
      let idle = 0;
      while (completed < total && idle < 2000) {
        const list = await http(o.base, 'GET', `/api/tasks?scope=available&bpmnProcessId=${id}&limit=100`, o.token);
        if (list.status !== 200) throw new Error(`inbox list answered ${list.status}: ${JSON.stringify(list.json)}`);
        const mine = (list.json.items as { id: string; processInstanceKey: string; elementId: string }[]).filter(
          (t) => owner.get(t.processInstanceKey) === o.index,
        );
        if (mine.length === 0) {
          idle++;
          await waitForWork(o);
          continue;
        }
        idle = 0;
        for (const t of mine) {
          const c0 = Date.now();
          if ((await http(o.base, 'POST', `/api/tasks/${t.id}/claim`, o.token)).status !== 200) continue;
          claimMs.push(Date.now() - c0);
          const step = `${t.processInstanceKey}:${t.elementId}`;
          sentAt.set(step, Date.now());
          const r = await http(o.base, 'POST', `/api/tasks/${t.id}/complete`, o.token, { variables: {} });
          answeredAt.set(step, Date.now());
          if (r.status === 200) completed++;
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = stopMeter?.();
  const backends = await stopSampling();
  for (const o of officers) o.closeStream?.();

  // Latency: next step's row committed minus the previous step's completion being sent.
  const rows: { job_key: string; process_instance_key: string; element_id: string; created_ms: string }[] = await db('inbox_tasks')
    .whereIn('process_instance_key', keys)
    .andWhere('created_at', '>=', new Date(startedWall - 1000))
    .select(db.raw('job_key::text as job_key'), 'process_instance_key', 'element_id', db.raw('extract(epoch from created_at) * 1000 as created_ms'));
  const latencies: number[] = [];
  const pushed: number[] = [];
  const httpMs: number[] = [];
  for (const r of rows) {
    const step = Number(r.element_id.slice(1));
    const prevKey = `${r.process_instance_key}:S${step - 1}`;
    const prev = sentAt.get(prevKey);
    if (step > 1 && prev) {
      latencies.push(Number(r.created_ms) - prev);
      const p = pushedAt.get(String(r.job_key));
      if (p) pushed.push(p - prev);
      const a = answeredAt.get(prevKey);
      if (a) httpMs.push(a - prev);
    }
  }
  const stages = await stageBreakdown(db, keys, sentAt, rows, answeredAt, pushedAt);
  const records = await exportedRecords(db, keys);
  return {
    tasksPerSecond: completed / seconds,
    seconds,
    tasks: completed,
    latencyMs: stats(latencies),
    pushedMs: stats(pushed),
    completeHttpMs: stats(httpMs),
    claimHttpMs: stats(claimMs),
    stages,
    cpu,
    backends,
    recordsPerTask: records / Math.max(1, completed),
  };
}

/**
 * Where the time goes between a completion and the next task: for every step k >= 2 of every
 * instance, the broker's timestamps (JOB and JOB_BATCH records exported to zeebe_record) of the
 * CompleteJob of step k-1, the deadline listener job of step k (created, activated by our worker,
 * completed), the user-task job of step k (created, activated by the inbox worker), then the inbox
 * row's commit, the HTTP answer and the push to the officer's event stream.
 */
async function stageBreakdown(
  db: Knex,
  keys: string[],
  sentAt: Map<string, number>,
  rows: { job_key: string; process_instance_key: string; element_id: string; created_ms: string }[],
  answeredAt: Map<string, number>,
  pushedAt: Map<string, number>,
): Promise<StageTimes[]> {
  // The exporter flushes in batches: give it a moment to write the tail of the run.
  await new Promise((r) => setTimeout(r, 1500));
  const jobs: { key: string; intent: string; type: string; element_id: string; pik: string; ms: string }[] = (
    await db.raw(
      `SELECT record_key::text AS key, intent, body->'value'->>'type' AS type, body->'value'->>'elementId' AS element_id,
              body->'value'->>'processInstanceKey' AS pik, extract(epoch from ts) * 1000 AS ms
       FROM zeebe_record WHERE value_type = 'JOB' AND intent IN ('CREATED', 'COMPLETED')
         AND body->'value'->>'processInstanceKey' = ANY(?::text[])`,
      [keys],
    )
  ).rows;
  const minMs = Math.min(...jobs.map((j) => Number(j.ms)));
  const batches: { job_key: string; ms: string }[] = (
    await db.raw(
      `SELECT k.value::text AS job_key, extract(epoch from r.ts) * 1000 AS ms
       FROM zeebe_record r CROSS JOIN LATERAL jsonb_array_elements(r.body->'value'->'jobKeys') k
       WHERE r.value_type = 'JOB_BATCH' AND r.intent = 'ACTIVATED' AND r.ts >= to_timestamp(? / 1000.0)`,
      [Number.isFinite(minMs) ? minMs : 0],
    )
  ).rows;
  const activated = new Map(batches.map((b) => [b.job_key, Number(b.ms)]));
  const at = new Map<string, { key: string; created?: number; completed?: number }>(); // `${pik}:${element}:${kind}`
  for (const j of jobs) {
    const kind = j.type === 'io.camunda.zeebe:userTask' ? 'task' : j.type === 'eiso-step-deadline' ? 'listener' : null;
    if (!kind) continue;
    const k = `${j.pik}:${j.element_id}:${kind}`;
    const e = at.get(k) ?? { key: j.key };
    if (j.intent === 'CREATED') e.created = Number(j.ms);
    else e.completed = Number(j.ms);
    at.set(k, e);
  }
  const names = [
    ['ack', 'CompleteJob of step k-1 written by the broker (JOB COMPLETED)'],
    ['listener created', 'deadline listener job of step k created (eiso-step-deadline)'],
    ['listener activated', 'listener job activated by our worker (JOB_BATCH ACTIVATED)'],
    ['listener completed', 'listener job completed (due dates computed and stored)'],
    ['task job created', 'user-task job of step k created'],
    ['task job activated', 'user-task job activated by the inbox worker'],
    ['inbox row committed', 'inbox row of step k committed (visible to the inbox query)'],
    ['HTTP answer', 'the officer received the answer to the completion of step k-1'],
    ['pushed', "the officer's event stream announced step k"],
  ] as const;
  const series = new Map<string, number[]>(names.map(([n]) => [n, []]));
  for (const r of rows) {
    const step = Number(r.element_id.slice(1));
    if (step < 2) continue;
    const prevKey = `${r.process_instance_key}:S${step - 1}`;
    const sent = sentAt.get(prevKey);
    if (!sent) continue;
    const prevTask = at.get(`${r.process_instance_key}:S${step - 1}:task`);
    const listener = at.get(`${r.process_instance_key}:${r.element_id}:listener`);
    const task = at.get(`${r.process_instance_key}:${r.element_id}:task`);
    const points: Record<string, number | undefined> = {
      ack: prevTask?.completed,
      'listener created': listener?.created,
      'listener activated': listener ? activated.get(listener.key) : undefined,
      'listener completed': listener?.completed,
      'task job created': task?.created,
      'task job activated': task ? activated.get(task.key) : undefined,
      'inbox row committed': Number(r.created_ms),
      'HTTP answer': answeredAt.get(prevKey),
      pushed: pushedAt.get(String(r.job_key)),
    };
    for (const [n, v] of Object.entries(points)) if (v !== undefined) series.get(n)!.push(v - sent);
  }
  return names.map(([stage, note]) => {
    const s = [...series.get(stage)!].sort((a, b) => a - b);
    return { stage, note, p50: quantile(s, 0.5), p99: quantile(s, 0.99), n: s.length };
  });
}

/**
 * Next-task latency without queueing: one officer works one case at a time (five steps, each claimed
 * and completed as soon as its task is pushed to the officer's open inbox), so every completion meets
 * an otherwise idle platform. Latency = completion sent -> next step's inbox row committed, and ->
 * pushed to the officer's event stream.
 */
export async function runLatencyProbe(
  base: string,
  db: Knex,
  zeebe: ZeebeClient,
  opts: { cases: number; run: string },
): Promise<{ committedMs: Stats; pushedMs: Stats }> {
  const unit = 'BENCH';
  await upsertUnit(db, { code: unit, name: 'Đơn vị đo hiệu năng', kind: 'unit' });
  const id = `bench-probe-${opts.run}`;
  await deployProcess(zeebe, db, { resourceName: `${id}.bpmn`, xml: fiveStepModel(id, { userGroup: `${unit}/officer` }) });
  const username = `probe_${opts.run}`;
  const password = 'Bench-password-1';
  await insertUser(db, { username, passwordHash: await hash(password), fullName: 'Cán bộ đo độ trễ', unitCode: unit, roles: ['officer'] });
  const token = (await http(base, 'POST', '/api/auth/login', undefined, { username, password })).json.token as string;
  const waiting = new Map<string, (taskId: string) => void>(); // process instance -> resolves with the next task
  const pushedAt = new Map<string, number>();
  const worked = new Set<string>(); // tasks already taken up (a late push of one of them is not the next task)
  const close = await openStream(base, token, (e) => {
    if (e.kind !== 'created' || !e.taskId || !e.processInstanceKey) return;
    pushedAt.set(e.taskId, Date.now());
    if (!worked.has(e.taskId)) waiting.get(e.processInstanceKey)?.(e.taskId);
  });
  const committed: number[] = [];
  const pushed: number[] = [];
  try {
    for (let c = 0; c < opts.cases; c++) {
      let next!: Promise<string>;
      const expect = (key: string): void => {
        next = new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no task pushed for instance ${key} within 30 s`)), 30_000);
          waiting.set(key, (taskId) => {
            clearTimeout(timer);
            waiting.delete(key);
            resolve(taskId);
          });
        });
        // Not awaited when the task was already in the inbox: its timeout must not become an unhandled rejection.
        next.catch(() => {});
      };
      // The instance key is known only once the command returns; a push arriving before that is picked up from pushedAt.
      const started = await withBackpressure(() => zeebe.createProcessInstance({ bpmnProcessId: id, variables: {} }));
      const key = String(started.processInstanceKey);
      expect(key);
      const early = (await db('inbox_tasks').where({ process_instance_key: key }).first(db.raw('job_key::text as job_key')))?.job_key as string | undefined;
      let taskId = early ?? (await next);
      for (let step = 1; step <= 5; step++) {
        worked.add(taskId);
        if ((await http(base, 'POST', `/api/tasks/${taskId}/claim`, token)).status !== 200) throw new Error(`claim of ${taskId} refused`);
        if (step < 5) expect(key);
        const sent = Date.now();
        const r = await http(base, 'POST', `/api/tasks/${taskId}/complete`, token, { variables: {} });
        if (r.status !== 200) throw new Error(`completion of ${taskId} answered ${r.status}`);
        if (step === 5) break;
        taskId = await next;
        const row = await db('inbox_tasks').where({ job_key: taskId }).first(db.raw('extract(epoch from created_at) * 1000 as created_ms'));
        committed.push(Number(row.created_ms) - sent);
        pushed.push(pushedAt.get(taskId)! - sent);
      }
    }
  } finally {
    close();
  }
  return { committedMs: stats(committed), pushedMs: stats(pushed) };
}
