import type { Knex } from 'knex';
import { readBpmnFile } from '../../engine/validate.js';
import { ext, headersOf, isContainer, longestPath, propertiesOf, type ModdleElement } from '../../engine/model-graph.js';
import { PROCESS_PROPERTY, STEP_HEADER, parseTimeLimit } from '../../engine/step-meta.js';
import { DomainError, fail } from '../../lib/errors.js';
import { loadCalendar } from './calendar-store.js';
import { stepTimesWithin, unitOfGroups } from './compute.js';
import { processTimeLimit } from './model.js';
import {
  CalendarError,
  TIME_LIMIT_UNITS,
  addDays,
  instantAt,
  isLocalDate,
  localDateOf,
  toLocalIso,
  type DayInfo,
  type TimeLimit,
  type TimeLimitUnit,
  type WorkingCalendar,
} from './calendar/index.js';

/**
 * "What if" of a draft on the working calendar: received at a chosen instant, with the step limits as
 * drawn, when is each step of the longest path due and when is the appointment — computed with the
 * functions the deadline workers use (WorkingCalendar.dueOf for the appointment as caseDeadlineJob,
 * stepTimesWithin for each step as stepDeadlineJob, unitOfGroups for the units, the calendar loaded
 * from the database). Each step is taken to start when the one before it is due (every officer uses
 * the whole of their time); steps of a called process end at the latest at the appointment, as the
 * workers cap them at the root case's. Nothing is stored.
 */

/** Receipt instant as the designer enters it: local Vietnamese time "YYYY-MM-DDTHH:mm". */
export const RECEIPT_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}$';
/** Called processes are followed this deep (a process calling itself, directly or not, is followed once). */
const MAX_CALL_DEPTH = 3;
/** Called processes looked up in the database at most (each is one query). */
const MAX_LOOKUPS = 50;
/** Steps listed at most (a draft is small; this bounds the work a hostile file can cause). */
const MAX_STEPS = 500;

export interface SimulatedDayOff {
  /** YYYY-MM-DD */
  date: string;
  /** 'holiday' | 'day_off' (nghỉ bù, swapped) | 'weekend' */
  kind: string;
  /** "Tiếng Việt / English" */
  name: string;
}

export interface SimulatedStep {
  elementId: string;
  name: string;
  /** the process the step is drawn in (the draft's, or a called one's) */
  processId: string;
  /** name of the call activity that reaches the step, null in the draft's own process */
  calledFrom: string | null;
  /** the unit whose calendar counts the step (its candidate group), null = national */
  unit: string | null;
  /** eiso.timeLimit of the step in working days; null when the step has none (it then takes no time) */
  timeLimitDays: number | null;
  startsAt: string;
  due: string;
  /** a called process's step due later than the appointment is due at the appointment */
  capped: boolean;
  /** non-working days between the step's start and its due */
  daysOff: SimulatedDayOff[];
}

export interface Simulation {
  processId: string;
  processName: string;
  receivedAt: string;
  /** the receipt, or the next working day's start when received after the cut-off on a working day */
  countingFrom: string;
  cutoffApplied: boolean;
  /** the receiving unit (unit of the first human step), whose calendar counts the appointment */
  receivingUnit: string | null;
  /** the statutory limit in its legal unit (eiso.timeLimit / eiso.timeLimitUnit); null when the draft has none */
  limit: TimeLimit | null;
  appointment: string | null;
  steps: SimulatedStep[];
  /** call activities on the path whose called process is neither in the file nor published */
  unresolvedCalls: { elementId: string; name: string; calledProcessId: string }[];
  /** working days of the steps on the path, added up */
  stepDays: number;
  /** when the last step on the path is due (the receipt's counting start when there is none) */
  stepsEnd: string;
  /** days from the counting day to the last due day, counted as the Civil Code counts (the counting day not included) */
  calendarDaysSpanned: number;
  /** true when the steps end after the appointment */
  exceeds: boolean;
  /** every non-working day from the receipt to the later of the appointment and the last due */
  daysOff: SimulatedDayOff[];
}

