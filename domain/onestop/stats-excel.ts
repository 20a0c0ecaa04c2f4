import ExcelJS from 'exceljs';
import type { StatsCounts, StatsReport } from './stats.js';
import { vnLocalDate } from './time-text.js';

const GROUP_TITLES: Record<string, string> = {
  agency: 'Đơn vị',
  procedure: 'Thủ tục hành chính',
  field: 'Lĩnh vực',
  month: 'Tháng',
  none: 'Đơn vị',
};

/** The 11 number columns of Biểu II.06a (columns 3..13), in order. */
export function counts06a(c: StatsCounts): number[] {
  return [
    c.received.total,
    c.received.online,
    c.received.direct,
    c.received.carriedOver,
    c.resolved.total,
    c.resolved.early,
    c.resolved.onTime,
    c.resolved.late,
    c.inProgress.total,
    c.inProgress.withinDeadline,
    c.inProgress.pastDeadline,
  ];
}

/**
 * The statistics as an .xlsx laid out like Biểu số II.06a/VPCP/KSTT (TT 01/2020/TT-VPCP): title, reporting
 * unit and period, the two header rows of column groups, the row of column numbers (1)..(13), one row per
 * unit / procedure / field / month, and the total. Data start at row 9; the total is the last row.
 */
export async function statsWorkbook(report: StatsReport, opts: { reportingUnit: string; generatedAt: Date }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'e-ISO';
  wb.created = opts.generatedAt;
  const ws = wb.addWorksheet('II.06a', { pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  ws.columns = [{ width: 6 }, { width: 42 }, ...Array.from({ length: 11 }, () => ({ width: 12 }))];

  const center = { horizontal: 'center', vertical: 'middle', wrapText: true } as const;
  const border = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } } as const;

  ws.mergeCells('A1:M1');
  ws.getCell('A1').value = 'Biểu số II.06a/VPCP/KSTT';
  ws.getCell('A1').alignment = { horizontal: 'right' };
  ws.getCell('A1').font = { italic: true };
  ws.mergeCells('A2:M2');
  ws.getCell('A2').value = `TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI ${opts.reportingUnit.toUpperCase()}`;
  ws.getCell('A2').font = { bold: true, size: 13 };
  ws.getCell('A2').alignment = center;
  ws.mergeCells('A3:M3');
  ws.getCell('A3').value =
    `Kỳ báo cáo: từ ngày ${vnLocalDate(report.from)} đến ngày ${vnLocalDate(report.to)} (số hồ sơ đang xử lý tính đến ngày ${vnLocalDate(report.asOf)})`;
  ws.getCell('A3').alignment = center;
  ws.mergeCells('A4:M4');
  ws.getCell('A4').value = `Đơn vị báo cáo: ${opts.reportingUnit} · Đơn vị tính: số hồ sơ TTHC`;
  ws.getCell('A4').alignment = center;

  // Header: rows 5-7 (groups, sub-groups, columns), row 8 column numbers.
  const h = (addr: string, text: string) => {
    ws.getCell(addr).value = text;
  };
  ws.mergeCells('A5:A7');
  h('A5', 'STT');
  ws.mergeCells('B5:B7');
  h('B5', GROUP_TITLES[report.groupBy] ?? 'Đơn vị');
  ws.mergeCells('C5:F5');
  h('C5', 'Số hồ sơ nhận giải quyết');
  ws.mergeCells('C6:C7');
  h('C6', 'Tổng số');
  ws.mergeCells('D6:E6');
  h('D6', 'Trong kỳ');
  h('D7', 'Trực tuyến');
  h('E7', 'Trực tiếp, dịch vụ bưu chính');
  ws.mergeCells('F6:F7');
  h('F6', 'Từ kỳ trước');
  ws.mergeCells('G5:J5');
  h('G5', 'Số hồ sơ đã giải quyết');
  ws.mergeCells('G6:G7');
  h('G6', 'Tổng số');
  ws.mergeCells('H6:H7');
  h('H6', 'Trước hạn');
  ws.mergeCells('I6:I7');
  h('I6', 'Đúng hạn');
  ws.mergeCells('J6:J7');
  h('J6', 'Quá hạn');
  ws.mergeCells('K5:M5');
  h('K5', 'Số hồ sơ đang giải quyết');
  ws.mergeCells('K6:K7');
  h('K6', 'Tổng số');
  ws.mergeCells('L6:L7');
  h('L6', 'Trong hạn');
  ws.mergeCells('M6:M7');
  h('M6', 'Quá hạn');
  const numbers = ws.getRow(8);
  for (let c = 1; c <= 13; c++) numbers.getCell(c).value = `(${c})`;
  for (let r = 5; r <= 8; r++) {
    for (let c = 1; c <= 13; c++) {
      const cell = ws.getRow(r).getCell(c);
      cell.alignment = center;
      cell.border = border;
      cell.font = { bold: r < 8, italic: r === 8 };
      if (r < 8) cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF5' } };
    }
  }
  ws.getRow(7).height = 32;

  const first = 9;
  report.rows.forEach((row, i) => {
    const r = ws.getRow(first + i);
    r.values = [i + 1, row.label, ...counts06a(row)];
    r.eachCell((cell) => {
      cell.border = border;
    });
  });
  const total = ws.getRow(first + report.rows.length);
  total.values = ['', 'Tổng số', ...counts06a(report.totals)];
  total.font = { bold: true };
  for (let c = 1; c <= 13; c++) total.getCell(c).border = border;

  const note = first + report.rows.length + 2;
  ws.mergeCells(`A${note}:M${note}`);
  ws.getCell(`A${note}`).value =
    'Ghi chú: cột (9) Đúng hạn gồm cả hồ sơ công dân xin rút / bị hủy do không bổ sung; cột (12) Trong hạn gồm cả hồ sơ đang chờ công dân bổ sung. ' +
    'Hồ sơ đã có văn bản xin lỗi, hẹn lại vẫn được tính quá hạn.';
  ws.getCell(`A${note}`).alignment = { wrapText: true };
  ws.getRow(note).height = 30;
  ws.getCell(`A${note + 1}`).value = `Lập lúc ${opts.generatedAt.toISOString()}`;
  ws.getCell(`A${note + 1}`).font = { italic: true, size: 9 };

  return Buffer.from(await wb.xlsx.writeBuffer());
}
