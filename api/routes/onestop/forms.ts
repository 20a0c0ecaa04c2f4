import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors } from '../../schemas/common.js';
import { DossierFormParams, ReceptionForm, ReceptionFormBody, ReceptionFormIdParams, RegisterQuery } from '../../schemas/onestop.js';
import { getDossier } from '../../../domain/onestop/dossiers.js';
import { canReadDossierForms, canReadReceptionForm } from '../../../domain/onestop/views.js';
import { activeProcedure, issueInPersonForm } from '../../../domain/onestop/reception.js';
import { procedureForAgency, receivingDesk } from '../../../domain/onestop/agencies.js';
import { getReceptionForm, type ReceptionFormRow } from '../../../domain/onestop/forms.js';
import { dossierFormPdf, receptionFormPdf, renderRegisterPdf } from '../../../domain/onestop/forms-pdf.js';
import { assertRegisterReader, registerOf, registerPeriod, registerWorkbook } from '../../../domain/onestop/register.js';
import { plainText } from '../../../lib/plain-text.js';
import { fail } from '../../../lib/errors.js';
import { sendFile } from '../download.js';
import * as clock from '../../../lib/clock.js';

const security = [{ bearer: [] }];
const tags = ['one-stop forms'];
const Binary = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });

const FILE_NAMES = {
  '02': 'yeu-cau-bo-sung',
  '02-processing': 'yeu-cau-bo-sung-khi-giai-quyet',
  '03': 'tu-choi-tiep-nhan',
  '05': 'thong-bao-dung',
  '06': 'phieu-kiem-soat',
} as const;

const toReceptionForm = (f: ReceptionFormRow): ReceptionForm => ({
  id: String(f.id),
  form: f.form,
  dossierId: f.dossier_id ? String(f.dossier_id) : null,
  procedureCode: f.procedure_code,
  deskUnitCode: f.desk_unit_code,
  applicantName: f.applicant.name,
  reason: f.reason,
  documents: f.documents.map((d) => ({ code: d.code, name: d.name })),
  issuedBy: f.issued_by,
  issuedAt: f.issued_at.toISOString(),
});

/**
 * The forms of TT 03/2025/TT-VPCP Phụ lục I beside the slip (01, dossiers.ts) and the apology (04,
 * onestop-stats): per dossier 02 (at reception and, as 02-processing, during processing), 03, 05, 06 as PDFs; 02 and 03 issued in person to someone whose dossier
 * is not received (no dossier); 07, the register of a unit over a period, as PDF or Excel.
 */
