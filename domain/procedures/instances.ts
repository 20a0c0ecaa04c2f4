import type { Knex } from 'knex';

/**
 * Cases of the procedures as the API starts and cancels them: the start requests it keeps in the
 * engine outbox (kind 'start', continuation domain/audit/case-start.ts) and what the history knows of
 * a case before it is cancelled.
 */

/** The outbox row of a start already asked with this idempotency key, or undefined. */
export async function startRequestByKey(db: Knex, dedupeKey: string): Promise<string | undefined> {
  const existing = await db('engine_outbox').where({ dedupe_key: dedupeKey }).first('id');
  return existing ? String(existing.id) : undefined;
}

/**
 * Withdraws a start that certainly did not reach the engine: still pending, never in flight, and no
 * relay holds it. False when it may have been sent meanwhile (then its outcome is awaited).
 */
export async function withdrawStart(db: Knex, id: string): Promise<boolean> {
  const withdrawn = await db('engine_outbox')
    .where({ id, status: 'pending' })
    .whereNull('in_flight_since')
    .where((w) => w.whereNull('lease_until').orWhere('lease_until', '<', db.fn.now()))
    .update({ status: 'cancelled' });
  return Boolean(withdrawn);
}

/** Whether the case shows in the projection yet: its start variable (startedByUnit) or a task of it in the inbox. */
export async function caseStartSeen(db: Knex, processInstanceKey: string): Promise<boolean> {
  return Boolean(
    (await db('hist_variables').where({ scope_key: processInstanceKey, name: 'startedByUnit' }).first('scope_key')) ??
    (await db('inbox_tasks').where({ process_instance_key: processInstanceKey }).first('job_key')),
  );
}

/**
 * Waits up to `ms` for a case to show in the projection: a case started a moment ago may not be
 * projected yet (history lags the engine by ~100 ms).
 */
export async function waitForCaseStart(db: Knex, processInstanceKey: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!(await caseStartSeen(db, processInstanceKey)) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
}

/** Whether the case is known at all: seen starting, or an instance in the history. */
export async function caseKnown(db: Knex, processInstanceKey: string): Promise<boolean> {
  return (
    (await caseStartSeen(db, processInstanceKey)) ||
    Boolean(await db('hist_process_instances').where({ process_instance_key: processInstanceKey }).first('process_instance_key'))
  );
}
