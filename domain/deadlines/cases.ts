import type { Knex } from 'knex';
import type { Pause, TimeLimitUnit, WorkingCalendar } from './calendar/index.js';
import { loadCalendar } from './calendar-store.js';
import * as repo from './store.js';
import { pausedWorkingDays } from './compute.js';
import * as clock from '../../lib/clock.js';

/**
 * The case clock (ngày hẹn trả): pauses while the dossier waits for the citizen, resumes with the
 * appointment moved by the paused working time, and the on-time flag at the end. Every function
 * takes the instant it acts at (`at`): workers pass the engine's time, the API the server's.
 */

export class CaseClockError extends Error {
  constructor(
    readonly code: 'NO_CASE' | 'ALREADY_PAUSED' | 'NOT_PAUSED' | 'FINISHED' | 'BEFORE_PAUSE',
    message: string,
  ) {
    super(message);
    this.name = 'CaseClockError';
  }
}

export interface CaseState {
  processInstanceKey: string;
  bpmnProcessId: string;
  unitCode: string | null;
  timeLimitDays: number;
  timeLimitUnit: TimeLimitUnit;
  receivedAt: Date;
  originalAppointmentAt: Date;
  appointmentAt: Date;
  pausedDays: number;
  pausedMs: number;
  paused: boolean;
  finishedAt: Date | null;
  onTime: boolean | null;
  pauses: { reason: string; pausedAt: Date; pausedBy: string | null; resumedAt: Date | null; resumedBy: string | null; workingDays: number | null }[];
}

/** Closed pauses in the calendar's form. */
export const closedPauses = (rows: repo.CasePauseRow[]): Pause[] => rows.filter((p) => p.resumed_at).map((p) => ({ from: p.paused_at, to: p.resumed_at! }));

export async function caseState(db: Knex | Knex.Transaction, processInstanceKey: string): Promise<CaseState | undefined> {
  const c = await repo.getCaseDeadline(db, processInstanceKey);
  if (!c) return undefined;
  const pauses = await repo.listPauses(db, processInstanceKey);
  return {
    processInstanceKey: String(c.process_instance_key),
    bpmnProcessId: c.bpmn_process_id,
    unitCode: c.unit_code,
    timeLimitDays: Number(c.time_limit_days),
    timeLimitUnit: c.time_limit_unit,
    receivedAt: c.received_at,
    originalAppointmentAt: c.original_appointment_at,
    appointmentAt: c.appointment_at,
    pausedDays: Number(c.paused_days),
    pausedMs: Number(c.paused_ms),
    paused: pauses.some((p) => !p.resumed_at),
    finishedAt: c.finished_at,
    onTime: c.on_time,
    pauses: pauses.map((p) => ({
      reason: p.reason,
      pausedAt: p.paused_at,
      pausedBy: p.paused_by,
      resumedAt: p.resumed_at,
      resumedBy: p.resumed_by,
      workingDays: p.working_days === null ? null : Number(p.working_days),
    })),
  };
}

async function lockedCase(trx: Knex.Transaction, processInstanceKey: string) {
  const c = await repo.getCaseDeadline(trx, processInstanceKey, true);
  if (!c)
    throw new CaseClockError('NO_CASE', `Hồ sơ ${processInstanceKey} không có thời hạn được theo dõi / Case ${processInstanceKey} has no tracked deadline`);
  return c;
}

/** Stops the case clock (e.g. a supplement was requested from the citizen). */
export async function pauseCase(db: Knex, processInstanceKey: string, reason: string, opts: { at?: Date; by?: string | null } = {}): Promise<CaseState> {
  const at = opts.at ?? clock.now();
  await db.transaction(async (trx) => {
    const c = await lockedCase(trx, processInstanceKey);
    if (c.finished_at) throw new CaseClockError('FINISHED', 'Hồ sơ đã kết thúc / The case has finished');
    const pauses = await repo.listPauses(trx, processInstanceKey);
    if (pauses.some((p) => !p.resumed_at)) throw new CaseClockError('ALREADY_PAUSED', 'Hồ sơ đang tạm dừng / The case is already paused');
    const last = pauses.at(-1)?.resumed_at;
    if (at < c.received_at || (last && at < last))
      throw new CaseClockError('BEFORE_PAUSE', 'Thời điểm tạm dừng trước lần tiếp tục gần nhất / The pause starts before the last resume');
    await repo.insertPause(trx, { processInstanceKey, reason, at, by: opts.by ?? null });
  });
  return (await caseState(db, processInstanceKey))!;
}

