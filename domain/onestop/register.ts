import type { Knex } from 'knex';
import ExcelJS from 'exceljs';
import type { Applicant } from './dossiers.js';
import { addDays, instantAt, isLocalDate, type LocalDate } from '../deadlines/calendar/index.js';
import { dayNumber } from '../deadlines/calendar/local-time.js';
import { subtreeCodes } from '../audit/case-search.js';
import { scopeUnitCodes } from '../audit/scope.js';
import type { CurrentUser } from '../../api/schemas/auth.js';
import { fail } from '../../lib/errors.js';
import { neutraliseFormula } from '../../lib/spreadsheet-safe.js';
import { shortTime, vnLocalDate } from './time-text.js';

/**
 * Sổ theo dõi hồ sơ (form 07 of TT 03/2025/TT-VPCP; vn-rules §3.3, fields from QĐ 3621/QĐ-BYT): the
 * dossiers a unit received in a period (by the Vietnam date of receipt), whose desk or resolving agency
 * is the unit or lies under it, in order of receipt, one line each: STT, dossier code, procedure,
 * applicant, address / phone, resolving agency, received, appointment, returned, how the result is
 * received, and an empty "ký nhận" column.
 */

/** The longest period one register covers, and the most lines it holds. */
export const REGISTER_MAX_DAYS = 366;
export const REGISTER_MAX_ROWS = 5000;

export interface RegisterLine {
  no: number;
  code: string;
  procedureName: string;
  applicantName: string;
  contact: string;
  agencyName: string;
  receivedAt: Date;
  /** the desk that received it when not the competent agency's (NĐ 118/2025), else null */
  receivedAtDesk: string | null;
  appointmentAt: Date | null;
  returnedAt: Date | null;
  returnMethod: string;
  status: string;
}

export interface Register {
  unitCode: string;
  unitName: string;
  from: LocalDate;
  to: LocalDate;
  lines: RegisterLine[];
  /** more dossiers than REGISTER_MAX_ROWS: the register is cut */
  truncated: boolean;
}

const RETURN_METHODS: Record<string, string> = { desk: 'Trực tiếp tại Bộ phận một cửa', post: 'Qua dịch vụ bưu chính' };

/** The period asked for, checked: real dates, from <= to, at most REGISTER_MAX_DAYS days (else 400). */
export function registerPeriod(from: string, to: string): { from: LocalDate; to: LocalDate } {
  if (!isLocalDate(from) || !isLocalDate(to)) throw fail(400, 'INVALID_DATE', {}, 'Ngày không hợp lệ / Invalid date');
  const f = from as LocalDate;
  const t = to as LocalDate;
  if (f > t) throw fail(400, 'PERIOD_FROM_AFTER_TO', {}, 'Ngày bắt đầu phải trước hoặc bằng ngày kết thúc / "from" must not be after "to"');
  if (dayNumber(t) - dayNumber(f) + 1 > REGISTER_MAX_DAYS)
    throw fail(400, 'REGISTER_TOO_LONG', { days: REGISTER_MAX_DAYS }, `Sổ lập cho tối đa ${REGISTER_MAX_DAYS} ngày / At most ${REGISTER_MAX_DAYS} days`);
  return { from: f, to: t };
}

/**
 * Who keeps a unit's register: officers, leaders and auditors whose scope (their unit's subtree; an
 * auditor's granted units too) holds the unit, administrators. Else 403 (404 for an unknown unit).
 */
export async function assertRegisterReader(db: Knex, user: CurrentUser, unit: string): Promise<void> {
  if (!user.roles.some((r) => r === 'officer' || r === 'leader' || r === 'auditor' || r === 'admin'))
    throw fail(403, 'ONESTOP_FORMS_READERS_ONLY', {}, 'Chỉ cán bộ một cửa, lãnh đạo và kiểm tra viên xem được sổ theo dõi hồ sơ / Staff only');
  if (!(await db('org_units').where({ code: unit }).first('code'))) throw fail(404, 'UNIT_NOT_FOUND', { unit }, `Không có đơn vị ${unit} / No unit ${unit}`);
  const scope = await scopeUnitCodes(db, user);
  if (scope !== null && !scope.includes(unit))
    throw fail(403, 'UNIT_OUTSIDE_SCOPE', { unit }, `Đơn vị ${unit} không thuộc phạm vi của bạn / Unit ${unit} is outside your scope`);
}

