import type { Knex } from 'knex';
import { printer } from '../../lib/pdf.js';
import type { DossierRow } from './dossiers.js';
import { dateWords, shortTime, slipTime, vnLocalDate } from './time-text.js';
import {
  controlSlipData,
  FORM_TITLES,
  OUTCOME_WORDS,
  partiesOf,
  receptionFormOfDossier,
  stopNoticeData,
  supplementFormData,
  type ControlSlip,
  type DossierFormNo,
  type FormParties,
  type ReceptionFormRow,
  type StopNotice,
  type SupplementForm,
} from './forms.js';
import { REGISTER_COLUMNS, registerCells, type Register } from './register.js';
import * as clock from '../../lib/clock.js';

/**
 * Forms 02, 03, 05, 06 and 07 of TT 03/2025/TT-VPCP Phụ lục I as A4 PDFs, on the one pdfmake of the
 * process (lib/pdf.ts), laid out like the receipt slip (slip.ts) and the apology (apology.ts): the agency
 * and the national motto, the form's number and legal title, its fields (vn-rules §3.3; form 05's
 * fields were not seen in a published copy, so it follows its title and NĐ 118 Art. 21), the signatures.
 */

type Content = Record<string, unknown>;

const formNote = (no: string): Content => ({ text: `Mẫu số ${no} (Thông tư số 03/2025/TT-VPCP)`, italics: true, fontSize: 9.5, alignment: 'right' });

