import type { Knex } from 'knex';
import type { Role } from '../../api/schemas/auth.js';
import { ROLES } from '../../engine/step-meta.js';

/** Organisation units as the other modules and the routes ask about them. */

/** Whether a unit with this code exists. */
export async function unitExists(db: Knex, code: string): Promise<boolean> {
  return Boolean(await db('org_units').where({ code }).first('id'));
}

export interface UnitMember {
  username: string;
  fullName: string;
  roles: Role[];
  unitCode: string;
  unitName: string;
}

/** Active people of the given units (by id), optionally only those with a role; by unit code, then name. */
export async function activeMembers(db: Knex, unitIds: number[], role?: Role): Promise<UnitMember[]> {
  const q = db('users as u').join('org_units as o', 'o.id', 'u.unit_id').whereIn('u.unit_id', unitIds).andWhere('u.active', true);
  if (role) q.whereRaw('u.roles @> ARRAY[?]::text[]', [role]);
  const rows = await q.select('u.username', 'u.full_name', 'u.roles', 'o.code', 'o.name').orderBy('o.code').orderBy('u.full_name');
  return rows.map((r) => ({ username: r.username, fullName: r.full_name, roles: r.roles, unitCode: r.code, unitName: r.name }));
}

/** A unit's subtree as the inbox (a leader's view) needs it: every candidate-group name of it and the usernames in it. */
export interface OrgScope {
  rootCode: string;
  unitIds: number[];
  unitCodes: string[];
  /** "<code>" and "<code>/<role>" for every unit of the subtree and every role */
  groups: string[];
  /** active users of the subtree */
  usernames: string[];
}

export interface UnitNode {
  id: number;
  code: string;
  name: string;
  kind: string;
  parent_id: number | null;
  depth: number;
}

/** A unit and every unit below it (org_units.parent_id tree), the root first, then by depth and name. */
export async function unitSubtree(db: Knex | Knex.Transaction, rootCode: string): Promise<UnitNode[]> {
  const res = await db.raw(
    `WITH RECURSIVE sub AS (
       SELECT id, code, name, kind, parent_id, 0 AS depth, ARRAY[name::text] AS path FROM org_units WHERE code = ?
       UNION ALL
       SELECT o.id, o.code, o.name, o.kind, o.parent_id, sub.depth + 1, sub.path || o.name::text
       FROM org_units o JOIN sub ON o.parent_id = sub.id
     )
     SELECT id, code, name, kind, parent_id, depth FROM sub ORDER BY path`,
    [rootCode],
  );
  return res.rows;
}

/** Every candidate-group name that belongs to these units. */
export function groupsOfUnits(codes: string[]): string[] {
  return codes.flatMap((c) => [c, ...ROLES.map((r) => `${c}/${r}`)]);
}

/**
 * A leader's subtree, cached per database handle for ORG_SCOPE_TTL_MS: every inbox call of a leader
 * needs it, and units and their members change rarely. A change to the organisation shows in the
 * leader's view after at most that long (or at once after forgetOrgScopes(), which the routes that
 * change units and users may call).
 */
export const ORG_SCOPE_TTL_MS = 30_000;
const scopeCache = new WeakMap<object, Map<string, { at: number; scope: Promise<OrgScope> }>>();

export function forgetOrgScopes(db: Knex): void {
  scopeCache.delete(db);
}

export async function orgScope(db: Knex | Knex.Transaction, rootCode: string): Promise<OrgScope> {
  // Inside a transaction the caller wants what that transaction sees: no cache.
  if ((db as Knex.Transaction).isTransaction) return loadOrgScope(db, rootCode);
  let perDb = scopeCache.get(db);
  if (!perDb) scopeCache.set(db, (perDb = new Map()));
  const hit = perDb.get(rootCode);
  if (hit && Date.now() - hit.at < ORG_SCOPE_TTL_MS) return hit.scope;
  const scope = loadOrgScope(db, rootCode);
  perDb.set(rootCode, { at: Date.now(), scope });
  scope.catch(() => perDb.delete(rootCode));
  return scope;
}

async function loadOrgScope(db: Knex | Knex.Transaction, rootCode: string): Promise<OrgScope> {
  const units = await unitSubtree(db, rootCode);
  const unitIds = units.map((u) => u.id);
  const users: { username: string }[] = unitIds.length ? await db('users').whereIn('unit_id', unitIds).andWhere('active', true).select('username') : [];
  const unitCodes = units.map((u) => u.code);
  return { rootCode, unitIds, unitCodes, groups: groupsOfUnits(unitCodes), usernames: users.map((u) => u.username) };
}
