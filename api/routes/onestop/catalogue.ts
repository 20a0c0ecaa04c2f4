import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { errors } from '../../schemas/common.js';
import { CatalogueImportBody, ImportErrorBody, ImportReply, Procedure, ProcedureCodeParams, ProcedureList, ProcedureListQuery } from '../../schemas/onestop.js';
import {
  checkEntries,
  findProcedure,
  listProcedures,
  parseCatalogueCsv,
  saveProcedure,
  toEntry,
  upsertEntries,
  type RowError,
} from '../../../domain/onestop/catalogue.js';
import { fail } from '../../../lib/errors.js';

const security = [{ bearer: [] }];
const tags = ['one-stop catalogue'];
const MAX_CSV_BYTES = 4 * 1024 * 1024;

/**
 * The procedure catalogue (thủ tục hành chính): everyone signed in reads the active procedures;
 * administrators see all, edit one, or import many from JSON or CSV. An import is all or nothing:
 * any refused row answers 400 with every row's reason and changes nothing.
 */
const catalogue: FastifyPluginAsyncTypebox = async (app) => {
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: MAX_CSV_BYTES }, (_req, body, done) => done(null, body));

  const refuse = (reply: FastifyReply, rows: RowError[]) =>
    reply.status(400).send({
      statusCode: 400,
      code: 'CATALOGUE_INVALID',
      params: { count: rows.length },
      error: 'Bad Request',
      message: `Danh mục có ${rows.length} dòng không hợp lệ, không có thay đổi nào được lưu / ${rows.length} invalid row(s): nothing was saved`,
      rows,
    });

  app.get(
    '/',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'Procedures of the catalogue (active ones; ?all=true for administrators)',
        security,
        querystring: ProcedureListQuery,
        response: { 200: ProcedureList, ...errors },
      },
    },
    async (req) => {
      const all = req.query.all && req.currentUser.roles.includes('admin');
      return { items: (await listProcedures(app.db, { all, q: req.query.q })).map(toEntry) };
    },
  );

  app.get(
    '/:code',
    { onRequest: app.authenticate, schema: { tags, summary: 'One procedure', security, params: ProcedureCodeParams, response: { 200: Procedure, ...errors } } },
    async (req) => {
      const row = await findProcedure(app.db, req.params.code);
      if (!row)
        throw fail(404, 'ONESTOP_PROCEDURE_NOT_FOUND', { code: req.params.code }, `Không có thủ tục ${req.params.code} / No procedure ${req.params.code}`);
      return toEntry(row);
    },
  );

  app.put(
    '/:code',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags,
        summary: 'Create or replace one procedure',
        security,
        params: ProcedureCodeParams,
        body: Type_Entry,
        response: { 200: Procedure, 400: ImportErrorBody, ...omit400 },
      },
    },
    async (req, reply) => {
      // The code is the procedure's key as written: a padded one (" CODE ") would save "CODE" under another name.
      if (req.params.code !== req.params.code.trim())
        throw fail(
          400,
          'PROCEDURE_CODE_PADDED',
          { code: req.params.code.trim() },
          `Mã thủ tục trong đường dẫn có khoảng trắng ở đầu hoặc cuối; hãy dùng "${req.params.code.trim()}" / The procedure code in the address has leading or trailing blanks; use "${req.params.code.trim()}"`,
        );
      const { entries, errors: bad } = await checkEntries([{ ...req.body, code: req.params.code }], app.db);
      if (bad.length) return refuse(reply, bad);
      const { before, after } = await saveProcedure(app.db, req.params.code, entries);
      await req.audit('onestop.procedure.save', { target: { type: 'onestop_procedure', id: req.params.code }, before, after });
      return after;
    },
  );

  app.post(
    '/import',
    {
      onRequest: app.requireRole('admin'),
      bodyLimit: MAX_CSV_BYTES,
      config: { longText: true },
      schema: {
        tags,
        summary: 'Import procedures from JSON (the processes/onestop-catalogue.json format); upsert by code',
        security,
        body: CatalogueImportBody,
        response: { 200: ImportReply, 400: ImportErrorBody, ...omit400 },
      },
    },
    async (req, reply) => {
      const { entries, errors: bad } = await checkEntries(req.body, app.db);
      if (bad.length) return refuse(reply, bad);
      const out = await upsertEntries(app.db, entries);
      await req.audit('onestop.catalogue.import', { target: { type: 'onestop_catalogue', id: 'json' }, after: out });
      return out;
    },
  );

  app.post(
    '/import.csv',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags,
        summary: 'Import procedures from CSV (header line with the JSON keys; fees and requiredDocuments as JSON text); upsert by code',
        security,
        consumes: ['text/csv'],
        response: { 200: ImportReply, 400: ImportErrorBody, ...omit400 },
      },
    },
    async (req, reply) => {
      if (typeof req.body !== 'string' || !req.body.trim())
        throw fail(400, 'CSV_CONTENT_TYPE', {}, 'Gửi nội dung CSV với Content-Type text/csv / Send the CSV as text/csv');
      const parsed = await parseCatalogueCsv(req.body);
      if (parsed.errors.length) return refuse(reply, parsed.errors);
      if (!parsed.rows.length) throw fail(400, 'CSV_EMPTY', {}, 'Tệp CSV không có dòng dữ liệu / The CSV has no data rows');
      const { entries, errors: bad } = await checkEntries(parsed.rows, app.db, parsed.lines);
      if (bad.length) return refuse(reply, bad);
      const out = await upsertEntries(app.db, entries);
      await req.audit('onestop.catalogue.import', { target: { type: 'onestop_catalogue', id: 'csv' }, after: out });
      return out;
    },
  );
};

const { 400: _drop, ...omit400 } = errors;
const Type_Entry = CatalogueImportBody.items;

export default catalogue;
