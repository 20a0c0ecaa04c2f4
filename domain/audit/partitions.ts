import type { Knex } from 'knex';

/** Tables partitioned by month (migrations/20261123001400_retention_partitions.ts). */
export const MONTHLY_TABLES = ['hist_element_instances', 'hist_variable_events', 'hist_jobs', 'audit_log'] as const;

/**
 * Creates the monthly partitions of the current month and `monthsAhead` months after it where
 * missing (idempotent; safe from several processes: CREATE TABLE of an existing name is skipped).
 * Returns how many were created per table. Tables that are not partitioned (before the migration) are skipped.
 */
export async function ensureMonthPartitions(db: Knex, monthsAhead = 3): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const fn = await db.raw(`SELECT to_regprocedure('eiso_ensure_month_partitions(regclass, date, date)') AS f`);
  if (!fn.rows[0]?.f) return out;
  for (const table of MONTHLY_TABLES) {
    try {
      const res = await db.raw(`SELECT eiso_ensure_month_partitions(?::regclass, now()::date, (now() + make_interval(months => ?))::date) AS n`, [
        table,
        monthsAhead,
      ]);
      out[table] = Number(res.rows[0].n);
    } catch (err) {
      // two processes creating the same month at once: the loser retries on the next run
      if ((err as { code?: string }).code !== '42P07') throw err;
      out[table] = 0;
    }
  }
  return out;
}

/** Runs {@link ensureMonthPartitions} now and then every `everyMs` (default daily); returns a stop function. */
export function startPartitionMaintenance(
  db: Knex,
  log: { info: (o: object, m: string) => void; error: (o: object, m: string) => void },
  everyMs = 24 * 3600_000,
): () => void {
  const run = () =>
    ensureMonthPartitions(db)
      .then((created) => {
        if (Object.values(created).some((n) => n > 0)) log.info({ created }, 'monthly partitions created ahead');
      })
      .catch((err) => log.error({ err }, 'could not create the monthly partitions ahead'));
  void run();
  const timer = setInterval(() => void run(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
