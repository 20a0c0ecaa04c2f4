/**
 * What a role may open, as the API decides it (api/routes/*: requireRole): pages and queries ask only for
 * what the signed-in user may see, so no page fires a request that is bound to be refused.
 */
type Roles = readonly string[] | undefined;

const any = (roles: Roles, allowed: readonly string[]) => roles?.some((r) => allowed.includes(r)) ?? false;

/** The inbox and tasks (/api/tasks, /api/tasks/counts): officers, leaders, administrators. */
export const mayUseTasks = (roles: Roles) => any(roles, ['officer', 'leader', 'admin']);

/** The audit pages (/api/audit): auditors and administrators. */
export const mayAudit = (roles: Roles) => any(roles, ['auditor', 'admin']);

/** Where a user starts: the inbox when they handle tasks, else their own work (procedures, audit), else ISO. */
export function homePath(roles: Roles): string {
  if (mayUseTasks(roles)) return '/inbox';
  if (any(roles, ['designer'])) return '/procedures';
  if (mayAudit(roles)) return '/audit';
  return '/iso';
}

/**
 * The live stream (POST /api/events/ticket, then GET /api/events): everyone but a read-only auditor,
 * whose every write (minting a ticket is a POST) is refused and logged as a denied access; their pages
 * poll instead.
 */
export const mayOpenLiveStream = (roles: Roles) => roles !== undefined && !(roles.includes('auditor') && !roles.includes('admin'));