interface Scope {
  process: ModdleElement;
  calledFrom: string | null;
}

/** Parses "YYYY-MM-DDTHH:mm" (Vietnamese local time) into an instant; null when it is no real date and time. */
export function parseReceipt(value: string): Date | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m || !isLocalDate(m[1])) return null;
  const year = Number(m[1].slice(0, 4));
  const hour = Number(m[2]);
  const minute = Number(m[3]);
  if (year < 2000 || year > 2100 || hour > 23 || minute > 59) return null;
  return instantAt(m[1], hour * 60 + minute);
}

const dayOff = (d: DayInfo): SimulatedDayOff => ({ date: d.date, kind: d.kind === 'weekend' || d.kind === 'weekday' ? 'weekend' : d.kind, name: d.name });

/** Non-working days from `from` to `to` (local dates, both included) on a unit's calendar. */
function daysOffBetween(cal: WorkingCalendar, from: Date, to: Date, unit: string | null): SimulatedDayOff[] {
  const out: SimulatedDayOff[] = [];
  const last = localDateOf(to);
  for (let d = localDateOf(from); d <= last; d = addDays(d, 1)) {
    const info = cal.dayInfo(d, unit);
    if (!info.working) out.push(dayOff(info));
  }
  return out;
}

const dayIndex = (d: string) => Math.round(Date.parse(`${d}T00:00:00Z`) / 86_400_000);

/**
 * Simulates the draft `xml` (its process `processId`, else its first executable process) received at
 * `receipt` (local "YYYY-MM-DDTHH:mm"). Refuses (400) an impossible receipt and what cannot be read: an oversized, DTD-carrying or malformed file, a
 * file without the process, an unknown legal unit.
 */
