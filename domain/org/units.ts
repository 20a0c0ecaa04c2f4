import type { Knex } from 'knex';
import type { Role } from '../../api/schemas/auth.js';

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
