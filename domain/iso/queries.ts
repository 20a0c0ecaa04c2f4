import type { Knex } from 'knex';
import type { CurrentUser } from '../../api/schemas/auth.js';
import type {
  Risk,
  Review,
  Audit,
  Complaint,
  AnnualReport,
  ClauseView,
  DocumentVersion,
  IsoDocument,
  Nonconformity,
  NcListQuery,
  NonconformityDetail,
} from '../../api/schemas/iso.js';
import { subtreeCodes } from '../audit/case-search.js';
import { casesWithLateness, caseFactsQuery } from '../onestop/case-lateness.js';
import { ON_TIME } from '../onestop/lateness.js';
import { readModelMeta } from '../../engine/model-meta.js';
import type { NcRow } from './nonconformities.js';
import { objectiveResults, onestopFigures, periodsOf } from './objectives.js';
import { riskLevel } from './risks.js';
import { fail } from '../../lib/errors.js';
import { inReach, isoReach, unitCodesOfAgencies, type IsoReach } from './agencies.js';
import * as clock from '../../lib/clock.js';

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);
const day = (d: Date | string | null | undefined) => (d ? (typeof d === 'string' ? d.slice(0, 10) : localDate(d)) : null);
/** A DATE column comes back as a local-midnight Date: format it back without shifting the day. */
const localDate = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/** The step in progress of each instance: names of its open inbox tasks. */
async function openSteps(db: Knex, keys: (string | null)[]): Promise<Map<string, string>> {
  const ks = keys.filter((k): k is string => Boolean(k));
  if (!ks.length) return new Map();
  const rows: { process_instance_key: string; names: string }[] = await db('inbox_tasks')
    .whereIn('process_instance_key', ks)
    .whereIn('status', ['open', 'completing'])
    .groupBy('process_instance_key')
    .select('process_instance_key', db.raw(`string_agg(DISTINCT name, '; ') AS names`));
  return new Map(rows.map((r) => [String(r.process_instance_key), r.names]));
}

/**
 * Who may read which NC: only those of the agencies they reach (their own agency's quality system;
 * province readers: every agency's). Within it auditors and administrators all; leaders those of
 * their unit's subtree, and every record of an agency in that subtree; everyone those of their own unit, the ones they reported, and the ones whose
 * process has offered them a step (their unit and role, or they held it).
 */
export async function ncScope(db: Knex, user: CurrentUser, groups: string[], by = 'reported_by', reach?: IsoReach) {
  const agencies = inReach(reach ?? (await isoReach(db, user)), 'n.agency');
  if (user.roles.includes('auditor') || user.roles.includes('admin')) return (q: Knex.QueryBuilder) => agencies(q);
  const units = user.roles.includes('leader') ? await subtreeCodes(db, user.unit.code) : [user.unit.code];
  return (q: Knex.QueryBuilder) =>
    q.modify(agencies).where((w) =>
      w
        .whereIn('n.unit_code', units)
        // a leader above an agency (its head, the province) reads the whole register, records without a unit yet too
        .orWhereIn('n.agency', user.roles.includes('leader') ? units : [])
        .orWhere(`n.${by}`, user.username)
        .orWhereExists(
          db('inbox_tasks as t')
            .whereRaw('t.process_instance_key = n.process_instance_key')
            .andWhere((t) =>
              t.whereRaw('t.candidate_groups && ?::text[]', [groups]).orWhere('t.assignee', user.username).orWhere('t.completed_by', user.username),
            ),
        ),
    );
}

const toNc = (r: NcRow, step: string | undefined): Nonconformity => ({
  id: String(r.id),
  code: r.code,
  title: r.title,
  description: r.description,
  sourceType: r.source_type,
  sourceKey: r.source_key,
  sourceProcessId: r.source_process_id,
  unitCode: r.unit_code,
  agency: r.agency,
  reportedBy: r.reported_by,
  processInstanceKey: r.process_instance_key ? String(r.process_instance_key) : null,
  status: r.status,
  currentStep: step ?? null,
  rootCause: r.root_cause,
  correctiveAction: r.corrective_action,
  mrOpinion: r.mr_opinion,
  implementation: r.implementation,
  verification: r.verification,
  effective: r.effective,
  verifications: r.verifications,
  openedAt: iso(r.opened_at)!,
  closedAt: iso(r.closed_at),
});

export async function listNonconformities(db: Knex, scope: (q: Knex.QueryBuilder) => void, f: NcListQuery): Promise<{ items: Nonconformity[]; total: number }> {
  const base = db('iso_nonconformities as n').modify(scope);
  if (f.status) base.where('n.status', f.status);
  if (f.source) base.where('n.source_type', f.source);
  if (f.year) base.whereRaw(`extract(year FROM n.opened_at AT TIME ZONE 'Asia/Ho_Chi_Minh') = ?`, [f.year]);
  const [{ count }] = await base.clone().count<{ count: string }[]>({ count: '*' });
  const rows: NcRow[] = await base.select('n.*').orderBy('n.opened_at', 'desc').orderBy('n.id', 'desc').limit(f.limit).offset(f.offset);
  const steps = await openSteps(
    db,
    rows.map((r) => r.process_instance_key && String(r.process_instance_key)),
  );
  return { items: rows.map((r) => toNc(r, steps.get(String(r.process_instance_key)))), total: Number(count) };
}

