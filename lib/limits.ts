/**
 * Size limits of what a client sends, checked before any pattern is tried (a pattern's running time
 * may grow with the length of its input; a length check does not).
 */

/** Longest string anywhere in a JSON body (characters), unless the route sets `config.longText` (BPMN XML, CSV: own body limits). */
export const MAX_JSON_STRING = 100_000;

/** Bytes of one text field of a multipart form (2,000 Vietnamese characters take up to 6,000 bytes in UTF-8). */
export const MAX_FORM_FIELD_BYTES = 8 * 1024;

/**
 * An e-mail address as forms take it: at most 254 characters (checked first), one "@" with something
 * on both sides, no blanks, and a domain of at least two labels, none of them empty (no leading,
 * trailing or double dot). Linear: the pattern is anchored and its two classes exclude the "@" between
 * them; the labels are checked with split.
 */
export function isEmail(s: string): boolean {
  if (s.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(s)) return false;
  const labels = s.slice(s.indexOf('@') + 1).split('.');
  return labels.length >= 2 && labels.every((l) => l.length > 0);
}
