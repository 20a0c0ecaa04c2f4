/**
 * One-stop settings read from the environment (documented in .env.example): the public address the
 * citizen links and the QR code point to, and the dossier code pattern (processes/ONESTOP.md).
 */
export const DEFAULT_CODE_PATTERN = '{eid}-{yymmdd}-{seq4}';

/** Base URL of the public pages (no trailing slash): PUBLIC_URL, else http://localhost:<PORT|3000>. */
export function publicUrl(env: NodeJS.ProcessEnv = process.env): string {
  let base = env.PUBLIC_URL || `http://localhost:${env.PORT || 3000}`;
  // A loop, not /\/+$/ (quadratic on a long run of slashes).
  while (base.endsWith('/')) base = base.slice(0, -1);
  return base;
}

export function codePattern(env: NodeJS.ProcessEnv = process.env): string {
  return env.ONESTOP_CODE_PATTERN || DEFAULT_CODE_PATTERN;
}

/** The lookup page of a dossier; with the token it also unlocks supplement, withdrawal and evaluation. */
export function lookupUrl(code: string, token?: string, env: NodeJS.ProcessEnv = process.env): string {
  return `${publicUrl(env)}/tra-cuu/${encodeURIComponent(code)}${token ? `?t=${encodeURIComponent(token)}` : ''}`;
}

/** The page where the citizen supplements the dossier. */
export function supplementUrl(code: string, token: string, env: NodeJS.ProcessEnv = process.env): string {
  return `${publicUrl(env)}/bo-sung/${encodeURIComponent(code)}?t=${encodeURIComponent(token)}`;
}

/** The evaluation page (built by the statistics part). */
export function evaluationUrl(code: string, token: string, env: NodeJS.ProcessEnv = process.env): string {
  return `${publicUrl(env)}/danh-gia/${encodeURIComponent(code)}?t=${encodeURIComponent(token)}`;
}