export async function nonconformityDetail(db: Knex, scope: (q: Knex.QueryBuilder) => void, id: string): Promise<NonconformityDetail | null> {
  const row: NcRow | undefined = await db('iso_nonconformities as n').modify(scope).where('n.id', id).first('n.*');
  if (!row) return null;
  const steps = await openSteps(db, [row.process_instance_key && String(row.process_instance_key)]);
  const history = await db('iso_register_events').where({ register: 'nc', record_id: id }).orderBy('at').orderBy('job_key').select('stage', 'at', 'data');
  return { ...toNc(row, steps.get(String(row.process_instance_key))), history: history.map((h) => ({ stage: h.stage, at: iso(h.at)!, data: h.data })) };
}

/**
 * Which controlled documents a reader sees: those of the agencies they reach, and those distributed
 * to their own unit (another agency's document sent to them to apply).
 */
export async function documentScope(db: Knex, user: Pick<CurrentUser, 'roles' | 'unit'>) {
  const reach = await isoReach(db, user);
  if (!reach.agencies) return (_q: Knex.QueryBuilder) => {};
  return (q: Knex.QueryBuilder) =>
    q.where((w) =>
      w
        .whereIn('iso_documents.agency', reach.agencies!)
        .orWhereExists(
          db('iso_document_distribution as x')
            .join('iso_document_versions as v', 'v.id', 'x.version_id')
            .whereRaw('v.document_id = iso_documents.id')
            .andWhere('x.unit_code', user.unit.code),
        ),
    );
}

export async function listDocuments(db: Knex, onlyId?: string, scope: (q: Knex.QueryBuilder) => void = () => {}): Promise<IsoDocument[]> {
  const docs: any[] = await db('iso_documents')
    .modify(scope)
    .modify((q) => {
      if (onlyId) q.where({ id: onlyId });
    })
    .orderBy('code');
  if (!docs.length) return [];
  const versions: any[] = await db('iso_document_versions')
    .whereIn(
      'document_id',
      docs.map((d) => d.id),
    )
    .orderBy([{ column: 'document_id' }, { column: 'id', order: 'desc' }]);
  const dist = await db('iso_document_distribution as x')
    .leftJoin('org_units as o', 'o.code', 'x.unit_code')
    .whereIn(
      'x.version_id',
      versions.map((v) => v.id),
    )
    .orderBy('x.unit_code')
    .select('x.*', 'o.name as unit_name');
  const proposals: any[] = await db('iso_document_proposals')
    .whereIn(
      'document_id',
      docs.map((d) => d.id),
    )
    .orderBy('id', 'desc');
  const steps = await openSteps(
    db,
    [...versions, ...proposals].map((v) => v.process_instance_key && String(v.process_instance_key)),
  );
  const toVersion = (v: any): DocumentVersion => ({
    id: String(v.id),
    version: v.version,
    kind: v.kind,
    status: v.status,
    currentStep: steps.get(String(v.process_instance_key)) ?? null,
    changeSummary: v.change_summary,
    requestedBy: v.requested_by,
    issuedBy: v.issued_by,
    issuedAt: iso(v.issued_at),
    effectiveFrom: day(v.effective_from),
    reworkCount: v.rework_count,
    processInstanceKey: v.process_instance_key ? String(v.process_instance_key) : null,
    distribution: dist
      .filter((x) => String(x.version_id) === String(v.id))
      .map((x) => ({
        unitCode: x.unit_code,
        unitName: x.unit_name ?? null,
        distributedAt: iso(x.distributed_at)!,
        confirmedBy: x.confirmed_by,
        confirmedAt: iso(x.confirmed_at),
      })),
  });
  return docs.map((d) => {
    const vs = versions.filter((v) => String(v.document_id) === String(d.id)).map(toVersion);
    const current = vs.find((v) => v.status === 'issued');
    return {
      id: String(d.id),
      code: d.code,
      title: d.title,
      docType: d.doc_type,
      ownerUnitCode: d.owner_unit_code,
      status: d.status,
      effectiveVersion: d.effective_version,
      effectiveFrom: current?.effectiveFrom ?? null,
      versions: vs,
      proposals: proposals
        .filter((x) => String(x.document_id) === String(d.id))
        .map((x) => ({
          id: String(x.id),
          kind: x.kind,
          reason: x.reason,
          proposedBy: x.proposed_by,
          status: x.status,
          opinion: x.opinion,
          versionId: x.version_id ? String(x.version_id) : null,
          currentStep: steps.get(String(x.process_instance_key)) ?? null,
          createdAt: iso(x.created_at)!,
        })),
    };
  });
}

