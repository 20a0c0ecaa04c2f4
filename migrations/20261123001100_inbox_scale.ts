import type { Knex } from 'knex';

/**
 * Inbox at scale (issue 4): the finished views are limited to a period by default, and a leader's
 * finished view ("offered to my subtree's groups or users, or completed by one of its users, within
 * the period") gets an index that answers subtree and period together.
 *
 * inbox_done_keys() turns a finished task into the keys it can be found under: one per candidate
 * group ("g:<group>@<day>"), candidate user and finisher ("u:<username>@<day>"), where <day> is the
 * day of completion in Vietnam (UTC+7) counted from 2000-01-01. A subtree over a period is the
 * product of its groups and users with the days of the period, so the GIN index hands over exactly
 * the rows of that subtree and those days instead of the subtree's whole history (a BitmapOr of the
 * all-time group index, a sequential scan of the 10M finished rows before). The repository builds
 * the same keys (api/repositories/inbox.ts, doneKeys) and keeps the exact completed_at bound.
 *
 * inbox_tasks_done_at_idx serves the same view for very large subtrees (the province), where nearly
 * every finished task matches and reading the newest first is the cheap way.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION inbox_done_keys(groups text[], users text[], done_by text, done_at timestamptz) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT CASE WHEN done_at IS NULL THEN '{}'::text[] ELSE ARRAY(
        SELECT k || '@' || (((done_at AT TIME ZONE INTERVAL '+07:00')::date - DATE '2000-01-01')::text)
        FROM (SELECT 'g:' || g AS k FROM unnest(groups) AS g
              UNION ALL SELECT 'u:' || u FROM unnest(users) AS u
              UNION ALL SELECT 'u:' || done_by) AS keys
        WHERE k IS NOT NULL) END
    $$`);
  await knex.raw(
    `COMMENT ON FUNCTION inbox_done_keys(text[], text[], text, timestamptz) IS 'Keys a finished inbox task is found under: g:<candidate group>@<day>, u:<candidate user or finisher>@<day>; day = completion day in UTC+7 minus 2000-01-01'`,
  );
  // Large tables (the benchmark's 10M finished rows): build with more memory than the default 64 MB.
  await knex.raw(`SET LOCAL maintenance_work_mem = '512MB'`);
  await knex.raw(
    `CREATE INDEX inbox_tasks_done_keys_idx ON inbox_tasks USING gin (inbox_done_keys(candidate_groups, candidate_users, completed_by, completed_at)) WHERE status = 'completed'`,
  );
  await knex.raw(`CREATE INDEX inbox_tasks_done_at_idx ON inbox_tasks (completed_at DESC) WHERE status = 'completed'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS inbox_tasks_done_at_idx');
  await knex.raw('DROP INDEX IF EXISTS inbox_tasks_done_keys_idx');
  await knex.raw('DROP FUNCTION IF EXISTS inbox_done_keys(text[], text[], text, timestamptz)');
}
