import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorBody } from '../../schemas/common.js';
import { limitPerMinute, writesPerMinute } from '../../plugins/external/rate-limit.js';
import { PublicComplaintBody, PublicComplaintParams, PublicComplaintReceipt, PublicComplaintStatus } from '../../schemas/iso.js';
import { complaintTrackingUrl, publicComplaintStatus, receivePublicComplaint, relatedDossier } from '../../../domain/iso/complaints.js';
import { plainText } from '../../../lib/plain-text.js';
import { fail } from '../../../lib/errors.js';

export interface PublicFeedbackOptions {
  /** Lookups per minute and address (default ONESTOP_PUBLIC_LOOKUPS_PER_MIN or 30); submissions get a third (at least 5). */
  lookupsPerMinute?: number;
}

const tags = ['public (no login)'];
const TOKEN_HEADER = 'x-lookup-token';
/** One answer for an unknown code and a wrong key: no oracle. */
export const COMPLAINT_NOT_FOUND = 'Không tìm thấy phản ánh hoặc mã tra cứu không đúng / No such complaint, or the tracking key is wrong';

/**
 * Complaints and feedback of citizens without login (ISO 9001 clauses 8.2.1, 9.1.2): the form starts
 * the complaint process (processes/iso-xu-ly-phan-anh.bpmn) like one recorded by an officer; the
 * citizen gets a code and a tracking key to follow the status and read the answer. Rate-limited per
 * address like the other /api/public routes.
 */
const publicFeedback: FastifyPluginAsyncTypebox<PublicFeedbackOptions> = async (app, opts) => {
  const perMinute = opts.lookupsPerMinute ?? app.config.publicLookupsPerMin;
  const writes = writesPerMinute(perMinute);
  const errors = { 400: ErrorBody, 404: ErrorBody, 429: ErrorBody };

  app.post(
    '/complaints',
    {
      config: limitPerMinute(writes),
      schema: {
        tags,
        summary: 'Send a complaint or feedback (góp ý, phản ánh, khiếu nại), optionally about a dossier; returns the code and the tracking key',
        body: PublicComplaintBody,
        response: { 201: PublicComplaintReceipt, ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const title = plainText(b.title),
        content = plainText(b.content),
        name = plainText(b.name),
        contact = b.contact ? plainText(b.contact) : '';
      const problems: string[] = [];
      const fields: string[] = [];
      const bad = (field: string, what: string) => (fields.push(field), problems.push(what));
      if (title.length < 5) bad('title', 'tiêu đề (ít nhất 5 ký tự) / title (at least 5 characters)');
      if (content.length < 5) bad('content', 'nội dung (ít nhất 5 ký tự) / content (at least 5 characters)');
      if (name.length < 2) bad('name', 'họ tên (ít nhất 2 ký tự) / name (at least 2 characters)');
      if (problems.length)
        throw fail(400, 'COMPLAINT_INVALID', { fields: fields.join(', ') }, `Thông tin không hợp lệ: ${problems.join('; ')} / Invalid: ${problems.join('; ')}`);
      const dossierCode = b.dossierCode?.trim();
      const dossier = dossierCode ? await relatedDossier(app.db, dossierCode) : undefined;
      if (dossierCode && !dossier)
        throw fail(
          400,
          'DOSSIER_NOT_FOUND',
          { code: dossierCode },
          `Không tìm thấy hồ sơ có mã ${dossierCode}; kiểm tra lại mã trên giấy tiếp nhận / No dossier ${dossierCode}`,
        );
      // Saved first: if the engine is unreachable now, the ISO sweep starts the process later.
      const c = await receivePublicComplaint(
        app.db,
        app.zeebe,
        { title, content, submitter: name, contact: contact || null, kind: b.kind, dossierCode: dossier?.code ?? null, caseKey: dossier?.caseKey ?? null },
        (err, complaintId) => req.log.warn({ err: String(err), complaintId }, 'complaint saved, process start deferred to the ISO sweep'),
      );
      await req.audit('iso.complaint.public', {
        actor: { username: null },
        target: { type: 'complaint', id: c.id },
        after: { code: c.code, kind: b.kind, dossierCode: dossier?.code ?? null },
      });
      return reply.status(201).send({ code: c.code, status: c.status, trackingToken: c.token, trackingUrl: complaintTrackingUrl(c.code, c.token) });
    },
  );

  app.get(
    '/complaints/:code',
    {
      config: limitPerMinute(perMinute),
      schema: {
        tags,
        summary: `Status and answer of a complaint, with its tracking key in the header ${TOKEN_HEADER}`,
        params: PublicComplaintParams,
        response: { 200: PublicComplaintStatus, ...errors },
      },
    },
    async (req) => {
      const given = req.headers[TOKEN_HEADER];
      const out = await publicComplaintStatus(app.db, req.params.code, typeof given === 'string' ? given : undefined);
      if (!out) throw fail(404, 'COMPLAINT_LOOKUP_NOT_FOUND', {}, COMPLAINT_NOT_FOUND);
      return out;
    },
  );
};
export default publicFeedback;
