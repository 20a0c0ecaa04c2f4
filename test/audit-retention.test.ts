import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Knex } from 'knex';
import { createKnex } from '../lib/db.js';
import { appendAudit } from '../domain/audit/chain.js';
import { ensureMonthPartitions, MONTHLY_TABLES } from '../domain/audit/partitions.js';

const month = (d: Date) => `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
const addMonths = (d: Date, n: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));

/** Retention: monthly partitions of the history and audit tables, created ahead, append-only kept, pruned by the timeline. */
describe('retention: monthly partitions', () => {
  let db: Knex;
  beforeAll(() => {
    // the owner of the tables (TRUNCATE is refused by the triggers, not merely by missing rights)
    db = createKnex(inject('ownerDatabaseUrl'), { min: 0, max: 2 });
  });
  afterAll(async () => db?.destroy());

  const partitions = async (table: string): Promise<string[]> =>
    (await db.raw(`SELECT inhrelid::regclass::text AS name FROM pg_inherits WHERE inhparent = ?::regclass ORDER BY 1`, [table])).rows.map(
      (r: { name: string }) => r.name,
    );

  it('partitions the growing tables by month, with a default partition and this month and a year ahead', async () => {
    const now = new Date();
    for (const table of MONTHLY_TABLES) {
      const strategy = (await db.raw(`SELECT partstrat FROM pg_partitioned_table WHERE partrelid = ?::regclass`, [table])).rows[0]?.partstrat;
      expect(strategy, table).toBe('r');
      const names = await partitions(table);
      expect(names).toContain(`${table}_default`);
      expect(names).toContain(`${table}_p${month(now)}`);
      expect(names).toContain(`${table}_p${month(addMonths(now, 12))}`);
    }
    // the other tables stay plain
    expect((await db.raw(`SELECT count(*)::int AS n FROM pg_partitioned_table WHERE partrelid = 'hist_process_instances'::regclass`)).rows[0].n).toBe(0);
  });

  it('creates months ahead idempotently, and new audit months refuse TRUNCATE too', async () => {
    const far = addMonths(new Date(), 30);
    const first = await db.raw(`SELECT eiso_ensure_month_partitions('audit_log'::regclass, ?::date, ?::date) AS n`, [far, far]);
    const again = await db.raw(`SELECT eiso_ensure_month_partitions('audit_log'::regclass, ?::date, ?::date) AS n`, [far, far]);
    expect([first.rows[0].n, again.rows[0].n]).toEqual([1, 0]);
    await expect(db.raw(`TRUNCATE audit_log_p${month(far)}`)).rejects.toThrow(/append-only/);
    // the maintenance job: this month and three ahead exist afterwards, a second run creates nothing
    await ensureMonthPartitions(db, 3);
    expect(Object.values(await ensureMonthPartitions(db, 3))).toEqual([0, 0, 0, 0]);
    expect(await partitions('hist_jobs')).toContain(`hist_jobs_p${month(addMonths(new Date(), 3))}`);
  });

  it('routes an audit entry into its month, where UPDATE, DELETE and TRUNCATE are refused like on the parent', async () => {
    const row = await appendAudit(db, { actor: 'retention-test', actorRoles: ['admin'], actorUnit: null, action: 'test.retention' });
    const where = (await db.raw(`SELECT tableoid::regclass::text AS part FROM audit_log WHERE seq = ?`, [row.seq])).rows[0].part;
    expect(where).toBe(`audit_log_p${month(row.at)}`);
    await expect(db.raw(`UPDATE ${where} SET reason = 'x' WHERE seq = ?`, [row.seq])).rejects.toThrow(/append-only/);
    await expect(db.raw(`DELETE FROM ${where} WHERE seq = ?`, [row.seq])).rejects.toThrow(/append-only/);
    await expect(db.raw(`TRUNCATE ${where}`)).rejects.toThrow(/append-only/);
    await expect(db.raw(`TRUNCATE audit_log_default`)).rejects.toThrow(/append-only/);
  });

  it("reads one case's elements from its own months only (partition pruning, as the timeline queries)", async () => {
    const start = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 3));
    const plan = (
      await db.raw(`EXPLAIN SELECT * FROM hist_element_instances WHERE process_instance_key = ? AND start_time >= ? AND start_time <= ?`, [
        '2251799813999999',
        new Date(start.getTime() - 86_400_000),
        new Date(start.getTime() + 3 * 86_400_000),
      ])
    ).rows
      .map((r: Record<string, string>) => r['QUERY PLAN'])
      .join('\n');
    const scanned = [...new Set(plan.match(/hist_element_instances_(p\d{6}|default)/g))];
    expect(scanned).toEqual([`hist_element_instances_p${month(start)}`]);
  });
});
