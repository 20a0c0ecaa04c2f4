/**
 * The documents a desk need not digitise when it receives a paper dossier (flag `scanExempt` of a
 * required document in the catalogue). NĐ 118/2025 Art. 17 cl. 1 point c and TT 03/2025 make the desk
 * copy a paper dossier into electronic form at reception ("sao chụp giấy tờ chuyển sang bản điện tử"),
 * with exemptions (../shared/domain/vn-rules.md §4, [verified: S13], TT 03/2025 Art. 5 as quoted there):
 * - shown_only: documents only shown for comparison (xuất trình để đối chiếu), the original stays with the applicant;
 * - inter_agency: replies of other agencies exchanged between agencies;
 * - classified: classified papers (tài liệu mật);
 * - held_by_agency: data the agency already holds or reads from a national database. This one is a
 *   product rule, not a quoted exemption (vn-rules.md does not list it): the procedure's owner sets it.
 * Online dossiers are already electronic: nothing to scan.
 */
export const SCAN_EXEMPTIONS = ['shown_only', 'inter_agency', 'classified', 'held_by_agency'] as const;
export type ScanExemption = (typeof SCAN_EXEMPTIONS)[number];
