import type { Knex } from 'knex';
import { rootInstanceKey } from '../../engine/process-binding.js';
import type { CurrentUser } from '../../api/schemas/auth.js';

/**
 * Which organisations a person may examine in the audit views.
 * - admin: everything (null).
 * - auditor: the subtree of its own unit, plus the subtrees of the units in auditor_scopes.
 * - leader: the subtree of its own unit.
 * Returned as unit codes, the names cases carry (startedByUnit, candidate groups).
 */
export async function scopeUnitCodes(db: Knex, user: Pick<CurrentUser, 'id' | 'roles' | 'unit'>): Promise<string[] | null> {
  if (user.roles.includes('admin')) return null;
  // One round trip: the roots (own unit, plus the auditor's granted units) and their subtrees.
  const res = await db.raw(
    `WITH RECURSIVE sub AS (
       SELECT id, code FROM org_units
        WHERE id = ? OR (? AND id IN (SELECT unit_id FROM auditor_scopes WHERE user_id = ?))
       UNION
       SELECT o.id, o.code FROM org_units o JOIN sub ON o.parent_id = sub.id
     ) SELECT DISTINCT code FROM sub ORDER BY code`,
    [user.unit.id, user.roles.includes('auditor'), user.id],
  );
  return res.rows.map((r: { code: string }) => r.code);
}

/**
 * SQL condition on a process instance alias: the case belongs to one of the units. A case belongs to
 * the unit that started it (process variable startedByUnit) and to every unit one of its steps was
 * offered to (candidate groups "UNIT" or "UNIT/role"), the steps of the processes it called included
 * (a case is its root process instance: hist_process_instances.root_process_instance_key).
 */
export function caseInUnitsSql(alias: string): string {
  return `(EXISTS (SELECT 1 FROM hist_variables sv WHERE sv.scope_key = ${alias}.process_instance_key AND sv.name = 'startedByUnit' AND (sv.value #>> '{}') = ANY(?::text[]))
     OR EXISTS (SELECT 1 FROM inbox_tasks st, unnest(st.candidate_groups) g
                 WHERE (st.process_instance_key = ${alias}.process_instance_key
                        OR st.process_instance_key IN (SELECT ch.process_instance_key FROM hist_process_instances ch WHERE ch.root_process_instance_key = ${alias}.process_instance_key))
                   AND split_part(g, '/', 1) = ANY(?::text[])))`;
}

/** Whether a case belongs to one of the units (null: all). Reads the start variable and the inbox, so it holds before the instance row is projected. */
export async function caseInScope(db: Knex, processInstanceKey: string, codes: string[] | null): Promise<boolean> {
  if (codes === null) return true;
  const inScope = async (key: string) =>
    (await db.raw(`SELECT 1 FROM (SELECT ?::bigint AS process_instance_key) p WHERE ${caseInUnitsSql('p')}`, [key, codes, codes])).rows.length > 0;
  if (await inScope(processInstanceKey)) return true;
  // A called process belongs to its root case: in scope when the root case is.
  const root = await rootInstanceKey(db, processInstanceKey);
  return root !== processInstanceKey && inScope(root);
}

/** The unit codes a case belongs to (for display). */
export async function caseUnits(db: Knex, processInstanceKey: string): Promise<string[]> {
  const res = await db.raw(
    `SELECT (value #>> '{}') AS code FROM hist_variables WHERE scope_key = ? AND name = 'startedByUnit'
     UNION SELECT DISTINCT split_part(g, '/', 1) FROM inbox_tasks t, unnest(t.candidate_groups) g WHERE t.process_instance_key = ?`,
    [processInstanceKey, processInstanceKey],
  );
  return res.rows
    .map((r: { code: string }) => r.code)
    .filter(Boolean)
    .sort();
}

/**
 * Whether the case exists, whether it is in the viewer's scope, and its units, in one query on
 * case_index (top-level cases; the row is written in the projector's transaction with the instance).
 * A called instance (call activity) belongs to its root case: its access is the root's (a leader's
 * scope over a case covers its called processes). A key without a row there and without a root is
 * checked on the history tables as before.
 */
export async function caseAccess(
  db: Knex,
  processInstanceKey: string,
  codes: string[] | null,
): Promise<{ exists: boolean; inScope: boolean; units: string[] }> {
  const res = await db.raw(`SELECT unit_codes, (?::text[] IS NULL OR unit_codes && ?::text[]) AS in_scope FROM case_index WHERE process_instance_key = ?`, [
    codes,
    codes,
    processInstanceKey,
  ]);
  const row = res.rows[0] as { unit_codes: string[]; in_scope: boolean } | undefined;
  if (row) return { exists: true, inScope: row.in_scope, units: row.unit_codes.filter(Boolean).sort() };
  const exists = await db('hist_process_instances').where({ process_instance_key: processInstanceKey }).first('process_instance_key');
  if (!exists) return { exists: false, inScope: false, units: [] };
  const root = await rootInstanceKey(db, processInstanceKey);
  if (root !== processInstanceKey) {
    const ofRoot = await caseAccess(db, root, codes);
    if (ofRoot.exists) return ofRoot;
  }
  const [inScope, units] = await Promise.all([caseInScope(db, processInstanceKey, codes), caseUnits(db, processInstanceKey)]);
  return { exists: true, inScope, units };
}
