import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { errors } from '../../schemas/common.js';
import {
  Apology,
  ApologyBody,
  ApologyList,
  ApologyListQuery,
  ApologyWindow,
  InstanceKeyParams,
  DossierCodeParams,
  EvaluationResults,
  EvaluationResultsQuery,
  OverdueList,
  OverdueQuery,
  ServiceIndexQuery,
  ServiceIndexReport,
  StatsQuery,
  StatsReport,
} from '../../schemas/onestop-stats.js';
import { subtreeCodes } from '../../../domain/audit/case-search.js';
import { isLocalDate, toLocalIso } from '../../../domain/deadlines/calendar/index.js';
import { agencyScope, officerAgencyCodes, onestopStatistics, overdueDossiers, type StatsReport as Report } from '../../../domain/onestop/stats.js';
import { statsWorkbook } from '../../../domain/onestop/stats-excel.js';
import {
  apologyOfDossier,
  apologyReaderAgencies,
  apologyWindow,
  dossierCodeOfInstance,
  approveApology,
  draftApology,
  findDossierByCode,
  listApologies,
  notifyApologyDrafted,
  renderApologyPdf,
  toApology,
} from '../../../domain/onestop/apology.js';
import { evaluationResults } from '../../../domain/onestop/evaluation.js';
import { serviceIndex } from '../../../domain/onestop/service-index.js';
import { fail } from '../../../lib/errors.js';
import { sendFile } from '../download.js';
import * as clock from '../../../lib/clock.js';

const security = [{ bearer: [] }];
const tags = ['onestop-stats'];
const Binary = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });
const MAX_PERIOD_DAYS = 366 * 5;

/**
 * One-stop statistics for leaders (their unit's subtree) and administrators (everything): Biểu II.06a as
 * JSON and Excel, the overdue list with the stuck step, the evaluation aggregates; and the apology
 * letters: drafted by an officer of the resolving agency, approved by its leader, printed as a PDF.
 */
