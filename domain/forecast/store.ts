import type { Knex } from 'knex';
import type { Pause } from '../deadlines/calendar/index.js';
import type { DossierRecord, FinishedDossier, OpenDossier, OpenStep } from './model.js';

/** The SQL of the forecast: the finished history and the open dossiers, as records for model.ts. */

/** How far back the history reaches, and at most how many step runs it reads (the newest). */
export const HISTORY_DAYS = 400;
export const HISTORY_MAX_RUNS = 50_000;

const pausesOf = (raw: unknown): Pause[] => ((raw as { from: string; to: string }[] | null) ?? []).map((p) => ({ from: new Date(p.from), to: new Date(p.to) }));

const CLOSED_PAUSES = `coalesce((SELECT json_agg(json_build_object('from', p.paused_at, 'to', p.resumed_at)) FROM case_pauses p
                                 WHERE p.process_instance_key = d.process_instance_key AND p.resumed_at IS NOT NULL), '[]'::json)`;
const STEP_UNIT = `coalesce(s.unit_code, nullif(split_part(t.candidate_groups[1], '/', 1), ''))`;

/** Completed human steps of the dossiers whose result was ready before `asOf` (within HISTORY_DAYS). */
export async function loadFinished(db: Knex, asOf: Date): Promise<FinishedDossier[]> {
  const since = new Date(asOf.getTime() - HISTORY_DAYS * 86_400_000);
  const rows: {
    id: string;
    procedure_code: string;
    resolved_at: Date;
    pauses: unknown;
    element_id: string;
    unit_code: string | null;
    created_at: Date;
    completed_at: Date;
  }[] = (
    await db.raw(
      `SELECT d.id, d.procedure_code, d.resolved_at, ${CLOSED_PAUSES} AS pauses,
              t.element_id, ${STEP_UNIT} AS unit_code, t.created_at, t.completed_at
         FROM dossiers d
         JOIN inbox_tasks t ON t.process_instance_key = d.process_instance_key AND t.status = 'completed'
         LEFT JOIN step_deadlines s ON s.element_instance_key = t.element_instance_key
        WHERE d.resolved_at IS NOT NULL AND d.resolved_at <= ? AND d.resolved_at > ? AND t.completed_at <= d.resolved_at
        ORDER BY d.resolved_at DESC, t.created_at
        LIMIT ?`,
      [asOf, since, HISTORY_MAX_RUNS],
    )
  ).rows;
  const out = new Map<string, FinishedDossier>();
  for (const r of rows) {
    const id = String(r.id);
    let d = out.get(id);
    if (!d) out.set(id, (d = { procedureCode: r.procedure_code, readyAt: r.resolved_at, pauses: pausesOf(r.pauses), steps: [] }));
    d.steps.push({ stepId: r.element_id, unitCode: r.unit_code, startedAt: r.created_at, endedAt: r.completed_at });
  }
  return [...out.values()];
}

export interface OpenDossierRow extends OpenDossier {
  id: string;
  code: string;
  procedureName: string;
  agencyCode: string;
  receivedAt: Date;
  apologyStatus: 'draft' | 'approved' | null;
}

/**
 * Open dossiers (received, no result, not withdrawn, not paused for the citizen or fees) that the scope
 * sees: their agency is in `agencyCodes`, or one of their open steps belongs to a unit in it (null: all).
 */
