import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorBody } from '../../schemas/common.js';
import { limitPerMinute, writesPerMinute } from '../../plugins/external/rate-limit.js';
import { PublicActionReply, PublicCodeParams, PublicDossier, PublicProcedureList, PublicWithdrawBody, SubmitReply } from '../../schemas/onestop.js';
import { getDossier, getDossierByCodeOrReference, type Applicant, type DossierRow } from '../../../domain/onestop/dossiers.js';
import { dossierLabel } from '../../../domain/onestop/code.js';
import { activeProcedure, assertComplete, ReceptionError, withdrawDossier } from '../../../domain/onestop/reception.js';
import { publicLookupView, submitOnline, supplementDossier } from '../../../domain/onestop/citizen.js';
import { NOT_FOUND, tokenMatches } from '../../../domain/onestop/evaluation.js';
import multipart from '@fastify/multipart';
import { checkFiles, discardFiles, readMultipart, type CheckedFile, type ParsedForm } from './uploads.js';
import { quotaMessage, submissionsToday } from '../../../domain/onestop/public-guard.js';
import { lookupUrl } from '../../../domain/onestop/settings.js';
import { deskNames, findProcedure, listProcedures } from '../../../domain/onestop/catalogue.js';
import { procedureForAgency } from '../../../domain/onestop/agencies.js';
import { ALLOWED_EXTENSIONS } from '../../../lib/file-store.js';
import { sendAndWait } from '../../../engine/outbox.js';
import { plainText } from '../../../lib/plain-text.js';
import { isEmail, MAX_FORM_FIELD_BYTES } from '../../../lib/limits.js';
import { fail } from '../../../lib/errors.js';

export interface PublicOptions {
  /** Lookups per minute and address (default ONESTOP_PUBLIC_LOOKUPS_PER_MIN or 30); writes get a third. */
  lookupsPerMinute?: number;
  /** Online submissions per address and day (default ONESTOP_SUBMISSIONS_PER_DAY or 20; 0 = none). */
  submissionsPerDay?: number;
}

/** Longest value of each text field of the public forms (characters, after trimming). */
export const FIELD_MAX: Record<string, { max: number; vi: string; en: string }> = {
  procedureCode: { max: 50, vi: 'mã thủ tục', en: 'procedure code' },
  agencyCode: { max: 50, vi: 'cơ quan giải quyết', en: 'competent agency' },
  applicantName: { max: 200, vi: 'họ tên người nộp', en: 'applicant name' },
  applicantIdNumber: { max: 20, vi: 'số định danh', en: 'ID number' },
  applicantPhone: { max: 20, vi: 'số điện thoại', en: 'phone' },
  applicantEmail: { max: 254, vi: 'email', en: 'email' },
  applicantAddress: { max: 500, vi: 'địa chỉ', en: 'address' },
  note: { max: 2000, vi: 'ghi chú', en: 'note' },
};

/** The fields of a form longer than allowed, named: "ghi chú (note): tối đa 2000 ký tự / at most 2000 characters". */
function overLong(fields: Record<string, string>): string[] {
  return Object.entries(FIELD_MAX)
    .filter(([name, { max }]) => (fields[name]?.length ?? 0) > max)
    .map(([name, { max, vi, en }]) => `${vi} (${name}) tối đa ${max} ký tự / ${en} (${name}) at most ${max} characters`);
}

const tags = ['public (no login)'];
const TOKEN_HEADER = 'x-lookup-token';
/** The one answer for an unknown code and a wrong key: no oracle. */
export { NOT_FOUND };

/**
 * The citizen's side of the one-stop desk, without login and rate-limited per address: the active
 * procedures, online submission (multipart with attachments), lookup by code (and with the key from
 * the QR code: the masked name, the notices, supplement and withdrawal), supplement, withdrawal.
 */
