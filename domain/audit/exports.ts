import archiver from 'archiver';
import ExcelJS from 'exceljs';
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { listAttachments, type AttachmentRow } from '../inbox/attachments.js';
import { loadTimeline } from './store.js';
import { caseSummary, casesForExport, type CaseFilters } from './case-search.js';
import { userFullNames } from '../procedures/store.js';
import { openStored } from '../../lib/file-store.js';
import type { CaseSummary, TimelineReply } from '../../api/schemas/audit.js';
import { caseUnits } from './scope.js';
import { printer } from '../../lib/pdf.js';
import { neutraliseFormula } from '../../lib/spreadsheet-safe.js';
import * as clock from '../../lib/clock.js';

/**
 * The auditor's exports: a case file as ZIP (PDF summary, documents, timeline as JSON and CSV, the
 * audit entries touching the case, a manifest with the sha256 of every file) and search results as
 * an Excel workbook. Routes: api/routes/cases/timeline.ts (case file) and api/routes/audit (search).
 */

const TZ = 'Asia/Ho_Chi_Minh';
const VN_OFFSET_MS = 7 * 3600_000;

/** "23/11/2026 14:05" in Vietnam's time; "—" when null. */
export function vnDateTime(iso: string | Date | null | undefined): string {
  if (!iso) return '—';
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}

/** "1 ngày 2 giờ 5 phút", "35 phút 10 giây", "< 1 giây"; "—" when null. */
export function vnDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return '< 1 giây';
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts: string[] = [];
  if (d) parts.push(`${d} ngày`);
  if (h) parts.push(`${h} giờ`);
  if (m) parts.push(`${m} phút`);
  if (!d && !h) parts.push(`${s % 60} giây`);
  return parts.join(' ');
}

export const STATE_VI: Record<string, string> = { active: 'Đang xử lý', completed: 'Đã hoàn thành', terminated: 'Đã hủy' };

// ------------------------------------------------------------------------------------------ CSV

