import type { Knex } from 'knex';

/**
 * One-stop statistics, apology letters and satisfaction evaluations (processes/ONESTOP.md "Statistics").
 *
 * - `dossier_stats_daily`: a daily rollup of the dossiers kept exact by a trigger on `dossiers` (every
 *   insert, update of a counted column, and delete subtracts the old row's contribution and adds the
 *   new one), so the statistics of a year read a few hundred thousand small rows instead of a million
 *   dossiers. Received dossiers count on the Vietnam day of `received_at`; finished ones on the day of
 *   `resolved_at` (or `closed_at` of a withdrawal / cancellation) with their outcome.
 * - In progress at the end of a period = carried over + received - resolved (from the rollup); a GiST
 *   index on the interval a dossier is past its appointment and unresolved finds the past-deadline ones.
 * - `dossier_apologies` (once per dossier) and `dossier_evaluations` (once per dossier) with the
 *   per-officer scores in `dossier_evaluation_officers`.
 */
export async function up(knex: Knex): Promise<void> {
  // Vietnam has kept +07:00 since 1975: a fixed offset keeps these functions IMMUTABLE (indexable).
  await knex.raw(`
    CREATE FUNCTION onestop_vn_day(at timestamptz) RETURNS date
      LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN (at AT TIME ZONE INTERVAL '+07:00')::date`);
  await knex.raw(`COMMENT ON FUNCTION onestop_vn_day(timestamptz) IS 'Calendar date in Vietnam (UTC+7) of an instant'`);
  await knex.raw(`
    CREATE FUNCTION onestop_end_at(resolved_at timestamptz, status text, closed_at timestamptz) RETURNS timestamptz
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      RETURN COALESCE(resolved_at, CASE WHEN status IN ('WITHDRAWN', 'CANCELLED_NO_SUPPLEMENT') THEN closed_at END)`);
  await knex.raw(
    `COMMENT ON FUNCTION onestop_end_at(timestamptz, text, timestamptz) IS 'When a received dossier stops being "in progress" for the statistics: result or not-eligible decision, else withdrawal / cancellation; null while in progress'`,
  );
  await knex.raw(`
    CREATE FUNCTION onestop_outcome(resolved_at timestamptz, appointment_at timestamptz, status text, closed_at timestamptz) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      RETURN CASE
        WHEN resolved_at IS NOT NULL THEN
          CASE WHEN appointment_at IS NULL OR onestop_vn_day(resolved_at) = onestop_vn_day(appointment_at) THEN 'on_time'
               WHEN onestop_vn_day(resolved_at) < onestop_vn_day(appointment_at) THEN 'early'
               ELSE 'late' END
        WHEN status IN ('WITHDRAWN', 'CANCELLED_NO_SUPPLEMENT') AND closed_at IS NOT NULL THEN 'withdrawn'
      END`);
  await knex.raw(
    `COMMENT ON FUNCTION onestop_outcome(timestamptz, timestamptz, text, timestamptz) IS 'early | on_time | late (date of resolved_at vs date of appointment_at, Vietnam time) | withdrawn | null (in progress)'`,
  );

  await knex.schema.createTable('dossier_stats_daily', (t) => {
    t.comment('Daily rollup of dossiers for the Biểu II.06a statistics, maintained by the trigger dossiers_stats_rollup (exact, never edited by hand).');
    t.date('day').notNullable().comment('Vietnam date');
    t.string('agency_code', 50).notNullable();
    t.string('procedure_code', 50).notNullable();
    t.string('field', 200).notNullable();
    t.integer('received_online').notNullable().defaultTo(0).comment('Received this day, online');
    t.integer('received_direct').notNullable().defaultTo(0).comment('Received this day, in person or by post');
    t.integer('resolved_early').notNullable().defaultTo(0).comment('Resolved this day before the appointment date');
    t.integer('resolved_on_time').notNullable().defaultTo(0).comment('Resolved this day on the appointment date');
    t.integer('resolved_late').notNullable().defaultTo(0).comment('Resolved this day after the appointment date');
    t.integer('withdrawn').notNullable().defaultTo(0).comment('Withdrawn or cancelled this day (reported as on time)');
    t.primary(['day', 'agency_code', 'procedure_code', 'field'], { constraintName: 'dossier_stats_daily_pk' });
  });

  await knex.raw(`
    CREATE FUNCTION dossiers_stats_apply(d dossiers, sign integer) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE outcome text;
    BEGIN
      IF d.received_at IS NULL THEN RETURN; END IF;
      INSERT INTO dossier_stats_daily AS s (day, agency_code, procedure_code, field, received_online, received_direct)
        VALUES (onestop_vn_day(d.received_at), d.agency_code, d.procedure_code, d.field,
                CASE WHEN d.channel = 'online' THEN sign ELSE 0 END, CASE WHEN d.channel = 'online' THEN 0 ELSE sign END)
        ON CONFLICT (day, agency_code, procedure_code, field) DO UPDATE
          SET received_online = s.received_online + EXCLUDED.received_online, received_direct = s.received_direct + EXCLUDED.received_direct;
      outcome := onestop_outcome(d.resolved_at, d.appointment_at, d.status, d.closed_at);
      IF outcome IS NULL THEN RETURN; END IF;
      INSERT INTO dossier_stats_daily AS s (day, agency_code, procedure_code, field, resolved_early, resolved_on_time, resolved_late, withdrawn)
        VALUES (onestop_vn_day(onestop_end_at(d.resolved_at, d.status, d.closed_at)), d.agency_code, d.procedure_code, d.field,
                CASE WHEN outcome = 'early' THEN sign ELSE 0 END, CASE WHEN outcome = 'on_time' THEN sign ELSE 0 END,
                CASE WHEN outcome = 'late' THEN sign ELSE 0 END, CASE WHEN outcome = 'withdrawn' THEN sign ELSE 0 END)
        ON CONFLICT (day, agency_code, procedure_code, field) DO UPDATE
          SET resolved_early = s.resolved_early + EXCLUDED.resolved_early, resolved_on_time = s.resolved_on_time + EXCLUDED.resolved_on_time,
              resolved_late = s.resolved_late + EXCLUDED.resolved_late, withdrawn = s.withdrawn + EXCLUDED.withdrawn;
    END $$`);
  await knex.raw(`
    CREATE FUNCTION dossiers_stats_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM dossiers_stats_apply(OLD, -1); END IF;
      IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM dossiers_stats_apply(NEW, 1); END IF;
      RETURN NULL;
    END $$`);
  await knex.raw(`CREATE TRIGGER dossiers_stats_rollup AFTER INSERT OR DELETE ON dossiers FOR EACH ROW EXECUTE FUNCTION dossiers_stats_trigger()`);
  await knex.raw(`
    CREATE TRIGGER dossiers_stats_rollup_update AFTER UPDATE ON dossiers FOR EACH ROW
      WHEN (OLD.received_at IS DISTINCT FROM NEW.received_at OR OLD.channel IS DISTINCT FROM NEW.channel
         OR OLD.agency_code IS DISTINCT FROM NEW.agency_code OR OLD.procedure_code IS DISTINCT FROM NEW.procedure_code
         OR OLD.field IS DISTINCT FROM NEW.field OR OLD.resolved_at IS DISTINCT FROM NEW.resolved_at
         OR OLD.appointment_at IS DISTINCT FROM NEW.appointment_at OR OLD.status IS DISTINCT FROM NEW.status
         OR OLD.closed_at IS DISTINCT FROM NEW.closed_at)
      EXECUTE FUNCTION dossiers_stats_trigger()`);
  // TRUNCATE would bypass the row trigger: the rollup follows it.
  await knex.raw(`
    CREATE FUNCTION dossiers_stats_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN TRUNCATE dossier_stats_daily; RETURN NULL; END $$`);
  await knex.raw(`CREATE TRIGGER dossiers_stats_rollup_truncate AFTER TRUNCATE ON dossiers FOR EACH STATEMENT EXECUTE FUNCTION dossiers_stats_truncate()`);

  // Past the appointment and still in progress at an instant p, counted at the date level: the range
  // (appointment_at, end] contains [start of the report date, p]. Empty once resolved on or before the
  // appointment. INCLUDE makes the statistics an index-only scan.
  await knex.raw(`
    CREATE FUNCTION onestop_past_due_range(appointment_at timestamptz, resolved_at timestamptz, status text, closed_at timestamptz) RETURNS tstzrange
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      RETURN tstzrange(appointment_at, CASE WHEN onestop_end_at(resolved_at, status, closed_at) IS NOT NULL THEN greatest(onestop_end_at(resolved_at, status, closed_at), appointment_at) END, '(]')`);
  await knex.raw(`
    CREATE INDEX dossiers_past_due_gist ON dossiers
      USING gist (onestop_past_due_range(appointment_at, resolved_at, status, closed_at))
      INCLUDE (id, agency_code, procedure_code, field, status, received_at, appointment_at, resolved_at, closed_at)
      WHERE received_at IS NOT NULL AND appointment_at IS NOT NULL`);
  // The overdue list: open dossiers by appointment.
  await knex.raw(
    `CREATE INDEX dossiers_unresolved_idx ON dossiers (appointment_at) WHERE resolved_at IS NULL AND closed_at IS NULL AND received_at IS NOT NULL`,
  );
  // Waiting for a supplement at an instant (statistics count those dossiers as within the deadline).
  await knex.raw(`CREATE INDEX dossier_supplements_dossier_idx ON dossier_supplements (dossier_id, requested_at)`);

  await knex.schema.createTable('dossier_apologies', (t) => {
    t.comment(
      'Apology letter and new return date (Mẫu 04, vn-rules §2.1): once per dossier, drafted by an officer of the resolving agency, approved by its leader. Never moves dossiers.appointment_at: the dossier still counts as late.',
    );
    t.bigIncrements('id').primary('dossier_apologies_pk');
    t.bigInteger('dossier_id')
      .notNullable()
      .unique('dossier_apologies_dossier_uq')
      .references('id')
      .inTable('dossiers')
      .onDelete('CASCADE')
      .comment('One apology per dossier (rescheduling is allowed only once)');
    t.string('agency_code', 50).notNullable().comment('Resolving agency issuing it');
    t.text('reason').notNullable().comment('Lý do');
    t.timestamp('appointment_at', { useTz: true }).notNullable().comment('The appointment being missed (snapshot)');
    t.date('new_date').notNullable().comment('New return date (Vietnam date) given to the citizen');
    t.string('status', 12).notNullable().comment('draft | approved');
    t.string('drafted_by', 100).notNullable();
    t.timestamp('drafted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.string('approved_by', 100);
    t.string('signer_name', 200).comment('Full name of the approving leader as printed');
    t.timestamp('approved_at', { useTz: true });
  });
  await knex.raw(`ALTER TABLE dossier_apologies ADD CONSTRAINT dossier_apologies_status_ck CHECK (status IN ('draft','approved'))`);
  await knex.raw(`CREATE INDEX dossier_apologies_agency_idx ON dossier_apologies (agency_code, status)`);

  await knex.schema.createTable('dossier_evaluations', (t) => {
    t.comment(
      'Citizen satisfaction evaluation after the result (vn-rules §5.1, seeds 1.D): once per dossier, with the lookup token. Scores 1 (rất không hài lòng) .. 5 (rất hài lòng).',
    );
    t.bigIncrements('id').primary('dossier_evaluations_pk');
    t.bigInteger('dossier_id').notNullable().unique('dossier_evaluations_dossier_uq').references('id').inTable('dossiers').onDelete('CASCADE');
    t.string('agency_code', 50).notNullable().comment('Copied from the dossier for the aggregates');
    t.string('procedure_code', 50).notNullable();
    t.smallint('overall').notNullable().comment('Đánh giá tổng thể');
    t.smallint('receipt').notNullable().comment('Tiếp nhận');
    t.smallint('processing').notNullable().comment('Giải quyết');
    t.smallint('return_stage').notNullable().comment('Trả kết quả');
    t.text('comment').comment('Free text (never shown on public pages)');
    t.timestamp('submitted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(
    `ALTER TABLE dossier_evaluations ADD CONSTRAINT dossier_evaluations_scores_ck CHECK (overall BETWEEN 1 AND 5 AND receipt BETWEEN 1 AND 5 AND processing BETWEEN 1 AND 5 AND return_stage BETWEEN 1 AND 5)`,
  );
  await knex.raw(`CREATE INDEX dossier_evaluations_submitted_idx ON dossier_evaluations (submitted_at)`);

  await knex.schema.createTable('dossier_evaluation_officers', (t) => {
    t.comment('Per-officer score of an evaluation: the officers who completed steps of the dossier (inbox_tasks.completed_by).');
    t.bigInteger('evaluation_id').notNullable().references('id').inTable('dossier_evaluations').onDelete('CASCADE');
    t.string('username', 100).notNullable();
    t.specificType('stages', 'text[]').notNullable().comment('receipt | processing | return: the stages this officer worked in');
    t.smallint('score').notNullable();
    t.primary(['evaluation_id', 'username'], { constraintName: 'dossier_evaluation_officers_pk' });
  });
  await knex.raw(`ALTER TABLE dossier_evaluation_officers ADD CONSTRAINT dossier_evaluation_officers_score_ck CHECK (score BETWEEN 1 AND 5)`);
  await knex.raw(`CREATE INDEX dossier_evaluation_officers_user_idx ON dossier_evaluation_officers (username)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('dossier_evaluation_officers');
  await knex.schema.dropTableIfExists('dossier_evaluations');
  await knex.schema.dropTableIfExists('dossier_apologies');
  await knex.raw('DROP INDEX IF EXISTS dossier_supplements_dossier_idx');
  await knex.raw('DROP INDEX IF EXISTS dossiers_unresolved_idx');
  await knex.raw('DROP INDEX IF EXISTS dossiers_past_due_gist');
  await knex.raw('DROP FUNCTION IF EXISTS onestop_past_due_range(timestamptz, timestamptz, text, timestamptz)');
  await knex.raw('DROP TRIGGER IF EXISTS dossiers_stats_rollup_truncate ON dossiers');
  await knex.raw('DROP TRIGGER IF EXISTS dossiers_stats_rollup_update ON dossiers');
  await knex.raw('DROP TRIGGER IF EXISTS dossiers_stats_rollup ON dossiers');
  await knex.raw('DROP FUNCTION IF EXISTS dossiers_stats_truncate()');
  await knex.raw('DROP FUNCTION IF EXISTS dossiers_stats_trigger()');
  await knex.raw('DROP FUNCTION IF EXISTS dossiers_stats_apply(dossiers, integer)');
  await knex.schema.dropTableIfExists('dossier_stats_daily');
  await knex.raw('DROP FUNCTION IF EXISTS onestop_outcome(timestamptz, timestamptz, text, timestamptz)');
  await knex.raw('DROP FUNCTION IF EXISTS onestop_end_at(timestamptz, text, timestamptz)');
  await knex.raw('DROP FUNCTION IF EXISTS onestop_vn_day(timestamptz)');
}
