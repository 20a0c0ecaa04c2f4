import { currentConfig, DEFAULT_CODE_PATTERN, type Config } from '../../lib/config.js';

/**
 * One-stop addresses and settings from the configuration (lib/config.ts; keys in .env.example): the
 * public address the citizen links and the QR code point to, and the dossier code pattern
 * (processes/ONESTOP.md).
 */
export { DEFAULT_CODE_PATTERN };

type UrlConfig = Pick<Config, 'publicUrl'>;

/** Base URL of the public pages (no trailing slash): PUBLIC_URL, else http://localhost:<PORT|3000>. */
export function publicUrl(config: UrlConfig = currentConfig()): string {
  return config.publicUrl;
}

export function codePattern(config: Pick<Config, 'onestopCodePattern'> = currentConfig()): string {
  return config.onestopCodePattern;
}

/** The lookup page of a dossier; with the token it also unlocks supplement, withdrawal and evaluation. */
export function lookupUrl(code: string, token?: string, config: UrlConfig = currentConfig()): string {
  return `${publicUrl(config)}/tra-cuu/${encodeURIComponent(code)}${token ? `?t=${encodeURIComponent(token)}` : ''}`;
}

/** The page where the citizen supplements the dossier. */
export function supplementUrl(code: string, token: string, config: UrlConfig = currentConfig()): string {
  return `${publicUrl(config)}/bo-sung/${encodeURIComponent(code)}?t=${encodeURIComponent(token)}`;
}

/** The evaluation page (built by the statistics part). */
export function evaluationUrl(code: string, token: string, config: UrlConfig = currentConfig()): string {
  return `${publicUrl(config)}/danh-gia/${encodeURIComponent(code)}?t=${encodeURIComponent(token)}`;
}
