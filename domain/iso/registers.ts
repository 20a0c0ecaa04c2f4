import type { Knex } from 'knex';
import type { ZeebeClient } from '../../engine/client.js';
import { openNonconformity } from './nonconformities.js';
import { inputsSummary, reviewInputs } from './reviews.js';
import { DocumentRuleError, requestChange } from './documents.js';
import { agencyOfUnit } from './agencies.js';

/**
 * What the iso-register service tasks of processes/iso-*.bpmn write into the ISO registers. Each
 * stage is applied once per Zeebe job: the job key is the primary key of iso_register_events, and
 * the register update runs in the same transaction only when that row is new, so a redelivered job
 * changes nothing.
 */
export type Register = 'nc' | 'document' | 'complaint' | 'audit' | 'review' | 'risk' | 'proposal';
export const REGISTERS: readonly Register[] = ['nc', 'document', 'complaint', 'audit', 'review', 'risk', 'proposal'];

export interface StageInput {
  jobKey: string;
  processInstanceKey: string;
  /** the id of the register row bound to the instance (registerTable / engine/process-binding.ts), never a variable */
  recordId: number;
  register: Register;
  stage: string;
  variables: Record<string, unknown>;
  /** engine time of the stage */
  at: Date;
}

/** A business outcome the model catches (bpmn error), e.g. an unknown responsible unit. */
export class RegisterRejection extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The table of each register: its row is the one whose process_instance_key is the job's (root)
 * instance, recorded by the start's outbox continuation (domain/iso/start.ts). The variables ncId,
 * versionId, ... the start carries are for display only: they never choose the row.
 */
export const REGISTER_TABLE: Record<Register, string> = {
  nc: 'iso_nonconformities',
  document: 'iso_document_versions',
  complaint: 'iso_complaints',
  audit: 'iso_audits',
  review: 'iso_reviews',
  risk: 'iso_risks',
  proposal: 'iso_document_proposals',
};

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
    const recordId = idOf(input.recordId, 'recordId');
    // Business checks happen before anything is written, so a rejection leaves no trace.
    if ((input.register === 'nc' || input.register === 'complaint') && input.stage === 'assigned') {
      const unit = text(input.register === 'nc' ? input.variables.donViChuTri : input.variables.donViXuLy);
      const known = unit ? await trx('org_units').where({ code: unit }).first('id') : undefined;
      if (!known) throw new RegisterRejection('ISO_INVALID', `Không có đơn vị "${unit ?? ''}" / Unknown unit "${unit ?? ''}"`);
      // The responsible unit is one of the record's agency: another agency's units work in their own system.
      const own = await trx(input.register === 'nc' ? 'iso_nonconformities' : 'iso_complaints')
        .where({ id: recordId })
        .first('agency');
      if (own && (await agencyOfUnit(trx, unit)) !== own.agency)
        throw new RegisterRejection('ISO_INVALID', `Đơn vị "${unit}" không thuộc cơ quan ${own.agency} / Unit "${unit}" is not of agency ${own.agency}`);
    }
    const inserted = await trx('iso_register_events')
      .insert({
        job_key: input.jobKey,
        register: input.register,
        record_id: recordId,
        stage: input.stage,
        process_instance_key: input.processInstanceKey,
        data: JSON.stringify(stageData(input)),
        at: input.at,
      })
      .onConflict('job_key')
      .ignore()
      .returning('job_key');
    if (inserted.length === 0) return false;
    if (input.register === 'nc') await applyNcStage(trx, recordId, input);
    else if (input.register === 'document') await applyDocumentStage(trx, recordId, input);
    else if (input.register === 'complaint') await applyComplaintStage(trx, recordId, input);
    else if (input.register === 'audit') await applyAuditStage(trx, recordId, input);
    else if (input.register === 'review') await applyReviewStage(trx, recordId, input);
    else if (input.register === 'risk') await applyRiskStage(trx, recordId, input);
    else
      await trx('iso_document_proposals')
        .where({ id: recordId })
        .update(
          input.stage === 'proposed'
            ? { process_instance_key: trx.raw('coalesce(process_instance_key, ?)', [input.processInstanceKey]) }
            : { status: input.stage === 'accepted' ? 'accepted' : 'rejected', opinion: text(input.variables.yKienDeXuat) },
        );
    return true;
  });
}