/** Complaints, newest first, as the reader's scope allows (the same rule as nonconformities, with the receiving officer). */
export async function listComplaints(db: Knex, scope: (q: Knex.QueryBuilder) => void, onlyId?: string): Promise<Complaint[]> {
  const rows = await db('iso_complaints as n')
    .modify(scope)
    .modify((q) => {
      if (onlyId) q.where('n.id', onlyId);
    })
    .leftJoin('iso_nonconformities as c', 'c.id', 'n.nc_id')
    .orderBy('n.received_at', 'desc')
    .limit(200)
    .select('n.*', 'c.code as nc_code');
  const steps = await openSteps(
    db,
    rows.map((r: any) => r.process_instance_key && String(r.process_instance_key)),
  );
  return rows.map((r: any) => ({
    id: String(r.id),
    code: r.code,
    title: r.title,
    content: r.content,
    submitter: r.submitter,
    contact: r.contact,
    channel: r.channel,
    caseKey: r.case_key,
    dossierCode: r.dossier_code,
    origin: r.origin,
    kind: r.kind,
    receivedBy: r.received_by,
    unitCode: r.unit_code,
    status: r.status,
    currentStep: steps.get(String(r.process_instance_key)) ?? null,
    upheld: r.upheld,
    findings: r.findings,
    conclusion: r.conclusion,
    answer: r.answer,
    ncId: r.nc_id ? String(r.nc_id) : null,
    ncCode: r.nc_code ?? null,
    processInstanceKey: r.process_instance_key ? String(r.process_instance_key) : null,
    receivedAt: iso(r.received_at)!,
    answeredAt: iso(r.answered_at),
  }));
}

/** Internal audits with the units audited (checklists) and the findings with their nonconformities. */
export async function listAudits(db: Knex, onlyId?: string, reach: { agencies: string[] | null } = { agencies: null }): Promise<Audit[]> {
  const audits: any[] = await db('iso_audits')
    .modify(inReach(reach))
    .modify((q) => {
      if (onlyId) q.where({ id: onlyId });
    })
    .orderBy('id', 'desc')
    .limit(100);
  if (!audits.length) return [];
  const ids = audits.map((a) => a.id);
  const units: any[] = await db('iso_audit_units').whereIn('audit_id', ids).orderBy('unit_code');
  const findings: any[] = await db('iso_audit_findings as f')
    .leftJoin('iso_nonconformities as n', 'n.id', 'f.nc_id')
    .whereIn('f.audit_id', ids)
    .orderBy(['f.unit_code', 'f.seq'])
    .select('f.*', 'n.code as nc_code', 'n.status as nc_status');
  const steps = await openSteps(
    db,
    audits.map((a) => a.process_instance_key && String(a.process_instance_key)),
  );
  return audits.map((a) => ({
    id: String(a.id),
    code: a.code,
    year: a.year,
    scope: a.scope,
    departments: a.departments,
    status: a.status,
    currentStep: steps.get(String(a.process_instance_key)) ?? null,
    programme: a.programme,
    plan: a.plan,
    approvedBy: a.approved_by,
    conclusion: a.conclusion,
    createdBy: a.created_by,
    processInstanceKey: a.process_instance_key ? String(a.process_instance_key) : null,
    createdAt: iso(a.created_at)!,
    closedAt: iso(a.closed_at),
    units: units
      .filter((u) => String(u.audit_id) === String(a.id))
      .map((u) => ({ unitCode: u.unit_code, clausesChecked: u.clauses_checked, notes: u.notes, auditedBy: u.audited_by, auditedAt: iso(u.audited_at) })),
    findings: findings
      .filter((f) => String(f.audit_id) === String(a.id))
      .map((f) => ({
        unitCode: f.unit_code,
        seq: f.seq,
        clause: f.clause,
        description: f.description,
        ncId: f.nc_id ? String(f.nc_id) : null,
        ncCode: f.nc_code ?? null,
        ncStatus: f.nc_status ?? null,
      })),
  }));
}

/** ISO 9001:2015 clause titles (TCVN ISO 9001:2015), for the clause view. */
export const CLAUSE_TITLES: Record<string, string> = {
  '4.4': 'Hệ thống quản lý chất lượng và các quá trình',
  '5.1.1': 'Sự lãnh đạo và cam kết',
  '5.3': 'Vai trò, trách nhiệm và quyền hạn',
  '6.1': 'Hành động giải quyết rủi ro và cơ hội',
  '6.1.1': 'Xác định rủi ro và cơ hội',
  '6.1.2': 'Hoạch định hành động giải quyết rủi ro và cơ hội',
  '6.2': 'Mục tiêu chất lượng',
  '7.3': 'Nhận thức',
  '7.5': 'Thông tin dạng văn bản',
  '7.5.2': 'Tạo và cập nhật thông tin dạng văn bản',
  '7.5.3': 'Kiểm soát thông tin dạng văn bản',
  '8.2.1': 'Trao đổi thông tin với khách hàng',
  '8.5.1': 'Kiểm soát việc cung cấp dịch vụ',
  '8.6': 'Thông qua sản phẩm và dịch vụ',
  '8.7': 'Kiểm soát đầu ra không phù hợp',
  '9.1.1': 'Theo dõi, đo lường, phân tích và đánh giá',
  '9.1.2': 'Sự thỏa mãn của khách hàng',
  '9.1.3': 'Phân tích và đánh giá',
  '9.2': 'Đánh giá nội bộ',
  '9.2.1': 'Đánh giá nội bộ: tần suất',
  '9.2.2': 'Chương trình đánh giá',
  '9.3': 'Xem xét của lãnh đạo',
  '10.1': 'Cải tiến: khái quát',
  '10.2': 'Sự không phù hợp và hành động khắc phục',
  '10.2.1': 'Xử lý sự không phù hợp, hành động khắc phục',
  '10.2.2': 'Lưu giữ thông tin về sự không phù hợp và hành động khắc phục',
  '10.3': 'Cải tiến liên tục',
};

