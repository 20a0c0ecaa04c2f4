import type { Knex } from 'knex';
import type { ZeebeClient } from '../../engine/client.js';
import { startIsoProcess } from './start.js';
import { casesWithLateness, caseFactsQuery } from '../onestop/case-lateness.js';
import { LATE } from '../onestop/lateness.js';
import { agencyOfCase, agencyOfUnit } from './agencies.js';
import * as clock from '../../lib/clock.js';

/** The BPMN process every nonconformity runs (processes/iso-hanh-dong-khac-phuc.bpmn). */
export const NC_PROCESS_ID = 'iso-hanh-dong-khac-phuc';

export type NcSource = 'manual' | 'late_case' | 'audit_finding' | 'complaint';

export interface OpenNcInput {
  /** the agency whose register keeps it (iso_systems): its Office receives it */
  agency: string;
  title: string;
  description: string;
  sourceType: NcSource;
  /** what opened it (once per source); null for manual ones */
  sourceKey?: string | null;
  sourceProcessId?: string | null;
  /** suggested responsible unit; the Office confirms or changes it */
  unitCode?: string | null;
  reportedBy?: string | null;
}

export interface NcRow {
  id: string;
  code: string;
  title: string;
  description: string;
  source_type: NcSource;
  source_key: string | null;
  source_process_id: string | null;
  unit_code: string | null;
  agency: string;
  reported_by: string | null;
  process_instance_key: string | null;
  status: string;
  root_cause: string | null;
  corrective_action: string | null;
  mr_opinion: string | null;
  implementation: string | null;
  verification: string | null;
  effective: boolean | null;
  verifications: number;
  opened_at: Date;
  closed_at: Date | null;
  updated_at: Date;
}

/**
 * Records a nonconformity and starts its corrective-action process. Once per source: a second call
 * for the same (sourceType, sourceKey) returns the existing row. The row is written first and the
 * instance started under a row lock, so a crash between the two leaves a row that
 * `startPendingNonconformities` starts later, never a second instance.
 */
export async function openNonconformity(db: Knex, zeebe: ZeebeClient, input: OpenNcInput): Promise<{ nc: NcRow; created: boolean }> {
  const year = clock.now().getFullYear();
  let created = false;
  let id: string;
  const { rows: seq } = await db.raw(`SELECT nextval(pg_get_serial_sequence('iso_nonconformities', 'id')) AS id`);
  const newId = String(seq[0].id);
  const [row] = await db('iso_nonconformities')
    .insert({
      id: newId,
      code: `KP-${year}-${newId.padStart(4, '0')}`,
      title: input.title,
      description: input.description,
      source_type: input.sourceType,
      source_key: input.sourceKey ?? null,
      source_process_id: input.sourceProcessId ?? null,
      unit_code: input.unitCode ?? null,
      agency: input.agency,
      reported_by: input.reportedBy ?? null,
    })
    .onConflict(db.raw('(source_type, source_key) WHERE source_key IS NOT NULL'))
    .ignore()
    .returning('id');
  if (row) {
    created = true;
    id = String(row.id);
  } else {
    const existing = await db('iso_nonconformities')
      .where({ source_type: input.sourceType, source_key: input.sourceKey ?? null })
      .first('id');
    id = String(existing.id);
  }
  await ensureStarted(db, zeebe, id);
  return { nc: (await getNonconformity(db, id))!, created };
}

/** Starts the process of a recorded NC that has none yet (idempotent under a row lock). */
export async function ensureStarted(db: Knex, zeebe: ZeebeClient, id: string): Promise<void> {
  await startIsoProcess(db, zeebe, 'iso_nonconformities', id, async (trx) => {
    const nc = await trx<NcRow>('iso_nonconformities').where({ id }).forUpdate().first();
    if (!nc || nc.process_instance_key) return null;
    return {
      bpmnProcessId: NC_PROCESS_ID,
      variables: {
        ncId: Number(nc.id),
        maPhieu: nc.code,
        tieuDe: nc.title,
        moTa: nc.description,
        nguonPhatSinh: nc.source_type,
        ...(nc.unit_code ? { donViChuTri: nc.unit_code } : {}),
        ...(nc.reported_by ? { nguoiPhatHien: nc.reported_by } : {}),
        ...(nc.source_key ? { maNguon: nc.source_key } : {}),
      },
    };
  });
}

