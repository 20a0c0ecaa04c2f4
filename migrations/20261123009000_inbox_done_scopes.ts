import type { Knex } from 'knex';

/**
 * A leader's finished view at scale (issue 4). A finished task belongs to every unit above (and
 * including) each unit it was offered to (candidate group "<unit>" or "<unit>/<role>", candidate
 * user's unit) and the unit of the officer who completed it. inbox_done_scopes keeps one row per
 * (such unit, task), written by a trigger when the task becomes completed, so that "finished tasks
 * of my subtree in the period, newest first" is one range of one index, whatever the subtree's size:
 * (unit_code, completed_at DESC, job_key DESC) INCLUDE (late). Before, the subtree's groups and users were
 * looked up day by day (inbox_done_keys) and every match had to be read and sorted.
 *
 * The units are those of the moment of completion: a user who later moves to another unit keeps
 * their past work in the unit they did it for (the history an auditor expects).
 */
const FILL_FUNCTION = `
  CREATE OR REPLACE FUNCTION inbox_done_units(groups text[], users text[], done_by text) RETURNS text[]
  LANGUAGE sql STABLE AS $$
    WITH RECURSIVE direct AS (
      SELECT o.id FROM org_units o
       WHERE o.code IN (SELECT regexp_replace(g, '/(admin|designer|officer|leader|auditor)$', '') FROM unnest(coalesce(groups, '{}')) AS g)
      UNION
      SELECT us.unit_id FROM users us
       WHERE us.unit_id IS NOT NULL AND (us.username = ANY(coalesce(users, '{}')) OR us.username = done_by)
    ), up AS (
      SELECT o.id, o.parent_id, o.code FROM org_units o WHERE o.id IN (SELECT id FROM direct)
      UNION
      SELECT p.id, p.parent_id, p.code FROM org_units p JOIN up ON p.id = up.parent_id
    )
    SELECT coalesce(array_agg(DISTINCT code), '{}') FROM up
  $$`;

/**
 * Fills an empty inbox_done_scopes, without its primary key and index, for every completed task,
 * set-based: each group name and user is resolved to its unit's ancestors once (a small table), joined
 * to the tasks, and the pairs are de-duplicated by one sort (the trigger's function called per row, or
 * inserts checked one by one against the primary key, take several times longer on the benchmark's
 * 10M finished tasks). Run inside a transaction (the name table is dropped at commit); then
 * addDoneScopesKeys.
 */
export async function fillDoneScopes(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TEMP TABLE done_scope_names ON COMMIT DROP AS
    WITH RECURSIVE anc AS (
      SELECT id, id AS anc_id FROM org_units
      UNION
      SELECT a.id, o.parent_id FROM anc a JOIN org_units o ON o.id = a.anc_id WHERE o.parent_id IS NOT NULL
    ), anc_code AS (SELECT a.id, o.code FROM anc a JOIN org_units o ON o.id = a.anc_id)
    SELECT u.code || r AS name, ac.code AS unit_code
      FROM org_units u CROSS JOIN unnest(ARRAY['', '/admin', '/designer', '/officer', '/leader', '/auditor']) AS r JOIN anc_code ac ON ac.id = u.id
    UNION ALL
    SELECT 'u:' || us.username, ac.code FROM users us JOIN anc_code ac ON ac.id = us.unit_id`);
  await knex.raw('ANALYZE done_scope_names');
  await knex.raw(`
    INSERT INTO inbox_done_scopes (unit_code, job_key, completed_at, late)
    SELECT DISTINCT n.unit_code, t.job_key, t.completed_at, coalesce(t.completed_at > t.due_date, false)
      FROM inbox_tasks t
      CROSS JOIN LATERAL unnest(t.candidate_groups || array(SELECT 'u:' || x FROM unnest(t.candidate_users || t.completed_by) AS x WHERE x IS NOT NULL)) AS k(name)
      JOIN done_scope_names n ON n.name = k.name
     WHERE t.status = 'completed' AND t.completed_at IS NOT NULL`);
}

/** The primary key (one row per unit and task) and the index the leader's finished view reads. */
export async function addDoneScopesKeys(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE inbox_done_scopes ADD PRIMARY KEY (unit_code, job_key)');
  await knex.raw(`CREATE INDEX inbox_done_scopes_unit_at_idx ON inbox_done_scopes (unit_code, completed_at DESC, job_key DESC) INCLUDE (late)`);
}

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE inbox_done_scopes (
      unit_code text NOT NULL,
      job_key bigint NOT NULL,
      completed_at timestamptz NOT NULL,
      late boolean NOT NULL
    )`);
  await knex.raw(
    `COMMENT ON TABLE inbox_done_scopes IS 'A finished inbox task under every unit whose subtree it belongs to (offered to, or completed by a user of, the unit or a unit below); kept by trigger inbox_tasks_done_scopes'`,
  );
  await knex.raw(FILL_FUNCTION);
  await knex.raw(`
    CREATE FUNCTION inbox_tasks_done_scopes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.status = 'completed' AND NEW.completed_at IS NOT NULL THEN
        INSERT INTO inbox_done_scopes (unit_code, job_key, completed_at, late)
        SELECT u, NEW.job_key, NEW.completed_at, coalesce(NEW.completed_at > NEW.due_date, false)
          FROM unnest(inbox_done_units(NEW.candidate_groups, NEW.candidate_users, NEW.completed_by)) AS u
        ON CONFLICT (unit_code, job_key) DO UPDATE SET completed_at = EXCLUDED.completed_at, late = EXCLUDED.late;
      END IF;
      RETURN NULL;
    END $$`);
  await knex.raw(`
    CREATE TRIGGER inbox_tasks_done_scopes AFTER INSERT OR UPDATE OF status, completed_at ON inbox_tasks
      FOR EACH ROW WHEN (NEW.status = 'completed') EXECUTE FUNCTION inbox_tasks_done_scopes()`);
  await knex.raw(`SET LOCAL maintenance_work_mem = '512MB'`);
  await knex.raw(`SET LOCAL work_mem = '256MB'`);
  await fillDoneScopes(knex);
  await addDoneScopesKeys(knex);
  await knex.raw('ANALYZE inbox_done_scopes');
  // The day keys of 20261123001100 answered the same question; nothing reads them any more.
  await knex.raw('DROP INDEX IF EXISTS inbox_tasks_done_keys_idx');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS inbox_tasks_done_scopes ON inbox_tasks');
  await knex.raw('DROP FUNCTION IF EXISTS inbox_tasks_done_scopes()');
  await knex.raw('DROP TABLE IF EXISTS inbox_done_scopes');
  await knex.raw('DROP FUNCTION IF EXISTS inbox_done_units(text[], text[], text)');
  await knex.raw(
    `CREATE INDEX IF NOT EXISTS inbox_tasks_done_keys_idx ON inbox_tasks USING gin (inbox_done_keys(candidate_groups, candidate_users, completed_at)) WHERE status = 'completed'`,
  );
}