/** Registers the platform keeps, and the clauses they are evidence for. */
const REGISTERS = [
  {
    register: 'nc',
    label: 'Sổ theo dõi sự không phù hợp và hành động khắc phục',
    clauses: ['8.7', '10.2', '10.2.1', '10.2.2'],
    count: (db: Knex, a: string[] | null) =>
      db('iso_nonconformities')
        .modify(inReach({ agencies: a }))
        .count<{ c: string }[]>({ c: '*' }),
  },
  {
    register: 'document',
    label: 'Danh mục tài liệu kiểm soát',
    clauses: ['7.5', '7.5.2', '7.5.3'],
    count: (db: Knex, a: string[] | null) =>
      db('iso_documents')
        .modify(inReach({ agencies: a }))
        .count<{ c: string }[]>({ c: '*' }),
  },
  {
    register: 'audit',
    label: 'Hồ sơ đánh giá nội bộ',
    clauses: ['9.2'],
    count: (db: Knex, a: string[] | null) =>
      db('iso_audits')
        .modify(inReach({ agencies: a }))
        .count<{ c: string }[]>({ c: '*' }),
  },
  {
    register: 'complaint',
    label: 'Sổ tiếp nhận phản ánh, khiếu nại',
    clauses: ['8.2.1', '9.1.2'],
    count: (db: Knex, a: string[] | null) =>
      db('iso_complaints')
        .modify(inReach({ agencies: a }))
        .count<{ c: string }[]>({ c: '*' }),
  },
  {
    register: 'risk',
    label: 'Sổ rủi ro và cơ hội',
    clauses: ['6.1'],
    count: (db: Knex, a: string[] | null) =>
      db('iso_risks')
        .modify(inReach({ agencies: a }))
        .count<{ c: string }[]>({ c: '*' }),
  },
  {
    register: 'cases',
    label: 'Hồ sơ công việc và ngày hẹn trả',
    clauses: ['8.5.1', '9.1.1'],
    count: (db: Knex, a: string[] | null) =>
      db('case_deadlines as c')
        .modify((q) => {
          if (a)
            q.whereRaw(
              'iso_agency_of(coalesce((SELECT d.agency_code FROM dossiers d WHERE d.process_instance_key = c.process_instance_key LIMIT 1), c.unit_code)) = ANY(?::text[])',
              [a],
            );
        })
        .count<{ c: string }[]>({ c: '*' }),
  },
];

const clauseOrder = (a: string, b: string) => {
  const pa = a.split('.').map(Number),
    pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? -1) !== (pb[i] ?? -1)) return (pa[i] ?? -1) - (pb[i] ?? -1);
  return 0;
};

/** From each clause to the steps (eiso.isoClauses of the latest deployed version of each process) and the registers that serve it. */
export async function clauseView(db: Knex, agencies: string[] | null = null): Promise<ClauseView> {
  const latest = await db('process_definitions as d')
    .whereRaw('d.version = (SELECT max(version) FROM process_definitions x WHERE x.bpmn_process_id = d.bpmn_process_id)')
    .select('bpmn_process_id', 'name', 'version', 'xml');
  const byClause = new Map<string, ClauseView['clauses'][number]>();
  const entry = (clause: string) => {
    let e = byClause.get(clause);
    if (!e) byClause.set(clause, (e = { clause, title: CLAUSE_TITLES[clause] ?? null, steps: [], registers: [] }));
    return e;
  };
  for (const d of latest) {
    // Every model the engine accepted parses; a row that does not (written by hand or an import tool) has no
    // clause tags to show and must not take the whole view down.
    const meta = await readModelMeta(d.xml, d.bpmn_process_id).catch(() => new Map<string, never>());
    for (const el of meta.values()) {
      for (const clause of el.meta.isoClauses) {
        entry(clause).steps.push({
          bpmnProcessId: d.bpmn_process_id,
          processName: d.name,
          version: d.version,
          elementId: el.id,
          stepName: el.name,
          records: el.meta.records,
        });
      }
    }
  }
  for (const r of REGISTERS) {
    const [{ c }] = await r.count(db, agencies);
    for (const clause of r.clauses) entry(clause).registers.push({ register: r.register, label: r.label, count: Number(c) });
  }
  return { clauses: [...byClause.values()].sort((a, b) => clauseOrder(a.clause, b.clause)) };
}

/**
 * The annual report as the reader may see it: the figures are those of one agency's quality system
 * (the reader's own; a province reader: the agency asked for, or the whole province when none is);
 * the lists of nonconformities and complaints are those the reader's registers show (auditors and
 * administrators: all). `agency` outside the reader's reach: 403.
 */
