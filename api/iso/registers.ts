import type { Knex } from 'knex';

/**
 * What the iso-register service tasks of processes/iso-*.bpmn write into the ISO registers. Each
 * stage is applied once per Zeebe job: the job key is the primary key of iso_register_events, and
 * the register update runs in the same transaction only when that row is new, so a redelivered job
 * changes nothing.
 */
export type Register = 'nc' | 'document';

export interface StageInput {
  jobKey: string;
  processInstanceKey: string;
  register: Register;
  stage: string;
  variables: Record<string, unknown>;
  /** engine time of the stage */
  at: Date;
}

/** A business outcome the model catches (bpmn error), e.g. an unknown responsible unit. */
export class RegisterRejection extends Error {
  constructor(readonly errorCode: string, message: string) {
    super(message);
  }
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
const idOf = (v: unknown, name: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`biến ${name} thiếu hoặc sai / variable ${name} is missing or invalid`);
  return n;
};

export const NC_STAGES = ['recorded', 'assigned', 'planned', 'implemented', 'verified', 'closed'] as const;
export const DOCUMENT_STAGES = ['drafting', 'submitted', 'rework', 'issued', 'read'] as const;

/** Applies one stage; returns false when this job was already applied. */
export async function applyStage(db: Knex, input: StageInput): Promise<boolean> {
  return db.transaction(async (trx) => {
    const recordId = input.register === 'nc' ? idOf(input.variables.ncId, 'ncId') : idOf(input.variables.versionId, 'versionId');
    // Business checks happen before anything is written, so a rejection leaves no trace.
    if (input.register === 'nc' && input.stage === 'assigned') {
      const unit = text(input.variables.donViChuTri);
      const known = unit ? await trx('org_units').where({ code: unit }).first('id') : undefined;
      if (!known) throw new RegisterRejection('ISO_INVALID', `Không có đơn vị "${unit ?? ''}" / Unknown unit "${unit ?? ''}"`);
    }
    const inserted = await trx('iso_register_events')
      .insert({ job_key: input.jobKey, register: input.register, record_id: recordId, stage: input.stage, process_instance_key: input.processInstanceKey, data: JSON.stringify(stageData(input)), at: input.at })
      .onConflict('job_key')
      .ignore()
      .returning('job_key');
    if (inserted.length === 0) return false;
    if (input.register === 'nc') await applyNcStage(trx, recordId, input);
    else await applyDocumentStage(trx, recordId, input);
    return true;
  });
}

/** The part of the variables a stage records (shown in the record's history). */
function stageData({ register, stage, variables: v }: StageInput): Record<string, unknown> {
  const pick = (...keys: string[]) => Object.fromEntries(keys.filter((k) => v[k] !== undefined && v[k] !== null).map((k) => [k, v[k]]));
  if (register === 'nc') {
    switch (stage) {
      case 'assigned': return pick('donViChuTri', 'yKienVanPhong');
      case 'planned': return pick('nguyenNhan', 'hanhDongKhacPhuc', 'hanKhacPhuc', 'canYKienDaiDien');
      case 'implemented': return pick('yKienDaiDien', 'ketQuaThucHien');
      case 'verified': return pick('coHieuLuc', 'nhanXetKiemChung');
      case 'closed': return pick('ketLuan');
      default: return {};
    }
  }
  switch (stage) {
    case 'submitted': return pick('tomTatNoiDung');
    case 'rework': return pick('yKienRaSoat');
    case 'issued': return pick('ngayHieuLuc', 'donViNhan', 'yKienRaSoat');
    case 'read': return pick('donVi');
    default: return {};
  }
}

