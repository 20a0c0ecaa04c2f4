import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { errors } from '../../schemas/common.js';
import { CaseDeadline, CaseParams, PauseBody } from '../../schemas/cases.js';
import { holdsTaskOf } from '../../../domain/deadlines/store.js';
import { toLocalIso } from '../../../domain/deadlines/calendar/index.js';
import { CaseClockError, caseState, pauseCase, resumeCase, workedOnCase, type CaseState } from '../../../domain/deadlines/cases.js';
import { caseInScope } from '../../../domain/audit/scope.js';
import { fail, type ErrorCode } from '../../../lib/errors.js';

const security = [{ bearer: [] }];
const tags = ['cases'];

const toBody = (c: CaseState): CaseDeadline => ({
  ...c,
  receivedAt: toLocalIso(c.receivedAt),
  originalAppointmentAt: toLocalIso(c.originalAppointmentAt),
  appointmentAt: toLocalIso(c.appointmentAt),
  finishedAt: c.finishedAt ? toLocalIso(c.finishedAt) : null,
  pauses: c.pauses.map((p) => ({ ...p, pausedAt: toLocalIso(p.pausedAt), resumedAt: p.resumedAt ? toLocalIso(p.resumedAt) : null })),
});

/** The case clock: read it, and pause / resume it while the dossier waits for the citizen. */
const cases: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.requireRole('officer', 'leader', 'admin', 'auditor'));

  /** The answer code of each refusal of the case clock. */
  const CLOCK_CODES = {
    NO_CASE: 'CASE_NOT_TRACKED',
    ALREADY_PAUSED: 'CASE_ALREADY_PAUSED',
    NOT_PAUSED: 'CASE_NOT_PAUSED',
    FINISHED: 'CASE_FINISHED',
    BEFORE_PAUSE: 'CASE_PAUSE_ORDER',
  } as const satisfies Record<CaseClockError['code'], ErrorCode>;
  const translate = (err: unknown): never => {
    if (err instanceof CaseClockError) {
      throw fail(err.code === 'NO_CASE' ? 404 : 409, CLOCK_CODES[err.code], {}, err.message);
    }
    throw err;
  };

  /** Only the holder of an open task of the case may stop or restart its clock. */
  const requireHolder = async (processInstanceKey: string, username: string) => {
    if (!(await caseState(app.db, processInstanceKey)))
      throw fail(404, 'CASE_NOT_FOUND', { key: processInstanceKey }, `Không có hồ sơ ${processInstanceKey} / No case ${processInstanceKey}`);
    if (!(await holdsTaskOf(app.db, processInstanceKey, username))) {
      throw fail(
        403,
        'CASE_HOLDER_ONLY_PAUSE',
        {},
        'Chỉ người đang xử lý một bước của hồ sơ mới được tạm dừng hoặc tiếp tục / Only the holder of a task of the case can pause or resume it',
      );
    }
  };

  /**
   * Who may read a case: administrators all; everyone else the cases of their unit's subtree (started
   * there or offered to it; auditors also their extra scopes), and the cases they worked a step of.
   */
  const mayRead = async (req: FastifyRequest, c: CaseState): Promise<boolean> => {
    if (req.currentUser.roles.includes('admin')) return true;
    const key = c.processInstanceKey;
    const scope = await app.auditScope(req);
    // The clock's own unit (the receiving unit, written with the clock) answers before history has the case.
    if ((c.unitCode !== null && scope?.includes(c.unitCode)) || (await caseInScope(app.db, key, scope))) return true;
    return workedOnCase(app.db, key, req.currentUser.username);
  };

  app.get(
    '/:processInstanceKey',
    {
      schema: {
        tags,
        summary: "The case clock: receipt, appointment (ngày hẹn trả), pauses, finish (cases of my unit's subtree or that I worked on)",
        security,
        params: CaseParams,
        response: { 200: CaseDeadline, ...errors },
      },
    },
    async (req) => {
      const c = await caseState(app.db, req.params.processInstanceKey);
      if (!c)
        throw fail(
          404,
          'CASE_NOT_FOUND',
          { key: req.params.processInstanceKey },
          `Không có hồ sơ ${req.params.processInstanceKey} / No case ${req.params.processInstanceKey}`,
        );
      if (!(await mayRead(req, c))) {
        throw fail(
          403,
          'CASE_OUTSIDE_UNIT',
          { key: req.params.processInstanceKey },
          `Hồ sơ ${req.params.processInstanceKey} không thuộc đơn vị của bạn / Case ${req.params.processInstanceKey} is outside your unit`,
        );
      }
      return toBody(c);
    },
  );

  app.post(
    '/:processInstanceKey/pause',
    {
      onRequest: app.requireRole('officer', 'leader', 'admin'),
      schema: {
        tags,
        summary: 'Stop the case clock (waiting for the citizen)',
        security,
        params: CaseParams,
        body: PauseBody,
        response: { 200: CaseDeadline, ...errors },
      },
    },
    async (req) => {
      const key = req.params.processInstanceKey;
      await requireHolder(key, req.currentUser.username);
      return toBody(await pauseCase(app.db, key, req.body.reason.trim(), { by: req.currentUser.username }).catch(translate));
    },
  );

  app.post(
    '/:processInstanceKey/resume',
    {
      onRequest: app.requireRole('officer', 'leader', 'admin'),
      schema: {
        tags,
        summary: 'Restart the case clock; the appointment moves by the paused working time',
        security,
        params: CaseParams,
        response: { 200: CaseDeadline, ...errors },
      },
    },
    async (req) => {
      const key = req.params.processInstanceKey;
      await requireHolder(key, req.currentUser.username);
      return toBody(await resumeCase(app.db, key, { by: req.currentUser.username }).catch(translate));
    },
  );
};
export default cases;
