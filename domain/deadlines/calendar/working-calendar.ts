import {
  WEEKDAY_NAMES,
  addDays,
  dayNumber,
  fromDayNumber,
  instantAt,
  isLocalDate,
  localDate,
  localDateOf,
  minuteOfDay,
  parseTimeOfDay,
  weekday,
  yearOf,
  type LocalDate,
} from './local-time.js';
import { compensatoryDays, statutoryHolidays, type LawDay } from './rules.js';
import type {
  CalendarDayEntry,
  CalendarSettings,
  CalendarUnit,
  DayInfo,
  DueExplanation,
  Occasion,
  Pause,
  TimeLimit,
  WorkingCalendarConfig,
  WorkingSlot,
} from './types.js';

export const DEFAULT_SETTINGS: CalendarSettings = {
  morningStart: '07:30',
  morningEnd: '11:30',
  afternoonStart: '13:30',
  afternoonEnd: '17:00',
  cutoff: '15:00',
};

/** Longest time limit accepted, in working days (a few years; statutory limits are far shorter). */
export const MAX_DAYS = 1000;

export class CalendarError extends Error {
  constructor(
    readonly code: 'UNKNOWN_UNIT' | 'INVALID_DAYS' | 'INVALID_SETTINGS' | 'INVALID_DATE' | 'NO_WORKING_TIME',
    message: string,
  ) {
    super(message);
    this.name = 'CalendarError';
  }
}

/** Unit argument: a unit code, null for the national calendar, undefined for the calendar's default unit. */
export type UnitArg = string | null | undefined;

interface Minutes {
  morningStart: number;
  morningEnd: number;
  afternoonStart: number;
  afternoonEnd: number;
  cutoff: number | null;
}

/** Checks settings and converts them to minutes; throws CalendarError with a bilingual message. */
export function validateSettings(s: CalendarSettings): Minutes {
  const m = {
    morningStart: parseTimeOfDay(s.morningStart),
    morningEnd: parseTimeOfDay(s.morningEnd),
    afternoonStart: parseTimeOfDay(s.afternoonStart),
    afternoonEnd: parseTimeOfDay(s.afternoonEnd),
  };
  const cutoff = s.cutoff === null ? null : parseTimeOfDay(s.cutoff);
  if (Object.values(m).some((v) => v === undefined) || cutoff === undefined) {
    throw new CalendarError('INVALID_SETTINGS', 'Giờ phải có dạng HH:MM / Times must be HH:MM');
  }
  const { morningStart, morningEnd, afternoonStart, afternoonEnd } = m as Record<keyof typeof m, number>;
  if (!(morningStart < morningEnd && morningEnd <= afternoonStart && afternoonStart < afternoonEnd)) {
    throw new CalendarError(
      'INVALID_SETTINGS',
      'Giờ làm việc phải theo thứ tự: bắt đầu sáng < kết thúc sáng ≤ bắt đầu chiều < kết thúc chiều / Working hours must be ordered: morning start < morning end ≤ afternoon start < afternoon end',
    );
  }
  return { morningStart, morningEnd, afternoonStart, afternoonEnd, cutoff };
}

/** Shared, immutable data of a calendar; WorkingCalendar views add a default unit. */
class CalendarData {
  readonly weekend: ReadonlySet<number>;
  readonly cultureDay: boolean;
  readonly national = new Map<LocalDate, CalendarDayEntry>();
  readonly byUnit = new Map<string, Map<LocalDate, CalendarDayEntry>>();
  readonly parents = new Map<string, string | null>();
  /** occasions that have an official schedule, per year */
  readonly scheduled = new Map<number, Set<Occasion>>();
  readonly settings: CalendarSettings;
  readonly minutes: Minutes;
  readonly unitSettings = new Map<string, { settings: CalendarSettings; minutes: Minutes }>();
  private readonly lawYears = new Map<number, Map<LocalDate, LawDay>>();

