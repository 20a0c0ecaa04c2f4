import type { Knex } from 'knex';
import type { ProcedureRow } from './catalogue.js';
import type { DossierRow } from './dossiers.js';
import { lookupUrl } from './settings.js';
import { printer } from '../../lib/pdf.js';
import { formatTimeLimit } from '../deadlines/calendar/index.js';
import { slipTime } from './time-text.js';

export interface SlipData {
  dossier: DossierRow;
  procedure: ProcedureRow;
  deskUnitName: string;
  /** the desk that received it, when not the competent agency's (any desk of the province, NĐ 118/2025) */
  receivingDeskName: string | null;
  officerName: string;
  documents: { code: string; name: string; copies: number }[];
}

/** What the slip shows, gathered from the dossier, its receipt event and the catalogue. */
export async function slipData(db: Knex, dossier: DossierRow): Promise<SlipData> {
  const row = (await db('onestop_procedures').where({ code: dossier.procedure_code }).first()) as ProcedureRow;
  // The competent agency's name as the catalogue writes it (the procedure may be offered by several).
  const offering = await db('onestop_procedure_agencies')
    .where({ procedure_code: dossier.procedure_code, agency_code: dossier.agency_code })
    .first('agency_name');
  const procedure = { ...row, agency_name: offering?.agency_name ?? row.agency_name };
  const desk = await db('org_units').where({ code: dossier.desk_unit_code }).first('name');
  const elsewhere = dossier.received_desk_code && dossier.received_desk_code !== dossier.desk_unit_code ? dossier.received_desk_code : null;
  const receiving = elsewhere ? await db('org_units').where({ code: elsewhere }).first('name') : undefined;
  const officer = dossier.received_by ? await db('users').where({ username: dossier.received_by }).first('full_name') : undefined;
  const receipt = await db('dossier_events').where({ dossier_id: dossier.id, type: 'receipt.accepted' }).orderBy('id', 'desc').first('data');
  let documents = (receipt?.data?.documents ?? []) as SlipData['documents'];
  if (!documents.length) {
    // Online dossiers: the files the citizen sent, one line per required document.
    const files: { requirement_code: string | null }[] = await db('dossier_documents')
      .where({ dossier_id: dossier.id })
      .whereIn('stage', ['submission', 'supplement'])
      .select('requirement_code');
    documents = procedure.required_documents
      .filter((r) => files.some((f) => f.requirement_code === r.code))
      .map((r) => ({ code: r.code, name: r.name, copies: files.filter((f) => f.requirement_code === r.code).length }));
  }
  return {
    dossier,
    procedure,
    deskUnitName: desk?.name ?? dossier.desk_unit_code,
    receivingDeskName: elsewhere ? (receiving?.name ?? elsewhere) : null,
    officerName: officer?.full_name ?? dossier.received_by ?? '',
    documents,
  };
}

/**
 * Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01, TT 01/2018 / TT 03/2025) as an A4 PDF: agency,
 * dossier code, applicant, procedure, documents received with copies, received and appointment
 * times to the minute, the statutory time in its legal unit (ngày làm việc, ngày, giờ, trong ngày), the receiving officer, and a QR code of
 * the lookup address (with the dossier's lookup key) printed beside the address itself.
 */
