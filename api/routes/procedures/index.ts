import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createHash } from 'node:crypto';
import { errors } from '../../schemas/common.js';
import {
  CreateProcedureBody,
  DraftConflict,
  Procedure,
  ProcedureList,
  ProcedureParams,
  ProcedureSheet,
  PublishBody,
  PublishReply,
  SaveDraftBody,
  UpdateProcedureBody,
  ValidateBody,
  ValidationReport,
  SimulateBody,
  Simulation,
  VersionParams,
  VersionXml,
  WorkerTypeList,
  OwnerUnitList,
  ProcedureVersion as ProcedureVersionSchema,
  BundledOfferParams,
  type ProcedureVersion,
} from '../../schemas/procedures.js';
import { answerOffer, pendingOffer } from '../../../domain/procedures/bundled.js';
import { entriesOfProcess } from '../../../domain/onestop/catalogue.js';
import { systemProcessKind } from '../../../domain/iso/system-processes.js';
import * as repo from '../../../domain/procedures/store.js';
import { readBpmnFile, renameProcessId, type ValidationIssue } from '../../../engine/validate.js';
import { checkDraft, createProcedure, editProcedureInfo, publishDraft, retireProcedureVersion } from '../../../domain/procedures/lifecycle.js';
import { AUTOMATED_STEP_TEMPLATES } from '../../../engine/jobs/catalogue.js';
import { simulateDraft } from '../../../domain/deadlines/simulate.js';
import { buildProcedureSheet, renderProcedureSheetPdf } from '../../../domain/procedures/sheet.js';
import { Type } from 'typebox';
import { DomainError, fail } from '../../../lib/errors.js';
import { sendFile } from '../download.js';

const security = [{ bearer: [] }];
const tags = ['procedures'];
/** JSON bodies carry a BPMN file of up to 2 MB (more bytes once escaped) plus its forms. */
const BODY_LIMIT = 10 * 1024 * 1024;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** A blank executable procedure: start → end, with its diagram, for the modeler to build on. */
export function blankBpmn(id: string, name: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Defs_${id.replace(/[^A-Za-z0-9_]/g, '_')}" targetNamespace="http://eiso.gov.vn/bpmn" exporter="eiso" exporterVersion="0.1.0" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.6.0">
  <bpmn:process id="${esc(id)}" name="${esc(name)}" isExecutable="true">
    <bpmn:startEvent id="BatDau" name="Bắt đầu">
      <bpmn:outgoing>Flow_BatDau_KetThuc</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:endEvent id="KetThuc" name="Kết thúc">
      <bpmn:incoming>Flow_BatDau_KetThuc</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_BatDau_KetThuc" sourceRef="BatDau" targetRef="KetThuc" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_1">
    <bpmndi:BPMNPlane id="Plane_1" bpmnElement="${esc(id)}">
      <bpmndi:BPMNShape id="BatDau_di" bpmnElement="BatDau"><dc:Bounds x="152" y="182" width="36" height="36" /><bpmndi:BPMNLabel><dc:Bounds x="148" y="225" width="44" height="14" /></bpmndi:BPMNLabel></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="KetThuc_di" bpmnElement="KetThuc"><dc:Bounds x="352" y="182" width="36" height="36" /><bpmndi:BPMNLabel><dc:Bounds x="348" y="225" width="44" height="14" /></bpmndi:BPMNLabel></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_BatDau_KetThuc_di" bpmnElement="Flow_BatDau_KetThuc"><di:waypoint x="188" y="200" /><di:waypoint x="352" y="200" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toVersion(v: repo.VersionRow): ProcedureVersion {
  return {
    version: v.version,
    processDefinitionKey: String(v.process_definition_key),
    state: v.state,
    publishedBy: v.published_by_username,
    publishedAt: v.published_at.toISOString(),
    retiredBy: v.retired_by_username,
    retiredAt: iso(v.retired_at),
    runningInstances: Number(v.running_instances),
    checksum: v.checksum,
  };
}