  constructor(config: WorkingCalendarConfig) {
    this.weekend = new Set(config.weekend ?? [0, 6]);
    this.cultureDay = config.cultureDay ?? true;
    for (const u of config.units ?? []) this.parents.set(u.code, u.parent);
    for (const e of config.days ?? []) {
      if (!isLocalDate(e.date)) throw new CalendarError('INVALID_DATE', `Ngày không hợp lệ / Invalid date: ${e.date}`);
      if (e.unit) {
        if (!this.parents.has(e.unit)) throw new CalendarError('UNKNOWN_UNIT', `Không có đơn vị ${e.unit} / Unknown unit ${e.unit}`);
        let m = this.byUnit.get(e.unit);
        if (!m) this.byUnit.set(e.unit, (m = new Map()));
        m.set(e.date, e);
      } else {
        this.national.set(e.date, e);
        if (e.occasion) {
          const y = yearOf(e.date);
          let s = this.scheduled.get(y);
          if (!s) this.scheduled.set(y, (s = new Set()));
          s.add(e.occasion);
        }
      }
    }
    this.settings = { ...DEFAULT_SETTINGS, ...config.settings };
    this.minutes = validateSettings(this.settings);
    for (const [code, s] of Object.entries(config.unitSettings ?? {})) {
      if (!this.parents.has(code)) throw new CalendarError('UNKNOWN_UNIT', `Không có đơn vị ${code} / Unknown unit ${code}`);
      this.unitSettings.set(code, { settings: s, minutes: validateSettings(s) });
    }
  }

  hasUnit(code: string): boolean {
    return this.parents.has(code);
  }

  /** The unit and its ancestors, nearest first. */
  chain(unit: string | null): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    for (let u: string | null | undefined = unit; u && !seen.has(u); u = this.parents.get(u)) {
      seen.add(u);
      out.push(u);
    }
    return out;
  }

  settingsOf(unit: string | null): { settings: CalendarSettings; minutes: Minutes; unit: string | null } {
    for (const u of this.chain(unit)) {
      const s = this.unitSettings.get(u);
      if (s) return { ...s, unit: u };
    }
    return { settings: this.settings, minutes: this.minutes, unit: null };
  }

  isWeekend(d: LocalDate): boolean {
    return this.weekend.has(weekday(d));
  }

  /** Days the law gives in a year (holidays of unscheduled occasions and their compensation). */
  lawDays(year: number): Map<LocalDate, LawDay> {
    let m = this.lawYears.get(year);
    if (m) return m;
    const holidays = statutoryHolidays(year, { cultureDay: this.cultureDay, skip: this.scheduled.get(year) });
    const holidayDates = new Set(holidays.map((h) => h.date));
    const nationalOff = (d: LocalDate) => {
      const e = this.national.get(d);
      return e !== undefined && e.kind !== 'working_day';
    };
    const comp = compensatoryDays(
      holidays,
      (d) => this.isWeekend(d),
      (d) => holidayDates.has(d) || nationalOff(d),
    );
    m = new Map();
    for (const d of [...holidays, ...comp]) if (!m.has(d.date)) m.set(d.date, d);
    this.lawYears.set(year, m);
    return m;
  }

  dayInfo(d: LocalDate, unit: string | null): DayInfo {
    const wd = weekday(d);
    for (const u of this.chain(unit)) {
      const e = this.byUnit.get(u)?.get(d);
      if (e) return fromEntry(d, wd, e, 'unit');
    }
    const n = this.national.get(d);
    if (n) return fromEntry(d, wd, n, 'national');
    const law = this.lawDays(yearOf(d)).get(d);
    if (law) return { date: d, weekday: wd, working: false, kind: law.kind, name: law.name, origin: 'law', occasion: law.occasion, source: law.source };
    const name = `${WEEKDAY_NAMES[wd].vi} / ${WEEKDAY_NAMES[wd].en}`;
    if (this.weekend.has(wd)) return { date: d, weekday: wd, working: false, kind: 'weekend', name, origin: 'weekend' };
    return { date: d, weekday: wd, working: true, kind: 'weekday', name, origin: 'weekday' };
  }

  /** The working half-days of a date, in order (none on a day off). */
  slots(d: LocalDate, unit: string | null): WorkingSlot[] {
    if (!this.dayInfo(d, unit).working) return [];
    const m = this.settingsOf(unit).minutes;
    return [
      { date: d, half: 'morning', start: instantAt(d, m.morningStart), end: instantAt(d, m.morningEnd) },
      { date: d, half: 'afternoon', start: instantAt(d, m.afternoonStart), end: instantAt(d, m.afternoonEnd) },
    ];
  }
}

function fromEntry(d: LocalDate, wd: number, e: CalendarDayEntry, origin: 'unit' | 'national'): DayInfo {
  return {
    date: d,
    weekday: wd,
    working: e.kind === 'working_day',
    kind: e.kind,
    name: e.name,
    origin,
    ...(origin === 'unit' && e.unit ? { unit: e.unit } : {}),
    ...(e.occasion ? { occasion: e.occasion } : {}),
    ...(e.source ? { source: e.source } : {}),
    ...(e.id !== undefined ? { id: e.id } : {}),
  };
}

