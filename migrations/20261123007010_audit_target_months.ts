import type { Knex } from 'knex';

/**
 * audit_log_target_months: the months (UTC) in which audit_log holds entries about a case or a task.
 *
 * Why: audit_log is partitioned by month (migrations/20261123001400). The timeline lists the entries
 * about a case and its tasks from the case's start on (views and exports by auditors may come years
 * later), so without knowing their months it probed every monthly partition since the start: for a
 * case of ten years ago, ~120 index probes and the planning of ~120 partitions, most of the
 * timeline's time at 10 million cases (bench/results/audit-scale.md). With this table the timeline
 * reads the months first (one index lookup) and then only those partitions (plan-time pruning).
 *
 * Kept by a statement trigger on audit_log (transition table: one INSERT per append statement,
 * inside it), SECURITY DEFINER so that an application role with only SELECT, INSERT on audit_log
 * (domain/audit/README.md) appends as before. Derived data: not part of the hash chain.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('SET LOCAL statement_timeout = 0'); // minutes on a large log
  await knex.raw(`
    CREATE TABLE audit_log_target_months (
      target_type varchar(50) NOT NULL,
      target_id varchar(200) NOT NULL,
      month date NOT NULL
    )`);
  await knex.raw(
    `COMMENT ON TABLE audit_log_target_months IS 'Months (UTC, first day) in which audit_log has entries about a case or a task (target_type case/task): the timeline reads only those partitions. Kept by the trigger audit_log_target_months_ins.'`,
  );
  // Backfill before the key and the trigger: one set-based pass over the existing log.
  await knex.raw(`SET LOCAL work_mem = '256MB'`);
  await knex.raw(`
    INSERT INTO audit_log_target_months (target_type, target_id, month)
    SELECT DISTINCT target_type, target_id, date_trunc('month', at AT TIME ZONE 'UTC')::date
      FROM audit_log
     WHERE target_type IN ('case', 'task') AND target_id IS NOT NULL`);
  await knex.raw(`SET LOCAL maintenance_work_mem = '512MB'`);
  await knex.raw(`ALTER TABLE audit_log_target_months ADD CONSTRAINT audit_log_target_months_pk PRIMARY KEY (target_type, target_id, month)`);
  await knex.raw('ANALYZE audit_log_target_months');
  await knex.raw(`
    CREATE FUNCTION audit_log_target_months_after_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
    BEGIN
      INSERT INTO audit_log_target_months (target_type, target_id, month)
      SELECT DISTINCT target_type, target_id, date_trunc('month', at AT TIME ZONE 'UTC')::date
        FROM added
       WHERE target_type IN ('case', 'task') AND target_id IS NOT NULL
      ON CONFLICT DO NOTHING;
      RETURN NULL;
    END $fn$`);
  await knex.raw(
    `CREATE TRIGGER audit_log_target_months_ins AFTER INSERT ON audit_log REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION audit_log_target_months_after_insert()`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS audit_log_target_months_ins ON audit_log');
  await knex.raw('DROP FUNCTION IF EXISTS audit_log_target_months_after_insert()');
  await knex.raw('DROP TABLE IF EXISTS audit_log_target_months');
}
