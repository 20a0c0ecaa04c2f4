import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { Knex } from 'knex';
import { createKnex } from '../lib/db.js';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { waitFor } from './helpers/fixtures.js';
import { TcpProxy } from './helpers/tcp-proxy.js';

/**
 * PostgreSQL unreachable from the platform while Zeebe keeps running: the workers cannot write, so
 * they must hand their jobs back with the retries unchanged (and a backoff) instead of using them up
 * and raising incidents; when the database is back the case goes on by itself.
 */
describe('with PostgreSQL unreachable from the platform', () => {
  let proxy: TcpProxy;
  let p: TestPlatform;
  let direct: Knex;

  beforeAll(async () => {
    const url = new URL(inject('databaseUrl'));
    proxy = new TcpProxy({ host: url.hostname, port: Number(url.port) });
    await proxy.up();
    const viaProxy = new URL(url);
    viaProxy.port = String(proxy.port);
    // A short outage backoff (production: 5 s): three failed tries and the return after the outage take
    // about a second each instead of 5 s.
    p = await startTestPlatform({ config: { databaseUrl: viaProxy.toString(), jobOutageBackoffMs: 300 } });
    direct = createKnex(url.toString());
  });
  afterAll(async () => {
    await p?.close();
    await proxy?.down();
    await direct?.destroy();
  });

  it('keeps the jobs retrying through the outage, raises no incident, and the case reaches the inbox afterwards', async () => {
    await proxy.down();
    const started = await p.zeebe.createProcessInstance({ bpmnProcessId: 'dang-ky-bien-dong-dat-dai', variables: { nguoiNop: 'Lê Thị Hoa' } });
    const key = String(started.processInstanceKey);
    const records = (valueType: string, intent: string) =>
      direct('zeebe_record')
        .where({ value_type: valueType, intent })
        .whereRaw(`body->'value'->>'processInstanceKey' = ?`, [key])
        .select(direct.raw(`body->'value' as value`));

    // The case listener's job is tried, fails because of the outage, and keeps its retries.
    const failed = await waitFor(
      async () => {
        const rows = await records('JOB', 'FAILED');
        return rows.length >= 3 ? rows : false;
      },
      'the listener job to be tried three times during the outage',
      60_000,
      200,
    );
    // Without this, each failure would take one retry (3, 2, 1 → an incident at 0).
    const tries = failed as { value: { retries: number; errorMessage: string } }[];
    expect(new Set(tries.map((r) => r.value.retries)).size).toBe(1);
    for (const r of tries) {
      expect(r.value.retries).toBeGreaterThan(0);
      expect(r.value.errorMessage).toMatch(/Tạm thời không xử lý được/);
    }
    expect(await records('INCIDENT', 'CREATED')).toHaveLength(0);

    await proxy.up();
    const task = await waitFor(
      async () => (await direct('inbox_tasks').where({ process_instance_key: key, element_id: 'TiepNhan' }).first()) ?? false,
      'the first step in the inbox after the outage',
      60_000,
      200,
    );
    expect(task.status).toBe('open');
    expect(task.due_date).not.toBeNull();
    expect(await records('INCIDENT', 'CREATED')).toHaveLength(0);
  });
});