const forms: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);
  // Issuing a form is desk work: designers and auditors read at most (the desk unit is checked per procedure).
  app.addHook('preValidation', async (req) => {
    if (req.method !== 'GET' && !req.currentUser.roles.some((r) => r === 'officer' || r === 'leader' || r === 'admin'))
      throw fail(403, 'ONESTOP_STAFF_ONLY', {}, 'Chỉ cán bộ bộ phận một cửa mới thực hiện được thao tác này / Only one-stop desk staff can do this');
  });

  app.get(
    '/dossiers/:id/forms/:form',
    {
      schema: {
        tags,
        summary:
          'A form of the dossier as PDF: 02 completion request (at reception), 02-processing the same form for a supplement asked during processing, 03 refusal, 05 notice of stopping, 06 process control slip',
        security,
        params: DossierFormParams,
        response: { 200: Binary, ...errors },
      },
    },
    async (req, reply) => {
      const d = await getDossier(app.db, req.params.id);
      if (!d) throw fail(404, 'DOSSIER_NOT_FOUND', { code: req.params.id }, `Không có hồ sơ ${req.params.id} / No dossier ${req.params.id}`);
      if (!(await canReadDossierForms(app.db, req.currentUser, d)))
        throw fail(
          403,
          'ONESTOP_FORMS_READERS_ONLY',
          {},
          "Chỉ bộ phận một cửa, cán bộ của đơn vị giải quyết hồ sơ, lãnh đạo và kiểm tra viên phụ trách mới in được các mẫu của hồ sơ / Only the desk, the dossier's units, their leaders and auditors print its forms",
        );
      const form = req.params.form;
      const pdf = await dossierFormPdf(app.db, d, form);
      if (!pdf) throw fail(409, 'ONESTOP_FORM_NOT_ISSUED', { form }, `Hồ sơ ${d.code} chưa có mẫu số ${form} / The dossier has no form ${form}`);
      return sendFile(reply, { name: `mau-${form}-${FILE_NAMES[form]}-${d.code}.pdf`, type: 'pdf', body: pdf, inline: true, utf8Name: true, noStore: true });
    },
  );

  app.post(
    '/reception-forms',
    {
      schema: {
        tags,
        summary: 'Issue a form 02 (completion request) or 03 (refusal to receive) to a person at the desk whose dossier is not received',
        security,
        body: ReceptionFormBody,
        response: { 201: ReceptionForm, ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      // Any desk of the province issues them for any competent agency (NĐ 118/2025): the form names the issuing desk.
      const offered = await procedureForAgency(app.db, await activeProcedure(app.db, b.procedureCode), b.agencyCode);
      const procedure = { ...offered, desk_unit_code: await receivingDesk(app.db, req.currentUser, offered) };
      const reason = plainText(b.reason);
      if (!reason) throw fail(400, 'REASON_REQUIRED', {}, 'Hãy nêu lý do / A reason is required');
      const applicant = { ...b.applicant, name: plainText(b.applicant.name) };
      if (!applicant.name) throw fail(400, 'APPLICANT_NAME_REQUIRED', {}, 'Thiếu họ tên người nộp / The applicant name is required');
      const f = await issueInPersonForm(app.db, {
        form: b.form,
        procedure,
        channel: b.channel ?? 'in_person',
        applicant,
        reason,
        documents: b.documents ?? [],
        officer: req.currentUser,
      });
      await req.audit(b.form === '03' ? 'onestop.reception.refuse' : 'onestop.reception.request_completion', {
        target: { type: 'reception_form', id: f.id },
        after: { form: f.form, procedureCode: procedure.code, documents: b.documents ?? [] },
        reason,
      });
      reply.status(201);
      return toReceptionForm(f);
    },
  );

  app.get(
    '/reception-forms/:id/pdf',
    {
      schema: {
        tags,
        summary: 'A form 02 or 03 issued at the desk, as PDF',
        security,
        params: ReceptionFormIdParams,
        response: { 200: Binary, ...errors },
      },
    },
    async (req, reply) => {
      const f = await getReceptionForm(app.db, req.params.id);
      if (!f) throw fail(404, 'RECEPTION_FORM_NOT_FOUND', {}, 'Không có phiếu này / No such form');
      if (!(await canReadReceptionForm(app.db, req.currentUser, f)))
        throw fail(
          403,
          'ONESTOP_FORMS_READERS_ONLY',
          {},
          'Chỉ bộ phận một cửa đã lập phiếu, lãnh đạo và kiểm tra viên phụ trách mới xem được / Only the issuing desk, its leaders and auditors read it',
        );
      const pdf = await receptionFormPdf(app.db, f);
      return sendFile(reply, { name: `mau-${f.form}-${FILE_NAMES[f.form]}-${f.id}.pdf`, type: 'pdf', body: pdf, inline: true, noStore: true });
    },
  );

  app.get(
    '/register',
    {
      schema: {
        tags,
        summary: 'Form 07, the register of dossiers (Sổ theo dõi hồ sơ) of a unit over a period of receipt, as PDF or Excel',
        security,
        querystring: RegisterQuery,
        response: { 200: Binary, ...errors },
      },
    },
    async (req, reply) => {
      const { unit, format = 'pdf' } = req.query;
      const period = registerPeriod(req.query.from, req.query.to);
      await assertRegisterReader(app.db, req.currentUser, unit);
      const r = await registerOf(app.db, { unitCode: unit, ...period });
      const now = clock.now();
      const name = `so-theo-doi-ho-so-${unit}-${period.from}-${period.to}`;
      if (format === 'xlsx')
        return sendFile(reply, { name: `${name}.xlsx`, type: 'xlsx', body: await registerWorkbook(r, now), utf8Name: true, noStore: true });
      return sendFile(reply, { name: `${name}.pdf`, type: 'pdf', body: await renderRegisterPdf(r, now), inline: true, utf8Name: true, noStore: true });
    },
  );
};

export default forms;
