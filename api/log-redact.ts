import type { FastifyRequest } from 'fastify';

/** Query parameters that carry a secret: lookup and tracking keys (?t=), live-event tickets, tokens. */
const SECRET_PARAMS = new Set(['t', 'ticket', 'token', 'access_token', 'lookuptoken', 'trackingtoken']);

export const REDACTED = '[REDACTED]';

/** A URL as logs keep it: the value of every secret query parameter replaced by [REDACTED]. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const pairs = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawKey = eq < 0 ? pair : pair.slice(0, eq);
      let key = rawKey;
      try {
        key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
      } catch {
        // a malformed escape: judged as written
      }
      return SECRET_PARAMS.has(key.trim().toLowerCase()) ? `${rawKey}=${REDACTED}` : pair;
    });
  return `${url.slice(0, q)}?${pairs.join('&')}`;
}

/**
 * Logger options with the request serializer and redaction the platform needs: URLs without their
 * secret query parameters, and the secret headers (Authorization, x-lookup-token, cookies) censored
 * wherever a request's headers are logged.
 */
export function withRedaction(logger: boolean | Record<string, unknown>, level: string): Record<string, unknown> | false {
  if (logger === false) return false;
  const base = logger === true ? { level } : logger;
  return {
    ...base,
    serializers: {
      ...(base.serializers as Record<string, unknown> | undefined),
      req: (req: FastifyRequest & { socket?: { remoteAddress?: string; remotePort?: number } }) => ({
        method: req.method,
        url: redactUrl(req.url ?? ''),
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-lookup-token"]',
        'req.headers.cookie',
        'headers.authorization',
        'headers["x-lookup-token"]',
        'headers.cookie',
      ],
      censor: REDACTED,
    },
  };
}
