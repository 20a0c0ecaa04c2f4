import fp from 'fastify-plugin';
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { appendAudit, type AuditRow } from '../../domain/audit/chain.js';
import { scopeUnitCodes } from '../../domain/audit/scope.js';
import { fail } from '../../lib/errors.js';

/** What a route says about an action it performed (the actor, time and address come from the request). */
export interface AuditDetails {
  target?: { type: string; id: string | number | bigint };
  before?: unknown;
  after?: unknown;
  reason?: string | null;
  /** For calls without a signed-in user (login): who acted. */
  actor?: { username: string | null; roles?: string[]; unitCode?: string | null };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Appends an entry to the hash-chained audit log for the current user. */
    audit: (action: string, details?: AuditDetails) => Promise<AuditRow>;
  }
  interface FastifyInstance {
    /** Unit codes the current user may examine in audit views; null means everything (admin). */
    auditScope: (req: FastifyRequest) => Promise<string[] | null>;
  }
  interface FastifyContextConfig {
    /** A write an auditor may make (its own saved searches); every other write is refused to auditors. */
    auditorMayWrite?: boolean;
    /** false: a write that is not worth an audit entry (draft autosave every few seconds). */
    audit?: boolean;
  }
  interface FastifyRequest {
    /** Set once the handler wrote its own audit entry; the generic write entry is then skipped. */
    audited?: boolean;
  }
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** An auditor (who is not also an administrator) reads only. */
const isReadOnlyAuditor = (req: FastifyRequest): boolean => {
  const roles = req.currentUser?.roles;
  return !!roles && roles.includes('auditor') && !roles.includes('admin');
};

function messageOf(payload: unknown): string | null {
  if (typeof payload !== 'string' || payload.length > 4000) return null;
  try {
    const body = JSON.parse(payload) as { message?: unknown };
    return typeof body.message === 'string' ? body.message : null;
  } catch {
    return null;
  }
}

/**
 * The audit log for routes (request.audit), the auditor's scope, and two global hooks:
 * an auditor's write is refused with 403, and every 403 an auditor receives is logged as access.denied
 * before the answer leaves (so the entry exists when the client sees the refusal).
 */
export default fp(
  async (app) => {
    app.decorateRequest('audit', async function audit(this: FastifyRequest, action: string, details: AuditDetails = {}) {
      const user = this.currentUser;
      this.audited = true;
      return appendAudit(app.db, {
        actor: details.actor ? details.actor.username : (user?.username ?? null),
        actorRoles: details.actor ? (details.actor.roles ?? []) : (user?.roles ?? []),
        actorUnit: details.actor ? (details.actor.unitCode ?? null) : (user?.unit.code ?? null),
        action,
        targetType: details.target?.type ?? null,
        targetId: details.target ? String(details.target.id) : null,
        before: details.before,
        after: details.after,
        reason: details.reason ?? null,
        ip: this.ip ?? null,
      });
    });

    app.decorate('auditScope', (req: FastifyRequest) => scopeUnitCodes(app.db, req.currentUser));

    // Before the body is validated: an auditor's write is refused as such, whatever it carries.
    app.addHook('preValidation', async (req: FastifyRequest) => {
      if (READ_METHODS.has(req.method) || !isReadOnlyAuditor(req) || req.routeOptions.config?.auditorMayWrite) return;
      throw fail(403, 'AUDITOR_READ_ONLY', {}, 'Kiểm tra viên chỉ được xem, không được thay đổi dữ liệu / Auditors are read-only');
    });

    // Every successful write of a signed-in person is in the log, even where the route says nothing
    // itself: action and target come from the route, "after" from the request body (secrets and large
    // documents reduced to their size and hash). Routes that know more call req.audit themselves.
    app.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      if (READ_METHODS.has(req.method) || req.audited || !req.currentUser || reply.statusCode >= 300) return payload;
      if (req.routeOptions.config?.audit === false || SKIP_GENERIC.has(req.routeOptions.url ?? '')) return payload;
      const { action, target } = describeRoute(req.method, req.routeOptions.url ?? req.url, req.params as Record<string, string>);
      const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : undefined;
      try {
        await req.audit(action, { target, after: body ? redact(body) : undefined, reason: typeof body?.reason === 'string' ? body.reason : null });
      } catch (err) {
        req.log.error({ err, action }, 'could not write the audit entry of a write');
      }
      return payload;
    });

    app.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      if (reply.statusCode !== 403 || !holdsAuditorRole(req)) return payload;
      try {
        await req.audit('access.denied', {
          target: { type: 'route', id: `${req.method} ${req.routeOptions.url ?? req.url}` },
          after: { method: req.method, url: req.url },
          reason: messageOf(payload),
        });
      } catch (err) {
        req.log.error({ err }, 'could not log a refused auditor request');
      }
      return payload;
    });
  },
  { name: 'audit', dependencies: ['db', 'auth'] },
);

/** Every refusal of a person holding the auditor role is logged, admin or not. */
function holdsAuditorRole(req: FastifyRequest): boolean {
  return !!req.currentUser?.roles?.includes('auditor');
}

/** Writes that are not worth an entry of their own. */
const SKIP_GENERIC = new Set(['/api/procedures/:id/draft', '/api/notifications/:id/read', '/api/notifications/read-all']);

/** "POST /api/tasks/:id/claim" → action "task.claim", target { type: "task", id }. */
export function describeRoute(method: string, url: string, params: Record<string, string> = {}): { action: string; target?: { type: string; id: string } } {
  const parts = url
    .replace(/^\/api\//, '')
    .split('?')[0]
    .split('/')
    .filter(Boolean);
  const resource = (parts[0] ?? 'api').replace(/ies$/, 'y').replace(/s$/, '');
  const verbs = parts.slice(1).filter((p) => !p.startsWith(':'));
  const firstParam = parts.find((p) => p.startsWith(':'));
  const action = `${resource}.${verbs.length ? verbs.join('.') : method.toLowerCase()}`;
  const id = firstParam ? params[firstParam.slice(1)] : undefined;
  return { action, target: id ? { type: resource, id } : undefined };
}

const SECRET = /password|secret|token/i;

/** The body as it may be kept forever: no secrets, big documents replaced by their size and hash. */
export function redact(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (SECRET.test(k)) out[k] = '[redacted]';
    else if (typeof v === 'string' && v.length > 2000) out[k] = { size: v.length, sha256: createHash('sha256').update(v).digest('hex') };
    else if (v !== null && typeof v === 'object' && !Array.isArray(v) && ![Object.prototype, null].includes(Object.getPrototypeOf(v)))
      out[k] = '[tệp hoặc luồng dữ liệu / file or stream]';
    else out[k] = v;
  }
  let json: string;
  try {
    json = JSON.stringify(out);
  } catch {
    return { unserializable: Object.keys(out) };
  }
  return json.length > 16_000 ? { size: json.length, sha256: createHash('sha256').update(json).digest('hex') } : out;
}