export async function registerOf(db: Knex, o: { unitCode: string; from: LocalDate; to: LocalDate }): Promise<Register> {
  const units = await subtreeCodes(db, o.unitCode);
  const unit = await db('org_units').where({ code: o.unitCode }).first('name');
  const rows: {
    code: string;
    procedure_name: string | null;
    applicant: Applicant;
    agency_name: string | null;
    received_at: Date;
    appointment_at: Date | null;
    returned_at: Date | null;
    return_method: string | null;
    channel: string;
    status: string;
    received_desk_name: string | null;
  }[] = await db('dossiers as d')
    .leftJoin('onestop_procedures as p', 'p.code', 'd.procedure_code')
    .leftJoin('org_units as a', 'a.code', 'd.agency_code')
    // received at another desk of the province (NĐ 118/2025): its name
    .leftJoin('org_units as r', function () {
      this.on('r.code', '=', 'd.received_desk_code').andOn('d.received_desk_code', '<>', 'd.desk_unit_code');
    })
    // the desk's and the agency's dossiers, and what this desk received for other agencies
    .where((w) => w.whereIn('d.desk_unit_code', units).orWhereIn('d.agency_code', units).orWhereIn('d.received_desk_code', units))
    .whereNotNull('d.received_at')
    .where('d.received_at', '>=', instantAt(o.from, 0))
    .where('d.received_at', '<', instantAt(addDays(o.to, 1), 0))
    .orderBy('d.received_at')
    .orderBy('d.id')
    .limit(REGISTER_MAX_ROWS + 1)
    .select(
      'd.code',
      'p.name as procedure_name',
      'd.applicant',
      db.raw('coalesce(a.name, p.agency_name, d.agency_code) AS agency_name'),
      'd.received_at',
      'd.appointment_at',
      'd.returned_at',
      'd.return_method',
      'd.channel',
      'd.status',
      'r.name as received_desk_name',
    );
  const lines = rows.slice(0, REGISTER_MAX_ROWS).map((r, i) => ({
    no: i + 1,
    code: r.code,
    procedureName: r.procedure_name ?? '',
    applicantName: r.applicant?.name ?? '',
    contact: [r.applicant?.address, r.applicant?.phone].filter((x) => typeof x === 'string' && x).join(' · '),
    agencyName: r.agency_name ?? '',
    receivedAt: r.received_at,
    receivedAtDesk: r.received_desk_name,
    appointmentAt: r.appointment_at,
    returnedAt: r.returned_at,
    returnMethod: r.return_method
      ? (RETURN_METHODS[r.return_method] ?? r.return_method)
      : r.channel === 'online'
        ? 'Trực tuyến / tại Bộ phận một cửa'
        : 'Tại Bộ phận một cửa',
    status: r.status,
  }));
  return { unitCode: o.unitCode, unitName: unit?.name ?? o.unitCode, from: o.from, to: o.to, lines, truncated: rows.length > REGISTER_MAX_ROWS };
}

/** The columns of form 07, in order (the PDF and the workbook share them). */
export const REGISTER_COLUMNS = [
  'STT',
  'Mã hồ sơ',
  'Tên thủ tục hành chính',
  'Tên tổ chức, cá nhân',
  'Địa chỉ, số điện thoại',
  'Cơ quan chủ trì giải quyết',
  'Nhận hồ sơ',
  'Hẹn trả kết quả',
  'Trả kết quả',
  'Phương thức nhận kết quả',
  'Ký nhận',
] as const;

/** One line as the texts of its cells (times to the minute, Vietnam time). */
export function registerCells(l: RegisterLine): string[] {
  return [
    String(l.no),
    l.code,
    l.procedureName,
    l.applicantName,
    l.contact,
    l.agencyName,
    l.receivedAtDesk ? `${shortTime(l.receivedAt)}\ntại ${l.receivedAtDesk}` : shortTime(l.receivedAt),
    l.appointmentAt ? shortTime(l.appointmentAt) : '',
    l.returnedAt ? shortTime(l.returnedAt) : '',
    l.returnMethod,
    '',
  ];
}

/**
 * The register as an .xlsx: the title rows, the header (row 5), one row per dossier from row 6. Text a
 * citizen typed (names, addresses) is neutralised so a spreadsheet never runs it as a formula.
 */
export async function registerWorkbook(r: Register, generatedAt: Date): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'e-ISO';
  wb.created = generatedAt;
  const ws = wb.addWorksheet('Mẫu 07', { pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  ws.columns = [6, 24, 36, 26, 30, 28, 17, 17, 17, 22, 12].map((width) => ({ width }));
  const last = String.fromCharCode(64 + REGISTER_COLUMNS.length);
  const border = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } } as const;
  ws.mergeCells(`A1:${last}1`);
  ws.getCell('A1').value = 'Mẫu số 07 (Thông tư số 03/2025/TT-VPCP)';
  ws.getCell('A1').alignment = { horizontal: 'right' };
  ws.getCell('A1').font = { italic: true };
  ws.mergeCells(`A2:${last}2`);
  ws.getCell('A2').value = 'SỔ THEO DÕI HỒ SƠ';
  ws.getCell('A2').font = { bold: true, size: 14 };
  ws.getCell('A2').alignment = { horizontal: 'center' };
  ws.mergeCells(`A3:${last}3`);
  ws.getCell('A3').value = `Đơn vị: ${neutraliseFormula(r.unitName)} · Từ ngày ${vnLocalDate(r.from)} đến ngày ${vnLocalDate(r.to)}`;
  ws.getCell('A3').alignment = { horizontal: 'center' };
  const header = ws.getRow(5);
  header.values = [...REGISTER_COLUMNS];
  header.font = { bold: true };
  header.eachCell((c) => {
    c.border = border;
    c.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF5' } };
  });
  r.lines.forEach((l, i) => {
    const row = ws.getRow(6 + i);
    const cells = registerCells(l);
    row.values = [l.no, ...cells.slice(1).map(neutraliseFormula)];
    for (let c = 1; c <= REGISTER_COLUMNS.length; c++) {
      row.getCell(c).border = border;
      row.getCell(c).alignment = { vertical: 'top', wrapText: true };
    }
  });
  const foot = 6 + r.lines.length + 1;
  ws.getCell(`A${foot}`).value = r.truncated
    ? `Sổ chỉ ghi ${r.lines.length} hồ sơ đầu tiên của kỳ; hãy chọn kỳ ngắn hơn.`
    : `Tổng số: ${r.lines.length} hồ sơ. Lập lúc ${shortTime(generatedAt)}.`;
  ws.getCell(`A${foot}`).font = { italic: true, size: 9 };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
