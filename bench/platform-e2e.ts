import type { Knex } from 'knex';
import { hash } from '@node-rs/argon2';
import type { ZeebeClient } from '../engine/client.js';
import { deployProcess } from '../engine/deploy.js';
import { insertUser, upsertUnit } from '../api/repositories/users.js';
import { fiveStepModel, stats, withBackpressure, type Stats } from './lib.js';

interface Officer {
  token: string;
  index: number;
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
 * The platform end to end: the same five steps as human tasks, each claimed and completed through the
 * HTTP API by officers (one officer per share of the instances, so they do not fight over tasks).
 * Latency = from sending a completion to the next step's inbox row being committed (visible to the
 * inbox query), measured on the database clock and this process's clock (same machine).
 */
export async function runPlatformE2E(
  base: string,
  db: Knex,
  zeebe: ZeebeClient,
  opts: { instances: number; officers: number; run: string },
): Promise<{ tasksPerSecond: number; seconds: number; tasks: number; latencyMs: Stats }> {
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
    const login = await http(base, 'POST', '/api/auth/login', undefined, { username, password });
    officers.push({ token: login.json.token, index: i });
  }

  const keys: string[] = [];
  for (let i = 0; i < opts.instances; i++) {
    const r = await withBackpressure(() => zeebe.createProcessInstance({ bpmnProcessId: id, variables: {} }));
    keys.push(String(r.processInstanceKey));
  }
  const owner = new Map(keys.map((k, i) => [k, i % opts.officers]));
  const total = opts.instances * 5;
  const sentAt = new Map<string, number>(); // `${instance}:${step}` -> when step's completion was sent
  let completed = 0;
  const t0 = performance.now();
  const startedWall = Date.now();

  await Promise.all(
    officers.map(async (o) => {
      let idle = 0;
      while (completed < total && idle < 2000) {
        const list = await http(base, 'GET', `/api/tasks?scope=available&bpmnProcessId=${id}&limit=100`, o.token);
        if (list.status !== 200) throw new Error(`inbox list answered ${list.status}: ${JSON.stringify(list.json)}`);
        const mine = (list.json.items as { id: string; processInstanceKey: string; elementId: string }[]).filter((t) => owner.get(t.processInstanceKey) === o.index);
        if (mine.length === 0) {
          idle++;
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        idle = 0;
        for (const t of mine) {
          if ((await http(base, 'POST', `/api/tasks/${t.id}/claim`, o.token)).status !== 200) continue;
          sentAt.set(`${t.processInstanceKey}:${t.elementId}`, Date.now());
          const r = await http(base, 'POST', `/api/tasks/${t.id}/complete`, o.token, { variables: {} });
          if (r.status === 200) completed++;
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;

  // Latency: next step's row committed minus the previous step's completion being sent.
  const rows: { process_instance_key: string; element_id: string; created_ms: string }[] = await db('inbox_tasks')
    .whereIn('process_instance_key', keys)
    .andWhere('created_at', '>=', new Date(startedWall - 1000))
    .select('process_instance_key', 'element_id', db.raw('extract(epoch from created_at) * 1000 as created_ms'));
  const latencies: number[] = [];
  for (const r of rows) {
    const step = Number(r.element_id.slice(1));
    const prev = sentAt.get(`${r.process_instance_key}:S${step - 1}`);
    if (step > 1 && prev) latencies.push(Number(r.created_ms) - prev);
  }
  return { tasksPerSecond: completed / seconds, seconds, tasks: completed, latencyMs: stats(latencies) };
}
