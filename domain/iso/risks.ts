import type { Knex } from 'knex';
import type { ZeebeClient } from '../../engine/client.js';
import { startIsoProcess } from './start.js';
import { agencyOfUnit } from './agencies.js';
import * as clock from '../../lib/clock.js';

/** The BPMN process of a risk or opportunity (processes/iso-xu-ly-rui-ro.bpmn). */
export const RISK_PROCESS_ID = 'iso-xu-ly-rui-ro';

/** Score bands of likelihood x severity (1..25). */
export const riskLevel = (score: number | null): 'high' | 'medium' | 'low' | null =>
  score === null ? null : score >= 15 ? 'high' : score >= 8 ? 'medium' : 'low';

export async function identifyRisk(
  db: Knex,
  zeebe: ZeebeClient,
  input: { unitCode: string; kind: 'risk' | 'opportunity'; title: string; description: string; reviewCycleDays: number; createdBy: string },
): Promise<string> {
  const { rows } = await db.raw(`SELECT nextval(pg_get_serial_sequence('iso_risks', 'id')) AS id`);
  const id = String(rows[0].id);
  await db('iso_risks').insert({
    id,
    code: `RR-${clock.now().getFullYear()}-${id.padStart(3, '0')}`,
    unit_code: input.unitCode,
    agency: await agencyOfUnit(db, input.unitCode),
    kind: input.kind,
    title: input.title,
    description: input.description,
    review_cycle_days: input.reviewCycleDays,
    created_by: input.createdBy,
  });
  await ensureRiskStarted(db, zeebe, id);
  return id;
}

export async function ensureRiskStarted(db: Knex, zeebe: ZeebeClient, id: string): Promise<void> {
  await startIsoProcess(db, zeebe, 'iso_risks', id, async (trx) => {
    const r = await trx('iso_risks').where({ id }).forUpdate().first();
    if (!r || r.process_instance_key) return null;
    return {
      bpmnProcessId: RISK_PROCESS_ID,
      variables: {
        riskId: Number(r.id),
        maRuiRo: r.code,
        loai: r.kind === 'risk' ? 'Rủi ro' : 'Cơ hội',
        tieuDe: r.title,
        moTa: r.description,
        donViRuiRo: r.unit_code,
        chuKyXemXet: `P${r.review_cycle_days}D`,
      },
    };
  });
}