export async function annualReportFor(db: Knex, year: number, reader: CurrentUser, groups: string[], agency?: string): Promise<AnnualReport> {
  const reach = await isoReach(db, reader);
  if (agency && reach.agencies && !reach.agencies.includes(agency))
    throw fail(403, 'ISO_AGENCY_OUTSIDE', { agency }, `Hệ thống ISO của ${agency} không thuộc phạm vi của bạn / ${agency} is outside your scope`);
  const agencies = agency ? [agency] : reach.agencies;
  const r = await annualReport(db, year, agencies);
  if (reader.roles.includes('admin') || reader.roles.includes('auditor')) return r;
  const ncs = new Set<string>(
    await db('iso_nonconformities as n')
      .modify(await ncScope(db, reader, groups, 'reported_by', reach))
      .pluck('n.code'),
  );
  const complaints = new Set<string>(
    await db('iso_complaints as n')
      .modify(await ncScope(db, reader, groups, 'received_by', reach))
      .pluck('n.code'),
  );
  return {
    ...r,
    nonconformities: { ...r.nonconformities, items: r.nonconformities.items.filter((i) => ncs.has(i.code)) },
    complaints: { ...r.complaints, items: r.complaints.items.filter((c) => complaints.has(c.code)) },
  };
}

/**
 * The annual QMS report assembled from the registers and the case clocks of one calendar year (Vietnam
 * time), of the given agencies' quality systems (one agency: the evidence of its own declaration of
 * conformity), or of the whole province (null).
 */
