/**
 * Dates and times as Vietnamese offices write them. Two kinds of input, two families of names:
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

/** An instant → "23/11/2026 14:05" (Vietnam time); '' when empty. */
export function formatDateTime(iso: string | null | undefined): string {
  const p = vnParts(iso);
  return p ? `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}` : '';
}

/** An instant → its day "23/11/2026" (Vietnam time); '' when empty. */
export function formatDate(iso: string | null | undefined): string {
  return formatDateTime(iso).slice(0, 10);
}

/** An instant → "14:05 23/11/2026" (Vietnam time, the time first as on one-stop receipts); '—' when empty. */
export function formatTimeDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const p = vnParts(iso);
  return p ? `${p.hour}:${p.minute} ${p.day}/${p.month}/${p.year}` : '';
}

/** A calendar day "2026-02-17" (or the date part of a string that starts with one) → "17/02/2026", read as written. */
export function formatDay(date: string): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}

/** A local ISO time with +07:00 ("2026-02-13T17:00:00+07:00") → "13/02/2026 17:00", read as written. */
export function formatAsWritten(iso: string): string {
  return `${formatDay(iso.slice(0, 10))} ${iso.slice(11, 16)}`;
}

export function isOverdue(dueDate: string | null, now = Date.now()): boolean {
  return dueDate !== null && new Date(dueDate).getTime() < now;
}
