import type { Knex } from 'knex';

/**
 * Audit hardening ("every input is hostile", Medium 7 and a Low item).
 *
 * - audit_log.hash_alg: which hash an entry carries. 1 = plain sha256 of the canonical entry (every entry
 *   written before this migration), 2 = HMAC-SHA256 with the chain key, which lives outside the database
 *   (AUDIT_CHAIN_KEY or DATA_DIR/audit-chain-key; domain/audit/chain.ts). Existing entries keep verifying as 1.
 * - audit_log_seq: seq is unique again. A partitioned table's unique index must include the partition key
 *   (at), so the primary key (seq, at) let two entries share a seq in different months. A row trigger
 *   (SECURITY DEFINER: the application role has no rights on this table) inserts every new seq into this
 *   small non-partitioned table with seq as its primary key: a second entry with the same seq fails with a
 *   unique violation inside the same statement. The table is append-only like audit_log.
 * - eiso_ensure_month_partitions becomes SECURITY DEFINER (owned by the migrating owner), refuses tables
 *   other than the four monthly ones, and is no longer executable by PUBLIC: the application role, which
 *   cannot create tables, gets EXECUTE from the grants the platform applies after migrating (lib/db-roles.ts).
 *
 * Imports no live code: the SQL is written out here.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE audit_log ADD COLUMN hash_alg smallint NOT NULL DEFAULT 1`);
  await knex.raw(`ALTER TABLE audit_log ADD CONSTRAINT audit_log_hash_alg_ck CHECK (hash_alg IN (1, 2))`);
  await knex.raw(
    `COMMENT ON COLUMN audit_log.hash_alg IS 'Hash of the entry: 1 = sha256 of the canonical entry (entries before the chain key), 2 = HMAC-SHA256 with the chain key kept outside the database (domain/audit/chain.ts)'`,
  );

  await knex.raw(`CREATE TABLE audit_log_seq (seq bigint NOT NULL CONSTRAINT audit_log_seq_pk PRIMARY KEY)`);
  await knex.raw(
    `COMMENT ON TABLE audit_log_seq IS 'Every seq of audit_log once: the unique index a partitioned audit_log cannot have on seq alone. Filled by the trigger audit_log_seq_unique; append-only.'`,
  );
  await knex.raw(`INSERT INTO audit_log_seq (seq) SELECT DISTINCT seq FROM audit_log`);
  await knex.raw(`
    CREATE FUNCTION audit_log_seq_claim() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $fn$
    BEGIN
      INSERT INTO audit_log_seq (seq) VALUES (NEW.seq);
      RETURN NEW; -- a seq already there: duplicate key value violates unique constraint "audit_log_seq_pk"
    END $fn$`);
  await knex.raw(
    `COMMENT ON FUNCTION audit_log_seq_claim() IS 'Trigger function: records the seq of a new audit_log entry in audit_log_seq (primary key), so a duplicated seq is refused'`,
  );
  // a row trigger on the partitioned parent is cloned to every partition, present and future
  await knex.raw(`CREATE TRIGGER audit_log_seq_unique BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_seq_claim()`);
  await knex.raw(
    `CREATE TRIGGER audit_log_seq_no_update_delete BEFORE UPDATE OR DELETE ON audit_log_seq FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`,
  );
  await knex.raw(`CREATE TRIGGER audit_log_seq_no_truncate BEFORE TRUNCATE ON audit_log_seq FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);

  await knex.raw(`
    CREATE OR REPLACE FUNCTION eiso_ensure_month_partitions(parent regclass, from_month date, to_month date) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    DECLARE
      m date := date_trunc('month', from_month)::date;
      created integer := 0;
      part text;
    BEGIN
      IF parent NOT IN ('hist_element_instances'::regclass, 'hist_variable_events'::regclass, 'hist_jobs'::regclass, 'audit_log'::regclass) THEN
        RAISE EXCEPTION 'eiso_ensure_month_partitions: % is not a monthly partitioned table of the platform', parent USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF to_month > (now() + interval '5 years')::date THEN
        RAISE EXCEPTION 'eiso_ensure_month_partitions: % is more than five years ahead', to_month USING ERRCODE = 'invalid_parameter_value';
      END IF;
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
  await knex.raw(`REVOKE EXECUTE ON FUNCTION eiso_ensure_month_partitions(regclass, date, date) FROM PUBLIC`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE OR REPLACE FUNCTION eiso_ensure_month_partitions(parent regclass, from_month date, to_month date) RETURNS integer
    LANGUAGE plpgsql SECURITY INVOKER AS $$
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
  await knex.raw(`GRANT EXECUTE ON FUNCTION eiso_ensure_month_partitions(regclass, date, date) TO PUBLIC`);
  await knex.raw('DROP TRIGGER IF EXISTS audit_log_seq_unique ON audit_log');
  await knex.raw('DROP FUNCTION IF EXISTS audit_log_seq_claim()');
  await knex.raw('DROP TABLE IF EXISTS audit_log_seq');
  await knex.raw('ALTER TABLE audit_log DROP CONSTRAINT IF EXISTS audit_log_hash_alg_ck');
  await knex.raw('ALTER TABLE audit_log DROP COLUMN IF EXISTS hash_alg');
}
