/**
 * A CSV cell a spreadsheet would run as a formula (CSV injection): text whose first character, after
 * any spaces, is = + - @ (also their full-width forms), or which starts with a tab or carriage return.
 * Such text gets a leading apostrophe, so Excel, LibreOffice and Google Sheets show it as text. Plain
 * numbers, negative ones included ("-12", "-3.5"), stay as they are; "-1+2" or "-2+cmd|..." do not.
 */
export function neutraliseFormula(s: string): string {
  if (/^-?\d+(?:[.,]\d+)?$/.test(s)) return s;
  if (/^[\t\r]/.test(s) || /^[\s\u00a0\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20]/.test(s)) return `'${s}`;
  return s;
}
