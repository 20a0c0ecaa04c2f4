import type { Knex } from 'knex';

/**
 * Retention (ten years of a province): the history and audit tables that grow with every case become
 * declarative RANGE partitions by month of their time column, so old months can be detached and
 * archived whole and the timeline and search read only the months they need.
 *
 * - hist_element_instances by start_time, hist_variable_events by ts, hist_jobs by created_time,
 *   audit_log by at. Primary keys gain the partition column (PostgreSQL requires it); the projector's
 *   ON CONFLICT targets name the same columns (engine/history/apply.ts). These columns never change
 *   once written (the first record's time), so idempotency is unchanged.
 * - Partitions are named <table>_pYYYYMM; a <table>_default partition catches rows outside the months
 *   created (e.g. a test's controlled clock in 2031) so an insert never fails.
 * - eiso_ensure_month_partitions(table, from, to) creates missing months; this migration creates them
 *   from the oldest row (or 12 months back) to 12 months ahead, and the audit plugin runs it daily
 *   for 3 months ahead (domain/audit/partitions.ts).
 * - audit_log stays append-only: the row trigger on the parent is cloned to every partition; the
 *   TRUNCATE trigger (a statement trigger, not cloned) is added to each partition by the function.
 *
 * Not partitioned (see README "Retention"): zeebe_record (the Java exporter's ON CONFLICT target is
 * (partition_id, position)), hist_process_instances (one row per case: the case index), hist_variables
 * (current values), hist_incidents (rare).
 */

interface Spec {
  table: string;
  column: string;
  pk: string[];
  pkName: string;
  /** CREATE INDEX statements (names and definitions kept from the earlier migrations), {t} = table */
  indexes: string[];
}

const SPECS: Spec[] = [
  {
    table: 'hist_element_instances',
    column: 'start_time',
    pk: ['element_instance_key'],
    pkName: 'hist_element_instances_pk',
    indexes: [
      'CREATE INDEX hist_element_instances_instance_start_idx ON {t} (process_instance_key, start_time, start_position)',
      `CREATE INDEX hist_element_instances_active_idx ON {t} (process_definition_key, element_id) WHERE state = 'active'`,
      'CREATE INDEX hist_element_instances_definition_element_idx ON {t} (bpmn_process_id, element_id) WHERE end_time IS NOT NULL',
    ],
  },
  {
    table: 'hist_variable_events',
    column: 'ts',
    pk: ['partition_id', 'position'],
    pkName: 'hist_variable_events_pk',
    indexes: ['CREATE INDEX hist_variable_events_instance_idx ON {t} (process_instance_key, position)'],
  },
  {
    table: 'hist_jobs',
    column: 'created_time',
    pk: ['job_key'],
    pkName: 'hist_jobs_pk',
    indexes: ['CREATE INDEX hist_jobs_instance_idx ON {t} (process_instance_key)', 'CREATE INDEX hist_jobs_type_state_idx ON {t} (type, state)'],
  },
  {
    table: 'audit_log',
    column: 'at',
    pk: ['seq'],
    pkName: 'audit_log_pk',
    indexes: [
      'CREATE INDEX audit_log_target_idx ON {t} (target_type, target_id, seq)',
      'CREATE INDEX audit_log_actor_at_idx ON {t} (actor, at)',
      'CREATE INDEX audit_log_at_idx ON {t} (at)',
      'CREATE INDEX audit_log_hash_idx ON {t} (hash)',
      // the chain is read in seq order (verification): one index per month on seq alone
      'CREATE INDEX audit_log_seq_idx ON {t} (seq)',
    ],
  },
];

const CHECKS: Record<string, string> = {
  hist_element_instances: `ALTER TABLE hist_element_instances ADD CONSTRAINT hist_element_instances_state_ck CHECK (state IN ('active','completed','terminated'))`,
  hist_jobs: `ALTER TABLE hist_jobs ADD CONSTRAINT hist_jobs_state_ck CHECK (state IN ('created','completed','failed','timed_out','canceled','error_thrown'))`,
};

const AUDIT_TRIGGERS = [
  'CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()',
  'CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()',
];

/** A SQL string literal (COMMENT takes no bind parameters). */
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** Takes the plain table out of the way: renamed, its key and indexes dropped (the copy needs none). */
async function setAside(knex: Knex, s: Spec, suffix: string): Promise<{ old: string; comment: string | null }> {
  const comment = (await knex.raw(`SELECT obj_description(?::regclass, 'pg_class') AS c`, [s.table])).rows[0]?.c ?? null;
  const old = `${s.table}_${suffix}`;
  await knex.raw(`ALTER TABLE ${s.table} RENAME TO ${old}`);
  await knex.raw(`ALTER TABLE ${old} DROP CONSTRAINT ${s.pkName}`);
  for (const idx of s.indexes) await knex.raw(`DROP INDEX IF EXISTS ${/CREATE INDEX (\w+)/.exec(idx)![1]}`);
  if (CHECKS[s.table]) await knex.raw(`ALTER TABLE ${old} DROP CONSTRAINT IF EXISTS ${s.table}_state_ck`);
  return { old, comment };
}

