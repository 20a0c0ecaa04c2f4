import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { checkScans, discardFiles, MAX_FILES, readMultipart, scanOf, type FormFile, type ParsedForm } from '../public/uploads.js';
import { assertScans } from '../../../domain/onestop/scans.js';
import { MAX_FORM_FIELD_BYTES } from '../../../lib/limits.js';
import { errors } from '../../schemas/common.js';
import {
  AcceptBody,
  DossierDetail,
  DossierDocParams,
  DossierIdParams,
  DossierList,
  DossierListQuery,
  PaperHandoverBody,
  ReasonBody,
  ReceiveBody,
  RequestCompletionBody,
  WithdrawReply,
} from '../../schemas/onestop.js';
import { getDossier, type DossierRow } from '../../../domain/onestop/dossiers.js';
import { dossierLabel } from '../../../domain/onestop/code.js';
import { assertFeesHandler, feesPaid, requestFees } from '../../../domain/onestop/fees.js';
import {
  acceptSubmission,
  activeProcedure,
  assertComplete,
  assertCompleteAtDesk,
  assertDeskOfficer,
  namedChecklist,
  ReceptionError,
  receiveInPerson,
  refuseReceipt,
  requestCompletion,
  withdrawDossier,
  type ChecklistItem,
} from '../../../domain/onestop/reception.js';
import { canReadDossierForms, canSeeDossier, dossierScope, listDossiers, toDetail } from '../../../domain/onestop/views.js';
import { renderReceiptSlip, slipData } from '../../../domain/onestop/slip.js';
import { isStatus } from '../../../domain/onestop/status.js';
import { findProcedure, type ProcedureRow } from '../../../domain/onestop/catalogue.js';
import { findDossierDocument, submittedChecklist } from '../../../domain/onestop/documents.js';
import { openStored } from '../../../lib/file-store.js';
import { ErrorBody } from '../../schemas/common.js';
import { Type } from 'typebox';
import { sendAndWait } from '../../../engine/outbox.js';
import { plainText } from '../../../lib/plain-text.js';
import { fail } from '../../../lib/errors.js';
import { sendFile } from '../download.js';
import { atReceivingDesk, handOverPaper, procedureForAgency, procedureOfDossier, receivingDesk } from '../../../domain/onestop/agencies.js';

const security = [{ bearer: [] }];
const tags = ['one-stop desk'];
/** Plain text as typed, without control characters other than line breaks and tabs. */

/**
 * The one-stop desk (Bộ phận tiếp nhận và trả kết quả): in-person receipt with the completeness
 * check, the queue of online submissions (accept, ask once for completion, refuse), the dossier page
 * with its events, the receipt slip (PDF with QR) and withdrawal at the citizen's request.
 */
