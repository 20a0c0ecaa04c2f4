/**
 * Dates and times as Vietnamese offices write them (dd/mm/yyyy; in English, the order of the browser's
 * locale: mm/dd/yyyy for en-US). The one place that writes and reads a day: every page shows dates with
 * these functions and every typed date goes through `DateInput` (components/DateInput.tsx) and `parseDay`. Two kinds of input, two families of names:
 * - an instant (ISO string with an offset or Z): shown in Vietnam's time zone whatever the browser's
 *   (`formatDateTime`, `formatDate`, `formatTimeDate`);
 * - a calendar day or a local time already written in Vietnam time ("2026-02-17", "2026-02-13T17:00:00+07:00"):
 *   shown as written, with no time-zone conversion (`formatDay`, `formatAsWritten`).
 */
const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** The day, month, year, hour and minute of an instant in Vietnam's time zone; null for an empty or invalid input. */
function vnParts(iso: string | null | undefined): Record<string, string> | null {
  if (!iso) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return Object.fromEntries(parts.formatToParts(date).map((part) => [part.type, part.value]));
}

/** The order of day, month and year. */
export type DayOrder = 'dmy' | 'mdy' | 'ymd';

const pageLanguage = () => (typeof document === 'undefined' ? 'vi' : document.documentElement.lang || 'vi');
const browserLocale = () => (typeof navigator === 'undefined' ? 'vi-VN' : navigator.language || 'vi-VN');

/** Vietnamese: day first. English: the order of the browser's locale (en-US month first, en-GB day first). */
export function dayOrder(lang: string = pageLanguage(), locale: string = browserLocale()): DayOrder {
  if (!lang.startsWith('en')) return 'dmy';
  let order = '';
  try {
    for (const part of new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric' }).formatToParts(new Date(2026, 0, 31)))
      if (part.type === 'day' || part.type === 'month' || part.type === 'year') order += part.type[0];
  } catch {
    return 'dmy';
  }
  return order === 'mdy' || order === 'ymd' ? order : 'dmy';
}

/** A day written in the order: "17/02/2026", "02/17/2026" or "2026/02/17". */
function writeDay(year: string, month: string, day: string, order: DayOrder): string {
  return order === 'mdy' ? `${month}/${day}/${year}` : order === 'ymd' ? `${year}/${month}/${day}` : `${day}/${month}/${year}`;
}

/** How a day is to be typed, for placeholders and messages: "dd/mm/yyyy". */
export function dayPattern(order: DayOrder = dayOrder()): string {
  return writeDay('yyyy', 'mm', 'dd', order);
}

const isDigits = (s: string, min: number, max: number) => {
  if (s.length < min || s.length > max) return false;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 48 || s.charCodeAt(i) > 57) return false;
  return true;
};

/**
 * A typed day ("17/02/2026", "7/2/2026", "17.02.2026", "17-02-2026" in the day-first order) → "2026-02-17";
 * null when it is not a real calendar day in that order (31/02, 13th month, two-digit year, extra text).
 */
export function parseDay(text: string, order: DayOrder = dayOrder()): string | null {
  const parts = text.trim().split('.').join('/').split('-').join('/').split('/');
  if (parts.length !== 3) return null;
  const [a, b, c] = parts as [string, string, string];
  const [y, m, d] = order === 'mdy' ? [c, a, b] : order === 'ymd' ? [a, b, c] : [c, b, a];
  if (!isDigits(y, 4, 4) || !isDigits(m, 1, 2) || !isDigits(d, 1, 2)) return null;
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (year < 1000 || month < 1 || month > 12 || day < 1) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  return `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** An instant → "23/11/2026 14:05" (Vietnam time); '' when empty. */
export function formatDateTime(iso: string | null | undefined): string {
  const p = vnParts(iso);
  return p ? `${writeDay(p.year, p.month, p.day, dayOrder())} ${p.hour}:${p.minute}` : '';
}

/** An instant → its day "23/11/2026" (Vietnam time); '' when empty. */
export function formatDate(iso: string | null | undefined): string {
  return formatDateTime(iso).slice(0, 10);
}

/** An instant → "14:05 23/11/2026" (Vietnam time, the time first as on one-stop receipts); '—' when empty. */
export function formatTimeDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const p = vnParts(iso);
  return p ? `${p.hour}:${p.minute} ${writeDay(p.year, p.month, p.day, dayOrder())}` : '';
}

/** A calendar day "2026-02-17" (or the date part of a string that starts with one) → "17/02/2026", read as written. */
export function formatDay(date: string): string {
  return writeDay(date.slice(0, 4), date.slice(5, 7), date.slice(8, 10), dayOrder());
}

/** A local ISO time with +07:00 ("2026-02-13T17:00:00+07:00") → "13/02/2026 17:00", read as written. */
export function formatAsWritten(iso: string): string {
  return `${formatDay(iso.slice(0, 10))} ${iso.slice(11, 16)}`;
}

export function isOverdue(dueDate: string | null, now = Date.now()): boolean {
  return dueDate !== null && new Date(dueDate).getTime() < now;
}
