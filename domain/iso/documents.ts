import type { Knex } from 'knex';
import type { ZeebeClient } from '../../engine/client.js';
import { startIsoProcess } from './start.js';
import { agencyOfUnit } from './agencies.js';

/** The BPMN process every issue, revision and withdrawal runs (processes/iso-kiem-soat-tai-lieu.bpmn). */
export const DOCUMENT_PROCESS_ID = 'iso-kiem-soat-tai-lieu';

export type VersionKind = 'issue' | 'revision' | 'withdrawal';
const KIND_VI: Record<VersionKind, string> = { issue: 'ban-hanh-moi', revision: 'sua-doi', withdrawal: 'huy-bo' };
/** Statuses of a version whose process is still running. */
export const OPEN_VERSION_STATUSES = ['drafting', 'reviewing', 'rework'];
import { DomainError, type ErrorCode, type ErrorParams } from '../../lib/errors.js';

export class DocumentRuleError extends DomainError {
  constructor(
    readonly statusCode: 404 | 409 | 400,
    message: string,
    code: ErrorCode,
    params: ErrorParams = {},
  ) {
    super(code, params, message, statusCode);
    this.name = 'DocumentRuleError';
  }
}

export interface NewDocument {
  code: string;
  title: string;
  docType: string;
  ownerUnitCode: string;
  summary: string;
  distributeTo: string[];
  requestedBy: string;
}

/** Refuses unknown unit codes (nothing is written). */
async function checkUnits(db: Knex, codes: string[]): Promise<void> {
  const known = new Set(await db('org_units').whereIn('code', codes).pluck('code'));
  const unknown = codes.filter((c) => !known.has(c));
  if (unknown.length)
    throw new DocumentRuleError(400, `Không có đơn vị: ${unknown.join(', ')} / Unknown units: ${unknown.join(', ')}`, 'DOCUMENT_UNKNOWN_UNITS', {
      units: unknown.join(', '),
    });
}

/** A new controlled document: the register row, version 1 (issue) and its process. */
export async function createDocument(db: Knex, zeebe: ZeebeClient, input: NewDocument): Promise<string> {
  await checkUnits(db, [input.ownerUnitCode, ...input.distributeTo]);
  const versionId = await db.transaction(async (trx) => {
    const [doc] = await trx('iso_documents')
      .insert({
        code: input.code,
        title: input.title,
        doc_type: input.docType,
        owner_unit_code: input.ownerUnitCode,
        // The owner unit's agency keeps it: each agency has its own document register (codes unique in it).
        agency: await agencyOfUnit(trx, input.ownerUnitCode),
      })
      .onConflict(['agency', 'code'])
      .ignore()
      .returning('id');
    if (!doc)
      throw new DocumentRuleError(409, `Mã tài liệu ${input.code} đã có trong danh mục / Document code ${input.code} already exists`, 'DOCUMENT_CODE_EXISTS', {
        code: input.code,
      });
    const [v] = await trx('iso_document_versions')
      .insert({
        document_id: doc.id,
        version: 1,
        kind: 'issue',
        change_summary: input.summary,
        requested_by: input.requestedBy,
        distribute_to: JSON.stringify(input.distributeTo),
      })
      .returning('id');
    return String(v.id);
  });
  await ensureVersionStarted(db, zeebe, versionId);
  return versionId;
}

/** The document a version belongs to. */
export async function documentIdOfVersion(db: Knex, versionId: string): Promise<string> {
  const v = await db('iso_document_versions').where({ id: versionId }).first('document_id');
  return String(v.document_id);
}

/** The unit that drafted a document (it alone asks for revisions and withdrawals); undefined: no such document. */
export async function documentOwnerUnit(db: Knex, documentId: string): Promise<string | undefined> {
  const doc = await db('iso_documents').where({ id: documentId }).first('owner_unit_code');
  return doc?.owner_unit_code;
}

