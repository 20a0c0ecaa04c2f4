import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { errors } from '../../schemas/common.js';
import path from 'node:path';
import { BinaryFile, TimelineParams, TimelineReply } from '../../schemas/audit.js';
import { loadTimeline } from '../../../domain/audit/store.js';
import { caseAccess } from '../../../domain/audit/scope.js';
import { buildCaseFile, loadCaseFileFacts } from '../../../domain/audit/exports.js';
import { fail } from '../../../lib/errors.js';
import { sendFile } from '../download.js';

/**
 * GET /api/cases/:processInstanceKey/timeline — one case's complete history for auditors,
 * administrators and the leaders of the units it belongs to. Registered under /api/cases next to
 * other case routes; this plugin only owns the /timeline path.
 */
const timeline: FastifyPluginAsyncTypebox = async (app) => {
  const filesRoot = path.join(app.config.dataDir, 'files');

  /** 404 for an unknown case, 403 outside the viewer's units (logged for auditors by the audit plugin); the case's units. */
  const checkCase = async (req: FastifyRequest, key: string): Promise<string[]> => {
    const access = await caseAccess(app.db, key, await app.auditScope(req));
    if (!access.exists) throw fail(404, 'CASE_NOT_FOUND', { key }, `Không có hồ sơ ${key} / No case ${key}`);
    if (!access.inScope) {
      throw fail(
        403,
        'CASE_OUTSIDE_EXAMINED_UNITS',
        { key },
        `Hồ sơ ${key} không thuộc đơn vị bạn được xem / Case ${key} is outside the units you may examine`,
      );
    }
    return access.units;
  };

  app.get(
    '/:processInstanceKey/export.zip',
    {
      onRequest: app.requireRole('auditor', 'admin', 'leader'),
      schema: {
        tags: ['audit'],
        summary:
          'The case file as ZIP: PDF summary, documents, timeline (JSON and CSV), audit entries of the case, the BPMN, a manifest with sha256 of every file',
        security: [{ bearer: [] }],
        params: TimelineParams,
        response: { 200: BinaryFile, ...errors },
      },
    },
    async (req, reply) => {
      const key = req.params.processInstanceKey;
      await checkCase(req, key);
      const facts = (await loadCaseFileFacts(app.db, key, req.currentUser.username))!;
      const file = await buildCaseFile(filesRoot, facts);
      await req.audit('audit.export.case', {
        target: { type: 'case', id: key },
        after: {
          files: file.manifest.length + 1,
          documents: file.documents,
          missingDocuments: file.missingDocuments,
          timelineElements: file.timelineElements,
          auditEntries: file.auditEntries,
          bytes: file.zip.length,
          sha256: file.sha256,
        },
      });
      const name = (facts.timeline.caseCode ?? key).replace(/[^A-Za-z0-9._-]/g, '_');
      return sendFile(reply, { name: `ho-so-${name}.zip`, type: 'zip', body: file.zip, noStore: true });
    },
  );

  app.get(
    '/:processInstanceKey/timeline',
    {
      onRequest: app.requireRole('auditor', 'admin', 'leader'),
      schema: {
        tags: ['audit'],
        summary:
          'Case timeline: every element with start, end, duration and who completed it; variables, timers, messages, incidents, audit entries, the diagram',
        security: [{ bearer: [] }],
        params: TimelineParams,
        response: { 200: TimelineReply, ...errors },
      },
    },
    async (req) => {
      const key = req.params.processInstanceKey;
      const units = await checkCase(req, key);
      const out = await loadTimeline(app.db, key);
      await req.audit('audit.case.timeline', { target: { type: 'case', id: key } });
      return { ...out!, units };
    },
  );
};
export default timeline;
