import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import ExcelJS from 'exceljs';
import { errors } from '../../schemas/common.js';
import {
  ProposalBody,
  Risk,
  RiskCreateBody,
  RiskList,
  ObjectiveCreateBody,
  ObjectiveList,
  ObjectivesQuery,
  Review,
  ReviewCreateBody,
  ReviewList,
  Audit,
  AuditCreateBody,
  AuditList,
  Complaint,
  ComplaintCreateBody,
  ComplaintList,
  StaffFeedbackBody,
  AnnualReport,
  ClauseView,
  DocumentChangeBody,
  DocumentCreateBody,
  DocumentList,
  IdParams,
  IsoDocument,
  NcCreateBody,
  NcList,
  NcListQuery,
  NonconformityDetail,
  ReportQuery,
  AgencyOverviewList,
  AgencyOverviewQuery,
  IsoMe,
} from '../../schemas/iso.js';
import { openNonconformity } from '../../../domain/iso/nonconformities.js';
import { createDocument, documentIdOfVersion, documentOwnerUnit, proposeChange, requestChange } from '../../../domain/iso/documents.js';
import {
  annualReportFor,
  clauseView,
  listRisks,
  listReviews,
  listAudits,
  listComplaints,
  listDocuments,
  documentScope,
  listNonconformities,
  ncScope,
  nonconformityDetail,
} from '../../../domain/iso/queries.js';
import { subtreeCodes } from '../../../domain/audit/case-search.js';
import { receiveComplaint, relatedDossier } from '../../../domain/iso/complaints.js';
import { startAudit } from '../../../domain/iso/audits.js';
import { startReview } from '../../../domain/iso/reviews.js';
import { identifyRisk } from '../../../domain/iso/risks.js';
import { createObjective, METRICS, objectiveResults, type Metric } from '../../../domain/iso/objectives.js';
import { unitExists } from '../../../domain/org/units.js';
import { agencyForNew, agencyOverviewFor, isoMe, isoReach } from '../../../domain/iso/agencies.js';
import { isEngineUnavailable } from '../../../engine/client.js';
import { renderAnnualReportPdf } from '../../../domain/iso/report-pdf.js';
import { DomainError, fail } from '../../../lib/errors.js';
import { sendFile } from '../download.js';
import * as clock from '../../../lib/clock.js';

const security = [{ bearer: [] }];
const tags = ['iso'];

/**
 * ISO 9001:2015 registers: nonconformities and corrective actions, controlled documents, the clause
 * view for auditors and the annual QMS report. The steps themselves are worked from the inbox.
 */
const isoRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  const translate = (err: unknown): never => {
    // A coded refusal passes as it is (a 400 DocumentRuleError too: it keeps its code and params).
    if (err instanceof DomainError) throw err;
    if ((err as { statusCode?: number }).statusCode === 400) throw app.httpErrors.badRequest((err as Error).message);
    if (isEngineUnavailable(err))
      throw fail(
        503,
        'ENGINE_UNAVAILABLE_QUEUED',
        {},
        'Máy chủ quy trình tạm thời không truy cập được; yêu cầu đã được lưu và sẽ tự khởi động / The process engine is unreachable; the request is saved and will start automatically',
      );
    throw err;
  };

  // Nonconformities and corrective actions
  app.get(
    '/nonconformities',
    {
      schema: {
        tags,
        summary: 'Register of nonconformities and corrective actions (sổ theo dõi HĐKP), scoped to the reader',
        security,
        querystring: NcListQuery,
        response: { 200: NcList, ...errors },
      },
    },
    async (req) => listNonconformities(app.db, await ncScope(app.db, req.currentUser, req.userGroups), req.query),
  );

  app.get(
    '/nonconformities/:id',
    {
      schema: {
        tags,
        summary: 'One nonconformity with the history of its stages',
        security,
        params: IdParams,
        response: { 200: NonconformityDetail, ...errors },
      },
    },
    async (req) => {
      const nc = await nonconformityDetail(app.db, await ncScope(app.db, req.currentUser, req.userGroups), req.params.id);
      if (!nc)
        throw fail(
          404,
          'NONCONFORMITY_NOT_FOUND',
          { id: req.params.id },
          `Không có phiếu ${req.params.id} hoặc bạn không được xem / No nonconformity ${req.params.id} visible to you`,
        );
      return nc;
    },
  );

  app.post(
    '/nonconformities',
    {
      onRequest: app.requireRole('officer', 'leader', 'admin'),
      schema: {
        tags,
        summary: 'Record a nonconformity (phiếu đề nghị HĐKP); starts its corrective-action process',
        security,
        body: NcCreateBody,
        response: { 201: NonconformityDetail, ...errors },
      },
    },
    async (req, reply) => {
      const unitCode = req.body.unitCode?.trim();
      if (unitCode && !(await unitExists(app.db, unitCode)))
        throw fail(400, 'UNIT_NOT_FOUND', { unit: unitCode }, `Không có đơn vị ${unitCode} / Unknown unit ${unitCode}`);
      const { nc } = await openNonconformity(app.db, app.zeebe, {
        agency: await agencyForNew(app.db, req.currentUser, unitCode),
        title: req.body.title.trim(),
        description: req.body.description.trim(),
        sourceType: 'manual',
        unitCode: unitCode ?? null,
        reportedBy: req.currentUser.username,
      }).catch(translate);
      await req.audit('iso.nc.open', { target: { type: 'nonconformity', id: nc.id }, after: { code: nc.code, title: nc.title, unitCode: nc.unit_code } });
      const detail = await nonconformityDetail(app.db, () => {}, nc.id);
      return reply.status(201).send(detail!);
    },
  );

  // Controlled documents
  app.get(
    '/documents',
    {
      schema: {
        tags,
        summary: 'Register of controlled documents with versions, effective dates and distribution (every staff member may read it)',
        security,
        response: { 200: DocumentList, ...errors },
      },
    },
    async (req) => ({ items: await listDocuments(app.db, undefined, await documentScope(app.db, req.currentUser)) }),
  );

  app.get(
    '/documents/:id',
    { schema: { tags, summary: 'One controlled document', security, params: IdParams, response: { 200: IsoDocument, ...errors } } },
    async (req) => {
      const [doc] = await listDocuments(app.db, req.params.id, await documentScope(app.db, req.currentUser));
      if (!doc) throw fail(404, 'DOCUMENT_NOT_FOUND', { id: req.params.id }, `Không có tài liệu ${req.params.id} / No document ${req.params.id}`);
      return doc;
    },
  );

  app.post(
    '/documents',
    {
      onRequest: app.requireRole('officer', 'leader'),
      schema: {
        tags,
        summary: 'Draft a new controlled document in my unit; starts the issue process',
        security,
        body: DocumentCreateBody,
        response: { 201: IsoDocument, ...errors },
      },
    },
    async (req, reply) => {
      const versionId = await createDocument(app.db, app.zeebe, {
        ...req.body,
        title: req.body.title.trim(),
        summary: req.body.summary.trim(),
        ownerUnitCode: req.currentUser.unit.code,
        requestedBy: req.currentUser.username,
      }).catch(translate);
      const [doc] = await listDocuments(app.db, await documentIdOfVersion(app.db, versionId));
      await req.audit('iso.document.create', { target: { type: 'iso_document', id: doc.id }, after: { code: doc.code, title: doc.title } });
      return reply.status(201).send(doc);
    },
  );

  /** Revisions and withdrawals are asked by staff of the owner unit (leaders: of its subtree). */
  const changeRoute = (kind: 'revision' | 'withdrawal') => async (req: any, reply: any) => {
    const owner = await documentOwnerUnit(app.db, req.params.id);
    if (owner === undefined) throw fail(404, 'DOCUMENT_NOT_FOUND', { id: req.params.id }, `Không có tài liệu ${req.params.id} / No document ${req.params.id}`);
    const mine = req.currentUser.roles.includes('leader') ? await subtreeCodes(app.db, req.currentUser.unit.code) : [req.currentUser.unit.code];
    if (!mine.includes(owner))
      throw fail(
        403,
        'DOCUMENT_OWNER_ONLY',
        { unit: owner },
        `Chỉ đơn vị ${owner} soạn thảo tài liệu này mới được yêu cầu sửa đổi, hủy bỏ / Only the owner unit may revise or withdraw it`,
      );
    await requestChange(app.db, app.zeebe, req.params.id, {
      kind,
      summary: req.body.summary.trim(),
      distributeTo: req.body.distributeTo,
      requestedBy: req.currentUser.username,
    }).catch(translate);
    const [out] = await listDocuments(app.db, req.params.id);
    await req.audit(`iso.document.${kind}`, { target: { type: 'iso_document', id: req.params.id }, after: { summary: req.body.summary } });
    return reply.status(201).send(out);
  };
  app.post(
    '/documents/:id/revisions',
    {
      onRequest: app.requireRole('officer', 'leader'),
      schema: {
        tags,
        summary: 'Ask for a revision (new version) of an effective document',
        security,
        params: IdParams,
        body: DocumentChangeBody,
        response: { 201: IsoDocument, ...errors },
      },
    },
    changeRoute('revision'),
  );
  app.post(
    '/documents/:id/withdrawal',
    {
      onRequest: app.requireRole('officer', 'leader'),
      schema: {
        tags,
        summary: 'Ask for the withdrawal (hủy bỏ) of an effective document',
        security,
        params: IdParams,
        body: DocumentChangeBody,
        response: { 201: IsoDocument, ...errors },
      },
    },
    changeRoute('withdrawal'),
  );

  app.post(
    '/documents/:id/proposals',
    {
      onRequest: app.requireRole('officer', 'leader'),
      schema: {
        tags,
        summary: 'Propose to revise or withdraw a document in force (any staff member); the ISO secretary and the quality leader decide',
        security,
        params: IdParams,
        body: ProposalBody,
        response: { 201: IsoDocument, ...errors },
      },
    },
    async (req, reply) => {
      await proposeChange(app.db, app.zeebe, req.params.id, {
        kind: req.body.kind,
        reason: req.body.reason.trim(),
        proposedBy: req.currentUser.username,
      }).catch(translate);
      const [doc] = await listDocuments(app.db, req.params.id);
      await req.audit('iso.document.propose', { target: { type: 'iso_document', id: req.params.id }, after: req.body });
      return reply.status(201).send(doc);
    },
  );

  // Complaints and feedback
  app.get(
    '/complaints',
    { schema: { tags, summary: 'Register of complaints and feedback, scoped to the reader', security, response: { 200: ComplaintList, ...errors } } },
    async (req) => ({ items: await listComplaints(app.db, await ncScope(app.db, req.currentUser, req.userGroups, 'received_by')) }),
  );

  app.post(
    '/complaints',
    {
      onRequest: app.requireRole('officer', 'leader'),
      schema: {
        tags,
        summary: 'Receive a complaint or feedback (from a citizen or staff); starts its handling process',
        security,
        body: ComplaintCreateBody,
        response: { 201: Complaint, ...errors },
      },
    },
    async (req, reply) => {
      const id = await receiveComplaint(app.db, app.zeebe, {
        ...req.body,
        agency: await agencyForNew(app.db, req.currentUser),
        title: req.body.title.trim(),
        content: req.body.content.trim(),
        submitter: req.body.submitter.trim(),
        receivedBy: req.currentUser.username,
      }).catch(translate);
      const [c] = await listComplaints(app.db, () => {}, id);
      await req.audit('iso.complaint.receive', { target: { type: 'complaint', id }, after: { code: c.code, title: c.title } });
      return reply.status(201).send(c);
    },
  );

  // Every role that works in the agency; auditors stay read-only (they record findings through the internal audit).
  app.post(
    '/feedback',
    {
      onRequest: app.requireRole('officer', 'leader', 'designer', 'admin'),
      schema: {
        tags,
        summary: 'Internal feedback or complaint of any staff member (officers, leaders, designers, administrators); starts the handling process',
        security,
        body: StaffFeedbackBody,
        response: { 201: Complaint, ...errors },
      },
    },
    async (req, reply) => {
      const dossierCode = req.body.dossierCode?.trim();
      const dossier = dossierCode ? await relatedDossier(app.db, dossierCode) : undefined;
      if (dossierCode && !dossier) throw fail(400, 'DOSSIER_NOT_FOUND', { code: dossierCode }, `Không có hồ sơ ${dossierCode} / No dossier ${dossierCode}`);
      const u = req.currentUser;
      const id = await receiveComplaint(app.db, app.zeebe, {
        title: req.body.title.trim(),
        content: req.body.content.trim(),
        submitter: u.fullName,
        contact: u.unit.name,
        channel: 'noi-bo',
        caseKey: dossier?.caseKey ?? null,
        dossierCode: dossier?.code ?? null,
        receivedBy: u.username,
        agency: await agencyForNew(app.db, u),
        origin: 'staff',
        kind: req.body.kind,
      }).catch(translate);
      const [c] = await listComplaints(app.db, () => {}, id);
      await req.audit('iso.complaint.feedback', { target: { type: 'complaint', id }, after: { code: c.code, kind: req.body.kind, title: c.title } });
      return reply.status(201).send(c);
    },
  );

  // Internal audits
  app.get(
    '/audits',
    { schema: { tags, summary: 'Internal audits with checklists, findings and their nonconformities', security, response: { 200: AuditList, ...errors } } },
    async (req) => ({ items: await listAudits(app.db, undefined, await isoReach(app.db, req.currentUser)) }),
  );

  app.post(
    '/audits',
    {
      onRequest: app.requireRole('officer', 'leader'),
      schema: {
        tags,
        summary: 'Start the internal audit programme of a year over the given units',
        security,
        body: AuditCreateBody,
        response: { 201: Audit, ...errors },
      },
    },
    async (req, reply) => {
      const id = await startAudit(app.db, app.zeebe, {
        ...req.body,
        scope: req.body.scope.trim(),
        createdBy: req.currentUser.username,
        agency: (await isoReach(app.db, req.currentUser)).agencies?.[0] ?? null,
      }).catch(translate);
      const [a] = await listAudits(app.db, id);
      await req.audit('iso.audit.start', { target: { type: 'audit', id }, after: { code: a.code, departments: a.departments } });
      return reply.status(201).send(a);
    },
  );

  // Quality objectives
  app.get(
    '/objectives',
    {
      schema: {
        tags,
        summary: 'Quality objectives of a year, each measured from the data per quarter and for the year',
        security,
        querystring: ObjectivesQuery,
        response: { 200: ObjectiveList, ...errors },
      },
    },
    async (req) => ({ items: await objectiveResults(app.db, req.query.year, undefined, (await isoReach(app.db, req.currentUser)).agencies) }),
  );

  app.post(
    '/objectives',
    {
      onRequest: app.requireRole('leader', 'admin'),
      schema: {
        tags,
        summary: 'Set a quality objective for a unit of my subtree (leaders) or any unit (admin)',
        security,
        body: ObjectiveCreateBody,
        response: { 201: ObjectiveList, ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      if (!(await unitExists(app.db, b.unitCode)))
        throw fail(400, 'UNIT_NOT_FOUND', { unit: b.unitCode }, `Không có đơn vị ${b.unitCode} / Unknown unit ${b.unitCode}`);
      if (!req.currentUser.roles.includes('admin') && !(await subtreeCodes(app.db, req.currentUser.unit.code)).includes(b.unitCode)) {
        throw fail(403, 'UNIT_OUTSIDE_SCOPE', { unit: b.unitCode }, `Đơn vị ${b.unitCode} không thuộc quyền của bạn / ${b.unitCode} is outside your unit`);
      }
      if (METRICS[b.metric as Metric].unit === '%' && b.target > 100)
        throw fail(400, 'ISO_RATE_TARGET_RANGE', {}, 'Chỉ tiêu tỷ lệ phải từ 0 đến 100 / A rate target must be between 0 and 100');
      const id = await createObjective(app.db, {
        unitCode: b.unitCode,
        year: b.year,
        title: b.title.trim(),
        metric: b.metric,
        target: b.target,
        direction: b.direction,
        createdBy: req.currentUser.username,
      });
      await req.audit('iso.objective.create', { target: { type: 'objective', id }, after: b });
      return reply.status(201).send({ items: (await objectiveResults(app.db, b.year)).filter((o) => o.id === id) });
    },
  );

  // Management reviews
  app.get(
    '/reviews',
    {
      schema: {
        tags,
        summary: 'Management reviews with their 9.3.2 inputs, department reports and conclusions',
        security,
        response: { 200: ReviewList, ...errors },
      },
    },
    async (req) => ({ items: await listReviews(app.db, undefined, await isoReach(app.db, req.currentUser)) }),
  );

  app.post(
    '/reviews',
    {
      onRequest: app.requireRole('officer', 'leader'),
      schema: {
        tags,
        summary: 'Start a management review; its inputs are taken from live data',
        security,
        body: ReviewCreateBody,
        response: { 201: Review, ...errors },
      },
    },
    async (req, reply) => {
      const id = await startReview(app.db, app.zeebe, {
        ...req.body,
        title: req.body.title.trim(),
        createdBy: req.currentUser.username,
        agency: (await isoReach(app.db, req.currentUser)).agencies?.[0] ?? null,
      }).catch(translate);
      const [r] = await listReviews(app.db, id);
      await req.audit('iso.review.start', { target: { type: 'review', id }, after: { code: r.code } });
      return reply.status(201).send(r);
    },
  );

  // Risks and opportunities (every staff member may read the register)
  app.get(
    '/risks',
    { schema: { tags, summary: 'Register of risks and opportunities, highest score first', security, response: { 200: RiskList, ...errors } } },
    async (req) => ({ items: await listRisks(app.db, undefined, await isoReach(app.db, req.currentUser)) }),
  );

  app.post(
    '/risks',
    {
      onRequest: app.requireRole('officer', 'leader'),
      schema: {
        tags,
        summary: 'Identify a risk or opportunity of my unit (leaders: of my subtree); starts its assessment',
        security,
        body: RiskCreateBody,
        response: { 201: Risk, ...errors },
      },
    },
    async (req, reply) => {
      const unitCode = req.body.unitCode?.trim() || req.currentUser.unit.code;
      const mine = req.currentUser.roles.includes('leader') ? await subtreeCodes(app.db, req.currentUser.unit.code) : [req.currentUser.unit.code];
      if (!(await unitExists(app.db, unitCode)))
        throw fail(400, 'UNIT_NOT_FOUND', { unit: unitCode }, `Không có đơn vị ${unitCode} / Unknown unit ${unitCode}`);
      if (!mine.includes(unitCode))
        throw fail(403, 'UNIT_OUTSIDE_SCOPE', { unit: unitCode }, `Đơn vị ${unitCode} không thuộc quyền của bạn / ${unitCode} is outside your unit`);
      const id = await identifyRisk(app.db, app.zeebe, {
        unitCode,
        kind: req.body.kind,
        title: req.body.title.trim(),
        description: req.body.description.trim(),
        reviewCycleDays: req.body.reviewCycleDays,
        createdBy: req.currentUser.username,
      }).catch(translate);
      const [r] = await listRisks(app.db, id);
      await req.audit('iso.risk.identify', { target: { type: 'risk', id }, after: { code: r.code, title: r.title } });
      return reply.status(201).send(r);
    },
  );

  // For auditors
  app.get(
    '/clauses',
    {
      schema: {
        tags,
        summary: 'ISO clause view: each clause with the process steps and registers that serve it',
        security,
        response: { 200: ClauseView, ...errors },
      },
    },
    async (req) => clauseView(app.db, (await isoReach(app.db, req.currentUser)).agencies),
  );

  // One quality system per agency: whose system the reader sees, and the province view of them all.
  app.get(
    '/me',
    {
      schema: {
        tags,
        summary: "The reader's agency (whose ISO system the registers show) and whether they see the province view",
        security,
        response: { 200: IsoMe, ...errors },
      },
    },
    async (req) => isoMe(app.db, req.currentUser),
  );

  app.get(
    '/agencies',
    {
      schema: {
        tags,
        summary: "Province view: every agency's quality system side by side, with its register counts (administrators, province leaders and auditors)",
        security,
        querystring: AgencyOverviewQuery,
        response: { 200: AgencyOverviewList, ...errors },
      },
    },
    async (req) => agencyOverviewFor(app.db, req.currentUser, req.query.year ?? clock.now().getFullYear()),
  );

  const readsReport = app.requireRole('leader', 'auditor', 'admin');
  app.get(
    '/report',
    {
      onRequest: readsReport,
      schema: {
        tags,
        summary: "Annual QMS report assembled from the records (lists of nonconformities and complaints as the reader's registers show them)",
        security,
        querystring: ReportQuery,
        response: { 200: AnnualReport, ...errors },
      },
    },
    async (req) => annualReportFor(app.db, req.query.year, req.currentUser, req.userGroups, req.query.agency),
  );

  app.get(
    '/report.pdf',
    {
      onRequest: readsReport,
      schema: {
        tags,
        summary: 'Annual QMS report as a PDF, with the evidence for the declaration of conformity and the web addresses of the records',
        security,
        querystring: ReportQuery,
        response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), ...errors },
      },
    },
    async (req, reply) => {
      const r = await annualReportFor(app.db, req.query.year, req.currentUser, req.userGroups, req.query.agency);
      const pdf = await renderAnnualReportPdf(r);
      await req.audit('iso.report.export', { target: { type: 'iso_report', id: String(r.year) }, after: { format: 'pdf' } });
      return sendFile(reply, { name: `bao-cao-hdqlcl-${r.year}.pdf`, type: 'pdf', body: pdf });
    },
  );

  app.get(
    '/report.xlsx',
    {
      onRequest: readsReport,
      schema: {
        tags,
        summary: 'Annual QMS report as an Excel workbook',
        security,
        querystring: ReportQuery,
        response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), ...errors },
      },
    },
    async (req, reply) => {
      const r = await annualReportFor(app.db, req.query.year, req.currentUser, req.userGroups, req.query.agency);
      const buf = await reportWorkbook(r);
      await req.audit('iso.report.export', { target: { type: 'iso_report', id: String(r.year) } });
      return sendFile(reply, { name: `bao-cao-hdqlcl-${r.year}.xlsx`, type: 'xlsx', body: buf });
    },
  );
};
export default isoRoutes;

