import type { Knex } from 'knex';
import type { ZeebeClient } from '../../engine/client.js';
import { startIsoProcess } from './start.js';

/** The BPMN process every nonconformity runs (processes/iso-hanh-dong-khac-phuc.bpmn). */
export const NC_PROCESS_ID = 'iso-hanh-dong-khac-phuc';

export type NcSource = 'manual' | 'late_case' | 'audit_finding' | 'complaint';

export interface OpenNcInput {
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
  const year = new Date().getFullYear();
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
 * The late-case sweep: every case (case_deadlines) that passed its appointment while still open, or
 * finished after it, gets one nonconformity (source late_case, keyed by its process instance). The
 * ISO processes themselves are not swept (an NC about an NC would never end).
 */
export async function openNonconformitiesForLateCases(db: Knex, zeebe: ZeebeClient, now: Date = new Date()): Promise<NcRow[]> {
  const late: {
    process_instance_key: string;
    bpmn_process_id: string;
    unit_code: string | null;
    appointment_at: Date;
    finished_at: Date | null;
    name: string | null;
  }[] = await db('case_deadlines as c')
    .leftJoin(
      db('process_definitions').select('bpmn_process_id').max('name as name').groupBy('bpmn_process_id').as('d'),
      'd.bpmn_process_id',
      'c.bpmn_process_id',
    )
    .whereNot('c.bpmn_process_id', 'like', 'iso-%')
    .andWhere((q) => q.where((q2) => q2.whereNull('c.finished_at').andWhere('c.appointment_at', '<', now)).orWhere('c.on_time', false))
    .whereNotExists(db('iso_nonconformities as n').where('n.source_type', 'late_case').andWhereRaw('n.source_key = c.process_instance_key::text'))
    .orderBy('c.appointment_at')
    .limit(100)
    .select('c.process_instance_key', 'c.bpmn_process_id', 'c.unit_code', 'c.appointment_at', 'c.finished_at', 'd.name');
  const out: NcRow[] = [];
  for (const c of late) {
    const key = String(c.process_instance_key);
    const when = c.finished_at
      ? `hoàn thành lúc ${fmt(c.finished_at)}, sau ngày hẹn ${fmt(c.appointment_at)}`
      : `quá ngày hẹn trả ${fmt(c.appointment_at)} mà chưa hoàn thành`;
    const { nc } = await openNonconformity(db, zeebe, {
      title: `Hồ sơ ${key} trễ hạn (${c.name ?? c.bpmn_process_id})`,
      description: `Hồ sơ ${key} của quy trình "${c.name ?? c.bpmn_process_id}" ${when}. Hệ thống tự ghi nhận sự không phù hợp.`,
      sourceType: 'late_case',
      sourceKey: key,
      sourceProcessId: c.bpmn_process_id,
      unitCode: c.unit_code,
    });
    out.push(nc);
  }
  return out;
}

const fmt = (d: Date) => new Date(d).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });
