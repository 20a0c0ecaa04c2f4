import type { Knex } from 'knex';
import type { CurrentUser, Role } from '../../api/schemas/auth.js';

export interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  full_name: string;
  email: string | null;
  unit_id: number;
  roles: Role[];
  active: boolean;
  token_version: number;
}

export interface UnitRow {
  id: number;
  code: string;
  name: string;
  kind: string;
  parent_id: number | null;
}

export async function findUserByUsername(db: Knex, username: string): Promise<UserRow | undefined> {
  return db<UserRow>('users').where({ username }).first();
}

/**
 * The user a token names, if the account is active and the token's version is the account's
 * (users.token_version moves on a password, role, unit or active change and on sign-out).
 */
export async function findSessionUser(db: Knex, id: number, tokenVersion: number): Promise<CurrentUser | 'inactive' | 'revoked'> {
  // one statement per request: the version check and the user with their unit
  const row = await currentUserQuery(db, id).first('u.token_version');
  if (!row) return 'inactive';
  if (Number(row.token_version) !== tokenVersion) return 'revoked';
  return currentUserOf(row);
}

/** The version a new token of this user carries. */
export async function tokenVersionOf(db: Knex, id: number): Promise<number> {
  const row = await db('users').where({ id }).first('token_version');
  return Number(row?.token_version ?? 0);
}

/** Ends every session of the user (sign-out): their tokens and event streams stop working. */
export async function revokeSessions(db: Knex, id: number): Promise<void> {
  await db('users').where({ id }).increment('token_version', 1);
}

/**
 * Stores a new password hash. The trigger on users moves token_version: every token issued before
 * (other devices too) is refused.
 */
export async function setPasswordHash(db: Knex, id: number, passwordHash: string): Promise<void> {
  await db('users').where({ id }).update({ password_hash: passwordHash });
}

/** An active user with their unit: the columns currentUserOf reads (callers add what else they need). */
function currentUserQuery(db: Knex, id: number) {
  return db('users as u')
    .join('org_units as o', 'o.id', 'u.unit_id')
    .where('u.id', id)
    .andWhere('u.active', true)
    .select('u.id', 'u.username', 'u.full_name', 'u.roles', 'o.id as unit_id', 'o.code as unit_code', 'o.name as unit_name');
}

function currentUserOf(row: {
  id: number;
  username: string;
  full_name: string;
  roles: Role[];
  unit_id: number;
  unit_code: string;
  unit_name: string;
}): CurrentUser {
  return {
    id: row.id,
    username: row.username,
    fullName: row.full_name,
    roles: row.roles,
    unit: { id: row.unit_id, code: row.unit_code, name: row.unit_name },
  };
}

export async function findCurrentUser(db: Knex, id: number): Promise<CurrentUser | undefined> {
  const row = await currentUserQuery(db, id).first();
  return row ? currentUserOf(row) : undefined;
}

/**
 * The candidate-group names a user answers to: "<unitCode>" and "<unitCode>/<role>" for each role.
 * BPMN user tasks name their owners this way in zeebe:assignmentDefinition candidateGroups.
 */
export function candidateGroupsOf(user: Pick<CurrentUser, 'roles' | 'unit'>): string[] {
  return [user.unit.code, ...user.roles.map((r) => `${user.unit.code}/${r}`)];
}

export async function upsertUnit(db: Knex, unit: { code: string; name: string; kind: string; parentCode?: string }): Promise<number> {
  const parent = unit.parentCode ? await db<UnitRow>('org_units').where({ code: unit.parentCode }).first() : undefined;
  if (unit.parentCode && !parent) throw new Error(`Unknown parent unit ${unit.parentCode}`);
  const [row] = await db('org_units')
    .insert({ code: unit.code, name: unit.name, kind: unit.kind, parent_id: parent?.id ?? null })
    .onConflict('code')
    .merge(['name', 'kind', 'parent_id'])
    .returning('id');
  return row.id;
}

export async function insertUser(
  db: Knex,
  user: { username: string; passwordHash: string; fullName: string; email?: string; unitCode: string; roles: Role[] },
): Promise<number> {
  const unit = await db<UnitRow>('org_units').where({ code: user.unitCode }).first();
  if (!unit) throw new Error(`Unknown unit ${user.unitCode}`);
  const [row] = await db('users')
    .insert({
      username: user.username,
      password_hash: user.passwordHash,
      full_name: user.fullName,
      email: user.email ?? null,
      unit_id: unit.id,
      roles: user.roles,
    })
    .onConflict('username')
    .merge(['password_hash', 'full_name', 'email', 'unit_id', 'roles'])
    .returning('id');
  return row.id;
}
