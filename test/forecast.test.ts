import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUnit, createUser, login, waitFor, type Client } from './helpers/fixtures.js';
import { deskBpmn, openTask, procedureEntry, receiveAtDesk } from './helpers/onestop.js';
import { loadHistory } from '../domain/forecast/store.js';
import { replayAt } from '../domain/forecast/model.js';

/**
 * Issue 20 item 2 through the real engine: dossiers of two procedures (same model: appraisal 2 days, return
 * 0.5, limit 5 working days) are received at the desk, worked and finished; their recorded instants are then
 * moved back to weeks ago (the broker cannot live through weeks in a test): "slow" took three weeks from the
 * appraisal to the result, "fast" a few hours. A new dossier of each is received now. The leader of the agency
 * sees both, the slow one first with a probability of 1 (every slow run took longer than the five working
 * days it has) and the apology offered; the fast one at 0. An officer of another agency sees neither; a
 * citizen (no staff token, or a lookup key) is refused.
 */
describe('lateness forecast of open dossiers (leader view, scoping)', () => {
  let p: TestPlatform;
  let desk: Client;
  let specialist: Client;
  let returner: Client;
  let leader: Client;
  let otherOfficer: Client;
  let otherLeader: Client;
  const slow = procedureEntry({ name: 'Thủ tục chậm (thử dự báo)' });
  const fast = procedureEntry({ name: 'Thủ tục nhanh (thử dự báo)' });
  const openCodes: Record<'slow' | 'fast', string> = { slow: '', fast: '' };
  const finishedCodes: string[] = [];

  const receive = async (proc: Record<string, unknown>) => {
    const r = await receiveAtDesk(p.app, desk, {
      procedureCode: proc.code,
      applicant: { name: 'Nguyễn Văn An', idNumber: '001203004567', phone: '0912345678', email: 'an@example.vn', address: '12 Lê Lợi' },
      documents: [
        { code: 'DON', copies: 1 },
        { code: 'CCCD', copies: 1 },
      ],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; code: string; processInstanceKey: string };
  };
  const complete = async (who: Client, key: string, element: string, variables: Record<string, unknown> = {}) => {
    const task = await waitFor(() => openTask(p.db, key, element), `${element} of ${key}`, 30_000);
    expect((await who.post(`/api/tasks/${task}/claim`)).status).toBe(200);
    const done = await who.post(`/api/tasks/${task}/complete`, { variables });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
  };
  /** Receives and finishes a dossier through the engine, then moves its instants back as written. */
  const finished = async (proc: Record<string, unknown>, startedAt: Date, appraisedAt: Date, readyAt: Date) => {
    const d = await receive(proc);
    await complete(specialist, d.processInstanceKey, 'ThamDinh', { canBoSung: false, lyDoBoSung: '', ketQua: 'cap' });
    await complete(returner, d.processInstanceKey, 'TraKetQua');
    await waitFor(async () => (await p.db('dossiers').where({ code: d.code }).first())?.resolved_at, `result of ${d.code}`, 30_000);
    await p
      .db('inbox_tasks')
      .where({ process_instance_key: d.processInstanceKey, element_id: 'ThamDinh' })
      .update({ created_at: startedAt, completed_at: appraisedAt });
    await p
      .db('inbox_tasks')
      .where({ process_instance_key: d.processInstanceKey, element_id: 'TraKetQua' })
      .update({ created_at: appraisedAt, completed_at: readyAt });
    await p.db('dossiers').where({ code: d.code }).update({ received_at: startedAt, resolved_at: readyAt });
    finishedCodes.push(d.code);
  };
  const days = (n: number) => n * 86_400_000;
  const list = async (c: Client) => {
    const r = await c.get('/api/forecast/dossiers?limit=200');
    const all = r.status === 200 ? (r.body.items as { code: string }[]).map((i) => i.code) : [];
    // other files receive dossiers in the same agency meanwhile: ours (open or finished), in the list's order
    const mine = new Set([...Object.values(openCodes), ...finishedCodes]);
    return { status: r.status, body: r.body, all, codes: all.filter((c) => mine.has(c)) };
  };

  beforeAll(async () => {
    p = await startTestPlatform();
    const admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    const designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    desk = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    returner = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    specialist = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD' }));
    leader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT' }));
    const elsewhere = await createUnit(p.db, { name: 'Sở khác (thử dự báo)' });
    otherOfficer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: elsewhere }));
    otherLeader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: elsewhere }));
    for (const proc of [slow, fast]) {
      expect((await admin.post('/api/onestop/procedures/import', [proc])).status).toBe(200);
      // the desk model, its appraisal also deciding the result (ketQua)
      const xml = deskBpmn(String(proc.bpmnProcessId)).replace(
        '<zeebe:output source="=lyDoBoSung" target="lyDoBoSung" />',
        '<zeebe:output source="=lyDoBoSung" target="lyDoBoSung" /><zeebe:output source="=ketQua" target="ketQua" />',
      );
      const dep = await designer.post('/api/process-definitions', { resourceName: `${proc.bpmnProcessId}.bpmn`, xml });
      expect(dep.status, JSON.stringify(dep.body)).toBe(201);
    }
    // Four finished dossiers of each, one a week from ten weeks ago; the step's calendar counts the working days.
    const now = Date.now();
    await Promise.all(
      [0, 1, 2, 3].flatMap((i) => {
        const start = new Date(now - days(70 - 7 * i));
        return [
          finished(slow, start, new Date(start.getTime() + days(14)), new Date(start.getTime() + days(21))),
          finished(fast, start, new Date(start.getTime() + 2 * 3_600_000), new Date(start.getTime() + 4 * 3_600_000)),
        ];
      }),
    );
    for (const k of ['slow', 'fast'] as const) {
      const d = await receive(k === 'slow' ? slow : fast);
      await waitFor(() => openTask(p.db, d.processInstanceKey, 'ThamDinh'), 'the appraisal step', 30_000);
      openCodes[k] = d.code;
    }
  }, 240_000);
  afterAll(async () => {
    await p?.close();
  });

  it('the leader of the agency sees both open dossiers, the slow one first: late for sure, expected after its appointment, apology offered', async () => {
    const r = await list(leader);
    expect(r.status).toBe(200);
    expect(r.codes).toEqual([openCodes.slow, openCodes.fast]);
    const items = r.body.items as { code: string }[];
    const [risky, safe] = [openCodes.slow, openCodes.fast].map((c) => items.find((i) => i.code === c)) as any[];
    expect(risky).toMatchObject({ probability: 1, basis: 'unit', samples: 4, step: { name: 'Thẩm định hồ sơ', unitCode: 'SNNMT-QLDD', queueAhead: 0 } });
    expect(risky.expectedDay > risky.appointmentAt.slice(0, 10)).toBe(true);
    expect(risky.apology).toMatchObject({ status: null, canDraft: true });
    expect(risky.apology.deadline < risky.appointmentAt.slice(0, 10)).toBe(true);
    expect(safe).toMatchObject({ probability: 0, basis: 'unit', samples: 4, apology: { canDraft: false } });
    expect(safe.expectedDay <= safe.appointmentAt.slice(0, 10)).toBe(true);
    // finished dossiers are not listed (the filter above keeps them: only the two open ones are there)
    expect(finishedCodes).toHaveLength(8);
  });

  it('the officer handling the step sees them too (the agency it works for); another agency sees none', async () => {
    expect((await list(specialist)).codes).toEqual([openCodes.slow, openCodes.fast]);
    for (const c of [otherOfficer, otherLeader]) {
      const r = await list(c);
      expect(r.status).toBe(200);
      expect(r.all).toEqual([]);
      expect(JSON.stringify(r.body)).not.toContain(openCodes.slow);
    }
    expect((await otherLeader.get('/api/forecast/dossiers?agency=SNNMT')).status).toBe(403);
  });

  it('the recalibration reads every dossier as instants (loadHistory) and replays a past date from them', async () => {
    const now = new Date();
    const records = (await loadHistory(p.db, now)).filter((r) => r.procedureCode === slow.code).sort((a, b) => +a.receivedAt - +b.receivedAt);
    // four finished (the appraisal and the return, both completed) and the open one (its appraisal open)
    expect(records.map((r) => [Boolean(r.readyAt), r.steps.map((s) => `${s.stepId}:${s.endedAt ? 'done' : 'open'}`).join(',')])).toEqual([
      [true, 'ThamDinh:done,TraKetQua:done'],
      [true, 'ThamDinh:done,TraKetQua:done'],
      [true, 'ThamDinh:done,TraKetQua:done'],
      [true, 'ThamDinh:done,TraKetQua:done'],
      [false, 'ThamDinh:open'],
    ]);
    expect(records[0].steps[0].unitCode).toBe('SNNMT-QLDD');
    // 60 days ago: the first two slow dossiers were in their appraisal (since 70 and 63 days), none finished
    const past = replayAt(records, new Date(now.getTime() - days(60)), now);
    expect(past.finished).toHaveLength(0);
    expect(past.open.map((o) => o.dossier.steps.map((s) => [s.stepId, s.queueAhead]))).toEqual([[['ThamDinh', 0]], [['ThamDinh', 1]]]);
    // 45 days ago: the first one had its result (49 days ago), the second was being returned, the third and fourth appraised
    const later = replayAt(records, new Date(now.getTime() - days(45)), now);
    expect(later.finished).toHaveLength(1);
    expect(later.open.map((o) => o.dossier.steps.map((s) => s.stepId).join())).toEqual(['TraKetQua', 'ThamDinh', 'ThamDinh']);
  });

  it('a citizen never: no token, or the dossier lookup key, is refused; a hostile query is a 400', async () => {
    const token = (await p.db('dossiers').where({ code: openCodes.slow }).first('lookup_token')).lookup_token;
    for (const headers of [{}, { 'x-lookup-token': token }]) {
      const r = await p.app.inject({ method: 'GET', url: '/api/forecast/dossiers', headers });
      expect(r.statusCode).toBe(401);
      expect(r.body).not.toContain(openCodes.slow);
    }
    expect((await leader.get('/api/forecast/dossiers?limit=100000')).status).toBe(400);
    expect((await leader.get('/api/forecast/dossiers?sql=1')).status).toBe(400);
  });
});
