import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { randomBytes } from 'node:crypto';
import { Type } from 'typebox';
import { errors } from '../../schemas/common.js';
import {
  AuditLogList,
  AuditLogQuery,
  AuditorScope,
  AuditorScopeBody,
  AuditorScopeList,
  AuditorScopeParams,
  BinaryFile,
  CaseExportQuery,
  CaseSampleQuery,
  CaseSampleReply,
  CaseSearchQuery,
  CaseSearchReply,
  HeatmapQuery,
  HeatmapReply,
  SavedQuery,
  SavedQueryBody,
  SavedQueryList,
  SavedQueryParams,
  VerifyReply,
} from '../../schemas/audit.js';
import { verifyAuditChain } from '../../../domain/audit/chain.js';
import {
  addAuditorScope,
  deleteSavedQuery,
  listAuditLog,
  listAuditorScopes,
  listSavedQueries,
  removeAuditorScope,
  saveQuery,
  toAuditEntry,
} from '../../../domain/audit/store.js';
import { countCases, heatmap, sampleCases, searchCases } from '../../../domain/audit/case-search.js';
import { buildSearchWorkbook } from '../../../domain/audit/exports.js';
import { fail } from '../../../lib/errors.js';
import { sendFile } from '../download.js';
import * as clock from '../../../lib/clock.js';

/** Largest search export; more matching cases are refused with a request to narrow the filters. */

const security = [{ bearer: [] }];
const tags = ['audit'];

/**
 * The auditor's workspace: verification of the audit chain, the audit log, search across cases,
 * random samples, heat maps, saved searches, and (for administrators) auditors' extra scopes.
 * Every query here is itself written to the audit log.
 */
