import type { AnnualReport } from '../../api/schemas/iso.js';
import { printer } from '../../lib/pdf.js';
import { publicUrl } from '../onestop/settings.js';

const NC_STATUS: Record<string, string> = {
  recorded: 'mới ghi nhận',
  analysing: 'phân tích nguyên nhân',
  implementing: 'đang khắc phục',
  verifying: 'chờ kiểm chứng',
  closing: 'chờ đóng phiếu',
  closed: 'đã đóng',
};
const KIND: Record<string, string> = { issue: 'ban hành', revision: 'sửa đổi', withdrawal: 'hủy bỏ' };
const vnDate = (iso: string) => new Date(new Date(iso).getTime() + 7 * 3_600_000).toISOString().slice(0, 10).split('-').reverse().join('/');
const pct = (v: number | null) => (v === null ? 'chưa có dữ liệu' : `${v} %`);

/**
 * The annual QMS report (báo cáo hoạt động quản lý chất lượng) as a PDF: the year's figures, the
 * registers, and the evidence for the declaration of conformity, each record with the address of its
 * page in the web app (<PUBLIC_URL>/cases/<key>) so a reader of the paper can open it.
 */
export async function renderAnnualReportPdf(r: AnnualReport): Promise<Buffer> {
  const base = publicUrl();
  const url = (href: string) => `${base}${href}`;
  const h = (text: string) => ({ text, bold: true, fontSize: 12.5, margin: [0, 14, 0, 4] });
  const line = (text: string) => ({ text, margin: [0, 1, 0, 1] });
  const linkLine = (label: string, href: string | null | undefined) =>
    href ? { text: [`${label}: `, { text: url(href), link: url(href), color: '#1a4f9c' }], margin: [10, 1, 0, 1] } : { text: label, margin: [10, 1, 0, 1] };
  const none = (what: string) => ({ text: `Không có ${what} trong năm.`, italics: true, margin: [10, 1, 0, 1] });
  const o = r.onestop;

  const doc = {
    info: { title: `Báo cáo hoạt động quản lý chất lượng năm ${r.year}`, creator: 'e-ISO' },
    pageSize: 'A4',
    pageMargins: [50, 50, 45, 50],
    defaultStyle: { font: 'Roboto', fontSize: 10, lineHeight: 1.25 },
    footer: (page: number, pages: number) => ({ text: `Trang ${page}/${pages}`, alignment: 'center', fontSize: 8, margin: [0, 20, 0, 0] }),
    content: [
      { text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', bold: true, alignment: 'center' },
      { text: 'Độc lập - Tự do - Hạnh phúc', bold: true, alignment: 'center' },
      { text: `BÁO CÁO HOẠT ĐỘNG QUẢN LÝ CHẤT LƯỢNG NĂM ${r.year}`, bold: true, fontSize: 14, alignment: 'center', margin: [0, 18, 0, 2] },
      // Each agency declares its own conformity: the report names whose quality system it covers.
      {
        text: r.agency ? `Hệ thống quản lý chất lượng của cơ quan: ${r.agency}` : 'Toàn tỉnh: hệ thống quản lý chất lượng của các cơ quan',
        bold: true,
        alignment: 'center',
      },
      { text: 'Theo TCVN ISO 9001:2015, lập từ hồ sơ trên hệ thống ISO điện tử', italics: true, alignment: 'center' },
      { text: `Lập ngày ${vnDate(r.generatedAt)}`, italics: true, alignment: 'center', margin: [0, 0, 0, 8] },

      h('1. Kết quả giải quyết hồ sơ thủ tục hành chính'),
      line(`Hồ sơ một cửa tiếp nhận: ${o.received}, trong đó trực tuyến ${o.receivedOnline} (tỷ lệ trực tuyến: ${pct(o.onlineRate)})`),
      line(`Hồ sơ một cửa đã giải quyết: ${o.resolved}; đúng hạn ${o.resolvedOnTime}; trễ hạn ${o.resolvedLate}; tỷ lệ đúng hạn: ${pct(o.onTimeRate)}`),
      line(
        `Đánh giá hài lòng của người dân: ${o.evaluations} lượt; tỷ lệ hài lòng: ${pct(o.satisfiedPct)}; điểm trung bình: ${o.averageOverall ?? 'chưa có dữ liệu'}/5`,
      ),
      line(
        `Hồ sơ công việc theo quy trình đã kết thúc: ${r.cases.finished}; đúng hạn ${r.cases.onTime}; trễ hạn ${r.cases.late}; quá hạn chưa giải quyết: ${r.cases.openOverdue}`,
      ),

      h('2. Mục tiêu chất lượng'),
      ...(r.objectives.length
        ? r.objectives.map((x) =>
            line(
              `${x.unitCode}: ${x.title}. Chỉ tiêu ${x.direction === 'at_least' ? 'tối thiểu' : 'tối đa'} ${x.target}${x.unit === '%' ? ' %' : ''}; kết quả năm: ${x.value === null ? 'chưa đo được' : `${x.value}${x.unit === '%' ? ' %' : ''}`} (${x.met === null ? 'chưa đánh giá' : x.met ? 'đạt' : 'chưa đạt'})`,
            ),
          )
        : [none('mục tiêu chất lượng')]),

      h('3. Sự không phù hợp và hành động khắc phục'),
      line(
        `Ghi nhận ${r.nonconformities.opened}; đã đóng ${r.nonconformities.closed}; đang xử lý ${r.nonconformities.open}; phải khắc phục lại vì chưa hiệu lực ${r.nonconformities.reopenedAfterIneffective}`,
      ),
      ...(r.nonconformities.items.length
        ? r.nonconformities.items.map((n) => linkLine(`${n.code} (${NC_STATUS[n.status] ?? n.status}) ${n.title}`, n.recordLink))
        : [none('điểm không phù hợp')]),

      h('4. Tài liệu được kiểm soát'),
      line(`Ban hành mới ${r.documents.issued}; sửa đổi ${r.documents.revised}; hủy bỏ ${r.documents.withdrawn}`),
      ...(r.documents.items.length
        ? r.documents.items.map((d) =>
            linkLine(
              `${d.code} v${d.version} ${KIND[d.kind] ?? d.kind}${d.effectiveFrom ? `, hiệu lực ${d.effectiveFrom.split('-').reverse().join('/')}` : ''}; ${d.unitsConfirmed}/${d.unitsDistributed} đơn vị xác nhận đã đọc`,
              d.recordLink,
            ),
          )
        : [none('tài liệu ban hành, sửa đổi, hủy bỏ')]),

      h('5. Đánh giá nội bộ'),
      ...(r.audits.length
        ? r.audits.map((a) =>
            linkLine(`${a.code}: ${a.departments.join(', ')}; ${a.findings} phát hiện${a.conclusion ? `; kết luận: ${a.conclusion}` : ''}`, a.recordLink),
          )
        : [none('đợt đánh giá nội bộ')]),

      h('6. Xem xét của lãnh đạo'),
      ...(r.reviews.length
        ? r.reviews.map((x) =>
            linkLine(`${x.code}${x.conclusion ? `: ${x.conclusion}` : ` (${x.status})`}${x.actions ? `; hành động: ${x.actions}` : ''}`, x.recordLink),
          )
        : [none('lần xem xét của lãnh đạo')]),

      h('7. Phản ánh, khiếu nại, góp ý'),
      line(`Tiếp nhận ${r.complaints.received}; kết luận đúng ${r.complaints.upheld}; đã trả lời ${r.complaints.answered}`),
      ...r.complaints.items.map((c) => linkLine(`${c.code} ${c.title}${c.ncCode ? ` → ${c.ncCode}` : ''}`, c.recordLink)),

      h('8. Rủi ro và cơ hội'),
      line(`Trong sổ ${r.risks.total}; đang theo dõi ${r.risks.open}; mức cao (điểm từ 15) ${r.risks.high}; giảm điểm sau xử lý ${r.risks.reduced}`),

      h('9. Minh chứng công bố phù hợp TCVN ISO 9001:2015'),
      ...r.conformity.flatMap((e) => [
        {
          text: [
            { text: `${e.item} (điều ${e.clauses.join(', ')}): `, bold: true },
            { text: e.met ? 'CÓ MINH CHỨNG' : 'CHƯA ĐỦ MINH CHỨNG', bold: true, color: e.met ? '#1b6e20' : '#a11' },
          ],
          margin: [0, 4, 0, 0],
        },
        { text: e.detail, margin: [10, 0, 0, 0] },
        ...e.links.map((l) => linkLine(l.label, l.href)),
      ]),

      h('10. Nội dung hệ thống chưa có dữ liệu'),
      ...r.notAvailable.map((n) => line(`${n.section}: ${n.reason}`)),
    ],
  };
  return printer().createPdf(doc).getBuffer();
}