const inPause = (t: Date, pauses: readonly Pause[]) => pauses.some((p) => t >= p.from && t < p.to);

/**
 * The working-day calendar of Vietnamese state agencies: weekends, statutory holidays (lunar ones
 * derived for UTC+7), official schedules (swapped days off, make-up Saturdays), organisation
 * overrides inherited down the tree, working hours in two half-days and a receipt cut-off.
 *
 * Time limits are counted in working half-days (buổi): a limit of N days is 2N half-days, counted
 * from the first half-day that starts at or after the receipt (a half-day already begun is not
 * counted), and the due instant is the end of the last counted half-day. See README.md.
 */
export class WorkingCalendar {
  private constructor(
    private readonly data: CalendarData,
    /** unit used when a method is called without one; null = the national calendar */
    readonly defaultUnit: string | null,
  ) {}

  static create(config: WorkingCalendarConfig = {}, defaultUnit: string | null = null): WorkingCalendar {
    const cal = new WorkingCalendar(new CalendarData(config), null);
    return defaultUnit ? cal.forUnit(defaultUnit) : cal;
  }

  /** The same calendar seen from a unit (its overrides and settings, and its ancestors'). */
  forUnit(unit: string | null): WorkingCalendar {
    if (unit !== null) this.unitOf(unit);
    return new WorkingCalendar(this.data, unit);
  }

  hasUnit(code: string): boolean {
    return this.data.hasUnit(code);
  }

  /** Effective settings for a unit (its own, else the nearest ancestor's, else national). */
  settingsFor(unit?: UnitArg): CalendarSettings & { inheritedFrom: string | null } {
    const s = this.data.settingsOf(this.unitOf(unit));
    return { ...s.settings, inheritedFrom: s.unit };
  }

  /** Status of a day and the reason for it. */
  dayInfo(date: Date | LocalDate, unit?: UnitArg): DayInfo {
    return this.data.dayInfo(this.dateOf(date), this.unitOf(unit));
  }

  isWorkingDay(date: Date | LocalDate, unit?: UnitArg): boolean {
    return this.dayInfo(date, unit).working;
  }

  /** Every day of a year that is not an ordinary weekday or weekend, with its reason. */
  yearView(year: number, unit?: UnitArg): DayInfo[] {
    const u = this.unitOf(unit);
    const out: DayInfo[] = [];
    const end = dayNumber(localDate(year, 12, 31));
    for (let n = dayNumber(localDate(year, 1, 1)); n <= end; n++) {
      const info = this.data.dayInfo(fromDayNumber(n), u);
      if (info.origin !== 'weekday' && info.origin !== 'weekend') out.push(info);
    }
    return out;
  }

  /** The instant itself when it is inside working hours of a working day, else the start of the next working half-day. */
  nextWorkingInstant(at: Date, unit?: UnitArg): Date {
    const u = this.unitOf(unit);
    for (const s of this.slotsFrom(localDateOf(at), u, 0)) {
      if (s.end > at) return s.start > at ? s.start : at;
    }
    throw noWorkingTime();
  }

  /**
   * Where counting starts for a receipt: the receipt itself, or the start of the next working day
   * when it arrives on a working day after the cut-off (vn-rules §2.1, "sau 15 giờ").
   */
  countingStart(receivedAt: Date, unit?: UnitArg): Date {
    const u = this.unitOf(unit);
    const { cutoff } = this.data.settingsOf(u).minutes;
    const day = localDateOf(receivedAt);
    if (cutoff === null || minuteOfDay(receivedAt) <= cutoff || !this.data.dayInfo(day, u).working) return receivedAt;
    for (const s of this.slotsFrom(addDays(day, 1), u, 0)) return s.start;
    throw noWorkingTime();
  }

  /**
   * The due instant of a time limit in working days (a multiple of 0.5): the end of the working
   * half-day in which the limit is reached. 0 means "within the day" (trong ngày): the end of the
   * receipt's working day, or of the next one after the cut-off or outside working days.
   * Half-days that start during a pause are not counted (the clock stops while the dossier waits).
   */
  addWorkingDays(start: Date, days: number, unit?: UnitArg, opts: { pauses?: readonly Pause[] } = {}): Date {
    return this.count(start, days, this.unitOf(unit), opts.pauses ?? [], false).due;
  }

