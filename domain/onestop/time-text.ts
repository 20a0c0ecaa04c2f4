/**
 * How the one-stop texts write times and dates (Vietnam time): the forms' wording, the notices' short form
 * and a Vietnam date "dd/mm/yyyy". One place, so a slip, a form, a notice and a workbook say it alike.
 */

const parts = (d: Date) =>
  Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Ho_Chi_Minh',
      hour: '2-digit',
      minute: '2-digit',
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hourCycle: 'h23',
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  ) as Record<'hour' | 'minute' | 'day' | 'month' | 'year', string>;

/** "14 giờ 05 phút, ngày 23/11/2026" (Vietnam time), the wording of Mẫu 01. */
export function slipTime(d: Date): string {
  const p = parts(d);
  return `${p.hour} giờ ${p.minute} phút, ngày ${p.day}/${p.month}/${p.year}`;
}

/** "ngày 23 tháng 11 năm 2026" (Vietnam date), the dating line of the forms. */
export function dateWords(d: Date): string {
  const p = parts(d);
  return `ngày ${p.day} tháng ${p.month} năm ${p.year}`;
}

/** "14:05 23/11/2026" (Vietnam time). */
export function shortTime(d: Date): string {
  const p = parts(d);
  return `${p.hour}:${p.minute} ${p.day}/${p.month}/${p.year}`;
}

/** "14:05 23/11/2026" as the notices write it (vi-VN, 24 hours). */
export const vnTime = (d: Date) =>
  new Intl.DateTimeFormat('vi-VN', {
    timeZone: 'Asia/Ho_Chi_Minh',
    hour: '2-digit',
    minute: '2-digit',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour12: false,
  }).format(d);

/** A Vietnam date "2026-11-23" written "23/11/2026". */
export const vnLocalDate = (d: string) => d.split('-').reverse().join('/');