const dossiers: FastifyPluginAsyncTypebox = async (app) => {
  const filesRoot = path.join(app.config.dataDir, 'files');
  /** Largest scan: the cap of an online submission's file (ATTACHMENT_MAX_BYTES). */
  const maxScanBytes = app.config.attachmentMaxBytes;
  app.addHook('onRequest', app.authenticate);
  // Desk actions are staff work: designers and auditors read at most (the desk unit is checked per dossier).
  app.addHook('preValidation', async (req) => {
    if (req.method !== 'GET' && !req.currentUser.roles.some((r) => r === 'officer' || r === 'leader' || r === 'admin')) {
      throw fail(403, 'ONESTOP_STAFF_ONLY', {}, 'Chỉ cán bộ bộ phận một cửa mới thực hiện được thao tác này / Only one-stop desk staff can do this');
    }
  });

  const visible = async (req: FastifyRequest, id: string): Promise<DossierRow> => {
    const d = await getDossier(app.db, id);
    if (!d) throw fail(404, 'DOSSIER_NOT_FOUND', { code: id }, `Không có hồ sơ ${id} / No dossier ${id}`);
    if (!canSeeDossier(d, await dossierScope(app.db, req.currentUser)))
      throw fail(403, 'DOSSIER_OUTSIDE_SCOPE', {}, 'Hồ sơ này không thuộc phạm vi của bạn / This dossier is outside your scope');
    return d;
  };
  const isDeskOfficer = async (req: FastifyRequest, d: Pick<DossierRow, 'desk_unit_code'>) =>
    assertDeskOfficer(app.db, req.currentUser, d.desk_unit_code).then(
      () => true,
      () => false,
    );
  const procedureOf = async (code: string): Promise<ProcedureRow> => (await findProcedure(app.db, code))!;
  /** the procedure as the dossier's competent agency offers it (its desk, e-ID and process) */
  const procedureOfD = async (d: DossierRow): Promise<ProcedureRow> => procedureOfDossier(app.db, await procedureOf(d.procedure_code), d);
  /**
   * The receipt is committed with its process start in the outbox: send it now (the normal path
   * answers with the instance); if the engine does not answer, the dossier stays RECEIVED with its
   * appointment and the relay starts its one instance later.
   */
  const startAccepted = async (a: { dossier: DossierRow; outboxId: string }): Promise<DossierRow> => {
    const sent = await sendAndWait(app.db, app.zeebe, a.outboxId).catch((err) => {
      app.log.warn({ err: String(err), outboxId: a.outboxId }, 'dossier start left to the outbox relay');
      return undefined;
    });
    return sent?.status === 'done' ? (await getDossier(app.db, String(a.dossier.id)))! : a.dossier;
  };
  /** The slip carries the citizen's lookup key: the desk that received the dossier prints it (administrators too). */
  const slipPrinter = async (req: FastifyRequest, d: DossierRow) =>
    d.received_desk_code ? req.currentUser.roles.includes('admin') || (await atReceivingDesk(app.db, req.currentUser, d)) : isDeskOfficer(req, d);
  const detail = async (req: FastifyRequest, d: DossierRow) =>
    toDetail(app.db, d, {
      deskOfficer: await isDeskOfficer(req, d),
      formReader: await canReadDossierForms(app.db, req.currentUser, d),
      slipPrinter: await slipPrinter(req, d),
    });

  app.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Dossiers in my scope (?queue=true: online submissions waiting for the desk)',
        security,
        querystring: DossierListQuery,
        response: { 200: DossierList, ...errors },
      },
    },
    async (req) => {
      const { queue, received, status, q, limit = 50, offset = 0 } = req.query;
      const statuses = queue
        ? ['SUBMITTED', 'SUPPLEMENT_REQUESTED_AT_RECEIPT']
        : (status ?? '')
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
      const bad = statuses.filter((s) => !isStatus(s));
      if (bad.length)
        throw fail(400, 'UNKNOWN_STATUS', { statuses: bad.join(', ') }, `Trạng thái không hợp lệ: ${bad.join(', ')} / Unknown status: ${bad.join(', ')}`);
      return listDossiers(app.db, req.currentUser, { queue, received, statuses, q, limit, offset });
    },
  );

  // The in-person receipt carries the scans of the paper dossier: multipart, the body as JSON in the
  // field "data" and one file "scan:<document code>" per document (read to temporary files as it arrives).
  await app.register(multipart, { throwFileSizeLimit: false, limits: { fileSize: maxScanBytes + 1, fieldSize: MAX_FORM_FIELD_BYTES, fields: 10, parts: 100 } });
  const scanForms = new WeakMap<FastifyRequest, ParsedForm>();

  app.post(
    '/',
    {
      bodyLimit: MAX_FILES * (maxScanBytes + 64 * 1024),
      schema: {
        tags,
        summary:
          'Receive a dossier in person at any desk of the province for any competent agency (agencyCode): completeness check, the scans of the paper dossier (multipart: field "data" = this body as JSON, files "scan:<document code>", PDF/JPEG/PNG; documents the catalogue marks scanExempt need none), code of the agency, its process, slip',
        security,
        consumes: ['application/json', 'multipart/form-data'],
        body: ReceiveBody,
        response: { 201: DossierDetail, ...errors },
      },
      // A multipart request: its files go to temporary files, its "data" field becomes the body the schema checks.
      preValidation: async (req) => {
        if (!req.isMultipart()) return;
        const form = await readMultipart(req, { filesRoot, maxFileBytes: maxScanBytes });
        scanForms.set(req, form);
        let body: unknown = {};
        try {
          body = form.fields.data ? JSON.parse(form.fields.data) : {};
        } catch {
          await discardFiles(form.files);
          throw fail(400, 'BAD_MULTIPART', {}, 'Trường "data" không phải JSON hợp lệ / The field "data" is not valid JSON');
        }
        req.body = body as ReceiveBody;
      },
    },
    async (req, reply) => {
      const form = scanForms.get(req);
      try {
        return await receive(req, req.body, reply, form?.files ?? []);
      } catch (err) {
        if (form) await discardFiles(form.files);
        throw err;
      }
    },
  );

  const receive = async (req: FastifyRequest, body: ReceiveBody, reply: FastifyReply, files: FormFile[]) => {
    {
      // The competent agency's offering; received at the officer's desk, wherever in the province (NĐ 118/2025).
      const procedure = await procedureForAgency(app.db, await activeProcedure(app.db, body.procedureCode), body.agencyCode);
      const desk = await receivingDesk(app.db, req.currentUser, procedure);
      const given: ChecklistItem[] = body.documents;
      const applicant = { ...body.applicant, name: plainText(body.applicant.name) };
      // Incomplete: the same 400, and the completion request (Mẫu 02) is recorded for the desk to print (params.formId).
      await assertCompleteAtDesk(app.db, { ...procedure, desk_unit_code: desk }, given, {
        applicant,
        channel: body.channel ?? 'in_person',
        officer: req.currentUser,
      });
      if (!applicant.name) throw fail(400, 'APPLICANT_NAME_REQUIRED', {}, 'Thiếu họ tên người nộp / The applicant name is required');
      // The paper is digitised at the desk: a scan per document handed in, unless exempt (400 naming them; nothing written).
      assertScans(
        procedure,
        given,
        files.map((f) => scanOf(f.field) ?? f.field),
      );
      const scans = await checkScans(files, maxScanBytes);
      const accepted = await receiveInPerson(app.db, {
        filesRoot,
        scans,
        procedure,
        channel: body.channel ?? 'in_person',
        applicant,
        officer: req.currentUser,
        checklist: namedChecklist(procedure, given),
        note: body.note ? plainText(body.note) : null,
        receivingDesk: desk,
      });
      const dossier = await startAccepted(accepted);
      await req.audit('onestop.dossier.receive', {
        target: { type: 'dossier', id: dossier.code! },
        after: {
          procedureCode: procedure.code,
          agencyCode: procedure.agency_code,
          receivedDesk: desk,
          channel: dossier.channel,
          documents: given,
          scans: scans.map((x) => ({ requirement: x.requirementCode, name: x.fileName, sha256: x.upload.sha256 })),
          processInstanceKey: dossier.process_instance_key,
        },
      });
      reply.status(201);
      return detail(req, dossier);
    }
  };

  app.get(
    '/:id',
    {
      schema: {
        tags,
        summary: 'A dossier with its documents, events, supplements, transfers and the actions open to me',
        security,
        params: DossierIdParams,
        response: { 200: DossierDetail, ...errors },
      },
    },
    async (req) => {
      return detail(req, await visible(req, req.params.id));
    },
  );

  /** Loads the dossier for a desk action, locked, in the expected status (else 409). */
  const forDeskAction = async (req: FastifyRequest, id: string, statuses: DossierRow['status'][]) => {
    const d = await visible(req, id);
    await assertDeskOfficer(app.db, req.currentUser, d.desk_unit_code);
    if (!statuses.includes(d.status))
      throw new ReceptionError(
        409,
        `Hồ sơ ${dossierLabel(d)} đang ở trạng thái ${d.status}, không thực hiện được thao tác này / The dossier is ${d.status}: not possible now`,
        'WRONG_STATUS',
      );
    return d;
  };

  app.post(
    '/:id/accept',
    {
      schema: {
        tags,
        summary: 'Accept an online submission (completeness check, process start, slip)',
        security,
        params: DossierIdParams,
        body: AcceptBody,
        response: { 200: DossierDetail, ...errors },
      },
    },
    async (req) => {
      const d = await forDeskAction(req, req.params.id, ['SUBMITTED']);
      const procedure = await procedureOfD(d);
      // Without a checklist: the documents sent online (submittedChecklist).
      const given = req.body.documents ?? (await submittedChecklist(app.db, d.id, procedure));
      assertComplete(procedure, given);
      const accepted = await acceptSubmission(app.db, {
        dossierId: d.id,
        procedure,
        officer: req.currentUser,
        checklist: namedChecklist(procedure, given),
        note: req.body.note ? plainText(req.body.note) : null,
      });
      const after = await startAccepted(accepted);
      await req.audit('onestop.dossier.accept', {
        target: { type: 'dossier', id: dossierLabel(d) },
        before: { status: d.status },
        after: { status: after.status, documents: given, processInstanceKey: after.process_instance_key },
      });
      return detail(req, after);
    },
  );

  app.post(
    '/:id/request-completion',
    {
      schema: {
        tags,
        summary: 'Ask the citizen to complete an online submission (once; Mẫu 02); the citizen gets the link',
        security,
        params: DossierIdParams,
        body: RequestCompletionBody,
        response: { 200: DossierDetail, ...errors },
      },
    },
    async (req) => {
      const d = await forDeskAction(req, req.params.id, ['SUBMITTED']);
      const reason = plainText(req.body.reason);
      if (!reason) throw fail(400, 'SUPPLEMENT_REASON_REQUIRED', {}, 'Hãy nêu nội dung cần bổ sung / Say what must be completed');
      const procedure = await procedureOf(d.procedure_code);
      const names = new Map(procedure.required_documents.map((r) => [r.code, r.name]));
      const unknown = (req.body.documents ?? []).filter((c) => !names.has(c));
      if (unknown.length)
        throw fail(
          400,
          'UNKNOWN_DOCUMENTS',
          { codes: unknown.join(', ') },
          `Thủ tục không có thành phần hồ sơ: ${unknown.join(', ')} / Unknown document codes: ${unknown.join(', ')}`,
        );
      const list = (req.body.documents ?? []).map((c) => names.get(c)!);
      const after = await requestCompletion(app.db, {
        dossierId: d.id,
        actor: req.currentUser.username,
        reason,
        documents: req.body.documents ?? [],
        names: list,
      });
      await req.audit('onestop.dossier.request_completion', {
        target: { type: 'dossier', id: dossierLabel(d) },
        before: { status: d.status },
        after: { status: after.status, documents: req.body.documents ?? [] },
        reason,
      });
      return detail(req, after);
    },
  );

  app.post(
    '/:id/refuse',
    {
      schema: {
        tags,
        summary: 'Refuse to receive (Mẫu 03) with the reasons',
        security,
        params: DossierIdParams,
        body: ReasonBody,
        response: { 200: DossierDetail, ...errors },
      },
    },
    async (req) => {
      const d = await forDeskAction(req, req.params.id, ['SUBMITTED', 'SUPPLEMENT_REQUESTED_AT_RECEIPT']);
      const reason = plainText(req.body.reason);
      if (!reason) throw fail(400, 'REASON_REQUIRED', {}, 'Hãy nêu lý do từ chối / A reason is required');
      const after = await refuseReceipt(app.db, { dossierId: d.id, actor: req.currentUser.username, reason });
      await req.audit('onestop.dossier.refuse', {
        target: { type: 'dossier', id: dossierLabel(d) },
        before: { status: d.status },
        after: { status: after.status },
        reason,
      });
      return detail(req, after);
    },
  );

  app.post(
    '/:id/withdraw',
    {
      schema: {
        tags,
        summary: "Withdraw the dossier at the citizen's request (message onestop-withdraw once the process runs)",
        security,
        params: DossierIdParams,
        body: ReasonBody,
        response: { 202: WithdrawReply, ...errors },
      },
    },
    async (req, reply) => {
      const d = await visible(req, req.params.id);
      await assertDeskOfficer(app.db, req.currentUser, d.desk_unit_code);
      const reason = plainText(req.body.reason);
      if (!reason) throw fail(400, 'REASON_REQUIRED', {}, 'Hãy nêu lý do rút hồ sơ / A reason is required');
      const outcome = await withdrawDossier(app.db, app.zeebe, d, reason, req.currentUser.username);
      await req.audit('onestop.dossier.withdraw', {
        target: { type: 'dossier', id: dossierLabel(d) },
        before: { status: d.status },
        after: { outcome },
        reason,
      });
      reply.status(202);
      return { outcome, status: (await getDossier(app.db, d.id))!.status };
    },
  );

  app.post(
    '/:id/fees/request',
    {
      schema: {
        tags,
        summary: 'Pause the dossier until the citizen pays fees or taxes (status AWAITING_FEES; the case clock stops)',
        security,
        params: DossierIdParams,
        body: ReasonBody,
        response: { 200: DossierDetail, ...errors },
      },
    },
    async (req) => {
      const d = await visible(req, req.params.id);
      await assertFeesHandler(app.db, req.currentUser.unit.code, d);
      const reason = plainText(req.body.reason);
      if (!reason) throw fail(400, 'REASON_REQUIRED', {}, 'Hãy nêu khoản phí, lệ phí, thuế phải nộp / Name the fees or taxes to pay');
      const after = await requestFees(app.db, d.id, { reason, by: req.currentUser.username });
      await req.audit('onestop.dossier.fees_requested', {
        target: { type: 'dossier', id: dossierLabel(d) },
        before: { status: d.status },
        after: { status: after.status },
        reason,
      });
      return detail(req, after);
    },
  );

  app.post(
    '/:id/fees/paid',
    {
      schema: {
        tags,
        summary: 'Record that the fees or taxes are paid: the clock runs again, the appointment moves by the paused working time',
        security,
        params: DossierIdParams,
        response: { 200: DossierDetail, ...errors },
      },
    },
    async (req) => {
      const d = await visible(req, req.params.id);
      await assertFeesHandler(app.db, req.currentUser.unit.code, d);
      const after = await feesPaid(app.db, d.id, { by: req.currentUser.username });
      await req.audit('onestop.dossier.fees_paid', {
        target: { type: 'dossier', id: dossierLabel(d) },
        before: { status: d.status, appointmentAt: d.appointment_at },
        after: { status: after.status, appointmentAt: after.appointment_at },
      });
      return detail(req, after);
    },
  );

  app.post(
    '/:id/paper-handover',
    {
      schema: {
        tags,
        summary: "The receiving desk hands the paper dossier over to the competent agency's desk (received regardless of administrative boundary; once)",
        security,
        params: DossierIdParams,
        body: PaperHandoverBody,
        response: { 200: DossierDetail, ...errors },
      },
    },
    async (req) => {
      const d = await visible(req, req.params.id);
      // The desk that received it (administrators too); the competent agency's desk receives the paper, it does not send it.
      await assertDeskOfficer(app.db, req.currentUser, d.received_desk_code ?? d.desk_unit_code);
      const note = req.body.note ? plainText(req.body.note) || null : null;
      await handOverPaper(app.db, d, { actor: req.currentUser.username, note });
      await req.audit('onestop.dossier.paper_handover', {
        target: { type: 'dossier', id: d.code ?? d.reference },
        after: { from: d.received_desk_code, to: d.desk_unit_code },
        ...(note ? { reason: note } : {}),
      });
      return detail(req, (await getDossier(app.db, d.id))!);
    },
  );

  app.get(
    '/:id/slip.pdf',
    {
      schema: {
        tags,
        summary: 'Receipt and appointment slip (Mẫu 01) as PDF, with the QR code of the lookup address (desk staff of the dossier only)',
        security,
        params: DossierIdParams,
        response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), ...errors },
      },
    },
    async (req, reply) => {
      const d = await visible(req, req.params.id);
      // The slip's QR code is the citizen's lookup key: only the receiving desk prints it.
      if (!(await slipPrinter(req, d)))
        throw fail(
          403,
          'SLIP_RECEIVING_DESK_ONLY',
          {},
          "Chỉ bộ phận một cửa tiếp nhận hồ sơ mới in được giấy hẹn (có mã tra cứu của công dân) / Only the receiving desk prints the slip (it carries the citizen's lookup key)",
        );
      if (!d.received_at || !d.original_appointment_at)
        throw fail(409, 'SLIP_NOT_YET', {}, 'Hồ sơ chưa được tiếp nhận, chưa có giấy hẹn / The dossier has not been received: no slip yet');
      const pdf = await renderReceiptSlip(await slipData(app.db, d));
      return sendFile(reply, { name: `giay-hen-${d.code}.pdf`, type: 'pdf', body: pdf, inline: true, utf8Name: true, noStore: true });
    },
  );

  app.get(
    '/:id/files/:docId',
    { schema: { tags, summary: 'Download a document of the dossier', security, params: DossierDocParams, response: { ...errors, 404: ErrorBody } } },
    async (req, reply) => {
      const d = await visible(req, req.params.id);
      const file = await findDossierDocument(app.db, d.id, req.params.docId);
      if (!file) throw fail(404, 'DOSSIER_FILE_NOT_FOUND', {}, 'Không có tệp này trong hồ sơ / No such file in this dossier');
      const handle = await openStored(filesRoot, file.storage_path);
      if (!handle) throw fail(404, 'FILE_MISSING', {}, 'Tệp không còn trên máy chủ / The file is missing on the server');
      return sendFile(reply, { name: file.file_name, type: file.mime_type, body: handle.createReadStream(), upload: { size: file.size_bytes }, noStore: true });
    },
  );
};

export default dossiers;
