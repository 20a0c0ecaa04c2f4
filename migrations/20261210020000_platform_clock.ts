import type { Knex } from 'knex';

/**
 * One platform clock (issue 18 item 1: the demo lives through a past year). `platform_clock` holds one
 * row, the offset of the platform's business time from the system time (0 unless the demo's filler moves
 * it, api/demo-clock.ts), and `eiso_now()` is `now() + offset`: the SQL of the engine, the domain and the
 * API reads business time through it, and so do the column defaults that stamp business records. STABLE
 * (one value per statement, as now()), so a comparison with an indexed column still uses the index.
 *
 * Left on the system time: the engine outbox (leases and retries are machinery timed by Node's real
 * clock), the inbox row's updated_at (the recovery of completions left half-way compares it with the
 * system time), the history projector's cursor, the audit chain head and the case index refresh stamp.
 */
const KEEP_REAL_TIME = new Set([
  'engine_outbox.next_attempt_at',
  'inbox_tasks.updated_at',
  'engine_outbox.created_at',
  'hist_projector_cursor.updated_at',
  'audit_chain_head.updated_at',
  'case_index.refreshed_at',
]);

async function timeDefaults(knex: Knex, fn: RegExp): Promise<{ table: string; column: string }[]> {
  const { rows } = await knex.raw(
    `SELECT c.table_name AS "table", c.column_name AS "column", c.column_default AS def
       FROM information_schema.columns c
       JOIN pg_class pc ON pc.relname = c.table_name
       JOIN pg_namespace n ON n.oid = pc.relnamespace AND n.nspname = c.table_schema
      WHERE c.table_schema = current_schema() AND NOT pc.relispartition AND pc.relkind IN ('r', 'p')
      ORDER BY 1, 2`,
  );
  return (rows as { table: string; column: string; def: string | null }[]).filter(
    (r) => r.def !== null && fn.test(r.def.trim()) && !KEEP_REAL_TIME.has(`${r.table}.${r.column}`),
  );
}

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE platform_clock (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    offset_ms bigint NOT NULL DEFAULT 0 CHECK (offset_ms BETWEEN -157680000000 AND 0)
  )`);
  await knex.raw(
    `COMMENT ON TABLE platform_clock IS 'The platform clock: business time = system time + offset_ms (one row; 0 except while the demo is filled with a past year)'`,
  );
  await knex.raw(`INSERT INTO platform_clock (id, offset_ms) VALUES (true, 0)`);
  await knex.raw(`CREATE FUNCTION eiso_now() RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT now() + coalesce((SELECT offset_ms FROM platform_clock WHERE id), 0) * interval '1 millisecond'
  $$`);
  await knex.raw(`COMMENT ON FUNCTION eiso_now() IS 'Business time: now() moved by the platform clock offset (platform_clock)'`);
  for (const c of await timeDefaults(knex, /^(now\(\)|CURRENT_TIMESTAMP)$/i))
    await knex.raw(`ALTER TABLE ?? ALTER COLUMN ?? SET DEFAULT eiso_now()`, [c.table, c.column]);
}

export async function down(knex: Knex): Promise<void> {
  for (const c of await timeDefaults(knex, /^eiso_now\(\)$/i)) await knex.raw(`ALTER TABLE ?? ALTER COLUMN ?? SET DEFAULT now()`, [c.table, c.column]);
  await knex.raw(`DROP FUNCTION eiso_now()`);
  await knex.raw(`DROP TABLE platform_clock`);
}