/** Copies the rows over, builds the indexes once, drops the old table (DROP is not refused by the audit triggers: it needs the owner). */
async function moveAndIndex(knex: Knex, s: Spec, old: string, indexes: string[]): Promise<void> {
  await knex.raw(`INSERT INTO ${s.table} SELECT * FROM ${old}`);
  for (const idx of indexes) await knex.raw(idx.replace('{t}', s.table));
  await knex.raw(`DROP TABLE ${old}`);
}

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION eiso_ensure_month_partitions(parent regclass, from_month date, to_month date) RETURNS integer
    LANGUAGE plpgsql AS $$
    DECLARE
      m date := date_trunc('month', from_month)::date;
      created integer := 0;
      part text;
    BEGIN
      WHILE m <= to_month LOOP
        part := format('%s_p%s', parent::text, to_char(m, 'YYYYMM'));
        IF to_regclass(part) IS NULL THEN
          EXECUTE format('CREATE TABLE %I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)', part, parent, m::timestamp AT TIME ZONE 'UTC', (m + interval '1 month')::timestamp AT TIME ZONE 'UTC');
          IF parent = 'audit_log'::regclass THEN
            EXECUTE format('CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()', part);
          END IF;
          created := created + 1;
        END IF;
        m := (m + interval '1 month')::date;
      END LOOP;
      RETURN created;
    END $$`);
  await knex.raw(
    `COMMENT ON FUNCTION eiso_ensure_month_partitions(regclass, date, date) IS 'Creates the missing monthly partitions <table>_pYYYYMM (UTC month bounds) of a table partitioned by month, from_month..to_month; audit_log partitions get the TRUNCATE guard. Returns how many it created.'`,
  );

  for (const s of SPECS) {
    const { old, comment } = await setAside(knex, s, 'unpartitioned');
    await knex.raw(`CREATE TABLE ${s.table} (LIKE ${old} INCLUDING DEFAULTS INCLUDING COMMENTS) PARTITION BY RANGE (${s.column})`);
    await knex.raw(
      `COMMENT ON TABLE ${s.table} IS ${literal(`${comment ?? ''} Partitioned by month of ${s.column}: ${s.table}_pYYYYMM, and ${s.table}_default for rows outside the months created.`.trim())}`,
    );
    await knex.raw(`ALTER TABLE ${s.table} ADD CONSTRAINT ${s.pkName} PRIMARY KEY (${[...s.pk, s.column].join(', ')})`);
    if (CHECKS[s.table]) await knex.raw(CHECKS[s.table]);
    if (s.table === 'audit_log') for (const t of AUDIT_TRIGGERS) await knex.raw(t);
    await knex.raw(`CREATE TABLE ${s.table}_default PARTITION OF ${s.table} DEFAULT`);
    if (s.table === 'audit_log')
      await knex.raw(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log_default FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
    // the months of the existing rows, and a year back and ahead
    const { rows } = await knex.raw(`SELECT LEAST(min(${s.column}), now() - interval '12 months')::date AS first FROM ${old}`);
    await knex.raw(`SELECT eiso_ensure_month_partitions(?::regclass, ?::date, (now() + interval '12 months')::date)`, [s.table, rows[0].first]);
    await moveAndIndex(knex, s, old, s.indexes);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const s of [...SPECS].reverse()) {
    const { old, comment } = await setAside(knex, s, 'partitioned');
    await knex.raw(`CREATE TABLE ${s.table} (LIKE ${old} INCLUDING DEFAULTS INCLUDING COMMENTS)`);
    await knex.raw(`COMMENT ON TABLE ${s.table} IS ${literal((comment ?? '').replace(/ Partitioned by month.*$/, ''))}`);
    await knex.raw(`ALTER TABLE ${s.table} ADD CONSTRAINT ${s.pkName} PRIMARY KEY (${s.pk.join(', ')})`);
    if (CHECKS[s.table]) await knex.raw(CHECKS[s.table]);
    if (s.table === 'audit_log') for (const t of AUDIT_TRIGGERS) await knex.raw(t);
    await moveAndIndex(
      knex,
      s,
      old,
      s.indexes.filter((i) => !i.includes('audit_log_seq_idx')),
    );
  }
  await knex.raw('DROP FUNCTION IF EXISTS eiso_ensure_month_partitions(regclass, date, date)');
}
