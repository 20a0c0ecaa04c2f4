/** Dossier statuses (processes/ONESTOP.md) with their Vietnamese and English names. */
export const DOSSIER_STATUSES = {
  SUBMITTED: { vi: 'Chờ tiếp nhận', en: 'Awaiting receipt' },
  SUPPLEMENT_REQUESTED_AT_RECEIPT: { vi: 'Yêu cầu bổ sung, hoàn thiện hồ sơ', en: 'Completion requested at receipt' },
  RECEIPT_REFUSED: { vi: 'Từ chối tiếp nhận', en: 'Receipt refused' },
  RECEIVED: { vi: 'Đã tiếp nhận', en: 'Received' },
  IN_PROCESSING: { vi: 'Đang xử lý', en: 'In processing' },
  AWAITING_INTERAGENCY: { vi: 'Chờ cơ quan phối hợp (liên thông)', en: 'Awaiting another agency' },
  SUPPLEMENT_REQUESTED_IN_PROCESSING: { vi: 'Yêu cầu bổ sung hồ sơ (tạm dừng)', en: 'Supplement requested (paused)' },
  AWAITING_FEES: { vi: 'Chờ thực hiện nghĩa vụ tài chính (tạm dừng)', en: 'Awaiting payment of fees or taxes (paused)' },
  PENDING_APPROVAL: { vi: 'Chờ lãnh đạo phê duyệt', en: 'Pending approval' },
  NOT_ELIGIBLE: { vi: 'Không đủ điều kiện giải quyết', en: 'Not eligible' },
  RESULT_AT_DESK: { vi: 'Có kết quả, chờ trả', en: 'Result ready at the desk' },
  RESULT_IN_TRANSIT: { vi: 'Đang chuyển kết quả qua bưu chính', en: 'Result sent by post' },
  RETURNED: { vi: 'Đã trả kết quả', en: 'Result returned' },
  WITHDRAWN: { vi: 'Đã rút hồ sơ / dừng giải quyết', en: 'Withdrawn' },
  CANCELLED_NO_SUPPLEMENT: { vi: 'Hủy do quá hạn bổ sung', en: 'Cancelled: no supplement in time' },
} as const;

export type DossierStatus = keyof typeof DOSSIER_STATUSES;
export const STATUS_CODES = Object.keys(DOSSIER_STATUSES) as DossierStatus[];
/** Own keys only: `toString`, `constructor` and the other members every object inherits are no status. */
export const isStatus = (s: unknown): s is DossierStatus => typeof s === 'string' && Object.hasOwn(DOSSIER_STATUSES, s);

/** Final statuses: closed_at is set with them. */
export const FINAL_STATUSES: ReadonlySet<DossierStatus> = new Set(['RECEIPT_REFUSED', 'RETURNED', 'WITHDRAWN', 'CANCELLED_NO_SUPPLEMENT']);

/** The event (seeds-onestop §5.3) a status change writes when the model names none. */
export const DEFAULT_EVENT: Record<DossierStatus, string> = {
  SUBMITTED: 'dossier.submitted',
  SUPPLEMENT_REQUESTED_AT_RECEIPT: 'receipt.supplement_requested',
  RECEIPT_REFUSED: 'receipt.refused',
  RECEIVED: 'receipt.accepted',
  IN_PROCESSING: 'dossier.transferred',
  AWAITING_INTERAGENCY: 'interagency.sent',
  SUPPLEMENT_REQUESTED_IN_PROCESSING: 'processing.supplement_requested',
  AWAITING_FEES: 'processing.fees_requested',
  PENDING_APPROVAL: 'result.proposed',
  NOT_ELIGIBLE: 'processing.rejected',
  RESULT_AT_DESK: 'result.delivered_to_desk',
  RESULT_IN_TRANSIT: 'post.dispatched',
  RETURNED: 'result.returned',
  WITHDRAWN: 'dossier.withdrawn',
  CANCELLED_NO_SUPPLEMENT: 'supplement.timeout',
};

/** Statuses in which the desk (not the resolving agency) holds the dossier. */
export const AT_DESK: ReadonlySet<DossierStatus> = new Set([
  'SUBMITTED',
  'SUPPLEMENT_REQUESTED_AT_RECEIPT',
  'RECEIPT_REFUSED',
  'RECEIVED',
  'RESULT_AT_DESK',
  'RESULT_IN_TRANSIT',
  'RETURNED',
]);