function heading(p: FormParties, at: Date, withDesk = true): Content {
  return {
    columns: [
      {
        width: '45%',
        stack: [
          { text: p.agencyName.toUpperCase(), bold: true, alignment: 'center' },
          ...(withDesk ? [{ text: 'BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ', bold: true, alignment: 'center', fontSize: 10 }] : []),
          { text: '———', alignment: 'center' },
        ],
      },
      {
        width: '55%',
        stack: [
          { text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', bold: true, alignment: 'center' },
          { text: 'Độc lập - Tự do - Hạnh phúc', bold: true, alignment: 'center' },
          { text: `${p.deskUnitName}, ${dateWords(at)}`, italics: true, alignment: 'center', margin: [0, 6, 0, 0] },
        ],
      },
    ],
  };
}

const title = (no: keyof typeof FORM_TITLES, size = 14): Content => ({
  text: FORM_TITLES[no].toUpperCase(),
  bold: true,
  fontSize: size,
  alignment: 'center',
  margin: [0, 12, 0, 12],
});

const row = (label: string, value: string | undefined | null): Content => ({
  text: [{ text: `${label}: ` }, { text: value || '…………', bold: true }],
  margin: [0, 2, 0, 2],
});

const signature = (role: string, name: string | null | undefined): Content => ({
  stack: [
    { text: role, bold: true, alignment: 'center' },
    { text: '(Ký và ghi rõ họ tên)', italics: true, alignment: 'center', fontSize: 9 },
    { text: name ?? '', alignment: 'center', margin: [0, 40, 0, 0] },
  ],
});

function pdf(titleText: string, content: Content[], opts: { landscape?: boolean; no: string }): Promise<Buffer> {
  return printer()
    .createPdf({
      info: { title: titleText, subject: `Mẫu số ${opts.no}`, creator: 'e-ISO một cửa' },
      pageSize: 'A4',
      pageOrientation: opts.landscape ? 'landscape' : 'portrait',
      pageMargins: opts.landscape ? [30, 30, 30, 30] : [55, 40, 50, 40],
      defaultStyle: { font: 'Roboto', fontSize: opts.landscape ? 9 : 11, lineHeight: 1.2 },
      content,
    })
    .getBuffer();
}

const applicantRows = (a: ReceptionFormRow['applicant']): Content[] => [
  row('Số định danh cá nhân/tổ chức', a.idNumber),
  row('Địa chỉ', a.address),
  row('Số điện thoại', a.phone),
  row('Email', a.email),
];

/** Mẫu 02: what to add or correct, the reason, the officer who guided the applicant. */
/** The row naming an online submission the desk has not received: its tracking reference (it has no code yet). */
const referenceRow = (dossierCode: string | null, reference: string | null) =>
  !dossierCode && reference ? [row('Mã tra cứu hồ sơ nộp trực tuyến (chưa có mã hồ sơ)', reference)] : [];

export function renderCompletionRequestPdf(f: ReceptionFormRow, p: FormParties, dossierCode: string | null, reference: string | null = null): Promise<Buffer> {
  const a = f.applicant;
  const items = f.documents.length
    ? f.documents.map((d, i) => `${i + 1}. ${d.name}${d.copies && d.given !== undefined ? ` (cần ${d.copies} bản, đã có ${d.given})` : ''}`)
    : ['1. Theo lý do nêu dưới đây'];
  return pdf(
    `${FORM_TITLES['02']}${dossierCode ? ` ${dossierCode}` : ''}`,
    [
      heading(p, f.issued_at),
      formNote('02'),
      title('02'),
      ...(dossierCode ? [row('Mã hồ sơ', dossierCode)] : []),
      ...referenceRow(dossierCode, reference),
      row('Hồ sơ của', a.name),
      row('Nội dung yêu cầu giải quyết', `${p.procedureName} (mã thủ tục ${p.procedureCode})`),
      ...applicantRows(a),
      { text: 'Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:', margin: [0, 8, 0, 4] },
      ...items.map((t) => ({ text: t, margin: [12, 1, 0, 1] })),
      { text: [{ text: 'Lý do: ', bold: true }, f.reason], margin: [0, 6, 0, 0] },
      {
        text: `Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ ${f.issued_by_name}, Bộ phận tiếp nhận và trả kết quả ${p.deskUnitName} để được hướng dẫn.`,
        margin: [0, 6, 0, 0],
      },
      { text: `Thời gian hướng dẫn: ${slipTime(f.issued_at)}`, margin: [0, 4, 0, 0] },
      {
        columns: [
          { width: '50%', text: '' },
          { width: '50%', ...signature('NGƯỜI HƯỚNG DẪN', f.issued_by_name) },
        ],
        margin: [0, 16, 0, 0],
      },
    ],
    { no: '02' },
  );
}

/**
 * Mẫu 02 for a supplement asked during processing: the same form as at reception, asked by the officer
 * of the resolving unit through the desk; the dossier is received, so it has its code and the clock
 * pauses from the request until the citizen supplements (once: NĐ 118/2025 Art. 11).
 */
export function renderSupplementFormPdf(s: SupplementForm): Promise<Buffer> {
  const d = s.dossier;
  const p = s.parties;
  const a = d.applicant;
  const asker = s.unitName ?? p.agencyName;
  const items = s.documents.length ? s.documents.map((x, i) => `${i + 1}. ${x.name}`) : ['1. Theo lý do nêu dưới đây'];
  return pdf(
    `${FORM_TITLES['02']} ${d.code}`,
    [
      heading(p, s.requestedAt, false),
      formNote('02'),
      title('02'),
      row('Mã hồ sơ', d.code),
      row('Hồ sơ của', a.name),
      row('Nội dung yêu cầu giải quyết', `${p.procedureName} (mã thủ tục ${p.procedureCode})`),
      ...applicantRows(a),
      row('Thời gian nhận hồ sơ', d.received_at ? slipTime(d.received_at) : null),
      { text: `Trong quá trình giải quyết, ${asker} yêu cầu ông/bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:`, margin: [0, 8, 0, 4] },
      ...items.map((t) => ({ text: t, margin: [12, 1, 0, 1] })),
      { text: [{ text: 'Lý do: ', bold: true }, s.reason], margin: [0, 6, 0, 0] },
      row('Thời gian yêu cầu bổ sung', slipTime(s.requestedAt)),
      {
        text: `Thời hạn giải quyết hồ sơ tạm dừng từ thời điểm yêu cầu bổ sung đến khi ông/bà nộp đủ nội dung bổ sung; hồ sơ chỉ được yêu cầu bổ sung một lần (Nghị định số 118/2025/NĐ-CP).`,
        margin: [0, 4, 0, 0],
      },
      ...(s.submittedAt ? [row('Thời gian ông/bà đã bổ sung', slipTime(s.submittedAt))] : []),
      {
        text: `Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ ${s.officerName ? `${s.officerName}, ` : ''}${asker} hoặc Bộ phận tiếp nhận và trả kết quả ${p.deskUnitName} để được hướng dẫn.`,
        margin: [0, 6, 0, 0],
      },
      {
        columns: [
          { width: '50%', text: '' },
          { width: '50%', ...signature('NGƯỜI HƯỚNG DẪN', s.officerName) },
        ],
        margin: [0, 16, 0, 0],
      },
    ],
    { no: '02' },
  );
}

/** Mẫu 03: the applicant, the request, the reasons for not receiving, both signatures. */
export function renderRefusalPdf(f: ReceptionFormRow, p: FormParties, dossierCode: string | null, reference: string | null = null): Promise<Buffer> {
  const a = f.applicant;
  return pdf(
    `${FORM_TITLES['03']}${dossierCode ? ` ${dossierCode}` : ''}`,
    [
      heading(p, f.issued_at),
      formNote('03'),
      title('03'),
      { text: `Bộ phận tiếp nhận và trả kết quả ${p.deskUnitName} tiếp nhận hồ sơ của:`, margin: [0, 0, 0, 4] },
      row('Ông/bà', a.name),
      ...applicantRows(a),
      row('Mã hồ sơ (nếu có)', dossierCode ?? '—'),
      ...referenceRow(dossierCode, reference),
      row('Nội dung yêu cầu giải quyết', `${p.procedureName} (mã thủ tục ${p.procedureCode})`),
      {
        text: `Qua xem xét, Bộ phận tiếp nhận và trả kết quả ${p.deskUnitName} từ chối tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:`,
        margin: [0, 8, 0, 4],
      },
      { text: f.reason, bold: true, margin: [12, 0, 0, 0] },
      { text: `Thời gian từ chối: ${slipTime(f.issued_at)}`, margin: [0, 6, 0, 0] },
      { text: 'Xin thông báo để ông/bà được biết và thực hiện./.', margin: [0, 6, 0, 0] },
      {
        columns: [
          { width: '50%', ...signature('NGƯỜI NỘP HỒ SƠ', a.name) },
          { width: '50%', ...signature('NGƯỜI TIẾP NHẬN HỒ SƠ', f.issued_by_name) },
        ],
        margin: [0, 16, 0, 0],
      },
    ],
    { no: '03' },
  );
}

/** Mẫu 05: the dossier, when the applicant asked to stop and why, the stop from that time. */
export function renderStopNoticePdf(s: StopNotice): Promise<Buffer> {
  const d = s.dossier;
  const p = s.parties;
  return pdf(
    `${FORM_TITLES['05']} ${d.code}`,
    [
      heading(p, s.stoppedAt),
      formNote('05'),
      title('05'),
      { text: [{ text: 'Kính gửi: ', bold: true }, `Ông/bà ${d.applicant.name}`] },
      ...(d.applicant.idNumber ? [row('Số định danh cá nhân/tổ chức', d.applicant.idNumber)] : []),
      row('Mã hồ sơ', d.code),
      row('Nội dung yêu cầu giải quyết', `${p.procedureName} (mã thủ tục ${p.procedureCode})`),
      row('Thời gian nhận hồ sơ', d.received_at ? slipTime(d.received_at) : null),
      {
        text: `Vào ${dateWords(s.requestedAt)}, ${p.agencyName} nhận được đề nghị dừng giải quyết hồ sơ nêu trên của ông/bà.`,
        margin: [0, 8, 0, 0],
      },
      { text: [{ text: 'Lý do: ', bold: true }, s.reason || '…………'] },
      {
        text: `${p.agencyName} thông báo dừng giải quyết hồ sơ kể từ ${slipTime(s.stoppedAt)}. Hồ sơ không tiếp tục được xử lý; ông/bà nhận lại hồ sơ giấy (nếu có) tại Bộ phận tiếp nhận và trả kết quả ${p.deskUnitName}.`,
        margin: [0, 6, 0, 0],
      },
      { text: 'Trân trọng./.', margin: [0, 6, 0, 0] },
      {
        columns: [
          { width: '45%', text: '' },
          { width: '55%', ...signature('BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ', s.officerName) },
        ],
        margin: [0, 16, 0, 0],
      },
    ],
    { no: '05' },
  );
}

const cell = (t: string, o: Content = {}) => ({ text: t, ...o });
const th = (t: string) => cell(t, { bold: true, alignment: 'center', fillColor: '#eeeeee' });

/** Mẫu 06: one row per hand-over (who gave, who received, when), the due time and the outcome of each step. */
export function renderControlSlipPdf(c: ControlSlip): Promise<Buffer> {
  const d = c.dossier;
  const p = c.parties;
  return pdf(
    `${FORM_TITLES['06']} ${d.code}`,
    [
      heading(p, c.at),
      formNote('06'),
      title('06', 13),
      row('Mã hồ sơ', d.code),
      row('Người nộp hồ sơ', d.applicant.name),
      row('Thủ tục', `${p.procedureName} (mã thủ tục ${p.procedureCode})`),
      row('Cơ quan (bộ phận) giải quyết', p.agencyName),
      ...(c.receivingDeskName ? [row('Nơi tiếp nhận hồ sơ', `${c.receivingDeskName} (không phụ thuộc địa giới hành chính)`)] : []),
      row('Cơ quan phối hợp giải quyết', c.partners.length ? c.partners.join('; ') : '—'),
      row('Thời gian nhận hồ sơ', d.received_at ? slipTime(d.received_at) : null),
      row('Thời gian hẹn trả kết quả', d.appointment_at ? slipTime(d.appointment_at) : null),
      {
        margin: [0, 8, 0, 8],
        table: {
          headerRows: 1,
          widths: [22, 120, '*', '*', 68, 68, 68, 80, 80],
          body: [
            [
              th('STT'),
              th('Bước xử lý / đơn vị'),
              th('Bên giao'),
              th('Bên nhận'),
              th('Thời gian nhận'),
              th('Thời gian giao'),
              th('Hạn xử lý'),
              th('Kết quả (trước hạn/đúng hạn/quá hạn)'),
              th('Ghi chú'),
            ],
            ...c.steps.map((s, i) => [
              cell(String(i + 1), { alignment: 'center' }),
              cell(s.unitName ? `${s.step}\n${s.unitName}` : s.step),
              cell(`Giao: ${s.from}`),
              cell(`Nhận: ${s.to}`),
              cell(shortTime(s.receivedAt)),
              cell(s.handedOverAt ? shortTime(s.handedOverAt) : '—'),
              cell(s.dueAt ? shortTime(s.dueAt) : '—'),
              cell(s.outcome ? OUTCOME_WORDS[s.outcome] : '—'),
              cell(s.note ?? ''),
            ]),
          ],
        },
      },
      row('Kết quả giải quyết hồ sơ', OUTCOME_WORDS[c.outcome]),
      ...(d.resolved_at ? [row('Thời gian có kết quả', slipTime(d.resolved_at))] : []),
      ...(d.returned_at ? [row('Thời gian trả kết quả', slipTime(d.returned_at))] : []),
      {
        text: `Phiếu được lập tự động từ nhật ký giao nhận của hệ thống lúc ${slipTime(c.at)}; kết quả từng bước so ngày hoàn thành với ngày hết hạn của bước.`,
        italics: true,
        fontSize: 8,
        margin: [0, 6, 0, 0],
      },
    ],
    { no: '06', landscape: true },
  );
}

/** Mẫu 07: the register of a unit over a period. */
export function renderRegisterPdf(r: Register, generatedAt: Date): Promise<Buffer> {
  return pdf(
    `${FORM_TITLES['07']} ${r.unitName} ${r.from} ${r.to}`,
    [
      formNote('07'),
      { text: r.unitName.toUpperCase(), bold: true, alignment: 'center', margin: [0, 6, 0, 0] },
      title('07', 13),
      { text: `Từ ngày ${vnLocalDate(r.from)} đến ngày ${vnLocalDate(r.to)}`, alignment: 'center', margin: [0, 0, 0, 8] },
      {
        table: {
          headerRows: 1,
          widths: [20, 'auto', '*', 62, 66, 66, 50, 50, 50, 58, 32],
          // the code on one line: it is what the register is searched by
          body: [REGISTER_COLUMNS.map(th), ...r.lines.map((l) => registerCells(l).map((t, i) => cell(t, i === 1 ? { noWrap: true } : {})))],
        },
        fontSize: 7.5,
      },
      {
        text: r.truncated
          ? `Sổ chỉ ghi ${r.lines.length} hồ sơ đầu tiên của kỳ; hãy chọn kỳ ngắn hơn.`
          : `Tổng số: ${r.lines.length} hồ sơ. Lập lúc ${slipTime(generatedAt)}.`,
        italics: true,
        fontSize: 8,
        margin: [0, 6, 0, 0],
      },
    ],
    { no: '07', landscape: true },
  );
}

/**
 * The PDF of a per-dossier form (02, 03, 05, 06), or undefined while the dossier has none: 02 / 03 once
 * the desk issued them, 02-processing once a supplement was asked during processing, 05 once the dossier
 * is stopped at the applicant's request, 06 once received.
 */
export async function dossierFormPdf(db: Knex, d: DossierRow, form: DossierFormNo, at = clock.now()): Promise<Buffer | undefined> {
  if (form === '02-processing') {
    const s = await supplementFormData(db, d);
    return s && renderSupplementFormPdf(s);
  }
  if (form === '02' || form === '03') {
    const f = await receptionFormOfDossier(db, d.id, form);
    if (!f) return undefined;
    const p = await partiesOf(db, { procedureCode: f.procedure_code, deskUnitCode: f.desk_unit_code, agencyCode: d.agency_code });
    const reference = d.channel === 'online' ? d.reference : null;
    return form === '02' ? renderCompletionRequestPdf(f, p, d.code, reference) : renderRefusalPdf(f, p, d.code, reference);
  }
  if (form === '05') {
    const s = await stopNoticeData(db, d);
    return s && renderStopNoticePdf(s);
  }
  const c = await controlSlipData(db, d, at);
  return c && renderControlSlipPdf(c);
}

/** The PDF of a form 02 / 03 issued in person (no dossier). */
export async function receptionFormPdf(db: Knex, f: ReceptionFormRow): Promise<Buffer> {
  const p = await partiesOf(db, { procedureCode: f.procedure_code, deskUnitCode: f.desk_unit_code });
  const d = f.dossier_id
    ? ((await db('dossiers').where({ id: f.dossier_id }).first('code', 'reference', 'channel')) as
        { code: string | null; reference: string; channel: string } | undefined)
    : undefined;
  const reference = d?.channel === 'online' ? d.reference : null;
  return f.form === '02' ? renderCompletionRequestPdf(f, p, d?.code ?? null, reference) : renderRefusalPdf(f, p, d?.code ?? null, reference);
}
