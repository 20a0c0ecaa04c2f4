/**
 * Text a person typed, as stored: line ends made "\n", control characters other than tab and newline
 * removed, surrounding blanks trimmed. Used for comments, reasons, notes and the citizens' forms.
 */
export const plainText = (s: string): string =>
  s
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex -- control characters are what this pattern removes
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .trim();