/** The part of the variables a stage records (shown in the record's history). */
function stageData({ register, stage, variables: v }: StageInput): Record<string, unknown> {
  const pick = (...keys: string[]) => Object.fromEntries(keys.filter((k) => v[k] !== undefined && v[k] !== null).map((k) => [k, v[k]]));
  if (register === 'nc') {
    switch (stage) {
      case 'assigned':
        return pick('donViChuTri', 'yKienVanPhong');
      case 'planned':
        return pick('nguyenNhan', 'hanhDongKhacPhuc', 'hanKhacPhuc', 'canYKienDaiDien');
      case 'implemented':
        return pick('yKienDaiDien', 'ketQuaThucHien');
      case 'verified':
        return pick('coHieuLuc', 'nhanXetKiemChung');
      case 'closed':
        return pick('ketLuan');
      default:
        return {};
    }
  }
  if (register === 'complaint') return pick('phanLoai', 'donViXuLy', 'ketQuaXacMinh', 'ketLuanPhanAnh', 'noiDungKetLuan', 'noiDungTraLoi');
  if (register === 'proposal') return pick('ketQuaXemXetDeXuat', 'yKienDeXuat');
  if (register === 'risk') return pick('khaNang', 'mucDo', 'bienPhap', 'hanXuLy', 'ketQuaXuLy', 'ketQuaXemXet', 'tiepTucTheoDoi');
  if (register === 'review') return pick('thongBao', 'donVi', 'baoCao', 'tongHop', 'bienBan', 'ketLuanXemXet', 'hanhDongXemXet');
  if (register === 'audit') {
    switch (stage) {
      case 'approved':
        return pick('chuongTrinh', 'yKienPheDuyet');
      case 'planned':
        return pick('keHoach', 'yKienPheDuyet');
      case 'findings':
        return pick('phong', 'dieuKhoanDaKiemTra', 'ghiChuDanhGia', 'phatHien');
      case 'concluded':
        return pick('ketLuanDanhGia');
      default:
        return {};
    }
  }
  switch (stage) {
    case 'submitted':
      return pick('tomTatNoiDung');
    case 'rework':
      return pick('yKienRaSoat');
    case 'issued':
      return pick('ngayHieuLuc', 'donViNhan', 'yKienRaSoat');
    case 'read':
      return pick('donVi');
    default:
      return {};
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
      await q().update({
        implementation: text(v.ketQuaThucHien),
        ...(text(v.yKienDaiDien) ? { mr_opinion: text(v.yKienDaiDien) } : {}),
        status: 'verifying',
        ...now,
      });
      return;
    case 'verified': {
      const effective = v.coHieuLuc === 'co';
      await q().update({
        effective,
        verification: text(v.nhanXetKiemChung),
        verifications: trx.raw('verifications + 1'),
        status: effective ? 'closing' : 'analysing',
        ...now,
      });
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
  // 'completing' counts too: the API marks the row, then completes the job, then marks it completed,
  // so the next service task can run before the last mark.
  const q = trx('inbox_tasks').where({ process_instance_key: processInstanceKey, element_id: elementId }).whereIn('status', ['completing', 'completed']);
  if (group) q.whereRaw('? = ANY(candidate_groups)', [group]);
  return q.orderByRaw('coalesce(completed_at, updated_at) DESC').first('completed_by', 'completed_at') as Promise<
    { completed_by: string; completed_at: Date | null } | undefined
  >;
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
        await trx('iso_document_versions')
          .where({ document_id: version.document_id, status: 'issued' })
          .whereNot({ id: versionId })
          .update({ status: 'superseded', updated_at: at });
        await q().update({ status: 'issued', issued_by: issuer?.completed_by ?? null, issued_at: at, effective_from: effectiveFrom, updated_at: at });
        await doc.update({ status: 'effective', effective_version: version.version, updated_at: at });
      }
      const units = Array.isArray(v.donViNhan) ? (v.donViNhan as unknown[]).filter((u): u is string => typeof u === 'string') : [];
      if (units.length) {
        await trx('iso_document_distribution')
          .insert(units.map((unit_code) => ({ version_id: versionId, unit_code, distributed_at: at })))
          .onConflict(['version_id', 'unit_code'])
          .ignore();
      }
      return;
    }
    case 'read': {
      const unit = text(v.donVi);
      if (!unit) throw new Error('biến donVi thiếu / variable donVi is missing');
      const who = await lastCompletion(trx, processInstanceKey, 'XacNhanDaDoc', unit);
      await trx('iso_document_distribution')
        .where({ version_id: versionId, unit_code: unit })
        .update({ confirmed_by: who?.completed_by ?? null, confirmed_at: who?.completed_at ?? at });
      return;
    }
    default:
      throw new Error(`Giai đoạn không biết: ${stage} / Unknown stage ${stage}`);
  }
}