const onestopStats: FastifyPluginAsyncTypebox = async (app) => {
  const leaders = app.requireRole('leader', 'admin');
  const staff = app.requireRole('officer', 'leader', 'admin');

  /** Agencies the viewer may report on (null = all), narrowed to `agency` when asked. */
  const scopeOf = async (req: FastifyRequest, agency?: string): Promise<{ codes: string[] | null; label: string }> => {
    const u = req.currentUser;
    const mine = u.roles.includes('admin') ? null : await subtreeCodes(app.db, u.unit.code);
    if (!agency) return { codes: mine, label: mine ? u.unit.name : 'Toàn tỉnh' };
    if (mine && !mine.includes(agency))
      throw fail(403, 'UNIT_OUTSIDE_SCOPE', { unit: agency }, `Đơn vị ${agency} không thuộc phạm vi của bạn / Unit ${agency} is outside your scope`);
    const scope = await agencyScope(app.db, agency);
    if (!scope) throw fail(404, 'UNIT_NOT_FOUND', { unit: agency }, `Không có đơn vị ${agency} / No unit ${agency}`);
    return scope;
  };

  const checkPeriod = (from: string, to: string) => {
    if (!isLocalDate(from) || !isLocalDate(to)) throw fail(400, 'INVALID_DATE', {}, 'Ngày không hợp lệ / Invalid date');
    if (from > to) throw fail(400, 'PERIOD_FROM_AFTER_TO', {}, 'Ngày bắt đầu phải trước hoặc bằng ngày kết thúc / "from" must not be after "to"');
    if ((Date.parse(to) - Date.parse(from)) / 86_400_000 > MAX_PERIOD_DAYS)
      throw fail(400, 'PERIOD_TOO_LONG', {}, 'Kỳ báo cáo tối đa 5 năm / The period is at most 5 years');
  };

  const report = async (req: FastifyRequest, q: StatsQuery): Promise<Report & { scope: string }> => {
    checkPeriod(q.from, q.to);
    const scope = await scopeOf(req, q.agency);
    const r = await onestopStatistics(
      app.db,
      { from: q.from, to: q.to, agencyCodes: scope.codes, procedureCode: q.procedureCode, field: q.field },
      q.groupBy ?? 'agency',
    );
    return { ...r, scope: scope.label };
  };

  app.get(
    '/statistics',
    {
      onRequest: leaders,
      schema: {
        tags,
        summary: 'Biểu II.06a: received, resolved (early / on time / late), in progress (within / past deadline) per agency, procedure, field or month',
        security,
        querystring: StatsQuery,
        response: { 200: StatsReport, ...errors },
      },
    },
    async (req) => report(req, req.query),
  );

  app.get(
    '/statistics.xlsx',
    {
      onRequest: leaders,
      schema: {
        tags,
        summary: 'The same statistics as an Excel workbook laid out like Biểu II.06a',
        security,
        querystring: StatsQuery,
        response: { 200: Binary, ...errors },
      },
    },
    async (req, reply) => {
      const r = await report(req, req.query);
      const xlsx = await statsWorkbook(r, { reportingUnit: r.scope, generatedAt: clock.now() });
      return sendFile(reply, { name: `bieu-II.06a-${r.from}-${r.to}.xlsx`, type: 'xlsx', body: xlsx });
    },
  );

  app.get(
    '/service-index',
    {
      onRequest: leaders,
      schema: {
        tags,
        summary:
          'The nine indicators of each dossier resolved in the period (2/1/0, 18 points), their means and the agency rating, and the 100-point index of QĐ 766',
        security,
        querystring: ServiceIndexQuery,
        response: { 200: ServiceIndexReport, ...errors },
      },
    },
    async (req) => {
      checkPeriod(req.query.from, req.query.to);
      const scope = await scopeOf(req, req.query.agency);
      return { ...(await serviceIndex(app.db, { from: req.query.from, to: req.query.to, agencyCodes: scope.codes })), scope: scope.label };
    },
  );

  app.get(
    '/overdue',
    {
      onRequest: staff,
      schema: {
        tags,
        summary:
          'Open dossiers past their appointment, most late first, with the step each is stuck at (officers: of the agencies they work in, to draft apologies)',
        security,
        querystring: OverdueQuery,
        response: { 200: OverdueList, ...errors },
      },
    },
    async (req) => {
      const u = req.currentUser;
      const officerOnly = !u.roles.includes('leader') && !u.roles.includes('admin');
      // An officer of a division works for the agencies above it: their dossiers are the ones it may apologise for.
      const scope = officerOnly ? { codes: await officerAgencyCodes(app.db, u.unit.code) } : await scopeOf(req, req.query.agency);
      const out = await overdueDossiers(app.db, {
        agencyCodes: scope.codes,
        procedureCode: req.query.procedureCode,
        limit: req.query.limit ?? 50,
        offset: req.query.offset ?? 0,
      });
      return {
        total: out.total,
        items: out.items.map((i) => ({
          ...i,
          receivedAt: toLocalIso(i.receivedAt),
          appointmentAt: toLocalIso(i.appointmentAt),
          stepSince: i.stepSince ? toLocalIso(i.stepSince) : null,
        })),
      };
    },
  );

  app.get(
    '/evaluations',
    {
      onRequest: leaders,
      schema: {
        tags,
        summary: 'Satisfaction evaluations aggregated per agency, procedure and officer (in scope)',
        security,
        querystring: EvaluationResultsQuery,
        response: { 200: EvaluationResults, ...errors },
      },
    },
    async (req) => {
      if (req.query.from && req.query.to) checkPeriod(req.query.from, req.query.to);
      const scope = await scopeOf(req);
      return evaluationResults(app.db, { ...req.query, agencyCodes: scope.codes, withOfficers: true });
    },
  );

  // Apology letters ---------------------------------------------------------------------------

  // An ApologyError is a DomainError: the one error handler answers it with its code and params.
  const translate = (err: unknown): never => {
    throw err;
  };

  /** The dossier, if the viewer may see it: admin, or its agency inside the viewer's unit subtree, or the viewer inside the agency's subtree. */
  const dossierInScope = async (req: FastifyRequest, code: string) => {
    const d = await findDossierByCode(app.db, code);
    if (!d) throw fail(404, 'DOSSIER_NOT_FOUND', { code }, `Không có hồ sơ ${code} / No dossier ${code}`);
    const u = req.currentUser;
    if (u.roles.includes('admin')) return d;
    const agencyTree = await subtreeCodes(app.db, d.agency_code);
    if (agencyTree.includes(u.unit.code) || (await subtreeCodes(app.db, u.unit.code)).includes(d.agency_code)) return d;
    throw fail(403, 'DOSSIER_OUTSIDE_UNIT', {}, 'Hồ sơ không thuộc đơn vị của bạn / The dossier is not handled by your unit');
  };

  app.get(
    '/apologies',
    {
      onRequest: staff,
      schema: {
        tags,
        summary: 'Apology letters of the agencies in scope (e.g. the drafts waiting for approval)',
        security,
        querystring: ApologyListQuery,
        response: { 200: ApologyList, ...errors },
      },
    },
    async (req) => {
      const u = req.currentUser;
      // Officers of a division see their agency's letters too.
      const scope = u.roles.includes('admin') ? null : await apologyReaderAgencies(app.db, u.unit.code);
      return { items: (await listApologies(app.db, scope, req.query.status)).map(toApology) };
    },
  );

  app.get(
    '/dossiers/:code/apology',
    {
      onRequest: staff,
      schema: { tags, summary: 'The apology letter of a dossier', security, params: DossierCodeParams, response: { 200: Apology, ...errors } },
    },
    async (req) => {
      const d = await dossierInScope(req, req.params.code);
      const a = await apologyOfDossier(app.db, d.id);
      if (!a) throw fail(404, 'APOLOGY_NOT_FOUND', {}, 'Hồ sơ chưa có văn bản xin lỗi / The dossier has no apology letter');
      return toApology(a);
    },
  );

  const windowOf = async (d: Awaited<ReturnType<typeof findDossierByCode>> & object) => {
    const w = await apologyWindow(app.db, d, clock.now());
    return {
      ...w,
      dossierCode: d.code,
      stepDueAt: w.stepDueAt ? toLocalIso(w.stepDueAt) : null,
      appointmentAt: w.appointmentAt ? toLocalIso(w.appointmentAt) : null,
    };
  };

  app.get(
    '/dossiers/:code/apology/window',
    {
      onRequest: staff,
      schema: {
        tags,
        summary: 'Whether the apology letter may still go out (until one working day before the appointment) and whether the dossier is forecast late',
        security,
        params: DossierCodeParams,
        response: { 200: ApologyWindow, ...errors },
      },
    },
    async (req) => windowOf(await dossierInScope(req, req.params.code)),
  );

  app.get(
    '/instances/:key/apology/window',
    {
      onRequest: staff,
      schema: {
        tags,
        summary: "The same for the dossier of a process instance (the officer's task page); 404 when the instance has no dossier",
        security,
        params: InstanceKeyParams,
        response: { 200: ApologyWindow, ...errors },
      },
    },
    async (req) => {
      const code = await dossierCodeOfInstance(app.db, req.params.key);
      if (!code)
        throw fail(
          404,
          'DOSSIER_NOT_FOUND',
          { code: req.params.key },
          `Không có hồ sơ của quy trình ${req.params.key} / No dossier for instance ${req.params.key}`,
        );
      return windowOf(await dossierInScope(req, code));
    },
  );

  app.post(
    '/dossiers/:code/apology',
    {
      onRequest: staff,
      schema: {
        tags,
        summary: 'Draft the apology and new return date (officer of the resolving agency); once per dossier',
        security,
        params: DossierCodeParams,
        body: ApologyBody,
        response: { 201: Apology, ...errors },
      },
    },
    async (req, reply) => {
      if (!isLocalDate(req.body.newDate)) throw fail(400, 'INVALID_NEW_DATE', {}, 'Ngày hẹn mới không hợp lệ / Invalid new date');
      const d = await findDossierByCode(app.db, req.params.code);
      if (!d) throw fail(404, 'DOSSIER_NOT_FOUND', { code: req.params.code }, `Không có hồ sơ ${req.params.code} / No dossier ${req.params.code}`);
      if (!(await subtreeCodes(app.db, d.agency_code)).includes(req.currentUser.unit.code)) {
        throw fail(
          403,
          'APOLOGY_DRAFTER_ONLY',
          {},
          'Chỉ cán bộ của cơ quan giải quyết hồ sơ mới được lập văn bản xin lỗi / Only staff of the resolving agency can draft the apology',
        );
      }
      const a = await draftApology(app.db, req.params.code, req.body, req.currentUser.username).catch(translate);
      await req.audit('onestop.apology.draft', { target: { type: 'dossier', id: d.code }, after: req.body });
      // Tell the agency's leaders there is a letter to approve.
      await notifyApologyDrafted(app.db, app.notificationChannels, d, {
        reason: req.body.reason,
        newDate: req.body.newDate,
        draftedBy: req.currentUser.fullName,
      });
      return reply.status(201).send(toApology(a));
    },
  );

  app.post(
    '/dossiers/:code/apology/approve',
    {
      onRequest: app.requireRole('leader'),
      schema: {
        tags,
        summary: 'Approve the apology (leader of the resolving agency); the citizen is notified',
        security,
        params: DossierCodeParams,
        response: { 200: Apology, ...errors },
      },
    },
    async (req) => {
      const d = await findDossierByCode(app.db, req.params.code);
      if (!d) throw fail(404, 'DOSSIER_NOT_FOUND', { code: req.params.code }, `Không có hồ sơ ${req.params.code} / No dossier ${req.params.code}`);
      if (req.currentUser.unit.code !== d.agency_code) {
        throw fail(
          403,
          'APOLOGY_APPROVER_ONLY',
          {},
          'Chỉ lãnh đạo cơ quan giải quyết hồ sơ mới được phê duyệt văn bản xin lỗi / Only a leader of the resolving agency can approve the apology',
        );
      }
      const a = await approveApology(app.db, req.params.code, { username: req.currentUser.username, fullName: req.currentUser.fullName }).catch(translate);
      await req.audit('onestop.apology.approve', { target: { type: 'dossier', id: d.code }, after: { newDate: a.new_date } });
      return toApology(a);
    },
  );

  app.get(
    '/dossiers/:code/apology.pdf',
    {
      onRequest: staff,
      schema: { tags, summary: 'The apology letter (form 04) as a PDF', security, params: DossierCodeParams, response: { 200: Binary, ...errors } },
    },
    async (req, reply) => {
      const d = await dossierInScope(req, req.params.code);
      const a = await apologyOfDossier(app.db, d.id);
      if (!a) throw fail(404, 'APOLOGY_NOT_FOUND', {}, 'Hồ sơ chưa có văn bản xin lỗi / The dossier has no apology letter');
      const pdf = await renderApologyPdf(d, a);
      return sendFile(reply, { name: `xin-loi-${d.code}.pdf`, type: 'pdf', body: pdf, inline: true });
    },
  );
};
export default onestopStats;
