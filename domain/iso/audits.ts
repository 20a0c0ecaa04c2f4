import type { Knex } from 'knex';
import type { ZeebeClient } from '../../engine/client.js';
import { startIsoProcess } from './start.js';

/** The BPMN process of an internal audit programme (processes/iso-danh-gia-noi-bo.bpmn). */
export const AUDIT_PROCESS_ID = 'iso-danh-gia-noi-bo';

/** Starts the internal audit of a year over the given units (DGNB-YYYY-<id>). Unknown units are refused before anything is written. */
export async function startAudit(
  db: Knex,
  zeebe: ZeebeClient,
  input: { year: number; scope: string; departments: string[]; createdBy: string },
): Promise<string> {
  const known = new Set(await db('org_units').whereIn('code', input.departments).pluck('code'));
  const unknown = input.departments.filter((d) => !known.has(d));
  if (unknown.length) throw Object.assign(new Error(`Không có đơn vị: ${unknown.join(', ')} / Unknown units: ${unknown.join(', ')}`), { statusCode: 400 });
  const { rows } = await db.raw(`SELECT nextval(pg_get_serial_sequence('iso_audits', 'id')) AS id`);
  const id = String(rows[0].id);
  await db('iso_audits').insert({
    id,
    code: `DGNB-${input.year}-${id.padStart(3, '0')}`,
    year: input.year,
    scope: input.scope,
    departments: JSON.stringify(input.departments),
    created_by: input.createdBy,
  });
  await ensureAuditStarted(db, zeebe, id);
  return id;
}

export async function ensureAuditStarted(db: Knex, zeebe: ZeebeClient, id: string): Promise<void> {
  await startIsoProcess(db, zeebe, 'iso_audits', id, async (trx) => {
    const a = await trx('iso_audits').where({ id }).forUpdate().first();
    if (!a || a.process_instance_key) return null;
    return {
      bpmnProcessId: AUDIT_PROCESS_ID,
      variables: { auditId: Number(a.id), maDanhGia: a.code, nam: a.year, phamVi: a.scope, phongDuocDanhGia: a.departments },
    };
  });
}
