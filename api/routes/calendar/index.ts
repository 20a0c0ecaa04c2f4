import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { errors } from '../../schemas/common.js';
import {
  CalendarEntry,
  ChangeList,
  ChangesQuery,
  CreateDayBody,
  DayParams,
  DueQuery,
  DueReply,
  PutSettingsBody,
  ReasonQuery,
  SettingsReply,
  UnitQuery,
  UnitReasonQuery,
  UpdateDayBody,
  YearParams,
  YearView,
  type CalendarDay,
} from '../../schemas/calendar.js';
import * as repo from '../../../domain/deadlines/calendar-store.js';
import { CalendarError, isLocalDate, toLocalIso, validateSettings, type DayInfo, type WorkingCalendar } from '../../../domain/deadlines/calendar/index.js';
import { DomainError, fail, type ErrorCode, type ErrorParams } from '../../../lib/errors.js';

const security = [{ bearer: [] }];
const tags = ['calendar'];
const FIRST_YEAR = 2000;
const LAST_YEAR = 2100;

const toDay = (d: DayInfo): CalendarDay => ({
  date: d.date,
  weekday: d.weekday,
  working: d.working,
  kind: d.kind,
  name: d.name,
  origin: d.origin,
  ...(d.unit ? { unitCode: d.unit } : {}),
  ...(d.occasion ? { occasion: d.occasion } : {}),
  ...(d.source ? { source: d.source } : {}),
  ...(d.id !== undefined ? { id: d.id } : {}),
});

const stripInherited = ({ inheritedFrom: _, ...s }: ReturnType<WorkingCalendar['settingsFor']>) => s;

/**
 * The working-day calendar: year view and due-date computation for every signed-in user; entries
 * (national schedule days and organisation overrides) and settings for administrators; the audit
 * trail for administrators and auditors. Every change is written with its audit record in one
 * transaction; on any error nothing changes.
 */