export async function annualReport(db: Knex, year: number, agencies: string[] | null = null): Promise<AnnualReport> {
  const mine = inReach({ agencies });
  // A case is the agency's when its dossier's competent agency is (else its unit's agency).
  const casesOf = (q: Knex.QueryBuilder) => {
    if (agencies)
      q.whereRaw(
        'iso_agency_of(coalesce((SELECT d.agency_code FROM dossiers d WHERE d.process_instance_key = f.process_instance_key LIMIT 1), f.unit_code)) = ANY(?::text[])',
        [agencies],
      );
  };
  const inYear = (col: string) => db.raw(`extract(year FROM ${col} AT TIME ZONE 'Asia/Ho_Chi_Minh') = ?`, [year]);
  const names = db('process_definitions').select('bpmn_process_id').max('name as name').groupBy('bpmn_process_id').as('p');
  // Cases judged by the II.06a rule (domain/onestop/lateness.ts): counted in the year their result was
  // ready (or they were withdrawn), on time = early, on the appointment date or withdrawn.
  const now = clock.now();
  const ended = await casesWithLateness(
    caseFactsQuery(db, now)
      .leftJoin(names, 'p.bpmn_process_id', 'f.bpmn_process_id')
      .select('p.name')
      .whereNot('f.bpmn_process_id', 'like', 'iso-%')
      .modify(casesOf)
      .whereNotNull('f.end_at')
      .andWhere(inYear('f.end_at')),
    now,
  );
  const groups = new Map<string, { bpmn_process_id: string; name: string | null; finished: number; on_time: number }>();
  for (const c of ended) {
    const g =
      groups.get(c.bpmnProcessId) ??
      groups.set(c.bpmnProcessId, { bpmn_process_id: c.bpmnProcessId, name: c.name, finished: 0, on_time: 0 }).get(c.bpmnProcessId)!;
    g.finished++;
    if (ON_TIME.has(c.outcome)) g.on_time++;
  }
  const byProcess = [...groups.values()].sort((a, b) => (a.bpmn_process_id < b.bpmn_process_id ? -1 : a.bpmn_process_id > b.bpmn_process_id ? 1 : 0));
  const finished = ended.length;
  const onTime = byProcess.reduce((s, r) => s + r.on_time, 0);
  // Open now, appointment in the year and its date passed, not paused.
  const openOverdue = (
    await casesWithLateness(
      caseFactsQuery(db, now)
        .whereNot('f.bpmn_process_id', 'like', 'iso-%')
        .modify(casesOf)
        .whereNull('f.end_at')
        .andWhere('f.appointment_at', '<', now)
        .andWhere(inYear('f.appointment_at')),
      now,
    )
  ).filter((c) => c.outcome === 'past_due').length;

  const ncs: NcRow[] = await db('iso_nonconformities').modify(mine).where(inYear('opened_at')).orderBy('opened_at');
  const bySource: Record<string, number> = {};
  for (const n of ncs) bySource[n.source_type] = (bySource[n.source_type] ?? 0) + 1;

  const versions: any[] = await db('iso_document_versions as v')
    .join('iso_documents as d', 'd.id', 'v.document_id')
    .modify(inReach({ agencies }, 'd.agency'))
    .whereNotNull('v.issued_at')
    .andWhere(inYear('v.issued_at'))
    .orderBy('v.issued_at')
    .select(
      'v.*',
      'd.code',
      'd.title',
      db.raw('(SELECT count(*) FROM iso_document_distribution x WHERE x.version_id = v.id) AS distributed'),
      db.raw('(SELECT count(*) FROM iso_document_distribution x WHERE x.version_id = v.id AND x.confirmed_at IS NOT NULL) AS confirmed'),
    );

  const audits = await db('iso_audits as a')
    .modify(inReach({ agencies }, 'a.agency'))
    .where('a.year', year)
    .orderBy('a.id')
    .select(
      'a.code',
      'a.status',
      'a.departments',
      'a.conclusion',
      'a.process_instance_key',
      db.raw('(SELECT count(*) FROM iso_audit_findings f WHERE f.audit_id = a.id) AS findings'),
    );
  const complaints = await db('iso_complaints as c')
    .leftJoin('iso_nonconformities as n', 'n.id', 'c.nc_id')
    .modify(inReach({ agencies }, 'c.agency'))
    .where(inYear('c.received_at'))
    .orderBy('c.received_at')
    .select('c.code', 'c.title', 'c.status', 'c.upheld', 'c.process_instance_key', 'n.code as nc_code');

  const whole = periodsOf(year).at(-1)!;
  const onestop = await onestopFigures(db, whole.from, whole.to, agencies ? await unitCodesOfAgencies(db, agencies) : undefined);

  const out: Omit<AnnualReport, 'conformity'> = {
    year,
    agency: agencies?.length === 1 ? agencies[0] : null,
    generatedAt: clock.now().toISOString(),
    onestop,
    cases: {
      finished,
      onTime,
      late: finished - onTime,
      openOverdue,
      onTimeRate: finished ? Math.round((onTime / finished) * 1000) / 10 : null,
      byProcess: byProcess.map((r) => ({ bpmnProcessId: r.bpmn_process_id, name: r.name, finished: Number(r.finished), onTime: Number(r.on_time) })),
    },
    nonconformities: {
      opened: ncs.length,
      closed: ncs.filter((n) => n.status === 'closed').length,
      open: ncs.filter((n) => n.status !== 'closed').length,
      reopenedAfterIneffective: ncs.filter((n) => n.verifications > 1).length,
      bySource,
      items: ncs.map((n) => ({
        code: n.code,
        title: n.title,
        sourceType: n.source_type,
        sourceKey: n.source_key,
        status: n.status,
        unitCode: n.unit_code,
        verifications: n.verifications,
        openedAt: iso(n.opened_at)!,
        closedAt: iso(n.closed_at),
        processInstanceKey: n.process_instance_key ? String(n.process_instance_key) : null,
        caseLink: n.source_type === 'late_case' && n.source_key ? `/cases/${n.source_key}` : null,
        recordLink: n.process_instance_key ? `/cases/${n.process_instance_key}` : null,
      })),
    },
    documents: {
      issued: versions.filter((v) => v.kind === 'issue').length,
      revised: versions.filter((v) => v.kind === 'revision').length,
      withdrawn: versions.filter((v) => v.kind === 'withdrawal').length,
      items: versions.map((v) => ({
        code: v.code,
        title: v.title,
        version: v.version,
        kind: v.kind,
        status: v.status,
        effectiveFrom: day(v.effective_from),
        issuedBy: v.issued_by,
        processInstanceKey: v.process_instance_key ? String(v.process_instance_key) : null,
        recordLink: v.process_instance_key ? `/cases/${v.process_instance_key}` : null,
        unitsConfirmed: Number(v.confirmed),
        unitsDistributed: Number(v.distributed),
      })),
    },
    objectives: (await objectiveResults(db, year, undefined, agencies)).map((o) => ({
      unitCode: o.unitCode,
      title: o.title,
      target: o.target,
      direction: o.direction,
      unit: o.unit,
      value: o.periods.at(-1)?.value ?? null,
      met: o.periods.at(-1)?.met ?? null,
    })),
    reviews: (await db('iso_reviews').modify(mine).where({ year }).orderBy('id')).map((r: any) => ({
      code: r.code,
      status: r.status,
      conclusion: r.conclusion,
      actions: r.actions,
      recordLink: r.process_instance_key ? `/cases/${r.process_instance_key}` : null,
    })),
    risks: await riskSummary(db, agencies),
    audits: audits.map((a: any) => ({
      code: a.code,
      status: a.status,
      departments: a.departments,
      findings: Number(a.findings),
      conclusion: a.conclusion,
      recordLink: a.process_instance_key ? `/cases/${a.process_instance_key}` : null,
    })),
    complaints: {
      received: complaints.length,
      upheld: complaints.filter((c: any) => c.upheld).length,
      answered: complaints.filter((c: any) => c.status === 'answered').length,
      items: complaints.map((c: any) => ({
        code: c.code,
        title: c.title,
        status: c.status,
        upheld: c.upheld,
        ncCode: c.nc_code ?? null,
        recordLink: c.process_instance_key ? `/cases/${c.process_instance_key}` : null,
      })),
    },
    notAvailable: [
      ...(onestop.evaluations
        ? []
        : [
            {
              section: 'Sự hài lòng / Satisfaction',
              reason: `Chưa có đánh giá hài lòng nào của người dân trong năm ${year} / no citizen evaluation in ${year}`,
            },
          ]),
      { section: 'Kết quả của nhà cung cấp bên ngoài / External providers', reason: 'Hệ thống không lưu; bổ sung khi họp xem xét / not kept by the platform' },
    ],
  };
  return { ...out, conformity: await conformityEvidence(db, out, agencies) };
}