export async function getNonconformity(db: Knex, id: string): Promise<NcRow | undefined> {
  return db<NcRow>('iso_nonconformities').where({ id }).first();
}

/** NCs recorded while the engine was unreachable: start them now. */
export async function startPendingNonconformities(db: Knex, zeebe: ZeebeClient): Promise<number> {
  const pending = await db('iso_nonconformities').whereNull('process_instance_key').orderBy('id').limit(50).pluck('id');
  for (const id of pending) await ensureStarted(db, zeebe, String(id));
  return pending.length;
}

/**
 * The late-case sweep: every case late by the II.06a rule (domain/onestop/lateness.ts: result ready after
 * the appointment date, or still open and not paused past it; ready on time but collected late, withdrawn
 * or waiting for the citizen are not late) gets one nonconformity (source late_case, keyed by its process
 * instance). The SQL narrows to the candidates (appointment date passed, not withdrawn, open and not
 * paused or ready on a later date) so that the limit never fills with cases that are not late; the rule
 * decides. Each goes to the register of the case's agency: the dossier's competent agency, else the
 * agency of the case's unit. The ISO processes themselves are not swept (an NC about an NC would never end).
 */
export async function openNonconformitiesForLateCases(db: Knex, zeebe: ZeebeClient, now: Date = clock.now()): Promise<NcRow[]> {
  const names = db('process_definitions').select('bpmn_process_id').max('name as name').groupBy('bpmn_process_id').as('pd');
  const candidates = caseFactsQuery(db, now)
    .leftJoin(names, 'pd.bpmn_process_id', 'f.bpmn_process_id')
    .select('pd.name')
    .whereNot('f.bpmn_process_id', 'like', 'iso-%')
    .whereRaw('onestop_vn_day(f.appointment_at) < onestop_vn_day(?::timestamptz)', [now])
    .whereNull('f.withdrawn_at')
    .andWhere((q) =>
      q.where((q2) => q2.whereNull('f.ready_at').andWhere('f.paused', false)).orWhereRaw('onestop_vn_day(f.ready_at) > onestop_vn_day(f.appointment_at)'),
    )
    .whereNotExists(db('iso_nonconformities as n').where('n.source_type', 'late_case').andWhereRaw('n.source_key = f.process_instance_key::text'))
    .orderBy('f.appointment_at')
    .limit(100);
  const late = (await casesWithLateness(candidates, now)).filter((c) => LATE.has(c.outcome));
  const out: NcRow[] = [];
  for (const c of late) {
    const key = c.processInstanceKey;
    const when = c.readyAt
      ? `có kết quả lúc ${fmt(c.readyAt)}, sau ngày hẹn ${fmt(c.appointmentAt!)}`
      : `quá ngày hẹn trả ${fmt(c.appointmentAt!)} mà chưa có kết quả`;
    // In the register of the dossier's competent agency (not of the department that runs the platform).
    const agency = await agencyOfCase(db, key, c.unitCode);
    // The case's unit is suggested as the responsible unit only when it is one of that agency's.
    const unitCode = c.unitCode && (await agencyOfUnit(db, c.unitCode)) === agency ? c.unitCode : null;
    const { nc } = await openNonconformity(db, zeebe, {
      agency,
      title: `Hồ sơ ${key} trễ hạn (${c.name ?? c.bpmnProcessId})`,
      description: `Hồ sơ ${key} của quy trình "${c.name ?? c.bpmnProcessId}" ${when}. Hệ thống tự ghi nhận sự không phù hợp.`,
      sourceType: 'late_case',
      sourceKey: key,
      sourceProcessId: c.bpmnProcessId,
      unitCode,
    });
    out.push(nc);
  }
  return out;
}

const fmt = (d: Date) => new Date(d).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });
