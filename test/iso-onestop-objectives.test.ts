import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUnit, createUser, login, waitFor, type Client } from './helpers/fixtures.js';
import { pdfText } from './helpers/onestop.js';

/**
 * Quality objectives over the one-stop data (share resolved on time, share submitted online, citizen
 * satisfaction), the clause 9.3.2 inputs of a management review from the same data, and the annual
 * report with the evidence for the declaration of conformity, as JSON and as a PDF read by pdftotext.
 * The dossiers and evaluations are inserted with hand-picked Vietnam times in last year (every
 * quarter is over); every expected number is computed by hand from the table below.
 */
describe('ISO objectives and reports from one-stop data', () => {
  let p: TestPlatform;
  let province: string; // fresh: its subtree is the objective's world
  let agency: string; // under the province
  let other: string; // elsewhere
  let admin: Client;
  let secretary: Client; // SNNMT-ISO officer
  let leader: Client; // SNNMT leader
  let officer: Client; // SNNMT-VP officer: may not read the report
  const run = randomBytes(3).toString('hex').toUpperCase();
  const Y = new Date().getFullYear() - 1;
  /** "MM-DD hh:mm" of year Y in Vietnam time. */
  const vn = (s: string) => new Date(`${Y}-${s.replace(' ', 'T')}:00+07:00`);

  // given (agency A unless O): channel, received, appointment, resolved (or withdrawn), evaluation overall score and time
  const DOSSIERS = [
    { n: 'A1', channel: 'online', received: '01-05 09:00', appointment: '01-15 17:00', resolved: '01-14 10:00', score: 5, evaluated: '01-16 09:00' }, // Q1 early
    { n: 'A2', channel: 'in_person', received: '02-02 09:00', appointment: '02-10 17:00', resolved: '02-10 16:00', score: 4, evaluated: '02-11 09:00' }, // Q1 on the day
    { n: 'A3', channel: 'in_person', received: '03-01 09:00', appointment: '03-10 17:00', resolved: '03-12 09:00', score: 2, evaluated: '03-13 09:00' }, // Q1 late
    { n: 'A4', channel: 'online', received: '03-20 09:00', appointment: '03-30 17:00', withdrawn: '03-25 10:00' }, // Q1 withdrawn: not a result
    { n: 'B1', channel: 'online', received: '03-28 09:00', appointment: '04-05 17:00', resolved: '04-03 10:00', score: 3, evaluated: '04-04 09:00' }, // received Q1, early in Q2
    { n: 'B2', channel: 'online', received: '04-10 09:00', appointment: '04-20 17:00', resolved: '04-22 10:00', score: 5, evaluated: '07-01 06:30' }, // Q2 late; evaluated 30/06 23:30 UTC = Q3 in Vietnam
    { n: 'B3', channel: 'online', received: '06-20 10:00', appointment: '07-01 17:00', resolved: '07-01 06:00' }, // received Q2; resolved 30/06 23:00 UTC = 01/07 in Vietnam: on time in Q3
    {
      n: 'O1',
      other: true,
      channel: 'online',
      received: '01-10 09:00',
      appointment: '01-20 17:00',
      resolved: '01-25 10:00',
      score: 1,
      evaluated: '01-26 09:00',
    }, // other agency, late
  ] as const;
  // Province (A and B rows) — received: Q1 A1 A2 A3 A4 B1 = 5 (online A1 A4 B1 = 3 -> 60 %), Q2 B2 B3 = 2 (online 2 -> 100 %), year 7 (online 5 -> 71.4 %).
  // Resolved: Q1 A1 early, A2 on time, A3 late -> 2/3 = 66.7 %; Q2 B1 early, B2 late -> 1/2 = 50 %; Q3 B3 -> 100 %; year 4/6 = 66.7 %.
  // Satisfied (overall >= 4): Q1 A1 A2 of A1 A2 A3 -> 66.7 %; Q2 B1 -> 0 %; Q3 B2 -> 100 %; year 3/5 = 60 %.
  // Whole platform (with O1): received 8, online 6 -> 75 %; resolved 8 (A4 withdrawn, on time as II.06a counts it), on time 5 -> 62.5 %; 6 evaluations, 3 satisfied -> 50 %, mean 20/6 = 3.33.

  beforeAll(async () => {
    p = await startTestPlatform();
    province = await createUnit(p.db, { name: `Tỉnh thử ${run}` });
    agency = await createUnit(p.db, { name: `Sở thử ${run}`, parentCode: province });
    other = await createUnit(p.db, { name: `Sở khác ${run}` });
    admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    secretary = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-ISO' }));
    leader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT' }));
    officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    const proc = (code: string, unit: string) => ({
      code,
      name: `Thủ tục ${code}`,
      field: 'Đất đai',
      agency_code: unit,
      agency_name: `Sở ${code}`,
      desk_unit_code: unit,
      agency_eid: `H00.${unit}`,
      time_limit_days: 10,
      result: 'Giấy chứng nhận',
      online_level: 'partial',
      bpmn_process_id: 'mc-test',
    });
    await p.db('onestop_procedures').insert([proc(`T${run}A`, agency), proc(`T${run}O`, other)]);
    for (const d of DOSSIERS) {
      const unit = 'other' in d ? other : agency;
      const procedure = 'other' in d ? `T${run}O` : `T${run}A`;
      const resolved = 'resolved' in d ? vn(d.resolved) : null;
      const withdrawn = 'withdrawn' in d ? vn(d.withdrawn) : null;
      const [row] = await p
        .db('dossiers')
        .insert({
          code: `${run}-${d.n}`,
          procedure_code: procedure,
          field: 'Đất đai',
          agency_code: unit,
          desk_unit_code: unit,
          channel: d.channel,
          status: withdrawn ? 'WITHDRAWN' : 'RETURNED',
          applicant: { name: `Nguyễn Văn ${d.n}` },
          lookup_token: randomBytes(32).toString('base64url'),
          submitted_at: vn(d.received),
          received_at: vn(d.received),
          original_appointment_at: vn(d.appointment),
          appointment_at: vn(d.appointment),
          resolved_at: resolved,
          returned_at: resolved,
          closed_at: resolved ?? withdrawn,
        })
        .returning('id');
      if ('score' in d) {
        await p.db('dossier_evaluations').insert({
          dossier_id: row.id,
          agency_code: unit,
          procedure_code: procedure,
          overall: d.score,
          receipt: 4,
          processing: 4,
          return_stage: 4,
          submitted_at: vn(d.evaluated),
        });
      }
    }
  });
  afterAll(async () => p?.close());

  const periods = (o: any) => Object.fromEntries(o.periods.map((x: any) => [x.label, [x.value, x.met]]));

  it('measures on-time, online and satisfaction objectives per quarter and for the year, over the unit subtree', async () => {
    expect(
      (
        await admin.post('/api/iso/objectives', {
          unitCode: province,
          year: Y,
          title: 'Hài lòng',
          metric: 'satisfaction_rate',
          target: 150,
          direction: 'at_least',
        })
      ).status,
    ).toBe(400);
    expect(
      (await admin.post('/api/iso/objectives', { unitCode: province, year: Y, title: 'Hài lòng', metric: 'citizen_mood', target: 50, direction: 'at_least' }))
        .status,
    ).toBe(400);
    expect(await p.db('iso_objectives').where({ unit_code: province })).toHaveLength(0);

    const make = async (unitCode: string, title: string, metric: string, target: number) => {
      const r = await admin.post('/api/iso/objectives', { unitCode, year: Y, title, metric, target, direction: 'at_least' });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.items[0].id as string;
    };
    const onTime = await make(province, 'Hồ sơ giải quyết đúng hạn', 'onestop_on_time_rate', 80);
    const online = await make(province, 'Hồ sơ nộp trực tuyến', 'online_rate', 50);
    const satisfied = await make(province, 'Người dân hài lòng', 'satisfaction_rate', 80);
    const otherOnTime = await make(other, 'Hồ sơ giải quyết đúng hạn', 'onestop_on_time_rate', 80);

    const items = (await leader.get(`/api/iso/objectives?year=${Y}`)).body.items as any[];
    const byId = (id: string) => items.find((o) => o.id === id);
    // A4 (withdrawn in Q1) counts on time, as II.06a column 9 does: Q1 3 of 4, the year 5 of 7.
    expect(periods(byId(onTime))).toEqual({ Q1: [75, false], Q2: [50, false], Q3: [100, true], Q4: [null, null], [Y]: [71.4, false] });
    expect(periods(byId(online))).toEqual({ Q1: [60, true], Q2: [100, true], Q3: [null, null], Q4: [null, null], [Y]: [71.4, true] });
    expect(periods(byId(satisfied))).toEqual({ Q1: [66.7, false], Q2: [0, false], Q3: [100, true], Q4: [null, null], [Y]: [60, false] });
    expect(periods(byId(otherOnTime))).toEqual({ Q1: [0, false], Q2: [null, null], Q3: [null, null], Q4: [null, null], [Y]: [0, false] });
    expect(byId(satisfied).metricLabel).toContain('hài lòng');
  }, 180_000);

  let reviewKey: string;
  it('fills the 9.3.2 inputs of a management review with satisfaction and the one-stop on-time rate', async () => {
    const started = await secretary.post('/api/iso/reviews', { year: Y, title: `Xem xét của lãnh đạo năm ${Y}`, departments: ['SNNMT-VP'] });
    expect(started.status).toBe(201);
    reviewKey = started.body.processInstanceKey;
    const review = await waitFor(
      async () => (await leader.get('/api/iso/reviews')).body.items.find((r: any) => r.id === started.body.id && r.inputs),
      'review inputs taken',
      60_000,
    );
    const input = (k: string) => review.inputs.find((i: any) => i.key === k);
    expect(input('c1')).toMatchObject({
      note: null,
      value: { complaintsReceived: 0, satisfaction: { evaluations: 6, satisfiedPct: 50, averageOverall: 3.33 } },
    });
    // 8 resolved incl. the withdrawn A4, counted on time (II.06a): 5 of 8.
    expect(input('c3').value.onestop).toEqual({ resolved: 8, resolvedOnTime: 5, resolvedLate: 3, onTimeRate: 62.5, received: 8, onlineRate: 75 });
    expect(input('c2').value).toEqual(expect.arrayContaining([{ unit: province, title: 'Người dân hài lòng', target: 80, year: 60, met: false }]));
  }, 180_000);

  it('reports the year with the conformity evidence, as JSON and as a PDF with the web addresses of the records', async () => {
    const r = await leader.get(`/api/iso/report?year=${Y}`);
    expect(r.status).toBe(200);
    expect(r.body.onestop).toEqual({
      received: 8,
      receivedOnline: 6,
      onlineRate: 75,
      resolved: 8,
      resolvedOnTime: 5,
      resolvedLate: 3,
      onTimeRate: 62.5,
      evaluations: 6,
      satisfiedPct: 50,
      averageOverall: 3.33,
    });
    expect(r.body.notAvailable.map((n: any) => n.section)).not.toContain('Sự hài lòng / Satisfaction');
    const evidence = (k: string) => r.body.conformity.find((e: any) => e.key === k);
    expect(r.body.conformity.map((e: any) => e.key)).toEqual([
      'policy',
      'objectives',
      'manual',
      'documents',
      'audit',
      'review',
      'corrective',
      'preventive',
      'customer',
    ]);
    expect(evidence('objectives')).toMatchObject({ met: true, clauses: ['6.2'], detail: '4 mục tiêu, 1 đạt trong năm' });
    expect(evidence('customer')).toMatchObject({ met: true, detail: expect.stringContaining('6 đánh giá hài lòng (50 % hài lòng)') });
    expect(evidence('policy')).toMatchObject({ met: false, links: [] });
    expect(evidence('review')).toMatchObject({ met: false });
    expect(r.body.reviews).toEqual([expect.objectContaining({ recordLink: `/cases/${reviewKey}` })]);

    // The PDF: only for leaders, auditors and administrators.
    const get = (c: Client) => p.app.inject({ method: 'GET', url: `/api/iso/report.pdf?year=${Y}`, headers: { authorization: `Bearer ${c.token}` } });
    expect((await get(officer)).statusCode).toBe(403);
    const pdf = await get(leader);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toContain(`bao-cao-hdqlcl-${Y}.pdf`);
    const text = (await pdfText(pdf.rawPayload)).replace(/[ \t]+/g, ' ');
    expect(text).toContain(`BÁO CÁO HOẠT ĐỘNG QUẢN LÝ CHẤT LƯỢNG NĂM ${Y}`);
    expect(text).toContain('Hồ sơ một cửa tiếp nhận: 8, trong đó trực tuyến 6 (tỷ lệ trực tuyến: 75 %)');
    expect(text).toContain('Hồ sơ một cửa đã giải quyết: 8; đúng hạn 5; trễ hạn 3; tỷ lệ đúng hạn: 62.5 %');
    expect(text).toContain('Đánh giá hài lòng của người dân: 6 lượt; tỷ lệ hài lòng: 50 %; điểm trung bình: 3.33/5');
    expect(text).toContain(`${province}: Người dân hài lòng. Chỉ tiêu tối thiểu 80 %; kết quả năm: 60 % (chưa đạt)`);
    expect(text).toContain('9. Minh chứng công bố phù hợp TCVN ISO 9001:2015');
    expect(text).toContain('Mục tiêu chất lượng (điều 6.2): CÓ MINH CHỨNG');
    expect(text).toContain('Chính sách chất lượng (điều 5.2): CHƯA ĐỦ MINH CHỨNG');
    // The review's record, by the address of its page in the web app.
    expect(text).toContain(`http://localhost:3000/cases/${reviewKey}`);
    const logged = await p.db('audit_log').where({ action: 'iso.report.export', actor: leader.user.username }).first();
    expect(logged).toBeTruthy();
  }, 180_000);
});