/** A revision (new version) or the withdrawal of an effective document. One open request at a time. */
export async function requestChange(
  db: Knex,
  zeebe: ZeebeClient,
  documentId: string,
  input: { kind: 'revision' | 'withdrawal'; summary: string; distributeTo: string[]; requestedBy: string },
): Promise<string> {
  await checkUnits(db, input.distributeTo);
  const versionId = await db.transaction(async (trx) => {
    const doc = await trx('iso_documents').where({ id: documentId }).forUpdate().first();
    if (!doc) throw new DocumentRuleError(404, `Không có tài liệu ${documentId} / No document ${documentId}`, 'DOCUMENT_NOT_FOUND', { id: documentId });
    if (doc.status !== 'effective')
      throw new DocumentRuleError(409, `Tài liệu ${doc.code} chưa có hiệu lực hoặc đã hủy bỏ / Document ${doc.code} is not in force`, 'DOCUMENT_NOT_IN_FORCE', {
        code: doc.code,
      });
    const open = await trx('iso_document_versions').where({ document_id: documentId }).whereIn('status', OPEN_VERSION_STATUSES).first('id');
    if (open)
      throw new DocumentRuleError(
        409,
        `Tài liệu ${doc.code} đang có yêu cầu chưa xử lý xong / Document ${doc.code} already has a request in progress`,
        'DOCUMENT_REQUEST_OPEN',
        { code: doc.code },
      );
    const { max } = (await trx('iso_document_versions').where({ document_id: documentId }).max('version as max').first()) as { max: number };
    const version = input.kind === 'revision' ? Number(max) + 1 : Number(doc.effective_version);
    const [v] = await trx('iso_document_versions')
      .insert({
        document_id: documentId,
        version,
        kind: input.kind,
        change_summary: input.summary,
        requested_by: input.requestedBy,
        distribute_to: JSON.stringify(input.distributeTo),
      })
      .returning('id');
    return String(v.id);
  });
  await ensureVersionStarted(db, zeebe, versionId);
  return versionId;
}

/** Starts the process of a version request that has none yet (idempotent under a row lock). */
export async function ensureVersionStarted(db: Knex, zeebe: ZeebeClient, versionId: string): Promise<void> {
  await startIsoProcess(db, zeebe, 'iso_document_versions', versionId, async (trx) => {
    const v = await trx('iso_document_versions as v')
      .join('iso_documents as d', 'd.id', 'v.document_id')
      .where('v.id', versionId)
      .forUpdate('v')
      .first('v.*', 'd.code', 'd.title', 'd.owner_unit_code');
    if (!v || v.process_instance_key) return null;
    return {
      bpmnProcessId: DOCUMENT_PROCESS_ID,
      variables: {
        versionId: Number(v.id),
        documentId: Number(v.document_id),
        maTaiLieu: v.code,
        tenTaiLieu: v.title,
        loaiYeuCau: KIND_VI[v.kind as VersionKind],
        phienBan: v.version,
        tomTatNoiDung: v.change_summary,
        donViSoanThao: v.owner_unit_code,
        donViNhan: v.distribute_to,
        nguoiYeuCau: v.requested_by,
      },
    };
  });
}

/** Version requests recorded while the engine was unreachable: start them now. */
export async function startPendingVersions(db: Knex, zeebe: ZeebeClient): Promise<number> {
  const pending = await db('iso_document_versions').whereNull('process_instance_key').orderBy('id').limit(50).pluck('id');
  for (const id of pending) await ensureVersionStarted(db, zeebe, String(id));
  return pending.length;
}

/** The BPMN process of a staff proposal to revise or withdraw a document (processes/iso-de-xuat-tai-lieu.bpmn). */
export const PROPOSAL_PROCESS_ID = 'iso-de-xuat-tai-lieu';

/** Any staff member may propose to revise or withdraw a document in force. */
export async function proposeChange(
  db: Knex,
  zeebe: ZeebeClient,
  documentId: string,
  input: { kind: 'revision' | 'withdrawal'; reason: string; proposedBy: string },
): Promise<string> {
  const doc = await db('iso_documents').where({ id: documentId }).first();
  if (!doc) throw new DocumentRuleError(404, `Không có tài liệu ${documentId} / No document ${documentId}`, 'DOCUMENT_NOT_FOUND', { id: documentId });
  if (doc.status !== 'effective')
    throw new DocumentRuleError(409, `Tài liệu ${doc.code} chưa có hiệu lực hoặc đã hủy bỏ / Document ${doc.code} is not in force`, 'DOCUMENT_NOT_IN_FORCE', {
      code: doc.code,
    });
  const [row] = await db('iso_document_proposals')
    .insert({ document_id: documentId, kind: input.kind, reason: input.reason, proposed_by: input.proposedBy })
    .returning('id');
  await ensureProposalStarted(db, zeebe, String(row.id));
  return String(row.id);
}

export async function ensureProposalStarted(db: Knex, zeebe: ZeebeClient, id: string): Promise<void> {
  await startIsoProcess(db, zeebe, 'iso_document_proposals', id, async (trx) => {
    const pr = await trx('iso_document_proposals as p')
      .join('iso_documents as d', 'd.id', 'p.document_id')
      .where('p.id', id)
      .forUpdate('p')
      .first('p.*', 'd.code', 'd.title');
    if (!pr || pr.process_instance_key) return null;
    return {
      bpmnProcessId: PROPOSAL_PROCESS_ID,
      variables: {
        proposalId: Number(pr.id),
        maTaiLieu: pr.code,
        tenTaiLieu: pr.title,
        loaiDeXuat: pr.kind === 'revision' ? 'Sửa đổi' : 'Hủy bỏ',
        lyDo: pr.reason,
        nguoiDeXuat: pr.proposed_by,
      },
    };
  });
}