  /**
   * The due instant of a time limit in its legal unit (see TimeLimitUnit):
   * - working_days: addWorkingDays;
   * - within_day: addWorkingDays(start, 0), counted again from the last resume after a pause (a
   *   supplement brings a complete dossier again: it is done that day, or the next one after 15:00);
   * - calendar_days (Civil Code art. 147–148): the receipt day (the next working day after the
   *   cut-off, as for working days) is not counted; the period ends on the N-th following day, or,
   *   when that is a day off, on the next working day — at the close of working hours (the slip
   *   gives an office-hours appointment). Days whose start (00:00) falls in a pause are not counted;
   * - hours: working time from the receipt (no cut-off), minute by minute, pauses not counted.
   */
  dueOf(start: Date, limit: TimeLimit, unit?: UnitArg, opts: { pauses?: readonly Pause[] } = {}): Date {
    const u = this.unitOf(unit);
    const pauses = opts.pauses ?? [];
    switch (limit.unit) {
      case 'working_days':
        return this.count(start, limit.value, u, pauses, false).due;
      case 'within_day': {
        // The day restarts when the dossier comes back complete: counted from the last resume.
        const resumed = pauses.reduce((t, p) => (p.to > t && p.from >= start ? p.to : t), start);
        return this.count(resumed, 0, u, [], false).due;
      }
      case 'calendar_days':
        return this.calendarDaysDue(start, limit.value, u, pauses);
      case 'hours':
        return this.workingHoursDue(start, limit.value, u, pauses);
      default:
        throw new CalendarError('INVALID_DAYS', `Đơn vị thời hạn không hợp lệ / Unknown time limit unit: ${String((limit as TimeLimit).unit)}`);
    }
  }