const calendar: FastifyPluginAsyncTypebox = async (app) => {
  const bad = (vi: string, en: string, code: ErrorCode = 'CALENDAR_INVALID', params: ErrorParams = {}) => new DomainError(code, params, `${vi} / ${en}`, 400);
  /** The answer code of a CalendarError's reason. */
  const CALENDAR_CODES = {
    UNKNOWN_UNIT: 'CALENDAR_UNKNOWN_UNIT',
    INVALID_DAYS: 'CALENDAR_INVALID_DAYS',
    INVALID_SETTINGS: 'CALENDAR_INVALID_SETTINGS',
    INVALID_DATE: 'CALENDAR_INVALID_DATE',
    NO_WORKING_TIME: 'CALENDAR_NO_WORKING_TIME',
  } as const satisfies Record<CalendarError['code'], ErrorCode>;
  const actorOf = (req: FastifyRequest): repo.Actor => ({ id: req.currentUser.id, username: req.currentUser.username });

  /** A day's name and a change's reason must say something: blank after trimming is refused. */
  const checkText = (value: string | undefined, vi: string, en: string) => {
    if (value !== undefined && value.trim() === '') throw bad(`${vi} không được để trống`, `${en} must not be blank`, 'CALENDAR_BLANK');
  };

  /** A date an administrator may enter: a real date within 2000–2100. */
  const checkDate = (date: string) => {
    if (!isLocalDate(date)) throw bad(`Ngày không hợp lệ: ${date}`, `Invalid date: ${date}`, 'CALENDAR_INVALID_DATE');
    const y = Number(date.slice(0, 4));
    if (y < FIRST_YEAR || y > LAST_YEAR)
      throw bad(
        `Ngày phải trong khoảng năm ${FIRST_YEAR}–${LAST_YEAR}: ${date}`,
        `The date must be within ${FIRST_YEAR}–${LAST_YEAR}: ${date}`,
        'CALENDAR_DATE_RANGE',
      );
  };

  /** Resolves a unit code (null/undefined = national), or answers 400. */
  const unitRef = async (code: string | null | undefined): Promise<{ unitId: number | null; unitCode: string | null }> => {
    if (code === undefined || code === null) return { unitId: null, unitCode: null };
    const id = await repo.findUnitId(app.db, code);
    if (id === undefined) throw bad(`Không có đơn vị ${code}`, `Unknown unit ${code}`, 'UNKNOWN_UNIT', { unit: code });
    return { unitId: id, unitCode: code };
  };

  const load = async (unit: string | null | undefined) => {
    try {
      return await repo.loadCalendar(app.db, unit);
    } catch (err) {
      if (err instanceof CalendarError && err.code === 'UNKNOWN_UNIT')
        throw bad(`Không có đơn vị ${unit}`, `Unknown unit ${unit}`, 'UNKNOWN_UNIT', { unit: unit ?? '' });
      throw err;
    }
  };

  const duplicate = (date: string, unitCode: string | null) =>
    bad(
      `Đã có một ngày ${date} trong lịch ${unitCode ? `của đơn vị ${unitCode}` : 'quốc gia'}; hãy sửa ngày đó`,
      `There is already an entry on ${date} in the ${unitCode ? `calendar of unit ${unitCode}` : 'national calendar'}; edit that one`,
      'CALENDAR_DUPLICATE',
      { date },
    );

  const occasionOnlyNational = () =>
    bad('Chỉ ngày của lịch quốc gia mới gắn với một dịp lễ luật định', 'Only national days can belong to a statutory occasion', 'CALENDAR_OCCASION');

  const concurrent = () =>
    fail(409, 'CALENDAR_CONFLICT', {}, 'Thiết lập vừa được người khác thay đổi, hãy thử lại / The settings were just changed by someone else, try again');

  const noEntry = (id: number) => fail(404, 'CALENDAR_ENTRY_NOT_FOUND', { id }, `Không có ngày ${id} trong lịch / No calendar entry ${id}`);

  /** A change the domain refused (nothing was written), answered as 404, 400 or 409. */
  const refused =
    (id?: number) =>
    (err: unknown): never => {
      if (err instanceof repo.CalendarChangeRefused) {
        switch (err.reason) {
          case 'NO_ENTRY':
            throw noEntry(id!);
          case 'DUPLICATE':
            throw duplicate(err.date!, err.unitCode);
          case 'OCCASION_NOT_NATIONAL':
            throw occasionOnlyNational();
          case 'UNKNOWN_UNIT':
            throw bad(`Không có đơn vị ${err.unitCode}`, `Unknown unit ${err.unitCode}`, 'UNKNOWN_UNIT', { unit: err.unitCode ?? '' });
          case 'CONCURRENT':
            throw concurrent();
        }
      }
      throw err;
    };

  app.get(
    '/years/:year',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'Year view: every holiday, day off and make-up working day with its reason, for a unit or national',
        params: YearParams,
        querystring: UnitQuery,
        response: { 200: YearView, ...errors },
      },
    },
    async (req) => {
      const cal = await load(req.query.unit);
      const own = await repo.getOwnSettings(app.db, null);
      return {
        year: req.params.year,
        unit: cal.defaultUnit,
        settings: cal.settingsFor(),
        cultureDay: own?.cultureDay ?? true,
        days: cal.yearView(req.params.year).map(toDay),
      };
    },
  );

  app.get(
    '/due',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        security,
        summary: 'Due date of a time limit in working days from a receipt, with the explanation',
        querystring: DueQuery,
        response: { 200: DueReply, ...errors },
      },
    },
    async (req) => {
      const start = new Date(req.query.start);
      if (Number.isNaN(start.getTime()) || !/[zZ]|[+-]\d\d:?\d\d$/.test(req.query.start)) {
        throw bad(
          `Thời điểm tiếp nhận không hợp lệ (ISO 8601 có múi giờ, ví dụ 2026-02-13T10:00:00+07:00): ${req.query.start}`,
          `Invalid receipt time (ISO 8601 with offset): ${req.query.start}`,
          'CALENDAR_INVALID_DATE',
        );
      }
      const y = start.getUTCFullYear();
      if (y < FIRST_YEAR || y > LAST_YEAR)
        throw bad(`Thời điểm phải trong khoảng năm ${FIRST_YEAR}–${LAST_YEAR}`, `The time must be within ${FIRST_YEAR}–${LAST_YEAR}`, 'CALENDAR_DATE_RANGE');
      const cal = await load(req.query.unit);
      let why;
      try {
        why = cal.explainDue(start, req.query.days);
      } catch (err) {
        if (err instanceof CalendarError) throw bad(err.message.split(' / ')[0], err.message.split(' / ')[1] ?? err.message, CALENDAR_CODES[err.code]);
        throw err;
      }
      return {
        receivedAt: toLocalIso(why.receivedAt),
        countingFrom: toLocalIso(why.countingFrom),
        cutoffApplied: why.cutoffApplied,
        days: why.days,
        unit: why.unit,
        due: toLocalIso(why.due),
        counted: why.counted.map((s) => ({ date: s.date, half: s.half, start: toLocalIso(s.start), end: toLocalIso(s.end) })),
        skipped: why.skipped.map(toDay),
        settings: why.settings,
      };
    },
  );

  app.post(
    '/days',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags,
        security,
        summary: 'Add a national schedule day or an organisation override (admin)',
        body: CreateDayBody,
        response: { 201: CalendarEntry, ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      checkDate(b.date);
      checkText(b.name, 'Tên ngày', 'The name');
      checkText(b.reason, 'Lý do thay đổi', 'The reason');
      const unit = await unitRef(b.unit);
      if (unit.unitId !== null && b.occasion) throw occasionOnlyNational();
      const created = await repo
        .addDay(
          app.db,
          { date: b.date, kind: b.kind, name: b.name.trim(), ...unit, occasion: b.occasion ?? null, source: b.source ?? null },
          actorOf(req),
          b.reason.trim(),
        )
        .catch(refused());
      return reply.status(201).send(created);
    },
  );

  app.put(
    '/days/:id',
    {
      onRequest: app.requireRole('admin'),
      schema: { tags, security, summary: 'Change a stored day (admin)', params: DayParams, body: UpdateDayBody, response: { 200: CalendarEntry, ...errors } },
    },
    async (req) => {
      const { reason, ...patch } = req.body;
      if (patch.date !== undefined) checkDate(patch.date);
      checkText(patch.name, 'Tên ngày', 'The name');
      checkText(reason, 'Lý do thay đổi', 'The reason');
      return repo.changeDay(app.db, req.params.id, patch, actorOf(req), reason.trim()).catch(refused(req.params.id));
    },
  );

  app.delete(
    '/days/:id',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags,
        security,
        summary: 'Remove a stored day (admin); the reason goes to the audit trail',
        params: DayParams,
        querystring: ReasonQuery,
        response: { 200: CalendarEntry, ...errors },
      },
    },
    async (req) => {
      return repo.removeDay(app.db, req.params.id, actorOf(req), req.query.reason.trim()).catch(refused(req.params.id));
    },
  );

  app.get(
    '/settings',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags,
        security,
        summary: 'Working hours and cut-off of a unit (own or inherited) or national (admin)',
        querystring: UnitQuery,
        response: { 200: SettingsReply, ...errors },
      },
    },
    async (req) => {
      const unit = await unitRef(req.query.unit);
      const cal = await load(unit.unitCode);
      const own = await repo.getOwnSettings(app.db, unit.unitId);
      const national = unit.unitId === null ? own : await repo.getOwnSettings(app.db, null);
      return {
        unit: unit.unitCode,
        effective: cal.settingsFor(),
        own: own
          ? {
              morningStart: own.morningStart,
              morningEnd: own.morningEnd,
              afternoonStart: own.afternoonStart,
              afternoonEnd: own.afternoonEnd,
              cutoff: own.cutoff,
            }
          : null,
        cultureDay: national?.cultureDay ?? true,
      };
    },
  );

  app.put(
    '/settings',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags,
        security,
        summary: 'Set the working hours and cut-off of a unit or national (admin)',
        body: PutSettingsBody,
        response: { 200: SettingsReply, ...errors },
      },
    },
    async (req) => {
      const { unit: code, reason, cultureDay, ...settings } = req.body;
      try {
        validateSettings(settings);
      } catch (err) {
        if (err instanceof CalendarError) throw bad(err.message.split(' / ')[0], err.message.split(' / ')[1] ?? err.message, 'CALENDAR_INVALID_SETTINGS');
        throw err;
      }
      const unit = await unitRef(code);
      if (unit.unitId !== null && cultureDay !== undefined) {
        throw bad('Ngày Văn hóa Việt Nam chỉ đặt ở lịch quốc gia', 'Vietnamese Culture Day is set in the national calendar only', 'CALENDAR_CULTURE_DAY');
      }
      await repo.saveSettings(app.db, unit, { ...settings, cultureDay }, actorOf(req), reason.trim()).catch(refused());
      const cal = await load(unit.unitCode);
      const national = await repo.getOwnSettings(app.db, null);
      return { unit: unit.unitCode, effective: cal.settingsFor(), own: stripInherited(cal.settingsFor()), cultureDay: national?.cultureDay ?? true };
    },
  );

  app.delete(
    '/settings',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags,
        security,
        summary: "Remove a unit's own settings so it inherits again (admin)",
        querystring: UnitReasonQuery,
        response: { 200: SettingsReply, ...errors },
      },
    },
    async (req) => {
      const unit = await unitRef(req.query.unit);
      const removed = await repo
        .removeUnitSettings(app.db, { unitId: unit.unitId!, unitCode: unit.unitCode! }, actorOf(req), req.query.reason.trim())
        .catch(refused());
      if (!removed)
        throw fail(
          404,
          'CALENDAR_UNIT_NO_SETTINGS',
          { unit: unit.unitCode ?? '' },
          `Đơn vị ${unit.unitCode} không có thiết lập riêng / Unit ${unit.unitCode} has no settings of its own`,
        );
      const cal = await load(unit.unitCode);
      const national = await repo.getOwnSettings(app.db, null);
      return { unit: unit.unitCode, effective: cal.settingsFor(), own: null, cultureDay: national?.cultureDay ?? true };
    },
  );

  app.get(
    '/changes',
    {
      onRequest: app.requireRole('admin', 'auditor'),
      schema: {
        tags,
        security,
        summary: 'Audit trail of calendar changes, newest first (admin, auditor)',
        querystring: ChangesQuery,
        response: { 200: ChangeList, ...errors },
      },
    },
    async (req) => {
      const unit = req.query.unit === undefined ? undefined : req.query.unit === 'national' ? null : (await unitRef(req.query.unit)).unitId;
      return repo.listChanges(app.db, { unitId: unit, year: req.query.year, limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 });
    },
  );
};

export default calendar;