async function applyComplaintStage(trx: Knex.Transaction, id: number, { stage, variables: v, at, processInstanceKey }: StageInput): Promise<void> {
  const q = () => trx('iso_complaints').where({ id });
  switch (stage) {
    case 'received':
      await q().whereNull('process_instance_key').update({ process_instance_key: processInstanceKey });
      return;
    case 'assigned':
      await q().update({ unit_code: text(v.donViXuLy), status: 'verifying' });
      return;
    case 'concluded':
      await q().update({ upheld: v.ketLuanPhanAnh === 'dung', findings: text(v.ketQuaXacMinh), conclusion: text(v.noiDungKetLuan), status: 'concluded' });
      return;
    case 'answered':
      await q().update({ answer: text(v.noiDungTraLoi), status: 'answered', answered_at: at });
      return;
    default:
      throw new Error(`Giai đoạn không biết: ${stage} / Unknown stage ${stage}`);
  }
}

/** Findings as the audit form's dynamic list sends them: [{dieuKhoan, noiDung}], blanks dropped. */
export function findingsOf(v: unknown): { clause: string; description: string }[] {
  if (!Array.isArray(v)) return [];
  return v
    .map((f) => ({ clause: text((f as Record<string, unknown>)?.dieuKhoan) ?? '', description: text((f as Record<string, unknown>)?.noiDung) ?? '' }))
    .filter((f) => f.clause && f.description);
}

async function applyAuditStage(trx: Knex.Transaction, id: number, { stage, variables: v, at, processInstanceKey }: StageInput): Promise<void> {
  const q = () => trx('iso_audits').where({ id });
  switch (stage) {
    case 'programme':
      await q().whereNull('process_instance_key').update({ process_instance_key: processInstanceKey });
      return;
    case 'approved': {
      const by = await lastCompletion(trx, processInstanceKey, 'PheDuyetChuongTrinh');
      await q().update({ programme: text(v.chuongTrinh), approved_by: by?.completed_by ?? null, status: 'planning' });
      return;
    }
    case 'planned':
      await q().update({ plan: text(v.keHoach), status: 'auditing' });
      return;
    case 'findings': {
      const unit = text(v.phong);
      if (!unit) throw new Error('biến phong thiếu / variable phong is missing');
      const by = (await trx('inbox_tasks')
        .where({ process_instance_key: processInstanceKey, element_id: 'DanhGiaTaiDonVi' })
        .whereIn('status', ['completing', 'completed'])
        .whereRaw(`variables->>'phong' = ?`, [unit])
        .orderByRaw('coalesce(completed_at, updated_at) DESC')
        .first('completed_by')) as { completed_by: string } | undefined;
      const clauses = Array.isArray(v.dieuKhoanDaKiemTra) ? v.dieuKhoanDaKiemTra.filter((c): c is string => typeof c === 'string') : [];
      await trx('iso_audit_units')
        .insert({
          audit_id: id,
          unit_code: unit,
          clauses_checked: JSON.stringify(clauses),
          notes: text(v.ghiChuDanhGia),
          audited_by: by?.completed_by ?? null,
          audited_at: at,
        })
        .onConflict(['audit_id', 'unit_code'])
        .merge();
      const findings = findingsOf(v.phatHien);
      if (findings.length) {
        await trx('iso_audit_findings')
          .insert(findings.map((f, i) => ({ audit_id: id, unit_code: unit, seq: i + 1, clause: f.clause, description: f.description })))
          .onConflict(['audit_id', 'unit_code', 'seq'])
          .ignore();
      }
      return;
    }
    case 'concluded':
      await q().update({ conclusion: text(v.ketLuanDanhGia), status: 'closed', closed_at: at });
      return;
    default:
      throw new Error(`Giai đoạn không biết: ${stage} / Unknown stage ${stage}`);
  }
}

