import type { Knex } from 'knex';

/**
 * Issue 19, item 2 ("fewer triggers per inbox write"): the trigger that files an open task under every unit
 * above it (inbox_open_scopes, migration 20261123009100) deleted and inserted all of a task's rows on every
 * update of the columns it watches, even when nothing its rows hold had changed: the completion marks a task
 * 'completing' (still open for the scopes) before the engine confirms, and that rewrote every row of every
 * unit above it with the same values. An update that leaves the task open (or closed), with the same holder,
 * flag, due date and offer, now does nothing. Any other change takes the old path.
 */

const BODY_BEFORE = `
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
    END`;

/** The same body, after a first test: an update that changes nothing the rows hold returns at once. */
const BODY_AFTER = BODY_BEFORE.replace(
  'BEGIN',
  `BEGIN
      IF TG_OP = 'UPDATE'
         AND (OLD.status IN ('open', 'completing')) = (NEW.status IN ('open', 'completing'))
         AND OLD.assignee IS NOT DISTINCT FROM NEW.assignee
         AND (OLD.urged_at IS NOT NULL OR OLD.reminded_at IS NOT NULL) = (NEW.urged_at IS NOT NULL OR NEW.reminded_at IS NOT NULL)
         AND OLD.due_date IS NOT DISTINCT FROM NEW.due_date
         AND OLD.candidate_groups IS NOT DISTINCT FROM NEW.candidate_groups
         AND OLD.candidate_users IS NOT DISTINCT FROM NEW.candidate_users THEN
        RETURN NULL;
      END IF;`,
);

const define = (body: string) => `CREATE OR REPLACE FUNCTION inbox_tasks_open_scopes() RETURNS trigger LANGUAGE plpgsql AS $$${body} $$`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(define(BODY_AFTER));
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(define(BODY_BEFORE));
}