const procedures: FastifyPluginAsyncTypebox = async (app) => {
  const write = app.requireRole('designer', 'admin');
  const read = app.authenticate;

  const notFound = (id: string) => fail(404, 'PROCEDURE_NOT_FOUND', { id }, `Không có quy trình ${id} / No procedure ${id}`);
  /** A 400 that names the BPMN problem, in the shape of every validation error (code and elements). */
  const bpmnRefused = (issue: ValidationIssue) => new DomainError(issue.code, issue.params, `Tệp BPMN bị từ chối / BPMN file refused: ${issue.message}`, 400);

  const loadProcedure = async (id: string) => {
    const p = await repo.findProcedure(app.db, id);
    if (!p) throw notFound(id);
    return p;
  };

  const procedureReply = async (p: repo.ProcedureRow) => {
    const [draft, versions, events, offer, catalogueCodes] = await Promise.all([
      repo.findDraft(app.db, p.id),
      repo.listVersions(app.db, p.id),
      repo.listEvents(app.db, p.id),
      pendingOffer(app.db, p.id),
      entriesOfProcess(app.db, p.bpmn_process_id),
    ]);
    return {
      bpmnProcessId: p.bpmn_process_id,
      name: p.name,
      code: p.code,
      purpose: p.purpose,
      scope: p.scope,
      legalBasis: p.legal_basis,
      createdBy: p.created_by_username,
      createdAt: p.created_at.toISOString(),
      draft: {
        xml: draft!.xml,
        forms: draft!.forms,
        revision: draft!.revision,
        updatedBy: draft!.updated_by_username,
        updatedAt: draft!.updated_at.toISOString(),
        changedSincePublish: versions.length === 0 || versions[0].checksum !== sha256(draft!.xml),
      },
      versions: versions.map(toVersion),
      events: events.map((e) => ({ kind: e.kind, version: e.version, actor: e.actor, at: e.created_at.toISOString(), details: e.details })),
      bundledFile: p.bundled_file,
      bundledOffer: offer ? { id: offer.id, checksum: offer.checksum, offeredAt: offer.created_at.toISOString(), xml: offer.xml } : null,
      catalogueCodes,
    };
  };

  app.get(
    '/',
    {
      onRequest: read,
      schema: {
        tags,
        summary: 'Procedures with their draft revision, latest version and running instances',
        security,
        response: { 200: ProcedureList, ...errors },
      },
    },
    async () => {
      const rows = await repo.listProcedures(app.db);
      const kinds = await Promise.all(rows.map((r) => systemProcessKind(app.db, r.bpmn_process_id)));
      return {
        items: rows.map((r, i) => ({
          bpmnProcessId: r.bpmn_process_id,
          name: r.name,
          code: r.code,
          draftRevision: r.draft_revision,
          draftUpdatedAt: r.draft_updated_at.toISOString(),
          latestVersion: r.latest_version,
          latestVersionState: r.latest_state,
          publishedVersions: Number(r.published_versions),
          runningInstances: Number(r.running_instances),
          createdAt: r.created_at.toISOString(),
          bundledFile: r.bundled_file,
          kind: kinds[i],
          bundledOfferPending: r.offer_pending,
        })),
      };
    },
  );

  app.get(
    '/worker-types',
    {
      onRequest: read,
      schema: { tags, summary: 'Ready-made automated steps (job types with a worker)', security, response: { 200: WorkerTypeList, ...errors } },
    },
    async () => ({
      items: AUTOMATED_STEP_TEMPLATES.map((t) => ({ ...t, inputs: [...t.inputs] })),
    }),
  );

  app.get(
    '/owner-units',
    {
      onRequest: read,
      schema: { tags, summary: 'Every unit of the organisation, for choosing who handles a step', security, response: { 200: OwnerUnitList, ...errors } },
    },
    async () => {
      const rows = await repo.listOwnerUnits(app.db);
      return { items: rows.map((r) => ({ code: r.code, name: r.name, kind: r.kind, parentCode: r.parent_code ?? null })) };
    },
  );

  app.post(
    '/',
    {
      onRequest: write,
      bodyLimit: BODY_LIMIT,
      config: { longText: true },
      schema: {
        tags,
        summary: 'Create a procedure from the blank template or an imported BPMN 2.0 file',
        security,
        body: CreateProcedureBody,
        response: { 201: Procedure, ...errors },
      },
    },
    async (req, reply) => {
      const body = req.body;
      let id = body.bpmnProcessId;
      let name = body.name;
      let xml: string;
      if (body.xml !== undefined) {
        const file = await readBpmnFile(body.xml);
        if (file.issue) throw bpmnRefused(file.issue);
        const ordered = [...file.processes.filter((p) => p.isExecutable), ...file.processes.filter((p) => !p.isExecutable)];
        const process = (id ? ordered.find((p) => p.id === id) : undefined) ?? ordered[0];
        if (!process) throw fail(400, 'BPMN_NO_PROCESS', {}, 'Tệp BPMN không có quy trình nào (bpmn:process) / The file contains no process');
        xml = body.xml;
        if (id && process.id !== id) {
          // The designer chose another id: the file's first process takes it.
          if (new RegExp(`\\sid="${id.replace(/[.]/g, '\\.')}"`).test(xml))
            throw fail(400, 'BPMN_ID_IN_USE', { id }, `Mã ${id} đã được dùng cho một phần tử khác trong tệp / Id ${id} is used by another element of the file`);
          xml = await renameProcessId(xml, process.id, id);
        } else if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(process.id)) {
          throw fail(
            400,
            'PROCESS_ID_INVALID',
            { id: process.id },
            `Mã quy trình "${process.id}" không hợp lệ, hãy đặt mã khác (bpmnProcessId) / Invalid process id; give one in bpmnProcessId`,
          );
        }
        id ??= process.id;
        name ??= process.name;
      } else {
        if (!id || !name)
          throw fail(
            400,
            'PROCEDURE_CREATE_INPUT',
            {},
            'Cần mã quy trình (bpmnProcessId) và tên (name), hoặc một tệp BPMN (xml) / bpmnProcessId and name, or xml, are required',
          );
        xml = blankBpmn(id, name);
      }
      const created = await createProcedure(app.db, {
        bpmnProcessId: id,
        name,
        code: body.code ?? '',
        purpose: body.purpose ?? '',
        scope: body.scope ?? '',
        legalBasis: body.legalBasis ?? '',
        xml,
        forms: body.forms ?? {},
        createdBy: req.currentUser.id,
        ...(body.xml !== undefined ? { imported: { fileName: body.fileName ?? null } } : {}),
      });
      if ('refused' in created) throw fail(409, 'PROCEDURE_EXISTS', { id }, `Quy trình ${id} đã có / Procedure ${id} already exists`);
      const procedureId = created.id;
      req.log.info({ user: req.currentUser.username, bpmnProcessId: id, procedureId, imported: body.xml !== undefined }, 'procedure created');
      return reply.status(201).send(await procedureReply((await repo.findProcedure(app.db, id))!));
    },
  );

  app.get(
    '/:id',
    {
      onRequest: read,
      schema: {
        tags,
        summary: 'A procedure with its draft, versions (with running instances) and history',
        security,
        params: ProcedureParams,
        response: { 200: Procedure, ...errors },
      },
    },
    async (req) => procedureReply(await loadProcedure(req.params.id)),
  );

  app.patch(
    '/:id',
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Edit name, code, purpose, scope and legal basis (printed on the sheet)',
        security,
        params: ProcedureParams,
        body: UpdateProcedureBody,
        response: { 200: Procedure, ...errors },
      },
    },
    async (req) => {
      const p = await loadProcedure(req.params.id);
      const b = req.body;
      const fields = {
        ...(b.name !== undefined ? { name: b.name } : {}),
        ...(b.code !== undefined ? { code: b.code } : {}),
        ...(b.purpose !== undefined ? { purpose: b.purpose } : {}),
        ...(b.scope !== undefined ? { scope: b.scope } : {}),
        ...(b.legalBasis !== undefined ? { legal_basis: b.legalBasis } : {}),
      };
      await editProcedureInfo(app.db, p.id, fields, Object.keys(b), req.currentUser.id);
      return procedureReply((await repo.findProcedure(app.db, p.bpmn_process_id))!);
    },
  );

  app.put(
    '/:id/draft',
    {
      onRequest: write,
      bodyLimit: BODY_LIMIT,
      config: { longText: true },
      schema: {
        tags,
        summary: 'Autosave the draft; refused with 409 when another save came first (stale revision)',
        security,
        params: ProcedureParams,
        body: SaveDraftBody,
        response: { 200: Procedure.properties.draft, ...errors, 409: DraftConflict },
      },
    },
    async (req, reply) => {
      const p = await loadProcedure(req.params.id);
      const file = await readBpmnFile(req.body.xml);
      if (file.issue) throw bpmnRefused(file.issue);
      const saved = await repo.saveDraft(app.db, p.id, req.body.revision, req.body.xml, req.body.forms, req.currentUser.id);
      const draft = (await repo.findDraft(app.db, p.id))!;
      if (!saved) {
        return reply.status(409).send({
          statusCode: 409,
          code: 'REVISION_CONFLICT',
          params: { revision: draft.revision },
          error: 'Conflict',
          message: `Bản nháp đã được ${draft.updated_by_username ?? 'người khác'} lưu (phiên bản nháp ${draft.revision}); hãy tải lại / The draft was saved elsewhere (revision ${draft.revision}); reload it`,
          currentRevision: draft.revision,
          updatedBy: draft.updated_by_username,
          updatedAt: draft.updated_at.toISOString(),
        });
      }
      const latest = (await repo.listVersions(app.db, p.id))[0];
      return {
        xml: draft.xml,
        forms: draft.forms,
        revision: draft.revision,
        updatedBy: draft.updated_by_username,
        updatedAt: draft.updated_at.toISOString(),
        changedSincePublish: !latest || latest.checksum !== sha256(draft.xml),
      };
    },
  );

  app.post(
    '/:id/validate',
    {
      onRequest: write,
      bodyLimit: BODY_LIMIT,
      config: { longText: true },
      schema: {
        tags,
        summary: 'Validate the draft (or the given XML) with bpmnlint and our rules, without deploying',
        security,
        params: ProcedureParams,
        body: ValidateBody,
        response: { 200: ValidationReport, ...errors },
      },
    },
    async (req) => {
      const p = await loadProcedure(req.params.id);
      const xml = req.body.xml ?? (await repo.findDraft(app.db, p.id))!.xml;
      const result = await checkDraft(app.db, xml, p.bpmn_process_id);
      return { ok: result.errors.length === 0, errors: result.errors, warnings: result.warnings };
    },
  );

  app.post(
    '/:id/simulate',
    {
      onRequest: write,
      bodyLimit: BODY_LIMIT,
      config: { longText: true },
      schema: {
        tags,
        summary: 'What if: the draft (or the given XML) received at a chosen time, each step of the longest path due, the appointment, on the working calendar',
        description:
          "Counted with the deadline workers' functions on the calendar in the database; nothing is stored. 400 for an unreadable file (BPMN_TOO_LARGE, BPMN_MALFORMED, …), an unknown legal unit (SIMULATE_LIMIT_UNIT_UNKNOWN) or an impossible receipt (SIMULATE_RECEIPT_INVALID).",
        security,
        params: ProcedureParams,
        body: SimulateBody,
        response: { 200: Simulation, ...errors },
      },
    },
    async (req) => {
      const p = await loadProcedure(req.params.id);
      const xml = req.body.xml ?? (await repo.findDraft(app.db, p.id))!.xml;
      return simulateDraft(app.db, xml, p.bpmn_process_id, req.body.receivedAt);
    },
  );

  app.post(
    '/:id/publish',
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Validate and deploy the draft to Zeebe as a new version',
        description:
          'An unchanged draft (same XML as the latest version) is refused with 409 DRAFT_UNCHANGED; a failing validation answers 400 BPMN_INVALID with the element ids and keeps the draft.',
        security,
        params: ProcedureParams,
        body: PublishBody,
        response: { 201: PublishReply, ...errors },
      },
    },
    async (req, reply) => {
      const r = await publishDraft(app.db, app.zeebe, req.params.id, {
        revision: req.body.revision,
        userId: req.currentUser.id,
        legalChange: req.body.legalChange,
      });
      if ('refused' in r) {
        switch (r.refused) {
          case 'not_found':
            throw notFound(req.params.id);
          case 'revision_conflict':
            throw fail(
              409,
              'REVISION_CONFLICT',
              { revision: r.revision },
              `Bản nháp đã thay đổi (phiên bản nháp ${r.revision}, không phải ${req.body.revision}); hãy tải lại / The draft changed (revision ${r.revision}); reload it`,
            );
          case 'unknown_document':
            throw fail(
              400,
              'LEGAL_DOCUMENT_NOT_FOUND',
              { id: r.documentId },
              `Không có văn bản pháp luật ${r.documentId} trong danh mục / No legal document ${r.documentId} in the register`,
            );
          case 'unchanged':
            throw fail(
              409,
              'DRAFT_UNCHANGED',
              { version: r.version },
              `Bản nháp không thay đổi so với phiên bản ${r.version}; không có gì để công bố / The draft is identical to version ${r.version}; nothing to publish`,
            );
        }
      }
      const out = { ...toVersion(r.version), deploymentKey: r.deploymentKey, warnings: r.warnings };
      req.log.info({ user: req.currentUser.username, bpmnProcessId: req.params.id, version: out.version }, 'procedure published');
      return reply.status(201).send(out);
    },
  );

  for (const answer of ['accept', 'dismiss'] as const) {
    app.post(
      `/:id/bundled-offers/:offer/${answer}`,
      {
        onRequest: write,
        schema: {
          tags,
          summary:
            answer === 'accept'
              ? 'Load a newer release of the shipped file into the draft (to review, diff and publish)'
              : 'Dismiss a newer release of the shipped file (the draft stays)',
          description:
            'A release of a bundled process file is offered instead of deployed when the designer has published a version of their own. `revision` is the draft revision the designer has loaded (409 REVISION_CONFLICT otherwise).',
          security,
          params: BundledOfferParams,
          body: PublishBody,
          response: { 200: Procedure, ...errors },
        },
      },
      async (req) => {
        const p = await loadProcedure(req.params.id);
        const revision = req.body.revision ?? (await repo.findDraft(app.db, p.id))!.revision;
        const r = await answerOffer(app.db, p.id, req.params.offer, answer, { userId: req.currentUser.id, revision });
        if ('refused' in r) {
          if (r.refused === 'no_offer')
            throw fail(
              404,
              'BUNDLED_OFFER_NOT_FOUND',
              { offer: req.params.offer, id: p.bpmn_process_id },
              `Không có bản phát hành ${req.params.offer} đang chờ xem xét của quy trình ${p.bpmn_process_id} / No release ${req.params.offer} of ${p.bpmn_process_id} waits for review`,
            );
          throw fail(
            409,
            'REVISION_CONFLICT',
            { revision: r.revision },
            `Bản nháp đã thay đổi (phiên bản nháp ${r.revision}, không phải ${revision}); hãy tải lại / The draft changed (revision ${r.revision}); reload it`,
          );
        }
        req.log.info({ user: req.currentUser.username, bpmnProcessId: p.bpmn_process_id, offer: req.params.offer, answer }, 'bundled release answered');
        return procedureReply((await repo.findProcedure(app.db, p.bpmn_process_id))!);
      },
    );
  }

  app.post(
    '/:id/versions/:version/retire',
    {
      onRequest: write,
      schema: {
        tags,
        summary: 'Retire a version: running instances continue, no new ones start',
        security,
        params: VersionParams,
        body: Type.Optional(Type.Object({})),
        response: { 200: ProcedureVersionSchema, ...errors },
      },
    },
    async (req) => {
      const p = await loadProcedure(req.params.id);
      const r = await retireProcedureVersion(app.db, p.id, req.params.version, req.currentUser.id);
      if ('refused' in r) {
        if (r.refused === 'no_version')
          throw fail(
            404,
            'PROCEDURE_VERSION_NOT_FOUND',
            { version: req.params.version, id: p.bpmn_process_id },
            `Quy trình ${p.bpmn_process_id} không có phiên bản ${req.params.version} / No version ${req.params.version}`,
          );
        throw fail(
          409,
          'ALREADY_RETIRED',
          { version: req.params.version },
          `Phiên bản ${req.params.version} đã ngừng áp dụng / Version ${req.params.version} is already retired`,
        );
      }
      const v = r.version;
      req.log.info({ user: req.currentUser.username, bpmnProcessId: p.bpmn_process_id, version: v.version }, 'procedure version retired');
      return toVersion(v);
    },
  );

  const loadVersion = async (id: string, version: number) => {
    const p = await loadProcedure(id);
    const v = await repo.findVersion(app.db, p.id, version);
    if (!v) throw fail(404, 'PROCEDURE_VERSION_NOT_FOUND', { version, id }, `Quy trình ${id} không có phiên bản ${version} / No version ${version} of ${id}`);
    return { p, v };
  };

  app.get(
    '/:id/versions/:version/xml',
    {
      onRequest: read,
      schema: {
        tags,
        summary: 'The deployed XML and forms of a version (for the visual diff)',
        security,
        params: VersionParams,
        response: { 200: VersionXml, ...errors },
      },
    },
    async (req) => {
      const { p, v } = await loadVersion(req.params.id, req.params.version);
      return { bpmnProcessId: p.bpmn_process_id, version: v.version, xml: v.xml, forms: v.forms };
    },
  );

  app.get(
    '/:id/versions/:version/sheet',
    {
      onRequest: read,
      schema: { tags, summary: 'The ISO procedure sheet of a version, as data', security, params: VersionParams, response: { 200: ProcedureSheet, ...errors } },
    },
    async (req) => {
      const { p, v } = await loadVersion(req.params.id, req.params.version);
      return buildProcedureSheet(app.db, p, v);
    },
  );

  app.get(
    '/:id/versions/:version/sheet.pdf',
    {
      onRequest: read,
      schema: {
        tags,
        summary: 'The ISO procedure sheet of a version, as a PDF',
        security,
        params: VersionParams,
        response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), ...errors },
      },
    },
    async (req, reply) => {
      const { p, v } = await loadVersion(req.params.id, req.params.version);
      const pdf = await renderProcedureSheetPdf(await buildProcedureSheet(app.db, p, v));
      return sendFile(reply, { name: `${p.bpmn_process_id}-v${v.version}.pdf`, type: 'pdf', body: pdf, inline: true });
    },
  );
};

export default procedures;