export async function simulateDraft(db: Knex, xml: string, processId: string, receipt: string): Promise<Simulation> {
  const receivedAt = parseReceipt(receipt);
  if (!receivedAt) {
    const value = receipt.slice(0, 40);
    throw fail(400, 'SIMULATE_RECEIPT_INVALID', { value }, `Thời điểm nhận "${value}" không hợp lệ / Invalid receipt time "${value}"`);
  }
  const file = await readBpmnFile(xml);
  if (file.issue) throw new DomainError(file.issue.code, file.issue.params, `Tệp BPMN bị từ chối / BPMN file refused: ${file.issue.message}`, 400);
  const processes = (file.definitions.rootElements ?? []).filter((e) => e.$type === 'bpmn:Process');
  const process = processes.find((p) => p.id === processId) ?? processes.find((p) => p.isExecutable);
  if (!process?.id) throw fail(400, 'SIMULATE_NO_PROCESS', { id: processId }, `Tệp không có quy trình ${processId} / The file has no process ${processId}`);

  const props = propertiesOf(process);
  const rawUnit = props[PROCESS_PROPERTY.timeLimitUnit]?.trim();
  if (rawUnit && !TIME_LIMIT_UNITS.includes(rawUnit as TimeLimitUnit)) {
    const value = rawUnit.slice(0, 40);
    throw fail(
      400,
      'SIMULATE_LIMIT_UNIT_UNKNOWN',
      { value },
      `Đơn vị thời hạn "${value}" không hợp lệ (working_days, calendar_days, hours, within_day) / Unknown time limit unit "${value}"`,
    );
  }
  const limit = processTimeLimit(props);

  const cal = await loadCalendar(db);
  const unitOf = (el: ModdleElement) => {
    const groups = (ext(el, 'zeebe:AssignmentDefinition')?.candidateGroups ?? '').split(',');
    return unitOfGroups(groups, (c) => cal.hasUnit(c));
  };

  // The steps of the longest path, sub-processes and called processes followed in place.
  const inFile = new Map(processes.filter((p) => p.id).map((p) => [p.id!, p]));
  const published = new Map<string, ModdleElement | null>();
  const calledProcess = async (id: string): Promise<ModdleElement | null> => {
    if (inFile.has(id)) return inFile.get(id)!;
    if (!published.has(id)) {
      if (published.size >= MAX_LOOKUPS) return null;
      const row = await db('process_definitions').where({ bpmn_process_id: id }).orderBy('version', 'desc').first('xml');
      const read = row ? await readBpmnFile(row.xml as string) : null;
      published.set(id, read && !read.issue ? ((read.definitions.rootElements ?? []).find((e) => e.$type === 'bpmn:Process' && e.id === id) ?? null) : null);
    }
    return published.get(id)!;
  };
  const path: { el: ModdleElement; scope: Scope }[] = [];
  const unresolvedCalls: Simulation['unresolvedCalls'] = [];
  const walk = async (container: ModdleElement, scope: Scope, calls: string[]) => {
    const byId = new Map((container.flowElements ?? []).map((e) => [e.id, e]));
    for (const id of longestPath(container).path) {
      if (path.length >= MAX_STEPS) return;
      const el = byId.get(id);
      if (!el) continue;
      if (isContainer(el)) await walk(el, scope, calls);
      else if (el.$type === 'bpmn:UserTask') path.push({ el, scope });
      else if (el.$type === 'bpmn:CallActivity') {
        const target = (ext(el, 'zeebe:CalledElement') as { processId?: string } | undefined)?.processId?.trim() ?? '';
        const called = target && !target.startsWith('=') && calls.length < MAX_CALL_DEPTH && !calls.includes(target) ? await calledProcess(target) : null;
        if (called) await walk(called, { process: called, calledFrom: el.name?.trim() || el.id! }, [...calls, target]);
        else unresolvedCalls.push({ elementId: el.id!, name: el.name?.trim() || el.id!, calledProcessId: target });
      }
    }
  };
  await walk(process, { process, calledFrom: null }, [process.id]);

  try {
    // The receiving unit: the unit of the first human step in reading order, as the case deadline job takes it.
    const receivingUnit = path.map((p) => unitOf(p.el)).find((u) => u !== null) ?? null;
    const countingFrom = cal.countingStart(receivedAt, receivingUnit);
    const appointment = limit ? cal.dueOf(receivedAt, limit, receivingUnit) : null;
    const steps: SimulatedStep[] = [];
    let at = receivedAt;
    let stepDays = 0;
    for (const { el, scope } of path) {
      const days = parseTimeLimit(headersOf(el)[STEP_HEADER.timeLimit]);
      const unit = unitOf(el);
      const startsAt = at;
      let due = at;
      let capped = false;
      if (days !== null) {
        const times = stepTimesWithin(cal, startsAt, days, unit, [], scope.calledFrom ? appointment : null);
        due = times.due;
        capped = times.capped;
        stepDays += days;
      }
      steps.push({
        elementId: el.id!,
        name: el.name?.trim() || el.id!,
        processId: scope.process.id!,
        calledFrom: scope.calledFrom,
        unit,
        timeLimitDays: days,
        startsAt: toLocalIso(startsAt),
        due: toLocalIso(due),
        capped,
        daysOff: days === null ? [] : daysOffBetween(cal, startsAt, due, unit),
      });
      at = due;
    }
    const end = steps.length ? at : countingFrom;
    const until = appointment && appointment > end ? appointment : end;
    return {
      processId: process.id,
      processName: process.name?.trim() || process.id,
      receivedAt: toLocalIso(receivedAt),
      countingFrom: toLocalIso(countingFrom),
      cutoffApplied: countingFrom.getTime() !== receivedAt.getTime(),
      receivingUnit,
      limit,
      appointment: appointment ? toLocalIso(appointment) : null,
      steps,
      unresolvedCalls,
      stepDays,
      stepsEnd: toLocalIso(end),
      calendarDaysSpanned: dayIndex(localDateOf(end)) - dayIndex(localDateOf(countingFrom)),
      exceeds: appointment !== null && end.getTime() > appointment.getTime(),
      daysOff: daysOffBetween(cal, receivedAt, until, receivingUnit),
    };
  } catch (err) {
    if (err instanceof CalendarError)
      throw fail(400, 'SIMULATE_CALENDAR', { detail: err.message }, `Không tính được trên lịch / Cannot count on the calendar: ${err.message}`);
    throw err;
  }
}
