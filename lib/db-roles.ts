import type { Knex } from 'knex';
import { currentConfig } from './config.js';

/**
 * Least privilege in PostgreSQL: the platform's pool (and the broker's history exporter) connect as an
 * application role that owns nothing; migrations and these grants run as the owner of the tables.
 *
 * The application role gets:
 * - SELECT, INSERT, UPDATE, DELETE on every table and view of the schema the platform uses, except:
 *   - audit_log: SELECT, INSERT only (append-only; the triggers refuse the rest to everyone, the missing
 *     rights refuse it before the triggers, and a non-owner cannot disable or drop a trigger);
 *   - audit_chain_head: SELECT, UPDATE (the head moves forward by one; a trigger refuses anything else);
 *   - audit_log_target_months, audit_log_seq: SELECT only (kept by SECURITY DEFINER triggers);
 *   - knex_migrations, knex_migrations_lock: nothing;
 *   - partitions of the monthly tables: nothing (rows are routed through the parent, so a partition
 *     cannot be changed, truncated or detached directly);
 * - USAGE, SELECT on the sequences; EXECUTE on eiso_ensure_month_partitions (SECURITY DEFINER, owned by
 *   the owner: the daily creation of months ahead); other functions are executable by PUBLIC as usual;
 * - CONNECT on the database, USAGE on the schema; no CREATE anywhere.
 * Grants are applied after every migration run (idempotent), so a table added by a later migration is
 * covered at the next start.
 */

/** Tables whose rights are not the default read-write set. */
export const RESTRICTED_TABLES: Record<string, string[]> = {
  audit_log: ['SELECT', 'INSERT'],
  audit_chain_head: ['SELECT', 'UPDATE'],
  audit_log_target_months: ['SELECT'],
  audit_log_seq: ['SELECT'],
  platform_clock: ['SELECT', 'UPDATE'],
  knex_migrations: [],
  knex_migrations_lock: [],
};

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** A role name we create ourselves: lower-case letters, digits and _. */
export function checkRoleName(role: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new Error(`invalid PostgreSQL role name "${role}"`);
  return role;
}

/**
 * Creates the application role when missing (LOGIN, NOSUPERUSER, NOCREATEDB, NOCREATEROLE, NOBYPASSRLS,
 * NOREPLICATION, NOINHERIT) and sets its password. For the embedded database and the tests; with an
 * external server the operator creates the role and we only grant.
 */
export async function ensureAppRole(owner: Knex, role: string, password: string): Promise<void> {
  checkRoleName(role);
  const exists = (await owner.raw('SELECT 1 FROM pg_roles WHERE rolname = ?', [role])).rows.length > 0;
  const attrs = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION NOINHERIT';
  if (!exists) {
    try {
      await owner.raw(`CREATE ROLE ${ident(role)} ${attrs} PASSWORD ${literal(password)}`);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== '42710') throw err; // created meanwhile by another process
    }
  }
  await owner.raw(`ALTER ROLE ${ident(role)} ${attrs} PASSWORD ${literal(password)}`);
}

/** What a role may do that an application role must not. */
export async function roleWarnings(db: Knex, role?: string): Promise<string[]> {
  const r = (
    await db.raw(
      `SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls,
              EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname = 'audit_log' AND pg_has_role(r.rolname, c.relowner, 'USAGE')) AS owns_audit
         FROM pg_roles r WHERE rolname = COALESCE(?, current_user)`,
      [role ?? null],
    )
  ).rows[0] as { rolname: string; rolsuper: boolean; rolcreaterole: boolean; rolcreatedb: boolean; rolbypassrls: boolean; owns_audit: boolean } | undefined;
  if (!r) return [`role ${role} does not exist`];
  const out: string[] = [];
  if (r.rolsuper) out.push(`${r.rolname} is a superuser`);
  if (r.owns_audit) out.push(`${r.rolname} owns audit_log (it can disable its triggers)`);
  if (r.rolcreaterole) out.push(`${r.rolname} may create roles`);
  if (r.rolbypassrls) out.push(`${r.rolname} bypasses row-level security`);
  return out;
}

/** Grants the application role exactly the rights listed above, and takes back any other (idempotent). */
export async function grantAppRights(owner: Knex, role: string): Promise<void> {
  checkRoleName(role);
  const r = ident(role);
  await owner.transaction(async (trx) => {
    // serialise concurrent starts (several API processes on one database)
    await trx.raw(`SELECT pg_advisory_xact_lock(hashtext('eiso_grant_app_rights'))`);
    const schema = (await trx.raw('SELECT current_schema() AS s')).rows[0].s as string;
    const db = (await trx.raw('SELECT current_database() AS d')).rows[0].d as string;
    await trx.raw(`GRANT CONNECT ON DATABASE ${ident(db)} TO ${r}`);
    await trx.raw(`GRANT USAGE ON SCHEMA ${ident(schema)} TO ${r}`);
    await trx.raw(`REVOKE CREATE ON SCHEMA ${ident(schema)} FROM PUBLIC`);
    await trx.raw(`REVOKE CREATE ON SCHEMA ${ident(schema)} FROM ${r}`);
    // every table, partitioned table, view, materialized view and foreign table of the schema; partitions apart
    const rels = (
      await trx.raw(
        `SELECT c.relname, c.relispartition,
                EXISTS (SELECT 1 FROM aclexplode(c.relacl) a WHERE a.grantee = (SELECT oid FROM pg_roles WHERE rolname = ?)) AS granted
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY c.relname`,
        [role, schema],
      )
    ).rows as { relname: string; relispartition: boolean; granted: boolean }[];
    for (const rel of rels) {
      if (rel.relispartition && !rel.granted) continue; // the usual case: hundreds of months, no rights
      const t = `${ident(schema)}.${ident(rel.relname)}`;
      await trx.raw(`REVOKE ALL ON ${t} FROM ${r}`);
      const rights = rel.relispartition ? [] : (RESTRICTED_TABLES[rel.relname] ?? ['SELECT', 'INSERT', 'UPDATE', 'DELETE']);
      if (rights.length) await trx.raw(`GRANT ${rights.join(', ')} ON ${t} TO ${r}`);
    }
    await trx.raw(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${ident(schema)} TO ${r}`);
    const fn = (await trx.raw(`SELECT to_regprocedure('eiso_ensure_month_partitions(regclass, date, date)') AS f`)).rows[0]?.f;
    if (fn) await trx.raw(`GRANT EXECUTE ON FUNCTION eiso_ensure_month_partitions(regclass, date, date) TO ${r}`);
  });
}

/** The same server and database as `url`, as `user` with `password`. */
export function urlAs(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** The user name in a postgres URL. */
export function urlUser(url: string): string {
  return decodeURIComponent(new URL(url).username || currentConfig().pgUser);
}
