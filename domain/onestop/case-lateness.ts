import type { Knex } from 'knex';
import { lateness, type Lateness, type LatenessFacts } from './lateness.js';

/**
 * The facts `lateness` needs, for every tracked case (case_deadlines) with its dossier when it is a
 * one-stop case: the ISO figures (automatic nonconformities, the on-time objective, review input c3, the
 * annual report) read cases through here so that they judge them by the II.06a rule, not by the case
 * clock's finish (the citizen collecting the result) compared to the minute.
 *
 * - appointment: the dossier's (moved by the pauses, copied from the case clock), else the case's;
 * - ready: the dossier's `resolved_at` (result ready or not eligible); a case without a dossier is ready
 *   when its process finishes;
 * - withdrawn: a dossier closed without a result (withdrawn, stopped, cancelled for want of a supplement);
 * - paused: a case pause (supplement, fees/taxes) open at the instant asked about.
 */

export interface CaseFacts extends LatenessFacts {
  processInstanceKey: string;
  bpmnProcessId: string;
  unitCode: string | null;
  /** ready or withdrawn: when the case stopped counting */
  endAt: Date | null;
  /** the process's name, when the query joined it */
  name: string | null;
}

interface FactRow {
  process_instance_key: string;
  bpmn_process_id: string;
  unit_code: string | null;
  appointment_at: Date | null;
  ready_at: Date | null;
  withdrawn_at: Date | null;
  end_at: Date | null;
  paused: boolean;
  name?: string | null;
}

/**
 * The facts of the cases as a derived table `f` (columns process_instance_key, bpmn_process_id, unit_code,
 * appointment_at, ready_at, withdrawn_at, end_at, paused), paused judged at `at`; callers narrow it.
 */
export function caseFactsQuery(db: Knex, at: Date): Knex.QueryBuilder {
  return db
    .from(
      db.raw(
        `(SELECT c.process_instance_key, c.bpmn_process_id, c.unit_code,
                 coalesce(d.appointment_at, c.appointment_at) AS appointment_at,
                 CASE WHEN d.id IS NULL THEN c.finished_at ELSE d.resolved_at END AS ready_at,
                 CASE WHEN d.id IS NOT NULL AND d.resolved_at IS NULL THEN d.closed_at END AS withdrawn_at,
                 CASE WHEN d.id IS NULL THEN c.finished_at ELSE coalesce(d.resolved_at, d.closed_at) END AS end_at,
                 EXISTS (SELECT 1 FROM case_pauses p WHERE p.process_instance_key = c.process_instance_key
                            AND p.paused_at <= ?::timestamptz AND (p.resumed_at IS NULL OR p.resumed_at > ?::timestamptz)) AS paused
            FROM case_deadlines c
            LEFT JOIN dossiers d ON d.process_instance_key = c.process_instance_key) AS f`,
        [at, at],
      ),
    )
    .select('f.*');
}

export function toCaseFacts(r: FactRow): CaseFacts {
  return {
    processInstanceKey: String(r.process_instance_key),
    bpmnProcessId: r.bpmn_process_id,
    unitCode: r.unit_code,
    appointmentAt: r.appointment_at,
    readyAt: r.ready_at,
    withdrawnAt: r.withdrawn_at,
    endAt: r.end_at,
    pausedAt: r.paused,
    name: r.name ?? null,
  };
}

/** The cases a query of `caseFactsQuery` finds, each with its outcome at `at`. */
export async function casesWithLateness(q: Knex.QueryBuilder, at: Date): Promise<(CaseFacts & { outcome: Lateness })[]> {
  const rows: FactRow[] = await q;
  return rows.map(toCaseFacts).map((f) => ({ ...f, outcome: lateness(f, at) }));
}