async function applyNcStage(trx: Knex.Transaction, id: number, { stage, variables: v, at, processInstanceKey }: StageInput): Promise<void> {
  const q = () => trx('iso_nonconformities').where({ id });
  const now = { updated_at: at };
  switch (stage) {
    case 'recorded':
      await q().whereNull('process_instance_key').update({ process_instance_key: processInstanceKey });
      await q().update({ status: 'recorded', ...now });
      return;
    case 'assigned':
      await q().update({ unit_code: text(v.donViChuTri), status: 'analysing', ...now });
      return;
    case 'planned':
      await q().update({ root_cause: text(v.nguyenNhan), corrective_action: text(v.hanhDongKhacPhuc), status: 'implementing', ...now });
      return;
    case 'implemented':
      await q().update({ implementation: text(v.ketQuaThucHien), ...(text(v.yKienDaiDien) ? { mr_opinion: text(v.yKienDaiDien) } : {}), status: 'verifying', ...now });
      return;
    case 'verified': {
      const effective = v.coHieuLuc === 'co';
      await q().update({ effective, verification: text(v.nhanXetKiemChung), verifications: trx.raw('verifications + 1'), status: effective ? 'closing' : 'analysing', ...now });
      return;
    }
    case 'closed':
      await q().update({ status: 'closed', closed_at: at, ...now });
      return;
    default:
      throw new Error(`Giai đoạn không biết: ${stage} / Unknown stage ${stage}`);
  }
}

/** Who completed the last run of a step of an instance (from the inbox rows), with when. */
async function lastCompletion(trx: Knex.Transaction, processInstanceKey: string, elementId: string, group?: string) {
  const q = trx('inbox_tasks').where({ process_instance_key: processInstanceKey, element_id: elementId, status: 'completed' });
  if (group) q.whereRaw('? = ANY(candidate_groups)', [group]);
  return q.orderBy('completed_at', 'desc').first('completed_by', 'completed_at') as Promise<{ completed_by: string; completed_at: Date } | undefined>;
}

async function applyDocumentStage(trx: Knex.Transaction, versionId: number, { stage, variables: v, at, processInstanceKey }: StageInput): Promise<void> {
  const version = await trx('iso_document_versions').where({ id: versionId }).forUpdate().first();
  if (!version) throw new Error(`Không có phiên bản tài liệu ${versionId} / No document version ${versionId}`);
  const q = () => trx('iso_document_versions').where({ id: versionId });
  switch (stage) {
    case 'drafting':
      await q().update({ status: 'drafting', process_instance_key: version.process_instance_key ?? processInstanceKey, updated_at: at });
      return;
    case 'submitted':
      await q().update({ status: 'reviewing', change_summary: text(v.tomTatNoiDung) ?? version.change_summary, updated_at: at });
      return;
    case 'rework':
      await q().update({ status: 'rework', rework_count: trx.raw('rework_count + 1'), updated_at: at });
      return;
    case 'issued': {
      const issuer = await lastCompletion(trx, processInstanceKey, 'LanhDaoBanHanh');
      const effectiveFrom = text(v.ngayHieuLuc)?.slice(0, 10) ?? at.toISOString().slice(0, 10);
      const doc = trx('iso_documents').where({ id: version.document_id });
      if (version.kind === 'withdrawal') {
        await q().update({ status: 'withdrawn', issued_by: issuer?.completed_by ?? null, issued_at: at, effective_from: effectiveFrom, updated_at: at });
        await trx('iso_document_versions').where({ document_id: version.document_id, status: 'issued' }).update({ status: 'withdrawn', updated_at: at });
        await doc.update({ status: 'withdrawn', effective_version: null, updated_at: at });
      } else {
        await trx('iso_document_versions').where({ document_id: version.document_id, status: 'issued' }).whereNot({ id: versionId }).update({ status: 'superseded', updated_at: at });
        await q().update({ status: 'issued', issued_by: issuer?.completed_by ?? null, issued_at: at, effective_from: effectiveFrom, updated_at: at });
        await doc.update({ status: 'effective', effective_version: version.version, updated_at: at });
      }
      const units = Array.isArray(v.donViNhan) ? (v.donViNhan as unknown[]).filter((u): u is string => typeof u === 'string') : [];
      if (units.length) {
        await trx('iso_document_distribution').insert(units.map((unit_code) => ({ version_id: versionId, unit_code, distributed_at: at }))).onConflict(['version_id', 'unit_code']).ignore();
      }
      return;
    }
    case 'read': {
      const unit = text(v.donVi);
      if (!unit) throw new Error('biến donVi thiếu / variable donVi is missing');
      const who = await lastCompletion(trx, processInstanceKey, 'XacNhanDaDoc', unit);
      await trx('iso_document_distribution').where({ version_id: versionId, unit_code: unit }).update({ confirmed_by: who?.completed_by ?? null, confirmed_at: who?.completed_at ?? at });
      return;
    }
    default:
      throw new Error(`Giai đoạn không biết: ${stage} / Unknown stage ${stage}`);
  }
}