/**
 * What a stage starts after its write is committed: an upheld complaint and every audit finding get
 * their nonconformity (once per source, so it is safe to run again on a redelivered job).
 */
export async function afterStage(db: Knex, zeebe: ZeebeClient, input: Omit<StageInput, 'jobKey' | 'at'>): Promise<Record<string, unknown> | void> {
  if (input.register === 'review' && input.stage === 'inputs') {
    const review = await db('iso_reviews').where({ id: input.recordId }).first('inputs');
    return { dauVaoTomTat: inputsSummary(review.inputs ?? []) };
  }
  if (input.register === 'proposal' && input.stage === 'accepted') {
    const pr = await db('iso_document_proposals').where({ id: input.recordId }).first();
    if (!pr || pr.version_id) return;
    // The receivers of the version in force get the new one (or the withdrawal notice); else the owner unit.
    const doc = await db('iso_documents').where({ id: pr.document_id }).first();
    const current = await db('iso_document_versions').where({ document_id: pr.document_id, status: 'issued' }).first('distribute_to');
    const versionId = await requestChange(db, zeebe, String(pr.document_id), {
      kind: pr.kind,
      summary: `Theo đề xuất của ${pr.proposed_by}: ${pr.reason}`,
      distributeTo: current?.distribute_to?.length ? current.distribute_to : [doc.owner_unit_code],
      requestedBy: pr.proposed_by,
    }).catch((err) => {
      // The document changed meanwhile (withdrawn, or a request already open): the proposal stays accepted, nothing more to open.
      if (err instanceof DocumentRuleError && err.statusCode === 409) return null;
      throw err;
    });
    if (versionId) await db('iso_document_proposals').where({ id: pr.id }).update({ version_id: versionId });
    return;
  }
  if (input.register === 'complaint' && input.stage === 'concluded') {
    const c = await db('iso_complaints').where({ id: input.recordId }).first();
    if (!c?.upheld || c.nc_id) return;
    const { nc } = await openNonconformity(db, zeebe, {
      agency: c.agency,
      title: `Phản ánh ${c.code} đúng: ${c.title}`.slice(0, 300),
      description: `${c.content}\n\nKết luận: ${c.conclusion ?? ''}`,
      sourceType: 'complaint',
      sourceKey: c.code,
      unitCode: c.unit_code,
    });
    await db('iso_complaints').where({ id: c.id }).update({ nc_id: nc.id });
  }
  if (input.register === 'audit' && input.stage === 'findings') {
    const audit = await db('iso_audits').where({ id: input.recordId }).first();
    const findings = await db('iso_audit_findings')
      .where({ audit_id: audit.id, unit_code: text(input.variables.phong) })
      .whereNull('nc_id')
      .orderBy('seq');
    for (const f of findings) {
      const { nc } = await openNonconformity(db, zeebe, {
        agency: audit.agency,
        title: `Phát hiện đánh giá ${audit.code} tại ${f.unit_code} (điều khoản ${f.clause})`.slice(0, 300),
        description: f.description,
        sourceType: 'audit_finding',
        sourceKey: `${audit.code}/${f.unit_code}/${f.seq}`,
        unitCode: f.unit_code,
      });
      await db('iso_audit_findings').where({ id: f.id }).update({ nc_id: nc.id });
    }
  }
}