type Evidence = AnnualReport['conformity'][number];

/**
 * The evidence behind a declaration of conformity with TCVN ISO 9001:2015 (công bố hệ thống quản lý
 * chất lượng phù hợp), item by item as the annual report form lists them (seeds-eiso F24, F25), each
 * with the records that show it and whether the year's records are enough for it.
 */
async function conformityEvidence(db: Knex, r: Omit<AnnualReport, 'conformity'>, agencies: string[] | null): Promise<Evidence[]> {
  const inForce = async (types: string[]) => {
    const rows: any[] = await db('iso_documents as d')
      .modify(inReach({ agencies }, 'd.agency'))
      .join('iso_document_versions as v', function () {
        this.on('v.document_id', '=', 'd.id').andOn('v.version', '=', 'd.effective_version').andOnVal('v.status', '=', 'issued');
      })
      .where('d.status', 'effective')
      .whereIn('d.doc_type', types)
      .orderBy('d.code')
      .select('d.code', 'd.title', 'd.effective_version', 'v.effective_from', 'v.process_instance_key');
    return rows.map((d) => ({
      label: `${d.code} v${d.effective_version}: ${d.title} (hiệu lực từ ${day(d.effective_from)})`,
      href: d.process_instance_key ? `/cases/${d.process_instance_key}` : '/iso?tab=documents',
    }));
  };
  const policy = await inForce(['chinh-sach']);
  const manual = await inForce(['so-tay']);
  const procedures = await inForce(['quy-trinh', 'huong-dan', 'bieu-mau']);
  const audits = r.audits.filter((a) => a.status === 'closed');
  const reviews = r.reviews.filter((x) => x.status === 'closed');
  const closedNc = r.nonconformities.items.filter((n) => n.status === 'closed');
  const objectivesMet = r.objectives.filter((o) => o.met).length;
  const link = (label: string, href: string | null) => (href ? [{ label, href }] : []);
  return [
    {
      key: 'policy',
      item: 'Chính sách chất lượng',
      clauses: ['5.2'],
      met: policy.length > 0,
      detail: policy.length ? `${policy.length} chính sách chất lượng đang có hiệu lực` : 'Chưa ban hành chính sách chất lượng trên hệ thống',
      links: policy,
    },
    {
      key: 'objectives',
      item: 'Mục tiêu chất lượng',
      clauses: ['6.2'],
      met: r.objectives.length > 0,
      detail: r.objectives.length ? `${r.objectives.length} mục tiêu, ${objectivesMet} đạt trong năm` : 'Chưa đặt mục tiêu chất lượng cho năm',
      links: r.objectives.length ? [{ label: 'Bảng theo dõi mục tiêu chất lượng', href: '/iso?tab=objectives' }] : [],
    },
    {
      key: 'manual',
      item: 'Sổ tay chất lượng',
      clauses: ['4.4', '7.5'],
      met: manual.length > 0,
      detail: manual.length ? `${manual.length} sổ tay chất lượng đang có hiệu lực` : 'Chưa ban hành sổ tay chất lượng trên hệ thống',
      links: manual,
    },
    {
      key: 'documents',
      item: 'Tài liệu, quy trình được kiểm soát',
      clauses: ['7.5.3'],
      met: procedures.length > 0,
      detail: `${procedures.length} quy trình, hướng dẫn, biểu mẫu đang có hiệu lực; trong năm ban hành ${r.documents.issued}, sửa đổi ${r.documents.revised}, hủy bỏ ${r.documents.withdrawn}`,
      links: procedures,
    },
    {
      key: 'audit',
      item: 'Đánh giá nội bộ',
      clauses: ['9.2'],
      met: audits.length > 0,
      detail: audits.length
        ? `${audits.length} đợt đánh giá nội bộ đã kết luận, ${audits.reduce((s, a) => s + a.findings, 0)} phát hiện`
        : 'Chưa có đợt đánh giá nội bộ nào kết luận trong năm',
      links: audits.flatMap((a) => link(`Đánh giá ${a.code}`, a.recordLink)),
    },
    {
      key: 'review',
      item: 'Xem xét của lãnh đạo',
      clauses: ['9.3'],
      met: reviews.length > 0,
      detail: reviews.length ? `${reviews.length} lần xem xét của lãnh đạo đã kết luận` : 'Chưa có lần xem xét của lãnh đạo nào kết luận trong năm',
      links: reviews.flatMap((x) => link(`Xem xét ${x.code}`, x.recordLink)),
    },
    {
      key: 'corrective',
      item: 'Hành động khắc phục các điểm không phù hợp',
      clauses: ['10.2'],
      met: r.nonconformities.opened === 0 || closedNc.length > 0,
      detail: `${r.nonconformities.opened} điểm không phù hợp, ${r.nonconformities.closed} đã khắc phục xong, ${r.nonconformities.open} đang xử lý`,
      links: r.nonconformities.items.flatMap((n) => link(`Phiếu ${n.code}`, n.recordLink)),
    },
    {
      key: 'preventive',
      item: 'Hành động phòng ngừa (rủi ro và cơ hội)',
      clauses: ['6.1'],
      met: r.risks.total > 0,
      detail: `${r.risks.total} rủi ro, cơ hội trong sổ; ${r.risks.high} mức cao; ${r.risks.reduced} giảm điểm sau xử lý`,
      links: r.risks.total ? [{ label: 'Sổ rủi ro và cơ hội', href: '/iso?tab=risks' }] : [],
    },
    {
      key: 'customer',
      item: 'Sự thỏa mãn của người dân, phản ánh',
      clauses: ['9.1.2'],
      met: r.onestop.evaluations > 0,
      detail: `${r.onestop.evaluations} đánh giá hài lòng${r.onestop.satisfiedPct === null ? '' : ` (${r.onestop.satisfiedPct} % hài lòng)`}; ${r.complaints.received} phản ánh, khiếu nại, ${r.complaints.upheld} kết luận đúng`,
      links: r.complaints.items.flatMap((c) => link(`Phản ánh ${c.code}`, c.recordLink)),
    },
  ];
}