const publicRoutes: FastifyPluginAsyncTypebox<PublicOptions> = async (app, opts) => {
  const perMinute = opts.lookupsPerMinute ?? app.config.publicLookupsPerMin;
  const maxFileBytes = app.config.attachmentMaxBytes;
  const maxBody = 3 * maxFileBytes;
  const filesRoot = path.join(app.config.dataDir, 'files');
  const perDay = opts.submissionsPerDay ?? app.config.onestopSubmissionsPerDay;

  const writes = writesPerMinute(perMinute);

  // Multipart bodies are read as they arrive (readMultipart): small text fields, files to disk.
  await app.register(multipart, { throwFileSizeLimit: false, limits: { fileSize: maxFileBytes + 1, fieldSize: MAX_FORM_FIELD_BYTES, fields: 50, parts: 100 } });
  app.addHook('onRequest', async (req, reply) => {
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data')) return;
    const declared = Number(req.headers['content-length']);
    // A form without its length (chunked) is refused: the length bounds what is read.
    if (req.headers['content-length'] === undefined || !Number.isFinite(declared)) {
      reply.header('connection', 'close');
      throw fail(411, 'CONTENT_LENGTH_REQUIRED', {}, 'Cần khai báo độ dài dữ liệu (Content-Length) / Content-Length is required');
    }
    if (declared > maxBody) {
      reply.header('connection', 'close');
      throw fail(
        413,
        'SUBMISSION_TOO_LARGE',
        { mb: Math.round(maxBody / 1024 / 1024) },
        `Hồ sơ gửi lên vượt quá ${Math.round(maxBody / 1024 / 1024)} MB / The submission exceeds ${Math.round(maxBody / 1024 / 1024)} MB`,
      );
    }
  });

  const errors = { 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, 411: ErrorBody, 413: ErrorBody, 415: ErrorBody, 429: ErrorBody, 503: ErrorBody };

  /**
   * The dossier of a tracking reference (before and after receipt) or of a code (after receipt), and
   * whether the request holds its key; unknown name or a wrong key: 404.
   */
  const byCode = async (req: FastifyRequest, code: string, needToken: boolean): Promise<{ d: DossierRow; holder: boolean }> => {
    const d = /^[A-Za-z0-9._-]{1,60}$/.test(code) ? await getDossierByCodeOrReference(app.db, code) : undefined;
    const given = req.headers[TOKEN_HEADER];
    const token = typeof given === 'string' && given ? given : undefined;
    if (!d) throw fail(404, 'LOOKUP_NOT_FOUND', {}, NOT_FOUND);
    const holder = token !== undefined && tokenMatches(d.lookup_token, token);
    if ((token || needToken) && !holder) throw fail(404, 'LOOKUP_NOT_FOUND', {}, NOT_FOUND);
    return { d, holder };
  };

  const readForm = (req: FastifyRequest) => readMultipart(req, { filesRoot, maxFileBytes });

  app.get(
    '/procedures',
    {
      config: limitPerMinute(perMinute * 2),
      schema: { tags, summary: 'Procedures open for submission', response: { 200: PublicProcedureList, 429: ErrorBody } },
    },
    async () => {
      const rows = await listProcedures(app.db);
      const desks = await deskNames(app.db);
      return {
        items: rows.map((p) => ({
          code: p.code,
          name: p.name,
          field: p.field,
          agencyName: p.agency_name,
          timeLimitDays: Number(p.time_limit_days),
          timeLimitUnit: p.time_limit_unit ?? 'working_days',
          fees: p.fees,
          requiredDocuments: p.required_documents,
          result: p.result,
          onlineLevel: p.online_level,
          legalBasis: p.legal_basis,
          // the competent agencies the citizen picks from (e.g. their commune); the first by default
          agencies: (p.agencies ?? []).map((a) => ({
            agencyCode: a.agency_code,
            agencyName: a.agency_name,
            deskUnitName: desks.get(a.desk_unit_code) ?? a.desk_unit_code,
          })),
        })),
        maxFileBytes,
        allowedExtensions: ALLOWED_EXTENSIONS,
      };
    },
  );

  app.post(
    '/dossiers',
    {
      config: limitPerMinute(writes),
      schema: {
        tags,
        summary:
          'Submit a dossier online (multipart/form-data): procedureCode, agencyCode (the competent agency chosen; default the first), applicantName, applicantIdNumber, applicantPhone, applicantEmail, applicantAddress, note; files "doc:<document code>"',
        consumes: ['multipart/form-data'],
        response: { 201: SubmitReply, ...errors },
      },
    },
    async (req, reply) => {
      // The quota first, before the body is read: an address over it sends nothing to the disk.
      if (perDay > 0 && (await submissionsToday(app.db, req.ip)) >= perDay)
        throw new ReceptionError(429, quotaMessage(perDay), 'SUBMISSION_QUOTA', undefined, { perDay });
      const form = await readForm(req);
      let files: CheckedFile[] = [];
      try {
        const f = form.fields;
        // Lengths first (named, never cut), then the patterns, which see short strings only.
        const tooLong = overLong(f);
        if (tooLong.length)
          throw new ReceptionError(400, `Thông tin quá dài: ${tooLong.join('; ')}`, 'FIELD_TOO_LONG', {
            fields: Object.keys(FIELD_MAX).filter((k) => (f[k]?.length ?? 0) > FIELD_MAX[k].max),
          });
        // The competent agency the citizen chose (its code, desk and process); none: the procedure's first.
        const procedure = await procedureForAgency(app.db, await activeProcedure(app.db, f.procedureCode ?? ''), f.agencyCode || null);
        const applicant: Applicant = { name: plainText(f.applicantName ?? '') };
        const problems: string[] = [];
        const fields: string[] = [];
        const bad = (field: string, what: string) => (fields.push(field), problems.push(what));
        if (!applicant.name) bad('applicantName', 'họ tên người nộp (1–200 ký tự) / applicant name (1–200 characters)');
        if (f.applicantIdNumber)
          /^[0-9A-Za-z]{1,20}$/.test(f.applicantIdNumber) ? (applicant.idNumber = f.applicantIdNumber) : bad('applicantIdNumber', 'số định danh / ID number');
        if (f.applicantPhone)
          /^[0-9 +().-]{6,20}$/.test(f.applicantPhone) ? (applicant.phone = f.applicantPhone) : bad('applicantPhone', 'số điện thoại / phone');
        if (f.applicantEmail) isEmail(f.applicantEmail) ? (applicant.email = f.applicantEmail) : bad('applicantEmail', 'email');
        if (f.applicantAddress) applicant.address = plainText(f.applicantAddress);
        if (problems.length)
          throw fail(
            400,
            'APPLICANT_INVALID',
            { fields: fields.join(', ') },
            `Thông tin không hợp lệ: ${problems.join('; ')} / Invalid: ${problems.join('; ')}`,
          );
        files = await checkFiles(form.files, maxFileBytes, new Set(procedure.required_documents.map((d) => d.code)));
        // Online, one file stands for the copies the catalogue asks for.
        assertComplete(
          procedure,
          procedure.required_documents.filter((r) => files.some((x) => x.requirementCode === r.code)).map((r) => ({ code: r.code, copies: r.copies })),
        );
        const d = await submitOnline(app.db, {
          clientIp: req.ip,
          perDay,
          procedure,
          applicant,
          filesRoot,
          files,
          note: f.note ? plainText(f.note) || null : null,
        });
        await req.audit('onestop.public.submit', {
          actor: { username: null },
          target: { type: 'dossier', id: d.reference },
          after: { procedureCode: procedure.code, files: files.map((x) => ({ requirement: x.requirementCode, name: x.fileName, sha256: x.upload.sha256 })) },
        });
        reply.status(201);
        // No code yet: the desk gives it when it receives the dossier (TT 03/2025 Art. 13).
        return { reference: d.reference, code: null, status: d.status, lookupToken: d.lookup_token, lookupUrl: lookupUrl(d.reference, d.lookup_token) };
      } catch (err) {
        await discardFiles(form.files);
        throw err;
      }
    },
  );

  app.get(
    '/dossiers/:code',
    {
      config: limitPerMinute(perMinute),
      schema: {
        tags,
        summary: `Look a dossier up by its tracking reference (TN-XXXX-XXXX-XXXX, before and after receipt) or its code (after receipt); with the key of the QR code (header ${TOKEN_HEADER}) also the masked name, notices and the citizen's actions`,
        params: PublicCodeParams,
        response: { 200: PublicDossier, ...errors },
      },
    },
    async (req) => {
      const { d, holder } = await byCode(req, req.params.code, false);
      return publicLookupView(app.db, d, holder);
    },
  );

  app.post(
    '/dossiers/:code/supplement',
    {
      config: limitPerMinute(writes),
      schema: {
        tags,
        summary: `Supplement the dossier (multipart: note, files "doc:<code>"; key in ${TOKEN_HEADER}). During processing it resumes the process (message onestop-supplement); at receipt it goes back to the desk. Once per request.`,
        params: PublicCodeParams,
        consumes: ['multipart/form-data'],
        response: { 202: PublicActionReply, ...errors },
      },
    },
    async (req, reply) => {
      const { d } = await byCode(req, req.params.code, true);
      const form = await readForm(req);
      try {
        return await supplement(req, reply, d, form);
      } catch (err) {
        await discardFiles(form.files);
        throw err;
      }
    },
  );

  const supplement = async (req: FastifyRequest, reply: FastifyReply, d: DossierRow, form: ParsedForm) => {
    const tooLong = overLong({ note: form.fields.note ?? '' });
    if (tooLong.length) throw new ReceptionError(400, `Thông tin quá dài: ${tooLong.join('; ')}`, 'FIELD_TOO_LONG', { fields: ['note'] });
    const note = form.fields.note ? plainText(form.fields.note) : '';
    const p = (await findProcedure(app.db, d.procedure_code))!;
    if (d.status !== 'SUPPLEMENT_REQUESTED_IN_PROCESSING' && d.status !== 'SUPPLEMENT_REQUESTED_AT_RECEIPT') {
      throw new ReceptionError(
        409,
        'Hồ sơ không chờ bổ sung (yêu cầu bổ sung đã được đáp ứng hoặc không có) / The dossier is not waiting for a supplement',
        'NOT_WAITING',
      );
    }
    if (!form.files.length && !note)
      throw fail(400, 'SUPPLEMENT_EMPTY', {}, 'Hãy đính kèm giấy tờ bổ sung hoặc ghi nội dung bổ sung / Attach the documents or write what you supplement');
    const files: CheckedFile[] = await checkFiles(form.files, maxFileBytes, new Set(p.required_documents.map((x) => x.code)));
    let stored: Awaited<ReturnType<typeof supplementDossier>>;
    try {
      stored = await supplementDossier(app.db, { dossier: d, filesRoot, files, note });
    } catch (err) {
      await discardFiles(files);
      throw err;
    }
    const { outcome, outboxId } = stored;
    // The message onestop-supplement, committed with the answer, is sent right after (the relay re-sends it if lost).
    if (outboxId) await sendAndWait(app.db, app.zeebe, outboxId).catch(() => undefined);
    await req.audit('onestop.public.supplement', {
      actor: { username: null },
      target: { type: 'dossier', id: dossierLabel(d) },
      after: { outcome, files: files.map((x) => ({ requirement: x.requirementCode, name: x.fileName, sha256: x.upload.sha256 })) },
    });
    reply.status(202);
    const now = (await getDossier(app.db, d.id))!;
    return { code: now.code, reference: now.reference, status: now.status, outcome };
  };

  app.post(
    '/dossiers/:code/withdraw',
    {
      config: limitPerMinute(writes),
      schema: {
        tags,
        summary: `Withdraw the dossier (key in ${TOKEN_HEADER})`,
        params: PublicCodeParams,
        body: PublicWithdrawBody,
        response: { 202: PublicActionReply, ...errors },
      },
    },
    async (req, reply) => {
      const { d } = await byCode(req, req.params.code, true);
      const reason = plainText(req.body.reason);
      if (!reason) throw fail(400, 'REASON_REQUIRED', {}, 'Hãy nêu lý do rút hồ sơ / A reason is required');
      const outcome = await withdrawDossier(app.db, app.zeebe, d, reason, 'citizen');
      await req.audit('onestop.public.withdraw', {
        actor: { username: null },
        target: { type: 'dossier', id: dossierLabel(d) },
        before: { status: d.status },
        after: { outcome },
        reason,
      });
      reply.status(202);
      const now = (await getDossier(app.db, d.id))!;
      return { code: now.code, reference: now.reference, status: now.status, outcome };
    },
  );
};

export default publicRoutes;