const audit: FastifyPluginAsyncTypebox = async (app) => {
  const auditorOrAdmin = app.requireRole('auditor', 'admin');

  app.get(
    '/verify',
    {
      onRequest: auditorOrAdmin,
      schema: {
        tags,
        summary: 'Verify the hash chain of the audit log: altered, inserted, deleted or reordered entries',
        security,
        response: { 200: VerifyReply, ...errors },
      },
    },
    async (req) => {
      const report = await verifyAuditChain(app.db);
      await req.audit('audit.verify', {
        target: { type: 'audit', id: 'chain' },
        after: { ok: report.ok, checked: report.checked, problems: report.problems.length },
      });
      return { ...report, verifiedAt: new Date().toISOString() };
    },
  );

  app.get(
    '/log',
    {
      onRequest: auditorOrAdmin,
      schema: {
        tags,
        summary: 'Audit log entries, newest first (auditors: actors of the units they audit)',
        security,
        querystring: AuditLogQuery,
        response: { 200: AuditLogList, ...errors },
      },
    },
    async (req) => {
      const scope = await app.auditScope(req);
      const { rows, total } = await listAuditLog(app.db, req.query, scope);
      await req.audit('audit.log.query', { target: { type: 'audit', id: 'log' }, after: req.query });
      return { items: rows.map(toAuditEntry), total };
    },
  );

  app.get(
    '/cases',
    {
      onRequest: auditorOrAdmin,
      schema: {
        tags,
        summary: 'Search every case in scope: procedure, unit, officer, period, status, on time/late, breached step, variable, text',
        security,
        querystring: CaseSearchQuery,
        response: { 200: CaseSearchReply, ...errors },
      },
    },
    async (req) => {
      const scope = await app.auditScope(req);
      const out = await searchCases(app.db, req.query, scope);
      await req.audit('audit.search', { target: { type: 'audit', id: 'cases' }, after: { query: req.query, total: out.total, totalExact: out.totalExact } });
      return out;
    },
  );

  app.get(
    '/cases/export.xlsx',
    {
      onRequest: auditorOrAdmin,
      schema: {
        tags,
        summary: 'The search results as an Excel workbook: the same filters and scope as GET /cases, every matching case',
        security,
        querystring: CaseExportQuery,
        response: { 200: BinaryFile, ...errors },
      },
    },
    async (req, reply) => {
      const scope = await app.auditScope(req);
      const filters = req.query;
      if (filters.unit && scope && !scope.includes(filters.unit)) {
        throw fail(
          403,
          'UNIT_NOT_AUDITED',
          { unit: filters.unit },
          `Đơn vị ${filters.unit} không thuộc phạm vi bạn được kiểm tra / Unit ${filters.unit} is outside the units you audit`,
        );
      }
      const EXPORT_MAX_ROWS = app.config.auditExportMaxRows;
      const total = await countCases(app.db, filters, scope, EXPORT_MAX_ROWS);
      if (total > EXPORT_MAX_ROWS) {
        throw fail(
          400,
          'EXPORT_TOO_MANY_ROWS',
          { max: EXPORT_MAX_ROWS },
          `Có hơn ${EXPORT_MAX_ROWS} hồ sơ, vượt quá ${EXPORT_MAX_ROWS} hồ sơ mỗi lần xuất; hãy thu hẹp bộ lọc / More than ${EXPORT_MAX_ROWS} cases match, more than ${EXPORT_MAX_ROWS} per export: narrow the filters`,
        );
      }
      const exportedAt = clock.now();
      const book = await buildSearchWorkbook(app.db, filters, scope, { exportedBy: req.currentUser.username, exportedAt });
      await req.audit('audit.export.search', {
        target: { type: 'audit', id: 'cases' },
        after: { query: filters, rows: book.rows, bytes: book.xlsx.length, sha256: book.sha256 },
      });
      const stamp = exportedAt.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
      return sendFile(reply, { name: `ho-so-${stamp}.xlsx`, type: 'xlsx', body: book.xlsx, noStore: true, headers: { 'x-row-count': String(book.rows) } });
    },
  );

  app.get(
    '/cases/sample',
    {
      onRequest: auditorOrAdmin,
      schema: {
        tags,
        summary: 'A reproducible random sample of N cases per procedure among the matching cases',
        security,
        querystring: CaseSampleQuery,
        response: { 200: CaseSampleReply, ...errors },
      },
    },
    async (req) => {
      const { size, seed: given, ...filters } = req.query;
      const seed = given ?? randomBytes(6).toString('hex');
      const scope = await app.auditScope(req);
      const items = await sampleCases(app.db, filters, size, seed, scope);
      await req.audit('audit.sample', {
        target: { type: 'audit', id: 'cases' },
        after: { query: req.query, seed, keys: items.map((c) => c.processInstanceKey) },
      });
      return { seed, size, items };
    },
  );

  app.get(
    '/heatmap',
    {
      onRequest: auditorOrAdmin,
      schema: {
        tags,
        summary: 'Per element of a procedure: count, median and p90 duration, late steps',
        security,
        querystring: HeatmapQuery,
        response: { 200: HeatmapReply, ...errors },
      },
    },
    async (req) => {
      const scope = await app.auditScope(req);
      const out = await heatmap(app.db, req.query, scope);
      await req.audit('audit.heatmap', { target: { type: 'process', id: req.query.bpmnProcessId }, after: req.query });
      return { bpmnProcessId: req.query.bpmnProcessId, ...out };
    },
  );

  // Saved searches: the only writes an auditor may make (its own).
  app.get(
    '/saved-queries',
    { onRequest: auditorOrAdmin, schema: { tags, summary: 'My saved case searches', security, response: { 200: SavedQueryList, ...errors } } },
    async (req) => ({ items: await listSavedQueries(app.db, req.currentUser.id) }),
  );

  app.post(
    '/saved-queries',
    {
      onRequest: auditorOrAdmin,
      config: { auditorMayWrite: true },
      schema: { tags, summary: 'Save (or replace by name) a case search', security, body: SavedQueryBody, response: { 201: SavedQuery, ...errors } },
    },
    async (req, reply) => {
      const saved = await saveQuery(app.db, req.currentUser.id, req.body.name, req.body.query);
      await req.audit('audit.saved_query.save', { target: { type: 'saved_query', id: saved.id }, after: req.body });
      return reply.status(201).send(saved);
    },
  );

  app.delete(
    '/saved-queries/:id',
    {
      onRequest: auditorOrAdmin,
      config: { auditorMayWrite: true },
      schema: { tags, summary: 'Delete one of my saved searches', security, params: SavedQueryParams, response: { 204: Type.Null(), ...errors } },
    },
    async (req, reply) => {
      if (!(await deleteSavedQuery(app.db, req.currentUser.id, req.params.id)))
        throw fail(404, 'SAVED_QUERY_NOT_FOUND', {}, 'Không có truy vấn đã lưu này / No such saved query');
      await req.audit('audit.saved_query.delete', { target: { type: 'saved_query', id: req.params.id } });
      return reply.status(204).send(null);
    },
  );

  // Auditors' extra scopes, managed by administrators; an auditor sees its own.
  app.get(
    '/scopes',
    {
      onRequest: auditorOrAdmin,
      schema: { tags, summary: 'Extra units each auditor audits (besides its own unit subtree)', security, response: { 200: AuditorScopeList, ...errors } },
    },
    async (req) => {
      const own = req.currentUser.roles.includes('admin') ? undefined : req.currentUser.username;
      return { items: await listAuditorScopes(app.db, own) };
    },
  );

  app.post(
    '/scopes',
    {
      onRequest: app.requireRole('admin'),
      schema: { tags, summary: 'Let an auditor audit a unit (and its subtree)', security, body: AuditorScopeBody, response: { 201: AuditorScope, ...errors } },
    },
    async (req, reply) => {
      const { username, unitCode, reason } = req.body;
      const outcome = await addAuditorScope(app.db, username, unitCode, req.currentUser.username);
      if (outcome === 'no-user') throw fail(404, 'USER_NOT_FOUND', { username }, `Không có người dùng ${username} / No user ${username}`);
      if (outcome === 'no-unit') throw fail(404, 'UNIT_NOT_FOUND', { unit: unitCode }, `Không có đơn vị ${unitCode} / No unit ${unitCode}`);
      if (outcome === 'not-auditor') throw fail(400, 'USER_NOT_AUDITOR', { username }, `${username} không phải kiểm tra viên / ${username} is not an auditor`);
      if (outcome === 'exists')
        throw fail(
          409,
          'AUDITOR_ALREADY_ASSIGNED',
          { username, unit: unitCode },
          `${username} đã được kiểm tra ${unitCode} / ${username} already audits ${unitCode}`,
        );
      await req.audit('audit.scope.grant', { target: { type: 'user', id: username }, after: { unitCode }, reason });
      return reply.status(201).send((await listAuditorScopes(app.db, username)).find((s) => s.unitCode === unitCode)!);
    },
  );

  app.delete(
    '/scopes/:username/:unitCode',
    {
      onRequest: app.requireRole('admin'),
      schema: { tags, summary: 'Withdraw a unit from an auditor', security, params: AuditorScopeParams, response: { 204: Type.Null(), ...errors } },
    },
    async (req, reply) => {
      if (!(await removeAuditorScope(app.db, req.params.username, req.params.unitCode)))
        throw fail(404, 'AUDIT_SCOPE_NOT_FOUND', {}, 'Không có phạm vi này / No such scope');
      await req.audit('audit.scope.revoke', { target: { type: 'user', id: req.params.username }, before: { unitCode: req.params.unitCode } });
      return reply.status(204).send(null);
    },
  );
};
export default audit;
