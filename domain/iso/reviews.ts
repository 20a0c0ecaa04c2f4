import type { Knex } from 'knex';
import type { ZeebeClient } from '../../engine/client.js';
import { startIsoProcess } from './start.js';
import { annualReport } from './queries.js';
import { objectiveResults } from './objectives.js';
import { agencyOfDepartments } from './agencies.js';

/** The BPMN process of a management review (processes/iso-xem-xet-lanh-dao.bpmn). */
export const REVIEW_PROCESS_ID = 'iso-xem-xet-lanh-dao';

export interface ReviewInput {
  key: string;
  title: string;
  /** null = the platform keeps no data for it (note says why; the meeting fills it in) */
  value: unknown;
  note: string | null;
}

/**
 * The inputs of clause 9.3.2, from live data of the review's year: previous actions, customer
 * feedback, objectives, process performance (on-time), nonconformities, monitoring, audits. Inputs
 * the platform has no data for are present with value null and a note, never silently left out.
 */
export async function reviewInputs(db: Knex, year: number, agency: string, excludeReviewId?: string): Promise<ReviewInput[]> {
  // The review is of one agency's quality system: its own registers, cases and objectives.
  const r = await annualReport(db, year, [agency]);
  const previous = await db('iso_reviews')
    .where({ agency })
    .whereNotNull('closed_at')
    .modify((q) => {
      if (excludeReviewId) q.whereNot({ id: excludeReviewId });
    })
    .orderBy('closed_at', 'desc')
    .first('code', 'actions');
  const objectives = await objectiveResults(db, year, undefined, [agency]);
  const ncByStatus = await db('iso_nonconformities').where({ agency }).groupBy('status').select('status', db.raw('count(*)::int AS n'));
  return [
    {
      key: 'a',
      title: 'a) Tình trạng các hành động từ lần xem xét trước',
      value: previous ? { review: previous.code, actions: previous.actions } : null,
      note: previous ? null : 'Chưa có lần xem xét nào trước đó trên hệ thống',
    },
    { key: 'b', title: 'b) Thay đổi của các vấn đề bên ngoài và nội bộ', value: null, note: 'Không có trong dữ liệu; cuộc họp bổ sung' },
    {
      key: 'c1',
      title: 'c1) Sự thỏa mãn của khách hàng, phản hồi',
      value: {
        complaintsReceived: r.complaints.received,
        complaintsUpheld: r.complaints.upheld,
        satisfaction: r.onestop.evaluations
          ? { evaluations: r.onestop.evaluations, satisfiedPct: r.onestop.satisfiedPct, averageOverall: r.onestop.averageOverall }
          : null,
      },
      note: r.onestop.evaluations ? null : `Chưa có đánh giá hài lòng nào của người dân trong năm ${year}`,
    },
    {
      key: 'c2',
      title: 'c2) Mức độ đạt mục tiêu chất lượng',
      value: objectives.map((o) => ({
        unit: o.unitCode,
        title: o.title,
        target: o.target,
        year: o.periods.at(-1)?.value ?? null,
        met: o.periods.at(-1)?.met ?? null,
      })),
      note: objectives.length ? null : 'Chưa đặt mục tiêu chất lượng cho năm này',
    },
    {
      key: 'c3',
      title: 'c3) Kết quả thực hiện các quá trình (hồ sơ đúng hạn)',
      value: {
        finished: r.cases.finished,
        onTime: r.cases.onTime,
        onTimeRate: r.cases.onTimeRate,
        byProcess: r.cases.byProcess,
        onestop: {
          resolved: r.onestop.resolved,
          resolvedOnTime: r.onestop.resolvedOnTime,
          resolvedLate: r.onestop.resolvedLate,
          onTimeRate: r.onestop.onTimeRate,
          received: r.onestop.received,
          onlineRate: r.onestop.onlineRate,
        },
      },
      note: null,
    },
    {
      key: 'c4',
      title: 'c4) Sự không phù hợp và hành động khắc phục',
      value: {
        opened: r.nonconformities.opened,
        closed: r.nonconformities.closed,
        reopenedAfterIneffective: r.nonconformities.reopenedAfterIneffective,
        byStatus: Object.fromEntries(ncByStatus.map((s: any) => [s.status, s.n])),
      },
      note: null,
    },
    { key: 'c5', title: 'c5) Kết quả theo dõi và đo lường', value: { openOverdue: r.cases.openOverdue }, note: null },
    {
      key: 'c6',
      title: 'c6) Kết quả đánh giá',
      value: r.audits.map((a) => ({ code: a.code, status: a.status, findings: a.findings })),
      note: r.audits.length ? null : 'Chưa có đợt đánh giá nội bộ trong năm',
    },
    { key: 'c7', title: 'c7) Kết quả thực hiện của nhà cung cấp bên ngoài', value: null, note: 'Không có trong dữ liệu; cuộc họp bổ sung' },
    { key: 'd', title: 'd) Sự thỏa đáng của nguồn lực', value: null, note: 'Không có trong dữ liệu; cuộc họp bổ sung' },
    {
      key: 'e',
      title: 'e) Hiệu lực của hành động giải quyết rủi ro và cơ hội',
      value: r.risks.total ? r.risks : null,
      note: r.risks.total ? null : 'Sổ rủi ro và cơ hội chưa có rủi ro nào (để trống)',
    },
    { key: 'f', title: 'f) Cơ hội cải tiến', value: null, note: 'Từ báo cáo của các phòng' },
  ];
}

/** One line per input, for the forms of the review's steps. */
export function inputsSummary(inputs: ReviewInput[]): string {
  return inputs.map((i) => `${i.title}: ${i.value === null ? `(chưa có dữ liệu: ${i.note})` : JSON.stringify(i.value)}`).join('\n');
}

export async function startReview(
  db: Knex,
  zeebe: ZeebeClient,
  input: { year: number; title: string; departments: string[]; createdBy: string; agency: string | null },
): Promise<string> {
  const agency = await agencyOfDepartments(db, input.departments, input.agency);
  const { rows } = await db.raw(`SELECT nextval(pg_get_serial_sequence('iso_reviews', 'id')) AS id`);
  const id = String(rows[0].id);
  await db('iso_reviews').insert({
    id,
    code: `XXLD-${input.year}-${id.padStart(3, '0')}`,
    year: input.year,
    title: input.title,
    departments: JSON.stringify(input.departments),
    agency,
    created_by: input.createdBy,
  });
  await ensureReviewStarted(db, zeebe, id);
  return id;
}

export async function ensureReviewStarted(db: Knex, zeebe: ZeebeClient, id: string): Promise<void> {
  await startIsoProcess(db, zeebe, 'iso_reviews', id, async (trx) => {
    const r = await trx('iso_reviews').where({ id }).forUpdate().first();
    if (!r || r.process_instance_key) return null;
    return {
      bpmnProcessId: REVIEW_PROCESS_ID,
      variables: { reviewId: Number(r.id), maXemXet: r.code, tieuDe: r.title, nam: r.year, donViBaoCao: r.departments },
    };
  });
}
