import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { rawZeebeClient } from './helpers/raw-zeebe.js';
import { createUnit, createUser, ensureDemoUnits, login, waitFor, type Client } from './helpers/fixtures.js';

/**
 * Issue 16, item 4: the BPMN elements the engine runs, end to end. Each model of test/fixtures/elements
 * (one per element family) is deployed twice: published through the platform (procedure, draft,
 * publish: validation and the deadline pattern) and deployed straight to the broker with the raw SDK;
 * an instance of each is started (through our API, resp. the SDK) and run to its end. For each: the
 * human steps reach exactly the people they are offered to (the others do not see them), the case's
 * timeline lists every step with who did it, and the auditor's search finds the case.
 * Own units, users and process ids: other files run on the same broker and database.
 */
const MODES = ['platform', 'raw'] as const;
type Mode = (typeof MODES)[number];
const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'elements');

describe('BPMN elements, deployed through the platform and through the raw Zeebe API', () => {
  let p: TestPlatform;
  let zeebe: ReturnType<typeof rawZeebeClient>;
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
  let units: { A: string; B: string; C: string; X: string };
  // A: the desk (officer oA, leader lA); B: the specialists (oB, oB2); C: another division (oC, leader lC); X: outsiders
  let oA: Client, oB: Client, oB2: Client, oC: Client, lA: Client, lC: Client, outsider: Client;
  let auditor: Client;
  let designer: Client;
  let everyone: Client[];

  /** The fixture with this run's units, process id and message names. */
  const model = (file: string, pid: string) =>
    readFileSync(path.join(FIXTURES, file), 'utf8')
      .replaceAll('{{P}}', pid)
      .replaceAll('{{K}}', run)
      .replaceAll('{{A}}', units.A)
      .replaceAll('{{B}}', units.B)
      .replaceAll('{{C}}', units.C);

  /** Deploys a fixture one way; returns its process id (different per way). */
  const deploy = async (mode: Mode, file: string): Promise<string> => {
    const pid = `el_${file.replace(/\.bpmn$/, '').replaceAll('-', '_')}_${mode === 'platform' ? 'nt' : 'tho'}_${run}`;
    const xml = model(file, pid);
    if (mode === 'raw') {
      await zeebe.deployResource({ process: Buffer.from(xml), name: `${pid}.bpmn` });
      return pid;
    }
    const created = await designer.post('/api/procedures', { xml, fileName: file });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.bpmnProcessId).toBe(pid);
    const published = await designer.post(`/api/procedures/${pid}/publish`, {});
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    return pid;
  };

  /** Starts a case: through our API as the desk officer, or straight on the engine. Returns its key. */
  const start = async (mode: Mode, pid: string, variables: Record<string, string | string[]>): Promise<string> => {
    if (mode === 'raw') return String((await zeebe.createProcessInstance({ bpmnProcessId: pid, variables })).processInstanceKey);
    const r = await oA.post('/api/process-instances', { bpmnProcessId: pid, variables });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.processInstanceKey as string;
  };

  const inCase = (t: any, caseKey: string) => (t.rootCase?.processInstanceKey ?? t.processInstanceKey) === caseKey;
  const personal = async (who: Client) => (await who.get('/api/tasks?view=personal&limit=100')).body.items as any[];

  const groupsOf = (c: Client) => [c.user.unitCode, ...c.user.roles.map((r) => `${c.user.unitCode}/${r}`)];
  /** Whether the step is offered to the user: held by them, or offered to them or to one of their groups. */
  const offered = (t: any, c: Client) =>
    t.assignee === c.user.username || t.candidateUsers.includes(c.user.username) || t.candidateGroups.some((g: string) => groupsOf(c).includes(g));
  /** A leader may open the steps of their unit (the unit view), without having them in their own inbox. */
  const oversees = (t: any, c: Client) =>
    c.user.roles.includes('leader') &&
    [...t.candidateGroups.map((g: string) => g.split('/')[0]), ...everyone.filter((u) => u.user.username === t.assignee).map((u) => u.user.unitCode)].includes(
      c.user.unitCode,
    );

  /**
   * The open step of the case in `who`'s inbox. It is offered to `who`; everyone it is offered to lists it,
   * nobody else does, and nobody else opens it (but the leader of its unit).
   */
  const step = async (who: Client, caseKey: string, elementId: string) => {
    const t = await waitFor(
      async () => (await personal(who)).find((x) => x.elementId === elementId && inCase(x, caseKey) && x.status === 'open'),
      `${elementId} of case ${caseKey} in ${who.user.username}'s inbox`,
    );
    expect(offered(t, who)).toBe(true);
    for (const other of everyone.filter((c) => c !== who)) {
      const listed = (await personal(other)).some((x) => x.id === t.id);
      expect(listed, `${other.user.username} (${groupsOf(other).join(' ')}) lists ${elementId} offered to ${t.assignee ?? t.candidateGroups}`).toBe(
        offered(t, other),
      );
      if (!offered(t, other) && !oversees(t, other)) {
        expect((await other.get(`/api/tasks/${t.id}`)).status, `${other.user.username} must not open ${elementId}`).not.toBe(200);
      }
    }
    return t;
  };

  /** Claims (unless already held) and completes a step. */
  const complete = async (who: Client, t: any, variables: Record<string, unknown> = {}) => {
    if (t.assignee !== who.user.username) expect((await who.post(`/api/tasks/${t.id}/claim`)).status).toBe(200);
    const done = await who.post(`/api/tasks/${t.id}/complete`, { variables });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
  };
  const work = async (who: Client, caseKey: string, elementId: string, variables: Record<string, unknown> = {}) =>
    complete(who, await step(who, caseKey, elementId), variables);

  const ended = (key: string) =>
    waitFor(
      async () => (await p.db('hist_process_instances').where({ process_instance_key: key, state: 'completed' }).first()) ?? false,
      `case ${key} completed`,
    );
  const elementActive = (key: string, elementId: string) =>
    waitFor(
      async () => (await p.db('hist_element_instances').where({ process_instance_key: key, element_id: elementId, state: 'active' }).first()) ?? false,
      `${elementId} of ${key} active`,
    );

  /**
   * The finished case as the auditor reads it: every human step with its state and who did it (called
   * processes' steps included), the other elements it ran, its completions in the audit log; and the
   * auditor's search finds it by its code and by each officer who worked it.
   */
  const audited = async (key: string, code: string, humanSteps: [string, string, string | null][], elements: string[]) => {
    await ended(key);
    const tl = (await auditor.get(`/api/cases/${key}/timeline`)).body;
    expect(tl).toMatchObject({ processInstanceKey: key, state: 'completed', caseCode: code });
    const tasks = [...tl.elements.filter((e: any) => e.type === 'USER_TASK'), ...tl.calledSteps].map((e: any) => [e.elementId, e.state, e.completedBy]);
    const byStep = (a: (string | null)[], b: (string | null)[]) => JSON.stringify(a).localeCompare(JSON.stringify(b));
    expect(tasks.sort(byStep)).toEqual([...humanSteps].sort(byStep));
    const ran = tl.elements.map((e: any) => e.elementId);
    expect(ran).toEqual(expect.arrayContaining(elements));
    expect(tl.elements.every((e: any) => e.end !== null)).toBe(true);
    const completers = humanSteps.filter((s) => s[2] !== null).map((s) => s[2]);
    expect(
      tl.audit
        .filter((a: any) => a.action === 'task.complete' || a.action === 'task.send-back')
        .map((a: any) => a.actor)
        .sort(),
    ).toEqual(completers.sort());

    const found = await waitFor(async () => {
      const r = await auditor.get(`/api/audit/cases?q=${encodeURIComponent(code)}`);
      return r.body.items?.length ? r.body.items : undefined;
    }, `case ${code} in the auditor's search`);
    expect(found.map((c: any) => [c.processInstanceKey, c.caseCode, c.state])).toEqual([[key, code, 'completed']]);
    for (const officer of new Set(completers)) {
      const r = await auditor.get(`/api/audit/cases?officer=${officer}&q=${encodeURIComponent(code)}`);
      expect(
        r.body.items.map((c: any) => c.processInstanceKey),
        `found by ${officer}`,
      ).toEqual([key]);
    }
    return tl;
  };

  beforeAll(async () => {
    p = await startTestPlatform();
    zeebe = rawZeebeClient();
    await ensureDemoUnits(p.db);
    const under = { parentCode: 'TINH' }; // inside the auditor's scope
    units = {
      A: await createUnit(p.db, { ...under, name: `Bộ phận một cửa thử ${run}` }),
      B: await createUnit(p.db, { ...under, name: `Phòng chuyên môn thử ${run}` }),
      C: await createUnit(p.db, { ...under, name: `Phòng phối hợp thử ${run}` }),
      X: await createUnit(p.db, { ...under, name: `Đơn vị ngoài ${run}` }),
    };
    const user = async (roles: ('officer' | 'leader')[], unitCode: string, fullName: string) =>
      login(p.app, await createUser(p.db, { roles, unitCode, fullName }));
    oA = await user(['officer'], units.A, 'Lê Tiếp Nhận');
    oB = await user(['officer'], units.B, 'Trần Thẩm Định');
    oB2 = await user(['officer'], units.B, 'Vũ Thẩm Tra');
    oC = await user(['officer'], units.C, 'Phạm Phối Hợp');
    lA = await user(['leader'], units.A, 'Nguyễn Lãnh Đạo');
    lC = await user(['leader'], units.C, 'Đỗ Phó Phòng');
    outsider = await user(['officer'], units.X, 'Hoàng Người Ngoài');
    everyone = [oA, oB, oB2, oC, lA, lC, outsider];
    auditor = await login(p.app, await createUser(p.db, { roles: ['auditor'], unitCode: 'TINH' }));
    designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
  });
  afterAll(async () => {
    await zeebe?.close();
    await p?.close();
  });

  it('exclusive and inclusive gateways with FEEL conditions, and a parallel gateway', async () => {
    await Promise.all(
      MODES.map(async (mode) => {
        const pid = await deploy(mode, 'cong-dieu-kien.bpmn');
        const code = `RN-${mode}-${run}`;
        const key = await start(mode, pid, { maHoSo: code });
        // the platform's case is land (both inclusive branches), the raw one is other (one branch)
        const land = mode === 'platform';
        await work(oA, key, 'TiepNhan', { loaiHoSo: land ? 'dat-dai' : 'khac' });
        if (land) await work(oB, key, 'ThamDinhDat', { canXacMinh: true, canLayYKien: true });
        else await work(oC, key, 'ThamDinhKhac', { canXacMinh: true, canLayYKien: false });
        await work(oB, key, 'XacMinh');
        if (land) await work(oC, key, 'LayYKien');
        // both parallel branches are open at once
        const [sign, register] = await Promise.all([step(lA, key, 'KyDuyet'), step(oA, key, 'VaoSo')]);
        await complete(oA, register);
        await complete(lA, sign);
        const tl = await audited(
          key,
          code,
          [
            ['TiepNhan', 'completed', oA.user.username],
            land ? ['ThamDinhDat', 'completed', oB.user.username] : ['ThamDinhKhac', 'completed', oC.user.username],
            ['XacMinh', 'completed', oB.user.username],
            ...(land ? [['LayYKien', 'completed', oC.user.username] as [string, string, string]] : []),
            ['KyDuyet', 'completed', lA.user.username],
            ['VaoSo', 'completed', oA.user.username],
          ],
          ['LoaiHoSo', 'GopLoai', 'CanLamThem', 'GopThem', 'ChiaViec', 'GopViec', 'KetThuc'],
        );
        expect(tl.flowsTaken).toEqual(expect.arrayContaining(land ? ['F_Dat', 'F_XacMinh', 'F_YKien'] : ['F_Khac', 'F_XacMinh']));
        expect(tl.flowsTaken).not.toContain(land ? 'F_Khac' : 'F_Dat');
        expect(tl.flowsTaken).not.toContain('F_BoQua');
      }),
    );
  });

  it('an event-based gateway: the message correlated by the case code, or the timer for the other case', async () => {
    await Promise.all(
      MODES.map(async (mode) => {
        const pid = await deploy(mode, 'cho-bo-sung.bpmn');
        const withMessage = `BS-${mode}-${run}-1`;
        const withTimer = `BS-${mode}-${run}-2`;
        const k1 = await start(mode, pid, { maHoSo: withMessage, thoiHanBoSung: 'PT1H' });
        const k2 = await start(mode, pid, { maHoSo: withTimer, thoiHanBoSung: 'PT2S' });
        await work(oA, k1, 'TiepNhan');
        await work(oA, k2, 'TiepNhan');
        await elementActive(k1, 'ChoCongDan');
        // the citizen's supplement names their case: only that case moves on
        await zeebe.publishMessage({
          name: `bo-sung-${run}`,
          correlationKey: withMessage,
          variables: { giayToBoSung: 'Bản sao sổ đỏ' },
          timeToLive: 0,
        });
        await work(oB, k1, 'XuLyBoSung');
        await work(oA, k2, 'TraHoSo');
        const tl1 = await audited(
          k1,
          withMessage,
          [
            ['TiepNhan', 'completed', oA.user.username],
            ['XuLyBoSung', 'completed', oB.user.username],
          ],
          ['ChoCongDan', 'NhanBoSung', 'DaXuLy'],
        );
        expect(tl1.events.map((e: any) => [e.kind, e.elementId, e.detail])).toEqual([['message', 'NhanBoSung', `bo-sung-${run}`]]);
        // the timer of the losing branch never fired
        expect(tl1.elements.map((e: any) => e.elementId)).not.toContain('HetHanBoSung');
        const tl2 = await audited(
          k2,
          withTimer,
          [
            ['TiepNhan', 'completed', oA.user.username],
            ['TraHoSo', 'completed', oA.user.username],
          ],
          ['ChoCongDan', 'HetHanBoSung', 'DaTra'],
        );
        expect(tl2.events.map((e: any) => [e.kind, e.elementId])).toEqual([['timer', 'HetHanBoSung']]);
      }),
    );
  });

  it('boundary timers on human steps: non-interrupting opens a second step, interrupting hands the step to the leader', async () => {
    await Promise.all(
      MODES.map(async (mode) => {
        const pid = await deploy(mode, 'hen-gio.bpmn');
        const code = `HG-${mode}-${run}`;
        const key = await start(mode, pid, { maHoSo: code, hanNhac: 'PT1S', hanXuLy: 'PT4S' });
        const appraisal = await step(oB, key, 'ThamDinh');
        // the reminder opens its own step while the appraisal stays open
        const chase = await step(oC, key, 'DonDoc');
        expect((await oB.get(`/api/tasks/${appraisal.id}`)).body.status).toBe('open');
        await complete(oB, appraisal);
        await complete(oC, chase);
        // nobody handles the step in time: it leaves the officer's inbox and goes to the leader
        const handling = await step(oA, key, 'XuLy');
        await waitFor(async () => !(await personal(oA)).some((t) => t.id === handling.id), 'the interrupted step out of the inbox', 20_000);
        expect((await oA.get(`/api/tasks/${handling.id}`)).body.status).toBe('cancelled');
        await work(lA, key, 'LanhDaoXuLy');
        const tl = await audited(
          key,
          code,
          [
            ['ThamDinh', 'completed', oB.user.username],
            ['DonDoc', 'completed', oC.user.username],
            ['XuLy', 'terminated', null],
            ['LanhDaoXuLy', 'completed', lA.user.username],
          ],
          ['NhacThamDinhHen', 'QuaHanXuLy', 'DaDonDoc', 'LanhDaoDaXuLy'],
        );
        expect(tl.events.filter((e: any) => e.kind === 'timer').map((e: any) => e.elementId)).toEqual(['NhacThamDinhHen', 'QuaHanXuLy']);
      }),
    );
  });

  it('an escalation thrown in a sub-process reaches the leader, and a signal releases the waiting case', async () => {
    await Promise.all(
      MODES.map(async (mode) => {
        const pid = await deploy(mode, 'tin-hieu-leo-thang.bpmn');
        const code = `LT-${mode}-${run}`;
        const key = await start(mode, pid, { maHoSo: code });
        await work(oA, key, 'TiepNhan');
        await work(oB, key, 'ThamDinh', { vuotThamQuyen: true });
        await work(lA, key, 'ChoYKien');
        await elementActive(key, 'ChoChiDao');
        await zeebe.broadcastSignal({ signalName: `chi-dao-${pid}`, variables: { soVanBan: '12/CĐ-UBND' } });
        await work(oA, key, 'BanHanh');
        const tl = await audited(
          key,
          code,
          [
            ['TiepNhan', 'completed', oA.user.username],
            ['ThamDinh', 'completed', oB.user.username],
            ['ChoYKien', 'completed', lA.user.username],
            ['BanHanh', 'completed', oA.user.username],
          ],
          ['ThamDinhHoSo', 'BaoLanhDao', 'NhanLeoThang', 'ChoChiDao', 'DaChoYKien', 'KetThuc'],
        );
        const typeOf = (id: string) => tl.elements.find((e: any) => e.elementId === id);
        expect(typeOf('BaoLanhDao')).toMatchObject({ type: 'INTERMEDIATE_THROW_EVENT', eventType: 'ESCALATION', name: 'Báo vượt thẩm quyền' });
        expect(typeOf('NhanLeoThang')).toMatchObject({ type: 'BOUNDARY_EVENT', eventType: 'ESCALATION' });
        expect(typeOf('ChoChiDao')).toMatchObject({ type: 'INTERMEDIATE_CATCH_EVENT', eventType: 'SIGNAL' });
        expect(tl.variables.find((v: any) => v.name === 'soVanBan')?.value).toBe('12/CĐ-UBND');
        // and among what the case received: the escalation, then the signal
        expect(tl.events.map((e: any) => [e.kind, e.elementId, e.detail])).toEqual([
          ['escalation', 'NhanLeoThang', 'Nhận báo vượt thẩm quyền'],
          ['signal', 'ChoChiDao', 'Chờ văn bản chỉ đạo'],
        ]);
      }),
    );
  });

  it('an error boundary on a human step: the appraiser sends the dossier back to the desk', async () => {
    await Promise.all(
      MODES.map(async (mode) => {
        const pid = await deploy(mode, 'tra-lai.bpmn');
        const code = `TL-${mode}-${run}`;
        const key = await start(mode, pid, { maHoSo: code });
        const first = await step(oB, key, 'ThamDinh');
        expect((await oB.post(`/api/tasks/${first.id}/claim`)).status).toBe(200);
        const sent = await oB.post(`/api/tasks/${first.id}/send-back`, { reason: 'Thiếu bản sao giấy chứng nhận' });
        expect(sent.status, JSON.stringify(sent.body)).toBe(200);
        await work(oA, key, 'BoSung');
        await work(oB, key, 'ThamDinh');
        const tl = await audited(
          key,
          code,
          [
            ['ThamDinh', 'terminated', oB.user.username],
            ['BoSung', 'completed', oA.user.username],
            ['ThamDinh', 'completed', oB.user.username],
          ],
          ['BiTraLai', 'GopThamDinh', 'KetThuc'],
        );
        expect(tl.elements.find((e: any) => e.elementId === 'BiTraLai')).toMatchObject({ type: 'BOUNDARY_EVENT', eventType: 'ERROR' });
        expect(tl.events.map((e: any) => [e.kind, e.elementId])).toEqual([['error', 'BiTraLai']]);
      }),
    );
  });

  it('nested call activities: the called steps reach their units and belong to the calling case', async () => {
    await Promise.all(
      MODES.map(async (mode) => {
        const pid = await deploy(mode, 'goi-quy-trinh.bpmn');
        const code = `GQ-${mode}-${run}`;
        const key = await start(mode, pid, { maHoSo: code });
        await work(oA, key, 'TiepNhan');
        const appraisal = await step(oB, key, 'ThamDinh');
        expect(appraisal).toMatchObject({ bpmnProcessId: `${pid}_cap1`, rootCase: { processInstanceKey: key, caseCode: code } });
        await complete(oB, appraisal);
        const approval = await step(lC, key, 'PheDuyet');
        expect(approval).toMatchObject({ bpmnProcessId: `${pid}_cap2`, rootCase: { processInstanceKey: key, caseCode: code } });
        await complete(lC, approval);
        await work(oA, key, 'TraKetQua');
        const tl = await audited(
          key,
          code,
          [
            ['TiepNhan', 'completed', oA.user.username],
            ['ThamDinh', 'completed', oB.user.username],
            ['PheDuyet', 'completed', lC.user.username],
            ['TraKetQua', 'completed', oA.user.username],
          ],
          ['GoiThamDinh', 'KetThuc'],
        );
        expect(tl.calledSteps.map((s: any) => [s.bpmnProcessId, s.depth, s.elementId])).toEqual([
          [`${pid}_cap1`, 1, 'ThamDinh'],
          [`${pid}_cap2`, 2, 'PheDuyet'],
        ]);
      }),
    );
  });

  it('parallel and sequential multi-instance human steps with an assignee per item', async () => {
    await Promise.all(
      MODES.map(async (mode) => {
        const pid = await deploy(mode, 'nhieu-nguoi.bpmn');
        const code = `NN-${mode}-${run}`;
        const key = await start(mode, pid, {
          maHoSo: code,
          nguoiThamDinh: [oB.user.username, oC.user.username],
          danhSachKy: [lA.user.username, lC.user.username],
        });
        // parallel: each named officer has their own item, at the same time, and sees only theirs
        const [mineB, mineC] = await Promise.all([step(oB, key, 'ThamDinh'), step(oC, key, 'ThamDinh')]);
        // published through the platform, each item has its own due date on the working calendar (2 working days)
        if (mode === 'platform') expect([mineB.dueDate, mineC.dueDate].every((d) => typeof d === 'string')).toBe(true);
        else expect([mineB.dueDate, mineC.dueDate]).toEqual([null, null]);
        expect([mineB.assignee, mineC.assignee]).toEqual([oB.user.username, oC.user.username]);
        expect((await personal(oB)).filter((t) => inCase(t, key)).map((t) => t.id)).toEqual([mineB.id]);
        await complete(oC, mineC);
        await complete(oB, mineB);
        // sequential: the second leader's item exists only once the first has initialled
        const first = await step(lA, key, 'KyNhay');
        expect(first.assignee).toBe(lA.user.username);
        expect((await personal(lC)).filter((t) => inCase(t, key))).toEqual([]);
        await complete(lA, first);
        await work(lC, key, 'KyNhay');
        const tl = await audited(
          key,
          code,
          [
            ['ThamDinh', 'completed', oB.user.username],
            ['ThamDinh', 'completed', oC.user.username],
            ['KyNhay', 'completed', lA.user.username],
            ['KyNhay', 'completed', lC.user.username],
          ],
          ['KetThuc'],
        );
        expect(tl.elements.filter((e: any) => e.type === 'MULTI_INSTANCE_BODY').map((e: any) => e.elementId)).toEqual(['ThamDinh', 'KyNhay']);
      }),
    );
  });

  it('an embedded sub-process and a non-interrupting event sub-process started by a message', async () => {
    await Promise.all(
      MODES.map(async (mode) => {
        const pid = await deploy(mode, 'quy-trinh-con.bpmn');
        const code = `QC-${mode}-${run}`;
        const key = await start(mode, pid, { maHoSo: code });
        const appraisal = await step(oB, key, 'ThamDinh');
        // the citizen asks how far the case is: the event sub-process opens a step beside the running one
        await zeebe.publishMessage({ name: `hoi-tien-do-${run}`, correlationKey: code, variables: { cauHoi: 'Hồ sơ đến đâu rồi?' }, timeToLive: 30_000 });
        await work(oA, key, 'TraLoi');
        expect((await oB.get(`/api/tasks/${appraisal.id}`)).body.status).toBe('open');
        await complete(oB, appraisal);
        await work(oC, key, 'DuThao');
        await work(lA, key, 'KyDuyet');
        const tl = await audited(
          key,
          code,
          [
            ['ThamDinh', 'completed', oB.user.username],
            ['DuThao', 'completed', oC.user.username],
            ['TraLoi', 'completed', oA.user.username],
            ['KyDuyet', 'completed', lA.user.username],
          ],
          ['XuLyChuyenMon', 'XongChuyenMon', 'HoiTienDo', 'NhanCauHoi', 'DaTraLoi', 'KetThuc'],
        );
        expect(tl.elements.find((e: any) => e.elementId === 'HoiTienDo')).toMatchObject({ type: 'EVENT_SUB_PROCESS', name: 'Trả lời hỏi tiến độ' });
        expect(tl.events.map((e: any) => [e.kind, e.elementId])).toEqual([['message', 'NhanCauHoi']]);
      }),
    );
  });
});