/**
 * Restarts the case clock: the pause gets its working time (the working half-days that started
 * inside it) and the appointment is recounted from the receipt skipping every closed pause, so it
 * moves by exactly the paused working time.
 */
export async function resumeCase(db: Knex, processInstanceKey: string, opts: { at?: Date; by?: string | null } = {}): Promise<CaseState> {
  const at = opts.at ?? clock.now();
  const cal = await loadCalendar(db);
  await db.transaction(async (trx) => {
    const c = await lockedCase(trx, processInstanceKey);
    const open = (await repo.listPauses(trx, processInstanceKey)).find((p) => !p.resumed_at);
    if (!open) throw new CaseClockError('NOT_PAUSED', 'Hồ sơ không tạm dừng / The case is not paused');
    if (at < open.paused_at) throw new CaseClockError('BEFORE_PAUSE', 'Thời điểm tiếp tục trước khi tạm dừng / Resume before the pause');
    await closeOpenPause(trx, cal, c, open, at, opts.by ?? null);
  });
  return (await caseState(db, processInstanceKey))!;
}

async function closeOpenPause(
  trx: Knex.Transaction,
  cal: WorkingCalendar,
  c: repo.CaseDeadlineRow,
  open: repo.CasePauseRow,
  at: Date,
  by: string | null,
): Promise<void> {
  await repo.closePause(trx, open.id, { at, by, workingDays: pausedWorkingDays(cal, open.paused_at, at, c.unit_code) });
  await recount(trx, cal, c);
}

/** Recomputes appointment and paused totals from the receipt and the closed pauses. */
async function recount(trx: Knex.Transaction, cal: WorkingCalendar, c: repo.CaseDeadlineRow): Promise<Date> {
  const pauses = await repo.listPauses(trx, String(c.process_instance_key));
  const closed = pauses.filter((p) => p.resumed_at);
  const limit = { value: Number(c.time_limit_days), unit: c.time_limit_unit ?? 'working_days' };
  const appointment = cal.dueOf(c.received_at, limit, c.unit_code, { pauses: closedPauses(closed) });
  await repo.updateCaseDeadline(trx, String(c.process_instance_key), {
    appointment_at: appointment,
    paused_days: closed.reduce((n, p) => n + Number(p.working_days ?? 0), 0),
    paused_ms: closed.reduce((n, p) => n + (p.resumed_at!.getTime() - p.paused_at.getTime()), 0),
  });
  return appointment;
}

/** Records the end of a case: closes a pause left open, and compares the finish with the appointment. Idempotent. */
export async function finishCase(db: Knex, processInstanceKey: string, at: Date): Promise<CaseState | undefined> {
  const cal = await loadCalendar(db);
  const done = await db.transaction(async (trx) => {
    const c = await repo.getCaseDeadline(trx, processInstanceKey, true);
    if (!c) return false;
    if (c.finished_at) return true;
    const open = (await repo.listPauses(trx, processInstanceKey)).find((p) => !p.resumed_at);
    if (open) await closeOpenPause(trx, cal, c, open, at < open.paused_at ? open.paused_at : at, null);
    const appointment = open ? (await repo.getCaseDeadline(trx, processInstanceKey))!.appointment_at : c.appointment_at;
    await repo.updateCaseDeadline(trx, processInstanceKey, { finished_at: at, on_time: at.getTime() <= appointment.getTime() });
    return true;
  });
  return done ? caseState(db, processInstanceKey) : undefined;
}

/** Whether the person worked a step of the case: held it, completed it, or was named a candidate of it. */
export async function workedOnCase(db: Knex, processInstanceKey: string, username: string): Promise<boolean> {
  const worked = await db('inbox_tasks')
    .where({ process_instance_key: processInstanceKey })
    .andWhere((w) => w.where('assignee', username).orWhere('completed_by', username).orWhereRaw('? = ANY(candidate_users)', [username]))
    .first('job_key');
  return Boolean(worked);
}
