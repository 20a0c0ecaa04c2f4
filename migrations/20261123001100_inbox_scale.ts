import type { Knex } from 'knex';

/**
 * Inbox at scale (issue 4). The finished views are limited to a period by default; a leader's finished
 * view ("offered to my subtree's groups or users, or completed by one of its users, within the period")
 * and the open buckets get indexes that answer them without visiting a big unit's whole history.
 *
 * inbox_done_keys() turns a finished task into the keys it can be found under: one per candidate group
 * ("g:<group>@<day>") and candidate user ("u:<username>@<day>"), where <day> is the day of completion in
 * Vietnam (UTC+7) counted from 2000-01-01. A subtree over a period is the product of its groups and
 * users with the days of the period, so the GIN index hands over the rows of that subtree and those days
 * only (before: a BitmapOr over the subtree's whole history, or a sequential scan of 10M finished rows).
 * "Completed by one of its users" is answered by inbox_tasks_done_by_idx (completed_by, completed_at).
 * The repository builds the same keys (domain/inbox/store.ts, doneKeys) and keeps the exact
 * completed_at bound. plpgsql, not sql: three times faster per row when the index is built.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION inbox_done_keys(groups text[], users text[], done_at timestamptz) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
    DECLARE
      day text;
      keys text[] := '{}';
      k text;
    BEGIN
      IF done_at IS NULL THEN RETURN keys; END IF;
      day := '@' || ((done_at AT TIME ZONE INTERVAL '+07:00')::date - DATE '2000-01-01');
      IF groups IS NOT NULL THEN FOREACH k IN ARRAY groups LOOP keys := keys || ('g:' || k || day); END LOOP; END IF;
      IF users IS NOT NULL THEN FOREACH k IN ARRAY users LOOP keys := keys || ('u:' || k || day); END LOOP; END IF;
      RETURN keys;
    END $$`);
  await knex.raw(
    `COMMENT ON FUNCTION inbox_done_keys(text[], text[], timestamptz) IS 'Keys a finished inbox task is found under: g:<candidate group>@<day>, u:<candidate user>@<day>; day = completion day in UTC+7 minus 2000-01-01'`,
  );
  // Large tables (the benchmark's 10M finished rows): build with more memory than the default 64 MB.
  await knex.raw(`SET LOCAL maintenance_work_mem = '512MB'`);
  await knex.raw(
    `CREATE INDEX inbox_tasks_done_keys_idx ON inbox_tasks USING gin (inbox_done_keys(candidate_groups, candidate_users, completed_at)) WHERE status = 'completed'`,
  );
  // A holder's open tasks on time / overdue, counted from the index alone (index-only scan).
  await knex.raw(
    `CREATE INDEX inbox_tasks_open_holder_due_idx ON inbox_tasks (assignee, due_date) WHERE assignee IS NOT NULL AND status IN ('open','completing')`,
  );
  // A leader's "in progress": held tasks offered to the subtree (the unassigned majority left out).
  await knex.raw(
    `CREATE INDEX inbox_tasks_open_held_groups_idx ON inbox_tasks USING gin (candidate_groups) WHERE assignee IS NOT NULL AND status IN ('open','completing')`,
  );
  // A finisher's tasks over a period, on time / late, from the index alone: done_by_idx with the due date.
  await knex.raw(`CREATE INDEX inbox_tasks_done_by_due_idx ON inbox_tasks (completed_by, completed_at DESC) INCLUDE (due_date) WHERE status = 'completed'`);
  await knex.raw('DROP INDEX inbox_tasks_done_by_idx');
  // "Reminded" (a deadline reminder fired, or a leader urged): a few rows per officer among thousands of open ones.
  await knex.raw(`CREATE INDEX inbox_tasks_open_reminded_idx ON inbox_tasks (assignee) WHERE reminded_at IS NOT NULL AND status IN ('open','completing')`);
  await knex.raw(
    `CREATE INDEX inbox_tasks_open_flagged_groups_idx ON inbox_tasks USING gin (candidate_groups) WHERE (urged_at IS NOT NULL OR reminded_at IS NOT NULL) AND status IN ('open','completing')`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`CREATE INDEX IF NOT EXISTS inbox_tasks_done_by_idx ON inbox_tasks (completed_by, completed_at DESC) WHERE status = 'completed'`);
  for (const name of [
    'inbox_tasks_open_flagged_groups_idx',
    'inbox_tasks_open_reminded_idx',
    'inbox_tasks_done_by_due_idx',
    'inbox_tasks_open_held_groups_idx',
    'inbox_tasks_open_holder_due_idx',
    'inbox_tasks_done_keys_idx',
  ]) {
    await knex.raw(`DROP INDEX IF EXISTS ${name}`);
  }
  await knex.raw('DROP FUNCTION IF EXISTS inbox_done_keys(text[], text[], timestamptz)');
}
