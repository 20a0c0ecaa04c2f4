import type { Knex } from 'knex';
import type { ZeebeClient } from '../../engine/client.js';
import { startIsoProcess } from './start.js';
import { agencyOfDepartments, auditorGroups } from './agencies.js';
import { fail } from '../../lib/errors.js';

/** The BPMN process of an internal audit programme (processes/iso-danh-gia-noi-bo.bpmn). */
export const AUDIT_PROCESS_ID = 'iso-danh-gia-noi-bo';

/**
 * Starts the internal audit of a year over the given units (DGNB-YYYY-<id>), in the quality system of
 * their agency (`agency`: the caller's, or for a province reader null = the units' own). Refused before
 * anything is written: unknown units, units of another agency, and a unit no independent auditor is
 * left for (ISO 9001 9.2.2 c).
 */
export async function startAudit(
  db: Knex,
  zeebe: ZeebeClient,
  input: { year: number; scope: string; departments: string[]; createdBy: string; agency: string | null },
): Promise<string> {
  const agency = await agencyOfDepartments(db, input.departments, input.agency);
  const { none } = await auditorGroups(db, agency, input.departments);
  if (none.length)
    throw fail(
      400,
      'ISO_NO_INDEPENDENT_AUDITOR',
      { units: none.join(', ') },
      `Không có người đánh giá độc lập với đơn vị ${none.join(', ')} / No auditor independent of ${none.join(', ')}`,
    );
  const { rows } = await db.raw(`SELECT nextval(pg_get_serial_sequence('iso_audits', 'id')) AS id`);
  const id = String(rows[0].id);
  await db('iso_audits').insert({
    id,
    code: `DGNB-${input.year}-${id.padStart(3, '0')}`,
    year: input.year,
    scope: input.scope,
    departments: JSON.stringify(input.departments),
    agency,
    created_by: input.createdBy,
  });
  await ensureAuditStarted(db, zeebe, id);
  return id;
}

export async function ensureAuditStarted(db: Knex, zeebe: ZeebeClient, id: string): Promise<void> {
  await startIsoProcess(db, zeebe, 'iso_audits', id, async (trx) => {
    const a = await trx('iso_audits').where({ id }).forUpdate().first();
    if (!a || a.process_instance_key) return null;
    // Who may audit each unit, resolved now: never the unit's own members (domain/iso/agencies.ts).
    const { groups } = await auditorGroups(trx, a.agency, a.departments);
    return {
      bpmnProcessId: AUDIT_PROCESS_ID,
      variables: {
        auditId: Number(a.id),
        maDanhGia: a.code,
        nam: a.year,
        phamVi: a.scope,
        phongDuocDanhGia: a.departments,
        eisoNhomDanhGia: groups,
      },
    };
  });
}
