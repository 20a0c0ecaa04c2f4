/** The one query-string builder of the web app (API paths and in-app links alike). */

/** Values of a query: undefined, null, '' and false are left out; the rest are written with String(). */
export type QueryParams = Record<string, string | number | boolean | undefined | null>;

/** "?a=1&b=x" from the non-empty values, or '' when there is none. */
export function queryString(params: QueryParams): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '' && value !== false) search.set(key, String(value));
  }
  const qs = search.toString();
  return qs ? `?${qs}` : '';
}

/** Builds "path?query" from a parameter object, leaving out empty values (just "path" when all are empty). */
export function withQuery(path: string, params: QueryParams): string {
  return path + queryString(params);
}