export async function renderReceiptSlip(s: SlipData, opts: { compress?: boolean } = {}): Promise<Buffer> {
  const { dossier: d, procedure: p } = s;
  if (!d.received_at || !d.original_appointment_at) throw new Error(`dossier ${d.code} has not been received`);
  const code = d.code!;
  const url = lookupUrl(code, d.lookup_token);
  const a = d.applicant;
  const row = (label: string, value: string | undefined) => ({
    text: [
      { text: `${label}: `, bold: false },
      { text: value || '…………', bold: true },
    ],
    margin: [0, 2, 0, 2],
  });
  const th = (t: string) => ({ text: t, bold: true, alignment: 'center', fillColor: '#eeeeee' });
  const doc = {
    compress: opts.compress ?? true,
    pageSize: 'A4',
    pageMargins: [50, 40, 50, 40],
    info: { title: `Giấy tiếp nhận hồ sơ và hẹn trả kết quả ${d.code}`, subject: 'Mẫu số 01', creator: 'e-ISO một cửa' },
    defaultStyle: { font: 'Roboto', fontSize: 11, lineHeight: 1.15 },
    content: [
      {
        columns: [
          {
            width: '45%',
            stack: [
              { text: (s.receivingDeskName ?? p.agency_name).toUpperCase(), bold: true, alignment: 'center' },
              ...(s.receivingDeskName ? [] : [{ text: s.deskUnitName, alignment: 'center', fontSize: 10 }]),
              { text: 'BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ', bold: true, alignment: 'center', fontSize: 10 },
            ],
          },
          {
            width: '55%',
            stack: [
              { text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', bold: true, alignment: 'center' },
              { text: 'Độc lập - Tự do - Hạnh phúc', bold: true, alignment: 'center' },
            ],
          },
        ],
      },
      { text: `Mã hồ sơ: ${d.code}`, alignment: 'left', margin: [0, 10, 0, 0], bold: true },
      { text: 'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ', fontSize: 14, bold: true, alignment: 'center', margin: [0, 10, 0, 10] },
      { text: `Bộ phận tiếp nhận và trả kết quả ${s.receivingDeskName ?? s.deskUnitName} tiếp nhận hồ sơ của:`, margin: [0, 0, 0, 4] },
      row('Ông/bà', a.name),
      row('Số định danh cá nhân/tổ chức', a.idNumber),
      row('Địa chỉ', a.address),
      row('Số điện thoại', a.phone),
      row('Email', a.email),
      row('Nội dung yêu cầu giải quyết', `${p.name} (mã thủ tục ${p.code})`),
      // Received for another agency regardless of administrative boundary (NĐ 118/2025): whose dossier it is.
      ...(s.receivingDeskName ? [row('Cơ quan giải quyết', `${p.agency_name} (tiếp nhận không phụ thuộc địa giới hành chính)`)] : []),
      { text: 'Thành phần hồ sơ nộp gồm:', margin: [0, 6, 0, 4] },
      {
        table: {
          headerRows: 1,
          widths: [30, '*', 60],
          body: [
            [th('STT'), th('Tên giấy tờ'), th('Số bản')],
            ...s.documents.map((x, i) => [{ text: String(i + 1), alignment: 'center' }, x.name, { text: String(x.copies), alignment: 'center' }]),
          ],
        },
      },
      row('Số lượng hồ sơ', '01 (bộ)'),
      row('Thời gian giải quyết hồ sơ theo quy định', formatTimeLimit({ value: Number(p.time_limit_days), unit: p.time_limit_unit ?? 'working_days' })),
      row('Thời gian nhận hồ sơ', slipTime(d.received_at)),
      row('Thời gian trả kết quả giải quyết hồ sơ', slipTime(d.original_appointment_at)),
      row('Đăng ký nhận kết quả tại', `Bộ phận tiếp nhận và trả kết quả ${s.deskUnitName}`),
      {
        columns: [
          { width: 110, qr: url, fit: 110, eccLevel: 'M' },
          {
            width: '*',
            margin: [10, 10, 0, 0],
            stack: [
              { text: 'Tra cứu tình trạng hồ sơ (quét mã QR hoặc truy cập):', fontSize: 10 },
              { text: url, fontSize: 8, color: '#1a4fa0', margin: [0, 2, 0, 4] },
              { text: 'Vào sổ theo dõi hồ sơ. Giữ giấy này để nhận kết quả; mã QR cho phép xem, bổ sung và đánh giá hồ sơ.', fontSize: 9, italics: true },
            ],
          },
        ],
        margin: [0, 10, 0, 10],
      },
      {
        columns: [
          {
            width: '50%',
            stack: [
              { text: 'NGƯỜI NỘP HỒ SƠ', bold: true, alignment: 'center' },
              { text: '(Ký và ghi rõ họ tên)', italics: true, alignment: 'center', fontSize: 9 },
              { text: a.name, alignment: 'center', margin: [0, 40, 0, 0] },
            ],
          },
          {
            width: '50%',
            stack: [
              { text: 'NGƯỜI TIẾP NHẬN HỒ SƠ', bold: true, alignment: 'center' },
              { text: '(Ký và ghi rõ họ tên)', italics: true, alignment: 'center', fontSize: 9 },
              { text: s.officerName, alignment: 'center', margin: [0, 40, 0, 0] },
            ],
          },
        ],
      },
    ],
  };
  return printer().createPdf(doc).getBuffer();
}