async function applyReviewStage(trx: Knex.Transaction, id: number, { stage, variables: v, at, processInstanceKey }: StageInput): Promise<void> {
  const q = () => trx('iso_reviews').where({ id });
  switch (stage) {
    case 'inputs': {
      const review = await q().forUpdate().first('year', 'inputs', 'agency');
      await q().whereNull('process_instance_key').update({ process_instance_key: processInstanceKey });
      // Taken once, when the review starts: later reads show what the meeting saw.
      if (!review.inputs) await q().update({ inputs: JSON.stringify(await reviewInputs(trx as unknown as Knex, review.year, review.agency, String(id))) });
      return;
    }
    case 'notice':
      await q().update({ notice: text(v.thongBao), status: 'reporting' });
      return;
    case 'report': {
      const unit = text(v.donVi);
      if (!unit) throw new Error('biến donVi thiếu / variable donVi is missing');
      const by = (await trx('inbox_tasks')
        .where({ process_instance_key: processInstanceKey, element_id: 'BaoCao' })
        .whereIn('status', ['completing', 'completed'])
        .whereRaw(`variables->>'donVi' = ?`, [unit])
        .orderByRaw('coalesce(completed_at, updated_at) DESC')
        .first('completed_by')) as { completed_by: string } | undefined;
      await trx('iso_review_reports')
        .insert({ review_id: id, unit_code: unit, report: text(v.baoCao) ?? '', submitted_by: by?.completed_by ?? null, submitted_at: at })
        .onConflict(['review_id', 'unit_code'])
        .merge();
      await q().update({ status: 'consolidating' });
      return;
    }
    case 'concluded':
      await q().update({
        consolidated: text(v.tongHop),
        minutes: text(v.bienBan),
        conclusion: text(v.ketLuanXemXet),
        actions: text(v.hanhDongXemXet),
        status: 'closed',
        closed_at: at,
      });
      return;
    default:
      throw new Error(`Giai đoạn không biết: ${stage} / Unknown stage ${stage}`);
  }
}

const score15 = (v: unknown): number | null => {
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 && n <= 5 ? n : null;
};

async function applyRiskStage(trx: Knex.Transaction, id: number, { stage, variables: v, at, processInstanceKey }: StageInput): Promise<void> {
  const q = () => trx('iso_risks').where({ id });
  switch (stage) {
    case 'identified':
      await q().whereNull('process_instance_key').update({ process_instance_key: processInstanceKey });
      return;
    case 'assessed': {
      const likelihood = score15(v.khaNang),
        severity = score15(v.mucDo);
      const risk = await q().first('initial_score');
      await q().update({
        likelihood,
        severity,
        ...(risk.initial_score === null && likelihood && severity ? { initial_score: likelihood * severity } : {}),
        treatment: text(v.bienPhap),
        treatment_due: text(v.hanXuLy)?.slice(0, 10) ?? null,
        status: 'treating',
        next_review_at: null,
      });
      return;
    }
    case 'treated':
      await q().update({ treatment_result: text(v.ketQuaXuLy), status: 'reviewing' });
      return;
    case 'reviewed': {
      const monitor = v.tiepTucTheoDoi === 'tiep-tuc';
      const risk = await q().first('review_cycle_days');
      await q().update({
        likelihood: score15(v.khaNang),
        severity: score15(v.mucDo),
        review_note: text(v.ketQuaXemXet),
        reviews: trx.raw('reviews + 1'),
        status: monitor ? 'monitoring' : 'reviewing',
        next_review_at: monitor ? new Date(at.getTime() + risk.review_cycle_days * 86_400_000) : null,
      });
      return;
    }
    case 'closed':
      await q().update({ status: 'closed', closed_at: at, next_review_at: null });
      return;
    default:
      throw new Error(`Giai đoạn không biết: ${stage} / Unknown stage ${stage}`);
  }
}
