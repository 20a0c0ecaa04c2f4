import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { nextDossierCode } from '../../api/onestop/code.js';

/** A catalogue entry in the import format with unique code and process id; override what the test needs. */
export function procedureEntry(over: Record<string, unknown> = {}): Record<string, unknown> {
  const tag = randomBytes(3).toString('hex');
  return {
    code: `T.${tag}`,
    name: `Thủ tục thử ${tag}`,
    field: 'Đất đai',
    agencyCode: 'SNNMT',
    agencyName: 'Sở Nông nghiệp và Môi trường',
    deskUnitCode: 'SNNMT-VP',
    agencyEid: 'H99.12',
    timeLimitDays: 5,
    fees: [{ name: 'Lệ phí', amount: 50000, note: '' }],
    requiredDocuments: [
      { code: 'DON', name: 'Đơn đề nghị', copies: 1, mandatory: true },
      { code: 'CCCD', name: 'Bản sao căn cước', copies: 1, mandatory: true },
      { code: 'KHAC', name: 'Giấy tờ khác (nếu có)', copies: 1, mandatory: false },
    ],
    result: 'Giấy chứng nhận',
    onlineLevel: 'full',
    legalBasis: 'Luật thử nghiệm',
    bpmnProcessId: `mc-test-${tag}`,
    processVersion: null,
    ...over,
  };
}

/** A dossier row as reception leaves it (for worker tests that start their own instance). */
export async function insertDossier(db: Knex, procedureCode: string, over: Record<string, unknown> = {}): Promise<{ id: string; code: string; lookup_token: string }> {
  const p = await db('onestop_procedures').where({ code: procedureCode }).first();
  const code = await nextDossierCode(db, p.agency_eid, new Date());
  const [row] = await db('dossiers')
    .insert({
      code,
      procedure_code: procedureCode,
      field: p.field,
      agency_code: p.agency_code,
      desk_unit_code: p.desk_unit_code,
      channel: 'in_person',
      status: 'RECEIVED',
      applicant: JSON.stringify({ name: 'Nguyễn Văn An', email: 'an@example.vn' }),
      lookup_token: randomBytes(32).toString('base64url'),
      submitted_at: new Date(),
      received_at: new Date(),
      ...over,
    })
    .returning(['id', 'code', 'lookup_token']);
  return { id: String(row.id), code: row.code, lookup_token: row.lookup_token };
}
