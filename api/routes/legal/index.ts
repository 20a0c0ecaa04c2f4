import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '../../schemas/common.js';
import {
  CitationList,
  CitingProcedures,
  CreateLegalDocumentBody,
  DocumentParams,
  ExecuteBody,
  ExecuteReply,
  LegalDocument,
  LegalDocumentList,
  LegalDocumentQuery,
  MigrationPlan,
  PlanQuery,
  ProcedureIdParams,
  SetCitationsBody,
} from '../../schemas/legal.js';
import * as legal from '../../../domain/procedures/legal-documents.js';
import * as repo from '../../../domain/procedures/store.js';
import { buildPlan, loadVersion, unknownCases, type CasePlan, type InstancePlan, type MigrationPlan as Plan } from '../../../domain/legal/plan.js';
import { migrateCases } from '../../../domain/legal/migrate.js';
import { fail } from '../../../lib/errors.js';

const security = [{ bearer: [] }];
const tags = ['legal'];

const docOut = (d: legal.LegalDocumentRow) => ({
  id: d.id,
  number: d.number,
  kind: d.kind,
  issuer: d.issuer,
  signedOn: d.signed_on,
  effectiveOn: d.effective_on,
  title: d.title,
  url: d.url,
});

const iso = (d: Date) => d.toISOString();
const instanceOut = (i: InstancePlan) => ({
  processInstanceKey: i.processInstanceKey,
  bpmnProcessId: i.bpmnProcessId,
  fromVersion: i.fromVersion,
  targetVersion: i.target?.version ?? null,
  activeElements: i.activeElements.map((a) => ({ elementId: a.elementId, name: a.name, type: a.type })),
  migratable: i.migratable,
  reasons: i.reasons,
  mapping: i.mapping,
  steps: i.steps.map((s) => ({
    elementId: s.elementId,
    name: s.name,
    limitBefore: s.limitBefore,
    limitAfter: s.limitAfter,
    before: { due: iso(s.before.due), remind: iso(s.before.remind) },
    after: { due: iso(s.after.due), remind: iso(s.after.remind) },
    rule: s.rule,
  })),
});
const caseOut = (c: CasePlan) => ({
  ...instanceOut(c),
  caseCode: c.caseCode,
  receivedAt: c.receivedAt ? iso(c.receivedAt) : null,
  appointment: c.appointment
    ? {
        before: iso(c.appointment.before),
        after: iso(c.appointment.after),
        rule: c.appointment.rule,
        limitBefore: c.appointment.limitBefore,
        limitAfter: c.appointment.limitAfter,
      }
    : null,
  called: c.called.map(instanceOut),
  migrated: c.migrated,
});
const planOut = (p: Plan) => ({
  bpmnProcessId: p.from.bpmnProcessId,
  from: { version: p.from.version, processDefinitionKey: p.from.processDefinitionKey },
  to: { version: p.to.version, processDefinitionKey: p.to.processDefinitionKey },
  rule: {
    policy: p.rule.policy,
    changeDate: p.rule.changeDate,
    recorded: p.rule.recorded,
    legalDocument: p.to.legalChange ? { id: p.to.legalChange.documentId, number: p.to.legalChange.number } : null,
  },
  mapping: p.mapping,
  limits: p.limits,
  cases: p.cases.map(caseOut),
  truncated: p.truncated,
});

/**
 * Legal documents and law changes (issue 20, item 1): the register (administrators and designers write,
 * anyone signed in reads), a procedure's citations (designers), the procedures citing a document, and
 * the migration of running cases of an old version to a new one (administrators only).
 */
const legalRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const registerWriters = app.requireRole('admin', 'designer');
  const designers = app.requireRole('designer', 'admin');
  const admins = app.requireRole('admin');

  app.get(
    '/documents',
    {
      onRequest: app.authenticate,
      schema: { tags, summary: 'The register of legal documents', security, querystring: LegalDocumentQuery, response: { 200: LegalDocumentList, ...errors } },
    },
    async (req) => ({ items: (await legal.listDocuments(app.db, { q: req.query.q })).map(docOut) }),
  );

  app.post(
    '/documents',
    {
      onRequest: registerWriters,
      schema: { tags, summary: 'Add a legal document to the register', security, body: CreateLegalDocumentBody, response: { 201: LegalDocument, ...errors } },
    },
    async (req, reply) => {
      const b = req.body;
      const r = await legal.createDocument(
        app.db,
        {
          number: b.number,
          kind: b.kind as legal.LegalDocumentKind,
          issuer: b.issuer,
          signedOn: b.signedOn,
          effectiveOn: b.effectiveOn ?? null,
          title: b.title,
          url: b.url ?? null,
        },
        req.currentUser.id,
      );
      if ('refused' in r)
        throw fail(
          409,
          'LEGAL_DOCUMENT_EXISTS',
          { number: b.number },
          `Văn bản số ${b.number} đã có trong danh mục / Document ${b.number} is already in the register`,
        );
      return reply.status(201).send(docOut(r.document));
    },
  );

  const loadDocument = async (id: number) => {
    const d = await legal.findDocument(app.db, id);
    if (!d) throw fail(404, 'LEGAL_DOCUMENT_NOT_FOUND', { id }, `Không có văn bản pháp luật ${id} trong danh mục / No legal document ${id} in the register`);
    return d;
  };

  app.get(
    '/documents/:id/procedures',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'The procedures citing a document, with their versions and running cases',
        security,
        params: DocumentParams,
        response: { 200: CitingProcedures, ...errors },
      },
    },
    async (req) => {
      const d = await loadDocument(req.params.id);
      const items = await legal.proceduresCiting(app.db, d.id);
      return {
        document: docOut(d),
        items: items.map((p) => ({
          bpmnProcessId: p.bpmn_process_id,
          name: p.name,
          articles: p.articles,
          publishedVersion: p.published_version,
          runningCases: p.running_cases,
          versions: p.versions.map((v) => ({
            version: v.version,
            state: v.state,
            runningCases: Number(v.running),
            legalChange:
              v.legal_document_id && v.legal_change_date && v.due_date_policy
                ? { legalDocumentId: v.legal_document_id, changeDate: v.legal_change_date, dueDatePolicy: v.due_date_policy }
                : null,
          })),
        })),
      };
    },
  );

  const loadProcedure = async (id: string) => {
    const p = await repo.findProcedure(app.db, id);
    if (!p) throw fail(404, 'PROCEDURE_NOT_FOUND', { id }, `Không có quy trình ${id} / No procedure ${id}`);
    return p;
  };

  app.get(
    '/procedures/:bpmnProcessId/citations',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: "A procedure's legal basis: its citations and free-text note",
        security,
        params: ProcedureIdParams,
        response: { 200: CitationList, ...errors },
      },
    },
    async (req) => {
      const p = await loadProcedure(req.params.bpmnProcessId);
      const rows = await legal.listCitations(app.db, p.id);
      return {
        items: rows.map((c) => ({ documentId: c.document_id, article: c.article, text: legal.citationText(c), document: docOut(c) })),
        note: p.legal_basis,
      };
    },
  );

  app.put(
    '/procedures/:bpmnProcessId/citations',
    {
      onRequest: designers,
      schema: {
        tags,
        summary: "Set a procedure's citations (document and article), in order",
        security,
        params: ProcedureIdParams,
        body: SetCitationsBody,
        response: { 200: CitationList, ...errors },
      },
    },
    async (req) => {
      const p = await loadProcedure(req.params.bpmnProcessId);
      const r = await legal.setCitations(app.db, p.id, req.body.citations, req.currentUser.id);
      if ('refused' in r)
        throw fail(
          400,
          'LEGAL_DOCUMENT_NOT_FOUND',
          { id: r.documentId },
          `Không có văn bản pháp luật ${r.documentId} trong danh mục / No legal document ${r.documentId} in the register`,
        );
      const rows = await legal.listCitations(app.db, p.id);
      return {
        items: rows.map((c) => ({ documentId: c.document_id, article: c.article, text: legal.citationText(c), document: docOut(c) })),
        note: p.legal_basis,
      };
    },
  );

  const versions = async (id: string, from: number, to: number) => {
    if (from === to)
      throw fail(400, 'LAW_MIGRATION_SAME_VERSION', { version: from }, `Phiên bản nguồn và đích phải khác nhau / The versions must differ (${from})`);
    const [a, b] = await Promise.all([loadVersion(app.db, id, from), loadVersion(app.db, id, to)]);
    for (const [v, n] of [
      [a, from],
      [b, to],
    ] as const)
      if (!v) throw fail(404, 'PROCEDURE_VERSION_NOT_FOUND', { version: n, id }, `Quy trình ${id} không có phiên bản ${n} / No version ${n} of ${id}`);
    return { from: a!, to: b! };
  };

  app.get(
    '/migrations/plan',
    {
      onRequest: admins,
      schema: {
        tags,
        summary:
          'The migration plan of running cases from one version to another: mapping from the diff, each case migratable or not and why, due dates before and after',
        security,
        querystring: PlanQuery,
        response: { 200: MigrationPlan, ...errors },
      },
    },
    async (req) => {
      const v = await versions(req.query.bpmnProcessId, req.query.from, req.query.to);
      return planOut(await buildPlan(app.db, v.from, v.to));
    },
  );

  app.post(
    '/migrations',
    {
      onRequest: admins,
      config: { audit: false },
      schema: {
        tags,
        summary:
          'Migrate the chosen running cases to the new version (Zeebe process instance migration); one audit entry per case; a case already moved does nothing',
        security,
        body: ExecuteBody,
        response: { 200: ExecuteReply, ...errors },
      },
    },
    async (req) => {
      const b = req.body;
      const v = await versions(b.bpmnProcessId, b.from, b.to);
      const unknown = await unknownCases(app.db, b.bpmnProcessId, b.cases);
      if (unknown.length)
        throw fail(
          400,
          'LAW_MIGRATION_CASE_UNKNOWN',
          { case: unknown[0], version: b.from },
          `Hồ sơ ${unknown[0]} không phải hồ sơ của quy trình ${b.bpmnProcessId} / Case ${unknown[0]} is no case of ${b.bpmnProcessId}`,
        );
      const u = req.currentUser;
      const out = await migrateCases(app.db, app.zeebe, v.from, v.to, b.cases, { username: u.username, roles: u.roles, unitCode: u.unit.code, ip: req.ip });
      req.log.info({ user: u.username, bpmnProcessId: b.bpmnProcessId, from: b.from, to: b.to, outcomes: out.map((o) => o.outcome) }, 'cases migrated');
      return {
        items: out.map((o) => ({
          processInstanceKey: o.processInstanceKey,
          outcome: o.outcome,
          reasons: o.outcome === 'refused' ? o.reasons : [],
          appointmentMoved: o.outcome === 'migrated' ? o.appointmentMoved : false,
          called: o.outcome === 'migrated' ? o.called : [],
        })),
      };
    },
  );
};

export default legalRoutes;