async function reportWorkbook(r: AnnualReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'e-ISO';
  const head = (ws: ExcelJS.Worksheet) => {
    ws.getRow(1).font = { bold: true };
  };
  const summary = wb.addWorksheet('Tổng hợp');
  summary.columns = [
    { header: 'Nội dung', width: 60 },
    { header: 'Giá trị', width: 18 },
  ];
  summary.addRows([
    [`Báo cáo hoạt động quản lý chất lượng năm ${r.year}`, ''],
    ['Hồ sơ một cửa tiếp nhận', r.onestop.received],
    ['  trong đó trực tuyến', r.onestop.receivedOnline],
    ['Tỷ lệ trực tuyến (%)', r.onestop.onlineRate ?? 'chưa có hồ sơ'],
    ['Hồ sơ một cửa đã giải quyết', r.onestop.resolved],
    ['  đúng hạn (trước hạn + đúng hạn)', r.onestop.resolvedOnTime],
    ['Tỷ lệ giải quyết đúng hạn (%)', r.onestop.onTimeRate ?? 'chưa có hồ sơ'],
    ['Lượt đánh giá hài lòng', r.onestop.evaluations],
    ['Tỷ lệ hài lòng (%)', r.onestop.satisfiedPct ?? 'chưa có đánh giá'],
    ['Hồ sơ đã giải quyết', r.cases.finished],
    ['  trong đó đúng hạn', r.cases.onTime],
    ['  trễ hạn', r.cases.late],
    ['Tỷ lệ đúng hạn (%)', r.cases.onTimeRate ?? 'chưa có hồ sơ'],
    ['Hồ sơ quá hạn chưa giải quyết', r.cases.openOverdue],
    ['Sự không phù hợp ghi nhận', r.nonconformities.opened],
    ['  đã đóng', r.nonconformities.closed],
    ['  đang xử lý', r.nonconformities.open],
    ['  phải khắc phục lại (chưa hiệu lực)', r.nonconformities.reopenedAfterIneffective],
    ['Tài liệu ban hành mới', r.documents.issued],
    ['Tài liệu sửa đổi', r.documents.revised],
    ['Tài liệu hủy bỏ', r.documents.withdrawn],
    ['Đợt đánh giá nội bộ', r.audits.length],
    ['Lần xem xét của lãnh đạo', r.reviews.length],
    ['Rủi ro, cơ hội trong sổ', r.risks.total],
    ['  đang theo dõi', r.risks.open],
    ['  mức cao (điểm ≥ 15)', r.risks.high],
    ['  giảm điểm sau xử lý', r.risks.reduced],
    ...r.objectives.map((o) => [
      `Mục tiêu ${o.unitCode}: ${o.title} (chỉ tiêu ${o.direction === 'at_least' ? '≥' : '≤'} ${o.target}${o.unit === '%' ? ' %' : ''})`,
      o.value === null ? 'chưa đo được' : `${o.value}${o.met ? ' (đạt)' : ' (chưa đạt)'}`,
    ]),
    ['Phản ánh, khiếu nại tiếp nhận', r.complaints.received],
    ['  kết luận đúng', r.complaints.upheld],
    ...r.notAvailable.map((n) => [`${n.section}: CHƯA CÓ DỮ LIỆU`, n.reason]),
  ]);
  head(summary);
  const nc = wb.addWorksheet('Sự không phù hợp');
  nc.columns = [
    'Số phiếu',
    'Nội dung',
    'Nguồn',
    'Mã nguồn',
    'Đơn vị',
    'Trạng thái',
    'Số lần kiểm chứng',
    'Ngày mở',
    'Ngày đóng',
    'Hồ sơ HĐKP',
    'Hồ sơ gốc',
  ].map((header) => ({ header, width: 20 }));
  for (const i of r.nonconformities.items)
    nc.addRow([
      i.code,
      i.title,
      i.sourceType,
      i.sourceKey ?? '',
      i.unitCode ?? '',
      i.status,
      i.verifications,
      i.openedAt,
      i.closedAt ?? '',
      i.recordLink ?? '',
      i.caseLink ?? '',
    ]);
  head(nc);
  const docs = wb.addWorksheet('Tài liệu');
  docs.columns = ['Mã', 'Tên', 'Phiên bản', 'Loại', 'Trạng thái', 'Ngày hiệu lực', 'Người ban hành', 'Đơn vị đã xác nhận', 'Đơn vị nhận', 'Hồ sơ'].map(
    (header) => ({ header, width: 20 }),
  );
  for (const d of r.documents.items)
    docs.addRow([
      d.code,
      d.title,
      d.version,
      d.kind,
      d.status,
      d.effectiveFrom ?? '',
      d.issuedBy ?? '',
      d.unitsConfirmed,
      d.unitsDistributed,
      d.recordLink ?? '',
    ]);
  head(docs);
  const audits = wb.addWorksheet('Đánh giá nội bộ');
  audits.columns = ['Mã', 'Trạng thái', 'Đơn vị', 'Số phát hiện', 'Kết luận', 'Hồ sơ'].map((header) => ({ header, width: 24 }));
  for (const a of r.audits) audits.addRow([a.code, a.status, a.departments.join(', '), a.findings, a.conclusion ?? '', a.recordLink ?? '']);
  head(audits);
  const complaints = wb.addWorksheet('Phản ánh, khiếu nại');
  complaints.columns = ['Số', 'Tiêu đề', 'Trạng thái', 'Kết luận đúng', 'Phiếu HĐKP', 'Hồ sơ'].map((header) => ({ header, width: 24 }));
  for (const c of r.complaints.items)
    complaints.addRow([c.code, c.title, c.status, c.upheld === null ? '' : c.upheld ? 'Đúng' : 'Không đúng', c.ncCode ?? '', c.recordLink ?? '']);
  head(complaints);
  const conformity = wb.addWorksheet('Minh chứng công bố');
  conformity.columns = ['Nội dung', 'Điều khoản', 'Minh chứng', 'Chi tiết', 'Hồ sơ'].map((header) => ({ header, width: 30 }));
  for (const e of r.conformity)
    conformity.addRow([e.item, e.clauses.join(', '), e.met ? 'Có' : 'Chưa đủ', e.detail, e.links.map((l) => `${l.label}: ${l.href}`).join('\n')]);
  head(conformity);
  const cases = wb.addWorksheet('Hồ sơ theo quy trình');
  cases.columns = ['Quy trình', 'Tên', 'Đã giải quyết', 'Đúng hạn'].map((header) => ({ header, width: 30 }));
  for (const c of r.cases.byProcess) cases.addRow([c.bpmnProcessId, c.name ?? '', c.finished, c.onTime]);
  head(cases);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