export async function loadOpen(db: Knex, agencyCodes: string[] | null): Promise<OpenDossierRow[]> {
  const scoped = agencyCodes
    ? `AND (d.agency_code = ANY(?::text[]) OR EXISTS (SELECT 1 FROM inbox_tasks t LEFT JOIN step_deadlines s ON s.element_instance_key = t.element_instance_key
                                                   WHERE t.process_instance_key = d.process_instance_key AND t.status IN ('open','completing')
                                                     AND ${STEP_UNIT} = ANY(?::text[])))`
    : '';
  const dossiers: Record<string, any>[] = (
    await db.raw(
      `SELECT d.id, d.code, d.procedure_code, coalesce(p.name, d.procedure_code) AS procedure_name, d.agency_code, d.received_at,
              d.appointment_at, d.process_instance_key, a.status AS apology_status, ${CLOSED_PAUSES} AS pauses
         FROM dossiers d
         LEFT JOIN onestop_procedures p ON p.code = d.procedure_code
         LEFT JOIN dossier_apologies a ON a.dossier_id = d.id
        WHERE d.resolved_at IS NULL AND d.closed_at IS NULL AND d.received_at IS NOT NULL AND d.appointment_at IS NOT NULL
          AND d.process_instance_key IS NOT NULL
          AND d.status NOT IN ('SUPPLEMENT_REQUESTED_IN_PROCESSING', 'AWAITING_FEES')
          AND NOT EXISTS (SELECT 1 FROM case_pauses cp WHERE cp.process_instance_key = d.process_instance_key AND cp.resumed_at IS NULL)
          ${scoped}`,
      agencyCodes ? [agencyCodes, agencyCodes] : [],
    )
  ).rows;
  if (!dossiers.length) return [];
  const steps: Record<string, any>[] = (
    await db.raw(
      `SELECT t.process_instance_key, t.job_key, t.element_id, t.name, ${STEP_UNIT} AS unit_code, t.created_at, s.due_at, t.assignee,
              (SELECT count(*) FROM inbox_tasks q
                 WHERE q.status IN ('open','completing') AND q.bpmn_process_id = t.bpmn_process_id AND q.element_id = t.element_id
                   AND q.candidate_groups = t.candidate_groups AND q.created_at < t.created_at)::int AS queue_ahead
         FROM inbox_tasks t
         LEFT JOIN step_deadlines s ON s.element_instance_key = t.element_instance_key
        WHERE t.status IN ('open','completing') AND t.process_instance_key = ANY(?::bigint[])`,
      [dossiers.map((d) => String(d.process_instance_key))],
    )
  ).rows;
  const byInstance = new Map<string, OpenStep[]>();
  for (const s of steps) {
    const key = String(s.process_instance_key);
    (byInstance.get(key) ?? byInstance.set(key, []).get(key)!).push({
      taskId: String(s.job_key),
      stepId: s.element_id,
      stepName: s.name,
      unitCode: s.unit_code,
      startedAt: s.created_at,
      dueAt: s.due_at,
      holder: s.assignee,
      queueAhead: Number(s.queue_ahead),
    });
  }
  return dossiers.map((d) => ({
    id: String(d.id),
    code: d.code,
    procedureCode: d.procedure_code,
    procedureName: d.procedure_name,
    agencyCode: d.agency_code,
    receivedAt: d.received_at,
    appointmentAt: d.appointment_at,
    apologyStatus: d.apology_status ?? null,
    pauses: pausesOf(d.pauses),
    steps: byInstance.get(String(d.process_instance_key)) ?? [],
  }));
}

/**
 * Every dossier received within HISTORY_DAYS before `asOf` (and by it), finished or not, with its human steps
 * and pauses as instants (domain/forecast/model.ts DossierRecord): the recalibration replays past dates from
 * them, and bench/forecast.ts measures the forecast on a platform's database with them. At most
 * HISTORY_MAX_RUNS step runs (the newest dossiers).
 */
export async function loadHistory(db: Knex, asOf: Date): Promise<DossierRecord[]> {
  const since = new Date(asOf.getTime() - HISTORY_DAYS * 86_400_000);
  const rows: Record<string, any>[] = (
    await db.raw(
      `SELECT d.id, d.procedure_code, d.received_at, d.appointment_at, d.resolved_at, d.closed_at,
              coalesce((SELECT json_agg(json_build_object('from', p.paused_at, 'to', p.resumed_at)) FROM case_pauses p
                         WHERE p.process_instance_key = d.process_instance_key), '[]'::json) AS pauses,
              t.element_id, ${STEP_UNIT} AS unit_code, t.created_at, t.completed_at
         FROM dossiers d
         LEFT JOIN inbox_tasks t ON t.process_instance_key = d.process_instance_key AND t.status IN ('open', 'completing', 'completed')
         LEFT JOIN step_deadlines s ON s.element_instance_key = t.element_instance_key
        WHERE d.received_at IS NOT NULL AND d.appointment_at IS NOT NULL AND d.process_instance_key IS NOT NULL
          AND d.received_at <= ? AND d.received_at > ?
        ORDER BY d.received_at DESC, d.id, t.created_at
        LIMIT ?`,
      [asOf, since, HISTORY_MAX_RUNS],
    )
  ).rows;
  const out = new Map<string, DossierRecord>();
  for (const r of rows) {
    const id = String(r.id);
    let d = out.get(id);
    if (!d)
      out.set(
        id,
        (d = {
          procedureCode: r.procedure_code,
          receivedAt: r.received_at,
          appointmentAt: r.appointment_at,
          readyAt: r.resolved_at,
          closedAt: r.closed_at,
          pauses: ((r.pauses as { from: string; to: string | null }[] | null) ?? []).map((p) => ({
            from: new Date(p.from),
            to: p.to ? new Date(p.to) : null,
          })),
          steps: [],
        }),
      );
    if (r.element_id && r.created_at) d.steps.push({ stepId: r.element_id, unitCode: r.unit_code, startedAt: r.created_at, endedAt: r.completed_at ?? null });
  }
  return [...out.values()];
}