  private calendarDaysDue(start: Date, days: number, unit: string | null, pauses: readonly Pause[]): Date {
    if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
      throw new CalendarError(
        'INVALID_DAYS',
        `Thời hạn theo ngày phải là số nguyên từ 1 đến ${MAX_DAYS} / Calendar days must be a whole number between 1 and ${MAX_DAYS}: ${days}`,
      );
    }
    let d = localDateOf(this.countingStart(start, unit));
    const limit = dayNumber(d) + 366 * 3 + days * 2;
    for (let k = 0; k < days;) {
      d = addDays(d, 1);
      if (dayNumber(d) > limit) throw noWorkingTime();
      if (!inPause(instantAt(d, 0), pauses)) k++;
    }
    while (!this.data.dayInfo(d, unit).working) {
      d = addDays(d, 1);
      if (dayNumber(d) > limit) throw noWorkingTime();
    }
    return instantAt(d, this.data.settingsOf(unit).minutes.afternoonEnd);
  }

  private workingHoursDue(start: Date, hours: number, unit: string | null, pauses: readonly Pause[]): Date {
    if (!Number.isFinite(hours) || hours <= 0 || hours > MAX_DAYS * 8 || !Number.isInteger(hours * 2)) {
      throw new CalendarError('INVALID_DAYS', `Thời hạn theo giờ phải là bội số của 0,5 giờ, lớn hơn 0 / Hours must be a positive multiple of 0.5: ${hours}`);
    }
    let left = hours * 3_600_000;
    for (const s of this.slotsFrom(localDateOf(start), unit, Math.ceil(hours))) {
      if (s.end <= start) continue;
      // The slot's part after the receipt, minus the pauses, in order.
      let pieces: [number, number][] = [[Math.max(s.start.getTime(), start.getTime()), s.end.getTime()]];
      for (const p of pauses) {
        const a = p.from.getTime();
        const b = p.to.getTime();
        pieces = pieces.flatMap(([x, y]): [number, number][] =>
          b <= x || a >= y
            ? [[x, y]]
            : (
                [
                  [x, Math.min(a, y)],
                  [Math.max(b, x), y],
                ] as [number, number][]
              ).filter(([i, j]) => j > i),
        );
      }
      for (const [x, y] of pieces.sort((m, n) => m[0] - n[0])) {
        if (y - x >= left) return new Date(x + left);
        left -= y - x;
      }
    }
    throw noWorkingTime();
  }

  /** addWorkingDays with its reasons: the half-days counted, the days skipped and why, the paused half-days. */
  explainDue(start: Date, days: number, unit?: UnitArg, opts: { pauses?: readonly Pause[] } = {}): DueExplanation {
    const u = this.unitOf(unit);
    const r = this.count(start, days, u, opts.pauses ?? [], true);
    const skipped: DayInfo[] = [];
    const last = dayNumber(localDateOf(r.due));
    for (let n = dayNumber(localDateOf(start)); n <= last; n++) {
      const info = this.data.dayInfo(fromDayNumber(n), u);
      if (!info.working) skipped.push(info);
    }
    return {
      receivedAt: start,
      countingFrom: r.from,
      cutoffApplied: r.from.getTime() !== start.getTime(),
      days,
      unit: u,
      due: r.due,
      counted: r.counted,
      skipped,
      paused: r.paused,
      settings: this.data.settingsOf(u).settings,
    };
  }

  /**
   * Working time from a (counted like a receipt: cut-off applies) to b, in days at half-day
   * resolution: the working half-days that start in [a, b) and not during a pause. A half-day
   * begun before b counts, so finishing at or before addWorkingDays(a, d) gives at most d.
   */
  workingTimeBetween(a: Date, b: Date, unit?: UnitArg, opts: { pauses?: readonly Pause[] } = {}): number {
    if (b <= a) return 0;
    const u = this.unitOf(unit);
    const from = this.countingStart(a, u);
    const pauses = opts.pauses ?? [];
    let halves = 0;
    const lastDay = dayNumber(localDateOf(b));
    for (let n = dayNumber(localDateOf(from)); n <= lastDay; n++) {
      for (const s of this.data.slots(fromDayNumber(n), u)) {
        if (s.start >= from && s.start < b && !inPause(s.start, pauses)) halves++;
      }
    }
    return halves / 2;
  }

  private count(start: Date, days: number, unit: string | null, pauses: readonly Pause[], collect: boolean) {
    if (!Number.isFinite(days) || days < 0 || days > MAX_DAYS || !Number.isInteger(days * 2)) {
      throw new CalendarError(
        'INVALID_DAYS',
        `Thời hạn phải là bội số của 0,5 ngày, từ 0 đến ${MAX_DAYS} / The time limit must be a multiple of 0.5 days between 0 and ${MAX_DAYS}: ${days}`,
      );
    }
    const from = this.countingStart(start, unit);
    const counted: WorkingSlot[] = [];
    const paused: WorkingSlot[] = [];
    if (days === 0) {
      // Within the day: the working day of the first half-day not yet over.
      for (const s of this.slotsFrom(localDateOf(from), unit, 0)) {
        if (s.end <= from) continue;
        const day = this.data.slots(s.date, unit);
        if (collect) counted.push(...day.filter((x) => x.end > from));
        return { from, due: day[day.length - 1].end, counted, paused };
      }
    }
    const needed = days * 2;
    let n = 0;
    for (const s of this.slotsFrom(localDateOf(from), unit, needed)) {
      if (s.start < from) continue;
      if (inPause(s.start, pauses)) {
        if (collect) paused.push(s);
        continue;
      }
      n++;
      if (collect) counted.push(s);
      if (n === needed) return { from, due: s.end, counted, paused };
    }
    throw noWorkingTime();
  }

  /** Working half-days from a date on, bounded so a calendar without working days cannot loop forever. */
  private *slotsFrom(d: LocalDate, unit: string | null, halves: number): Generator<WorkingSlot> {
    const first = dayNumber(d);
    const limit = first + 366 * 3 + halves * 2;
    for (let n = first; n <= limit; n++) yield* this.data.slots(fromDayNumber(n), unit);
  }

  private unitOf(unit: UnitArg): string | null {
    const u = unit === undefined ? this.defaultUnit : unit;
    if (u !== null && !this.data.hasUnit(u)) throw new CalendarError('UNKNOWN_UNIT', `Không có đơn vị ${u} / Unknown unit ${u}`);
    return u;
  }

  private dateOf(date: Date | LocalDate): LocalDate {
    if (date instanceof Date) return localDateOf(date);
    if (!isLocalDate(date)) throw new CalendarError('INVALID_DATE', `Ngày không hợp lệ / Invalid date: ${date}`);
    return date;
  }
}

function noWorkingTime(): CalendarError {
  return new CalendarError('NO_WORKING_TIME', 'Không tìm thấy ngày làm việc trong lịch / The calendar has no working day in reach');
}

/** A calendar from a config; `unit` sets the default unit of its methods. */
export function createWorkingCalendar(config: WorkingCalendarConfig = {}, unit: string | null = null): WorkingCalendar {
  return WorkingCalendar.create(config, unit);
}

export type { CalendarUnit };