/** One CSV field: quoted when it holds a separator, quote or line break; formulas neutralised for spreadsheets. */
function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  s = neutraliseFormula(s);
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const csv = (rows: unknown[][]): string => `\uFEFF${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;

/** The timeline as one CSV table in time order: elements, variable changes, timers, messages, incidents. */
export function timelineCsv(tl: Omit<TimelineReply, 'units'>): string {
  type Line = [string, string, string | null, string | null, string | null, string | null, number | null, string | null, unknown];
  const lines: Line[] = [];
  for (const e of tl.elements)
    lines.push([
      e.start,
      'element',
      e.elementId,
      e.name,
      e.type,
      e.state,
      e.durationMs,
      e.completedBy ?? e.assignee,
      { end: e.end, dueDate: e.dueDate, late: e.late },
    ]);
  for (const c of tl.calledSteps)
    lines.push([
      c.start,
      'called_step',
      c.elementId,
      c.name,
      `${c.bpmnProcessId}/${c.processInstanceKey}`,
      c.state,
      c.end ? new Date(c.end).getTime() - new Date(c.start).getTime() : null,
      c.completedBy ?? c.assignee,
      { end: c.end, dueDate: c.dueDate, late: c.late, process: c.processName, depth: c.depth },
    ]);
  for (const v of tl.variables) lines.push([v.at, 'variable', v.elementId, v.name, v.intent, null, null, null, v.value]);
  for (const ev of tl.events) lines.push([ev.at, ev.kind, ev.elementId, null, null, null, null, null, ev.detail]);
  for (const i of tl.incidents) lines.push([i.created, 'incident', i.elementId, i.errorType, null, i.state, null, null, i.errorMessage]);
  lines.sort((a, b) => a[0].localeCompare(b[0]));
  return csv([['at', 'kind', 'element_id', 'name', 'type_or_intent', 'state', 'duration_ms', 'actor', 'detail'], ...lines]);
}

// ------------------------------------------------------------------------------------------ PDF

export interface CaseFileFacts {
  timeline: Omit<TimelineReply, 'units'>;
  summary: CaseSummary;
  units: string[];
  appointmentAt: string | null;
  documents: AttachmentRow[];
  /**
   * The one-stop dossier's own files when the case is a dossier: the citizen's online files, the scans taken at
   * the desk, supplements and the result (dossier_documents), whatever the channel.
   */
  dossierDocuments: DossierFileRow[];
  people: Map<string, string>;
  exportedBy: string;
  exportedAt: Date;
}

/** A file of the one-stop dossier of a case, as the case file stores it. */
export interface DossierFileRow {
  requirement_code: string | null;
  stage: string;
  file_name: string;
  sha256: string;
  storage_path: string;
  uploaded_by: string;
}

/** The files of the dossier whose case is `key` (none when the case is not a one-stop dossier). */
async function dossierFiles(db: Knex, key: string): Promise<DossierFileRow[]> {
  return db('dossier_documents as f')
    .join('dossiers as d', 'd.id', 'f.dossier_id')
    .where('d.process_instance_key', key)
    .orderBy([{ column: 'f.uploaded_at' }, { column: 'f.id' }])
    .select('f.requirement_code', 'f.stage', 'f.file_name', 'f.sha256', 'f.storage_path', 'f.uploaded_by');
}

/** Steps as the summary lists them: every element that ran except the process itself and gateways. */
export const summarySteps = (tl: Omit<TimelineReply, 'units'>) =>
  tl.elements.filter((e) => e.type !== 'PROCESS' && !e.type.endsWith('_GATEWAY') && e.type !== 'SEQUENCE_FLOW');

/** The case summary as an A4 PDF in Vietnamese: procedure, dates, on-time status, steps with durations and actors, documents. */
export async function renderCaseSummaryPdf(f: CaseFileFacts): Promise<Buffer> {
  const tl = f.timeline;
  const who = (u: string | null) => (u ? `${f.people.get(u) ?? u} (${u})` : '—');
  const verdict = tl.state === 'active' ? (f.summary.late ? 'Đang xử lý, đã trễ hạn' : 'Đang xử lý, trong hạn') : f.summary.late ? 'Trễ hạn' : 'Đúng hạn';
  const steps = summarySteps(tl);
  const cell = (text: string, extra: object = {}) => ({ text, fontSize: 8.5, ...extra });
  const doc = {
    pageSize: 'A4',
    pageOrientation: 'landscape',
    pageMargins: [36, 36, 36, 40],
    info: { title: `Tóm tắt hồ sơ ${tl.caseCode ?? tl.processInstanceKey}`, subject: tl.processName ?? tl.bpmnProcessId },
    defaultStyle: { font: 'Roboto', fontSize: 10, lineHeight: 1.15 },
    styles: {
      title: { fontSize: 15, bold: true, alignment: 'center', margin: [0, 0, 0, 2] },
      h: { fontSize: 11.5, bold: true, margin: [0, 12, 0, 4] },
      th: { bold: true, fontSize: 8.5, fillColor: '#eeeeee' },
    },
    footer: (page: number, pages: number) => ({
      text: `Hồ sơ ${tl.caseCode ?? tl.processInstanceKey} · Xuất lúc ${vnDateTime(f.exportedAt)} bởi ${f.exportedBy} · Trang ${page}/${pages}`,
      alignment: 'center',
      fontSize: 8,
      margin: [0, 12, 0, 0],
    }),
    content: [
      { text: 'TÓM TẮT HỒ SƠ', style: 'title' },
      { text: tl.processName ?? tl.bpmnProcessId, alignment: 'center', margin: [0, 0, 0, 10] },
      {
        table: {
          widths: [170, '*'],
          body: [
            ['Thủ tục / quy trình', `${tl.processName ?? tl.bpmnProcessId} (${tl.bpmnProcessId}, phiên bản ${tl.version})`],
            ['Mã hồ sơ', tl.caseCode ?? '—'],
            ['Số hiệu trong hệ thống', tl.processInstanceKey],
            ['Đơn vị', f.units.join(', ') || '—'],
            ['Trạng thái', STATE_VI[tl.state] ?? tl.state],
            ['Bắt đầu', vnDateTime(tl.start)],
            ['Kết thúc', vnDateTime(tl.end)],
            ['Tổng thời gian', vnDuration(tl.durationMs)],
            ['Ngày hẹn trả kết quả', vnDateTime(f.appointmentAt)],
            [
              'Đúng hạn / trễ hạn',
              { text: verdict + (f.summary.breachedSteps.length ? ` (bước trễ: ${f.summary.breachedSteps.join(', ')})` : ''), bold: true },
            ],
            ['Sự cố kỹ thuật', tl.incidents.length ? String(tl.incidents.length) : 'Không có'],
          ].map(([k, v]) => [{ text: k as string, bold: true }, v]),
        },
        layout: 'lightHorizontalLines',
      },
      { text: 'Các bước đã thực hiện', style: 'h' },
      {
        table: {
          headerRows: 1,
          widths: [22, '*', 70, 70, 70, 110, 70, 50],
          body: [
            ['STT', 'Bước', 'Bắt đầu', 'Kết thúc', 'Thời gian', 'Người thực hiện', 'Hạn xử lý', 'Đúng hạn'].map((h) => ({ text: h, style: 'th' })),
            ...steps.map((e, i) => [
              cell(String(i + 1), { alignment: 'center' }),
              cell(`${e.name ?? e.elementId}${e.name ? ` (${e.elementId})` : ''}`),
              cell(vnDateTime(e.start)),
              cell(vnDateTime(e.end)),
              cell(vnDuration(e.durationMs)),
              cell(e.type === 'USER_TASK' ? who(e.completedBy ?? e.assignee) : 'Hệ thống'),
              cell(vnDateTime(e.dueDate)),
              cell(e.dueDate ? (e.late ? 'Trễ hạn' : 'Đúng hạn') : '—', e.late ? { bold: true } : {}),
            ]),
          ],
        },
        layout: 'lightHorizontalLines',
      },
      ...(tl.calledSteps.length
        ? [
            { text: 'Các bước trong quy trình được gọi (call activity)', style: 'h' },
            {
              table: {
                headerRows: 1,
                widths: [22, 150, '*', 70, 70, 110, 70, 50],
                body: [
                  ['STT', 'Quy trình được gọi', 'Bước', 'Bắt đầu', 'Kết thúc', 'Người thực hiện', 'Hạn xử lý', 'Đúng hạn'].map((h) => ({
                    text: h,
                    style: 'th',
                  })),
                  ...tl.calledSteps.map((c, i) => [
                    cell(String(i + 1), { alignment: 'center' }),
                    cell(`${c.processName ?? c.bpmnProcessId} (${c.processInstanceKey})`),
                    cell(`${c.name ?? c.elementId}${c.name ? ` (${c.elementId})` : ''}`),
                    cell(vnDateTime(c.start)),
                    cell(vnDateTime(c.end)),
                    cell(who(c.completedBy ?? c.assignee)),
                    cell(vnDateTime(c.dueDate)),
                    cell(c.dueDate ? (c.late ? 'Trễ hạn' : 'Đúng hạn') : '—', c.late ? { bold: true } : {}),
                  ]),
                ],
              },
              layout: 'lightHorizontalLines',
            },
          ]
        : []),
      { text: `Tài liệu của hồ sơ (${f.documents.length})`, style: 'h' },
      f.documents.length
        ? {
            table: {
              headerRows: 1,
              widths: ['*', 120, 110, 80, 150],
              body: [
                ['Tệp', 'Bước', 'Người đính kèm', 'Thời điểm', 'SHA-256'].map((h) => ({ text: h, style: 'th' })),
                ...f.documents.map((d) => [
                  cell(d.file_name),
                  cell(d.step_name ?? d.element_id),
                  cell(who(d.uploaded_by)),
                  cell(vnDateTime(d.uploaded_at)),
                  cell(`${d.sha256.slice(0, 16)}…`),
                ]),
              ],
            },
            layout: 'lightHorizontalLines',
          }
        : { text: 'Không có tài liệu đính kèm.', italics: true },
      { text: 'Nhật ký thao tác', style: 'h' },
      {
        text: `${tl.audit.length} mục trong nhật ký kiểm tra (chuỗi băm) liên quan đến hồ sơ, xem nhat-ky-kiem-tra.json và dong-thoi-gian.csv trong gói.`,
        fontSize: 9,
      },
    ],
  };
  return printer().createPdf(doc).getBuffer();
}

// ------------------------------------------------------------------------------------------ ZIP

export interface ManifestEntry {
  path: string;
  bytes: number;
  sha256: string;
  note?: string;
}

export interface CaseFile {
  zip: Buffer;
  sha256: string;
  manifest: ManifestEntry[];
  documents: number;
  missingDocuments: number;
  timelineElements: number;
  auditEntries: number;
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
/** A file name safe inside the archive: no folders, no control characters. */
// eslint-disable-next-line no-control-regex -- control characters are what this pattern removes
const zipName = (s: string) => s.replace(/[\\/\u0000-\u001f\u007f]/g, '_').slice(0, 180) || 'tep';

/** Everything the case file needs, or undefined when the case is unknown. */
export async function loadCaseFileFacts(db: Knex, key: string, exportedBy: string): Promise<CaseFileFacts | undefined> {
  const timeline = await loadTimeline(db, key);
  const summary = await caseSummary(db, key);
  if (!timeline || !summary) return undefined;
  const documents = await listAttachments(db, key);
  const dossierDocuments = await dossierFiles(db, key);
  const appointment = await db.schema
    .hasTable('case_deadlines')
    .then((has) => (has ? db('case_deadlines').where({ process_instance_key: key }).first('appointment_at') : undefined));
  const usernames = new Set<string>();
  for (const e of [...timeline.elements, ...timeline.calledSteps]) for (const u of [e.completedBy, e.assignee]) if (u) usernames.add(u);
  for (const d of documents) usernames.add(d.uploaded_by);
  return {
    timeline,
    summary,
    units: await caseUnits(db, key),
    appointmentAt: appointment?.appointment_at ? appointment.appointment_at.toISOString() : null,
    documents,
    dossierDocuments,
    people: await userFullNames(db, [...usernames]),
    exportedBy,
    exportedAt: clock.now(),
  };
}

/**
 * The case file as a ZIP: tom-tat-ho-so.pdf, dong-thoi-gian.json, dong-thoi-gian.csv,
 * nhat-ky-kiem-tra.json (+ .csv), quy-trinh.bpmn, tai-lieu/<n>-<file name> for every document of the
 * steps, ho-so/<stage>/<n>-<requirement>-<file name> for every file of the one-stop dossier (online files and
 * desk scans alike; read from DATA_DIR/files), and danh-muc.json listing each file with its size and sha256.
 * Built in memory (a case holds at most a few tens of MB) so its own sha256 can be logged.
 */
export async function buildCaseFile(filesRoot: string, f: CaseFileFacts): Promise<CaseFile> {
  const tl = f.timeline;
  const entries: { path: string; content: Buffer; note?: string }[] = [];
  const add = (path: string, content: Buffer | string, note?: string) =>
    entries.push({ path, content: Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), note });

  add('tom-tat-ho-so.pdf', await renderCaseSummaryPdf(f));
  const { audit, xml, drawing: _drawing, ...timelineOnly } = tl;
  add('dong-thoi-gian.json', JSON.stringify({ ...timelineOnly, units: f.units }, null, 2));
  add('dong-thoi-gian.csv', timelineCsv(tl));
  add('nhat-ky-kiem-tra.json', JSON.stringify(audit, null, 2));
  add(
    'nhat-ky-kiem-tra.csv',
    csv([
      ['seq', 'at', 'actor', 'actor_roles', 'actor_unit', 'action', 'target_type', 'target_id', 'reason', 'before', 'after', 'prev_hash', 'hash'],
      ...audit.map((a) => [
        a.seq,
        a.at,
        a.actor,
        a.actorRoles.join(' '),
        a.actorUnit,
        a.action,
        a.targetType,
        a.targetId,
        a.reason,
        a.before,
        a.after,
        a.prevHash,
        a.hash,
      ]),
    ]),
  );
  if (xml) add('quy-trinh.bpmn', xml);

  let missing = 0;
  /** A stored file into the archive, checked against the sha256 recorded at upload; a note when it is gone. */
  const addStored = async (path: string, d: { storage_path: string; sha256: string }) => {
    const handle = await openStored(filesRoot, d.storage_path);
    if (!handle) {
      missing++;
      add(`${path}.thieu.txt`, `Tệp không còn trên máy chủ (sha256 ${d.sha256}) / The file is missing on the server\n`, 'missing');
      return;
    }
    try {
      const content = await handle.readFile();
      add(path, content, sha256(content) === d.sha256 ? undefined : 'sha256 differs from the one recorded at upload');
    } finally {
      await handle.close();
    }
  };
  for (const [i, d] of f.documents.entries()) await addStored(`tai-lieu/${String(i + 1).padStart(2, '0')}-${zipName(d.file_name)}`, d);
  // The dossier's own files, the same whether it came online or on paper (scanned at the desk): ho-so/<stage>/…
  for (const [i, d] of f.dossierDocuments.entries())
    await addStored(
      `ho-so/${zipName(d.stage)}/${String(i + 1).padStart(2, '0')}-${d.requirement_code ? `${zipName(d.requirement_code)}-` : ''}${zipName(d.file_name)}`,
      d,
    );

  const manifest: ManifestEntry[] = entries.map((e) => ({
    path: e.path,
    bytes: e.content.length,
    sha256: sha256(e.content),
    ...(e.note ? { note: e.note } : {}),
  }));
  const header = {
    case: tl.processInstanceKey,
    caseCode: tl.caseCode,
    bpmnProcessId: tl.bpmnProcessId,
    version: tl.version,
    exportedBy: f.exportedBy,
    exportedAt: f.exportedAt.toISOString(),
    files: manifest,
  };

  const archive = archiver('zip', { zlib: { level: 6 } });
  const chunks: Buffer[] = [];
  archive.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', () => resolve());
    archive.on('error', reject);
    archive.on('warning', reject);
  });
  const date = f.exportedAt;
  for (const e of entries) archive.append(e.content, { name: e.path, date });
  archive.append(JSON.stringify(header, null, 2), { name: 'danh-muc.json', date });
  await archive.finalize();
  await done;
  const zip = Buffer.concat(chunks);
  return {
    zip,
    sha256: sha256(zip),
    manifest,
    documents: f.documents.length + f.dossierDocuments.length - missing,
    missingDocuments: missing,
    timelineElements: tl.elements.length,
    auditEntries: audit.length,
  };
}

// ------------------------------------------------------------------------------------------ Excel

/** Columns of the search export, Vietnamese first (the header row says both). */
export const EXCEL_COLUMNS = [
  { header: 'Mã hồ sơ / Case code', key: 'caseCode', width: 22 },
  { header: 'Số hiệu / Key', key: 'processInstanceKey', width: 20 },
  { header: 'Thủ tục / Procedure', key: 'processName', width: 40 },
  { header: 'Mã quy trình / Process id', key: 'bpmnProcessId', width: 28 },
  { header: 'Phiên bản / Version', key: 'version', width: 10 },
  { header: 'Trạng thái / Status', key: 'state', width: 16 },
  { header: 'Bắt đầu (giờ VN) / Start (UTC+7)', key: 'start', width: 20 },
  { header: 'Kết thúc (giờ VN) / End (UTC+7)', key: 'end', width: 20 },
  { header: 'Đơn vị tiếp nhận / Unit', key: 'startedByUnit', width: 16 },
  { header: 'Đúng hạn / On time', key: 'timing', width: 12 },
  { header: 'Bước trễ hạn / Late steps', key: 'breachedSteps', width: 30 },
] as const;

/** A UTC instant as the Date whose UTC fields read Vietnam's wall time (Excel dates have no time zone). */
const excelLocal = (iso: string | null) => (iso ? new Date(new Date(iso).getTime() + VN_OFFSET_MS) : null);

export interface SearchWorkbook {
  xlsx: Buffer;
  sha256: string;
  rows: number;
}

/**
 * The search results as an .xlsx: sheet "Hồ sơ" (one row per case, newest first, the same cases the
 * search returns for these filters and scope) and sheet "Điều kiện" (filters, who exported, when, count).
 */
export async function buildSearchWorkbook(
  db: Knex,
  filters: CaseFilters,
  scope: string[] | null,
  meta: { exportedBy: string; exportedAt: Date },
): Promise<SearchWorkbook> {
  const wb = new ExcelJS.Workbook();
  wb.creator = meta.exportedBy;
  wb.created = meta.exportedAt;
  const sheet = wb.addWorksheet('Hồ sơ', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = EXCEL_COLUMNS.map((c) => ({ ...c }));
  sheet.getRow(1).font = { bold: true };
  let rows = 0;
  for await (const page of casesForExport(db, filters, scope)) {
    for (const c of page) {
      const row = sheet.addRow({
        caseCode: c.caseCode ?? '',
        processInstanceKey: c.processInstanceKey,
        processName: c.processName ?? '',
        bpmnProcessId: c.bpmnProcessId,
        version: c.version,
        state: STATE_VI[c.state] ?? c.state,
        start: excelLocal(c.start),
        end: excelLocal(c.end),
        startedByUnit: c.startedByUnit ?? '',
        timing: c.late ? 'Trễ hạn' : 'Đúng hạn',
        breachedSteps: c.breachedSteps.join(', '),
      });
      row.getCell('start').numFmt = 'dd/mm/yyyy hh:mm:ss';
      row.getCell('end').numFmt = 'dd/mm/yyyy hh:mm:ss';
      rows++;
    }
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: EXCEL_COLUMNS.length } };

  const info = wb.addWorksheet('Điều kiện');
  info.columns = [
    { header: 'Mục / Item', key: 'k', width: 32 },
    { header: 'Giá trị / Value', key: 'v', width: 60 },
  ];
  info.getRow(1).font = { bold: true };
  info.addRow({ k: 'Người xuất / Exported by', v: meta.exportedBy });
  info.addRow({ k: 'Thời điểm xuất (giờ VN) / Exported at (UTC+7)', v: vnDateTime(meta.exportedAt) });
  info.addRow({ k: 'Số hồ sơ / Cases', v: rows });
  for (const [k, v] of Object.entries(filters)) if (v !== undefined && v !== '') info.addRow({ k: `Bộ lọc / Filter: ${k}`, v: String(v) });

  const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
  return { xlsx, sha256: sha256(xlsx), rows };
}
