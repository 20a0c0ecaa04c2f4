/** Dates as Vietnamese offices write them: dd/MM/yyyy HH:mm, in Vietnam's time zone whatever the browser's. */
const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const p = Object.fromEntries(parts.formatToParts(date).map((part) => [part.type, part.value]));
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** A day as Vietnamese offices write it: dd/MM/yyyy, in Vietnam's time zone. */
export function formatDate(iso: string | null | undefined): string {
  return formatDateTime(iso).slice(0, 10);
}

export function isOverdue(dueDate: string | null, now = Date.now()): boolean {
  return dueDate !== null && new Date(dueDate).getTime() < now;
}
