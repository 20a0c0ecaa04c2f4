import type { Knex } from 'knex';

/**
 * A leader's badges at scale (issue 4). Like inbox_done_scopes for finished work, every open task is
 * filed under each unit above (and including) the units it is offered to (candidate groups and users)
 * and the unit of whoever holds it: exactly the leader's "unit" view of open tasks
 * (domain/inbox/store.ts openSet). With whether it is held, whether it was urged or reminded, and
 * its due date, each badge of a subtree (not started / in progress / reminded, on time / overdue) is a
 * capped count over one range of one index, instead of a bitmap of every open task offered to the
 * subtree's hundreds of groups (bench: 291 ms and 27,000 buffers for the province's biggest department).
 * The same rows give a leader's lists in order of arrival (unit, created_at): the province leader's
 * inbox read the province's million open tasks to show the newest 50 (12 s).
 * A trigger keeps the rows in step with every change of status, holder, flags, due date and offer.
 * inbox_done_units() (migration 20261123009000) resolves the units: it takes any task's groups, users
 * and one person.
 */
export async function fillOpenScopes(knex: Knex): Promise<void> {
  await knex.raw(`
    INSERT INTO inbox_open_scopes (unit_code, job_key, held, flagged, due_date, created_at)
    SELECT DISTINCT u, t.job_key, t.assignee IS NOT NULL, t.urged_at IS NOT NULL OR t.reminded_at IS NOT NULL, t.due_date, t.created_at
      FROM inbox_tasks t CROSS JOIN LATERAL unnest(inbox_done_units(t.candidate_groups, t.candidate_users, t.assignee)) AS u
     WHERE t.status IN ('open', 'completing')`);
}

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE inbox_open_scopes (
      unit_code text NOT NULL,
      job_key bigint NOT NULL,
      held boolean NOT NULL,
      flagged boolean NOT NULL,
      due_date timestamptz,
      created_at timestamptz NOT NULL
    )`);
  await knex.raw(
    `COMMENT ON TABLE inbox_open_scopes IS 'An open inbox task under every unit whose subtree it belongs to (offered to, or held by a user of, the unit or a unit below); kept by trigger inbox_tasks_open_scopes'`,
  );
  await knex.raw(`
    CREATE FUNCTION inbox_tasks_open_scopes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP <> 'INSERT' THEN
        DELETE FROM inbox_open_scopes WHERE job_key = OLD.job_key;
      END IF;
      IF TG_OP <> 'DELETE' AND NEW.status IN ('open', 'completing') THEN
        INSERT INTO inbox_open_scopes (unit_code, job_key, held, flagged, due_date, created_at)
        SELECT u, NEW.job_key, NEW.assignee IS NOT NULL, NEW.urged_at IS NOT NULL OR NEW.reminded_at IS NOT NULL, NEW.due_date, NEW.created_at
          FROM unnest(inbox_done_units(NEW.candidate_groups, NEW.candidate_users, NEW.assignee)) AS u
        ON CONFLICT (job_key, unit_code) DO NOTHING;
      END IF;
      RETURN NULL;
    END $$`);
  await knex.raw(`
    CREATE TRIGGER inbox_tasks_open_scopes
      AFTER INSERT OR DELETE OR UPDATE OF status, assignee, urged_at, reminded_at, due_date, candidate_groups, candidate_users ON inbox_tasks
      FOR EACH ROW EXECUTE FUNCTION inbox_tasks_open_scopes()`);
  await knex.raw(`SET LOCAL maintenance_work_mem = '512MB'`);
  await knex.raw(`SET LOCAL work_mem = '256MB'`);
  await fillOpenScopes(knex);
  await addOpenScopesKeys(knex);
  await knex.raw('ANALYZE inbox_open_scopes');
}

/**
 * The primary key (for the trigger's delete), the badge indexes (held or not by due date, flagged by due
 * date) and the order of a leader's lists (newest first, read in order and stopped after the page).
 */
export async function addOpenScopesKeys(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE inbox_open_scopes ADD PRIMARY KEY (job_key, unit_code)');
  await knex.raw('CREATE INDEX inbox_open_scopes_badge_idx ON inbox_open_scopes (unit_code, held, due_date DESC)');
  await knex.raw('CREATE INDEX inbox_open_scopes_flagged_idx ON inbox_open_scopes (unit_code, due_date DESC) WHERE flagged');
  await knex.raw('CREATE INDEX inbox_open_scopes_created_idx ON inbox_open_scopes (unit_code, created_at DESC, job_key DESC)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS inbox_tasks_open_scopes ON inbox_tasks');
  await knex.raw('DROP FUNCTION IF EXISTS inbox_tasks_open_scopes()');
  await knex.raw('DROP TABLE IF EXISTS inbox_open_scopes');
}