export async function listReviews(db: Knex, onlyId?: string, reach: { agencies: string[] | null } = { agencies: null }): Promise<Review[]> {
  const rows: any[] = await db('iso_reviews')
    .modify(inReach(reach))
    .modify((q) => {
      if (onlyId) q.where({ id: onlyId });
    })
    .orderBy('id', 'desc')
    .limit(100);
  if (!rows.length) return [];
  const reports: any[] = await db('iso_review_reports')
    .whereIn(
      'review_id',
      rows.map((r) => r.id),
    )
    .orderBy('unit_code');
  const steps = await openSteps(
    db,
    rows.map((r) => r.process_instance_key && String(r.process_instance_key)),
  );
  return rows.map((r) => ({
    id: String(r.id),
    code: r.code,
    year: r.year,
    title: r.title,
    departments: r.departments,
    status: r.status,
    currentStep: steps.get(String(r.process_instance_key)) ?? null,
    inputs: r.inputs,
    notice: r.notice,
    consolidated: r.consolidated,
    minutes: r.minutes,
    conclusion: r.conclusion,
    actions: r.actions,
    reports: reports
      .filter((x) => String(x.review_id) === String(r.id))
      .map((x) => ({ unitCode: x.unit_code, report: x.report, submittedBy: x.submitted_by, submittedAt: iso(x.submitted_at)! })),
    processInstanceKey: r.process_instance_key ? String(r.process_instance_key) : null,
    createdAt: iso(r.created_at)!,
    closedAt: iso(r.closed_at),
  }));
}

export async function listRisks(db: Knex, onlyId?: string, reach: { agencies: string[] | null } = { agencies: null }): Promise<Risk[]> {
  const rows: any[] = await db('iso_risks')
    .modify(inReach(reach))
    .modify((q) => {
      if (onlyId) q.where({ id: onlyId });
    })
    .orderByRaw('coalesce(likelihood * severity, 0) DESC, id DESC')
    .limit(500);
  const steps = await openSteps(
    db,
    rows.map((r) => r.process_instance_key && String(r.process_instance_key)),
  );
  return rows.map((r) => {
    const score = r.likelihood && r.severity ? r.likelihood * r.severity : null;
    return {
      id: String(r.id),
      code: r.code,
      unitCode: r.unit_code,
      kind: r.kind,
      title: r.title,
      description: r.description,
      likelihood: r.likelihood,
      severity: r.severity,
      score,
      initialScore: r.initial_score,
      level: riskLevel(score),
      treatment: r.treatment,
      treatmentDue: day(r.treatment_due),
      treatmentResult: r.treatment_result,
      reviewNote: r.review_note,
      reviews: r.reviews,
      reviewCycleDays: r.review_cycle_days,
      nextReviewAt: iso(r.next_review_at),
      status: r.status,
      currentStep: steps.get(String(r.process_instance_key)) ?? null,
      createdBy: r.created_by,
      processInstanceKey: r.process_instance_key ? String(r.process_instance_key) : null,
      createdAt: iso(r.created_at)!,
      closedAt: iso(r.closed_at),
    };
  });
}

/** Risk figures for the report and the review: how many, how many high, how many a treatment reduced. */
export async function riskSummary(db: Knex, agencies: string[] | null = null): Promise<{ total: number; open: number; high: number; reduced: number }> {
  const [r] = await db('iso_risks')
    .modify(inReach({ agencies }))
    .select(
      db.raw('count(*)::int AS total'),
      db.raw(`(count(*) FILTER (WHERE status <> 'closed'))::int AS open`),
      db.raw('(count(*) FILTER (WHERE likelihood * severity >= 15))::int AS high'),
      db.raw('(count(*) FILTER (WHERE reviews > 0 AND likelihood * severity < initial_score))::int AS reduced'),
    );
  return r;
}
