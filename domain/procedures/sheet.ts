import type { Knex } from 'knex';
import type { ProcedureSheet, SheetStep } from '../../api/schemas/procedures.js';
import type { ProcedureRow, VersionRow } from './store.js';
import { unitNames, userFullNames } from './store.js';
import { legalBasisLines } from './legal-documents.js';
import { findForm } from '../../engine/definitions.js';
import { readProcessModel, type ModelStep } from '../../engine/validate.js';
import { workingDaysWithin } from '../../engine/model-graph.js';
import { formatTimeLimit } from '../deadlines/calendar/index.js';
import { printer } from '../../lib/pdf.js';

/** Vietnamese names of our roles, as a procedure sheet prints them before the unit ("Công chức Phòng ..."). */
export const ROLE_NAMES_VI: Record<string, string> = {
  officer: 'Công chức',
  leader: 'Lãnh đạo',
  admin: 'Quản trị hệ thống',
  designer: 'Cán bộ thiết kế quy trình',
  auditor: 'Cán bộ kiểm tra',
};
export const AUTOMATED_PERFORMER = 'Hệ thống (tự động)';

/** The title a form shows: its `title`, else its first heading text, else its id. */
export function formTitle(schema: Record<string, unknown> | undefined, fallback: string): string {
  if (!schema) return fallback;
  if (typeof schema.title === 'string' && schema.title.trim()) return schema.title.trim();
  const components = Array.isArray(schema.components) ? (schema.components as { type?: string; text?: string }[]) : [];
  const heading = components.find((c) => c.type === 'text' && typeof c.text === 'string' && /^\s*#/.test(c.text));
  if (heading)
    return heading
      .text!.replace(/^\s*#+\s*/, '')
      .split('\n')[0]
      .trim();
  return typeof schema.id === 'string' ? schema.id : fallback;
}

/** Effective date as printed: the publish day in Vietnam's time zone. */
const vnDate = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);

/** The ISO procedure sheet of a published (or retired) version, from its deployed XML and the organisation. */
export async function buildProcedureSheet(db: Knex, p: ProcedureRow, v: VersionRow & { xml: string }): Promise<ProcedureSheet> {
  const model = await readProcessModel(v.xml, p.bpmn_process_id);
  if (!model) throw new Error(`version ${v.version} of ${p.bpmn_process_id} has no process ${p.bpmn_process_id}`);
  const groups = model.steps.flatMap((s) => s.candidateGroups).filter((g) => !g.startsWith('='));
  const units = await unitNames(db, [...new Set(groups.map((g) => g.split('/')[0]))]);
  const people = await userFullNames(db, [...new Set(model.steps.flatMap((s) => [...s.candidateUsers, ...(s.assignee ? [s.assignee] : [])]))]);

  const performer = (s: ModelStep): string => {
    if (s.automated) return AUTOMATED_PERFORMER;
    const parts: string[] = [];
    if (s.assignee) parts.push(people.get(s.assignee) ?? s.assignee);
    for (const g of s.candidateGroups) {
      const [unit, role] = g.split('/');
      const unitName = units.get(unit) ?? unit;
      parts.push(role ? `${ROLE_NAMES_VI[role] ?? role} ${unitName}` : unitName);
    }
    for (const u of s.candidateUsers) parts.push(people.get(u) ?? u);
    return parts.join('; ') || '—';
  };

  const formOf = async (formKey: string | null): Promise<string | null> => {
    if (!formKey) return null;
    const id = formKey.replace(/^app:/, '');
    const schema = v.forms[id] ?? v.forms[formKey] ?? (await findForm(db, formKey))?.schema;
    return formTitle(schema, id);
  };

  const steps: SheetStep[] = [];
  for (const [i, s] of model.steps.entries()) {
    steps.push({
      no: i + 1,
      elementId: s.id,
      name: s.name,
      instructions: s.meta.instructions,
      performer: performer(s),
      candidateGroups: s.candidateGroups,
      timeLimitDays: s.meta.timeLimitDays,
      form: await formOf(s.formKey),
      formKey: s.formKey,
      records: s.meta.records,
      isoClauses: s.meta.isoClauses,
      automated: s.automated,
    });
  }
  return {
    bpmnProcessId: p.bpmn_process_id,
    title: `QUY TRÌNH ${p.name.toLocaleUpperCase('vi')}`,
    name: p.name,
    code: p.code,
    version: v.version,
    effectiveDate: vnDate(v.published_at),
    state: v.state,
    purpose: p.purpose,
    scope: p.scope,
    legalBasis: await legalBasisLines(db, p),
    steps,
    totalTimeLimitDays: model.totalTimeLimitDays,
    totalTimeLimitUnit: model.totalTimeLimitUnit,
    totalTimeLimitText:
      model.totalTimeLimitUnit === 'within_day'
        ? formatTimeLimit({ value: 0, unit: 'within_day' })
        : model.totalTimeLimitDays === null
          ? '—'
          : formatTimeLimit({ value: model.totalTimeLimitDays, unit: model.totalTimeLimitUnit }),
    stepDaysAvailable: model.totalTimeLimitDays === null ? null : workingDaysWithin(model.totalTimeLimitDays, model.totalTimeLimitUnit),
    longestPathDays: model.longestPathDays,
    records: steps.flatMap((s) => s.records.map((name) => ({ name, stepNo: s.no, keptBy: s.performer }))),
  };
}

const days = (n: number | null) => (n === null ? '—' : String(n).replace('.', ','));

/** The sheet as an A4 PDF in Vietnamese: header block, sections 1-5, the table of steps. */
export async function renderProcedureSheetPdf(sheet: ProcedureSheet, opts: { compress?: boolean } = {}): Promise<Buffer> {
  const th = (text: string) => ({ text, style: 'th' });
  const stepRows = sheet.steps.map((s) => [
    { text: String(s.no), alignment: 'center' },
    { stack: [{ text: s.name, bold: true }, ...(s.instructions ? [{ text: s.instructions, fontSize: 8, italics: true }] : [])] },
    s.performer,
    { text: days(s.timeLimitDays), alignment: 'center' },
    s.form ?? '—',
    s.records.length ? { ul: s.records } : '—',
  ]);
  const doc = {
    compress: opts.compress ?? true,
    info: { title: sheet.title, subject: `${sheet.code} — phiên bản ${sheet.version}`, creator: 'e-ISO' },
    pageSize: 'A4',
    pageOrientation: 'landscape',
    pageMargins: [40, 40, 40, 50],
    defaultStyle: { font: 'Roboto', fontSize: 10, lineHeight: 1.15 },
    styles: {
      title: { fontSize: 15, bold: true, alignment: 'center', margin: [0, 4, 0, 4] },
      h: { fontSize: 11.5, bold: true, margin: [0, 12, 0, 4] },
      th: { bold: true, fillColor: '#e8eef5', alignment: 'center' },
      meta: { fontSize: 9.5 },
    },
    footer: (page: number, pages: number) => ({
      text: `${sheet.code || sheet.bpmnProcessId} · Phiên bản ${sheet.version} · Trang ${page}/${pages}`,
      alignment: 'center',
      fontSize: 8,
      margin: [0, 20, 0, 0],
    }),
    content: [
      {
        table: {
          widths: ['*', 200],
          body: [
            [
              {
                stack: [
                  { text: sheet.title, style: 'title' },
                  { text: sheet.name, alignment: 'center', italics: true },
                ],
              },
              {
                style: 'meta',
                stack: [
                  `Mã hiệu: ${sheet.code || '—'}`,
                  `Lần ban hành: ${sheet.version}`,
                  `Ngày hiệu lực: ${sheet.effectiveDate.split('-').reverse().join('/')}`,
                  ...(sheet.state === 'retired' ? [{ text: 'ĐÃ NGỪNG ÁP DỤNG', bold: true, color: '#b00020' }] : []),
                ],
              },
            ],
          ],
        },
      },
      { text: '1. Mục đích', style: 'h' },
      { text: sheet.purpose || '—' },
      { text: '2. Phạm vi áp dụng', style: 'h' },
      { text: sheet.scope || '—' },
      { text: '3. Căn cứ pháp lý', style: 'h' },
      sheet.legalBasis.length ? { ul: sheet.legalBasis } : { text: '—' },
      { text: '4. Nội dung quy trình', style: 'h' },
      {
        table: {
          headerRows: 1,
          widths: [30, '*', 150, 60, 110, 140],
          body: [
            [th('Bước'), th('Nội dung công việc'), th('Đơn vị/Người thực hiện'), th('Thời hạn (ngày làm việc)'), th('Biểu mẫu'), th('Hồ sơ/Kết quả')],
            ...stepRows,
            [
              { text: 'Tổng thời gian giải quyết', colSpan: 3, bold: true, alignment: 'right' },
              {},
              {},
              { text: sheet.totalTimeLimitText, bold: true, alignment: 'center' },
              {
                text:
                  `Tổng thời hạn các bước trên đường dài nhất: ${days(sheet.longestPathDays)} ngày làm việc` +
                  (sheet.totalTimeLimitUnit === 'calendar_days' || sheet.totalTimeLimitUnit === 'hours'
                    ? ` (thời hạn ${sheet.totalTimeLimitText} chắc chắn có ${days(sheet.stepDaysAvailable)} ngày làm việc)`
                    : ''),
                colSpan: 2,
                fontSize: 8.5,
              },
              {},
            ],
          ],
        },
      },
      { text: '5. Hồ sơ lưu', style: 'h' },
      sheet.records.length
        ? {
            table: {
              headerRows: 1,
              widths: [30, '*', 60, 250],
              body: [
                [th('TT'), th('Tên hồ sơ'), th('Bước'), th('Đơn vị/Người lưu')],
                ...sheet.records.map((r, i) => [
                  { text: String(i + 1), alignment: 'center' },
                  r.name,
                  { text: String(r.stepNo), alignment: 'center' },
                  r.keptBy,
                ]),
              ],
            },
          }
        : { text: '—' },
    ],
  };
  return printer().createPdf(doc).getBuffer();
}
