import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, ensureDemoUnits, login, waitFor, type Client } from './helpers/fixtures.js';
import { LAND_PROCESS, openTask, runLandCase, startLandCase, type LandActors } from './helpers/audit-flow.js';
import { HistoryProjector } from '../engine/history/projector.js';
import { searchCases, subtreeCodes, type CaseFilters } from '../domain/audit/case-search.js';
import { asOwner } from './helpers/owner.js';

/**
 * case_index (migrations/20261123007000_case_index.ts): the search index of cases follows the
 * history (projector + inbox triggers), replays do not duplicate it, and the search over it gives
 * what the definition it replaces gave (EXISTS over hist_variables / inbox_tasks / case_deadlines).
 */
describe('case_index: the auditor search index', () => {
  let p: TestPlatform;
  let actors: LandActors;
  let auditor: Client;
  const run = `CI${Date.now().toString(36)}`;

  beforeAll(async () => {
    p = await startTestPlatform();
    actors = {
      reception: await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' })),
      specialist: await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD' })),
      leader: await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT' })),
    };
    auditor = await login(p.app, await createUser(p.db, { roles: ['auditor'], unitCode: 'TINH' }));
  });
  afterAll(async () => {
    await p?.close();
  });

  const row = (key: string) => p.db('case_index').where({ process_instance_key: key }).first();
  const search = async (who: Client, qs: string) => {
    const r = await who.get(`/api/audit/cases?${qs}`);
    expect(r.status).toBe(200);
    return r.body as { items: any[]; total: number; totalExact: boolean };
  };

  it('follows a case through its history: units of every step, officers, a step completed late, the end', async () => {
    // given a case of the land procedure driven to its end, its appraisal done an hour after its due date
    const key = await runLandCase(p.db, actors, { maHoSo: `${run}-late` });
    await p
      .db('inbox_tasks')
      .where({ process_instance_key: key, element_id: 'ThamDinh' })
      .update({ due_date: p.db.raw(`completed_at - interval '1 hour'`) });

    // then its index row says so
    const r = await row(key);
    expect(r).toMatchObject({
      bpmn_process_id: LAND_PROCESS,
      state: 'completed',
      case_code: `${run}-late`,
      started_by_unit: 'SNNMT-VP',
      breached_steps: ['ThamDinh'],
    });
    expect(r.end_time).not.toBeNull();
    // the unit that started it and the units its steps were offered to (the appraisal: a second unit)
    expect(r.unit_codes).toEqual(expect.arrayContaining(['SNNMT-VP', 'SNNMT-QLDD']));
    expect([...r.officers].sort()).toEqual([actors.reception.user.username, actors.specialist.user.username, actors.leader.user.username].sort());
    expect(r.late_at.getTime()).toBeLessThan(Date.now());
    // the text of its variables, searched under its own trigram index (case_search: an inbox write never rewrites it)
    expect((await p.db('case_search').where({ process_instance_key: key }).first()).search_text).toContain('Nguyễn Thị Hoa');

    // and an auditor of the second unit finds it through the index (scope = its subtree), late, by its breached step
    const qldd = await login(p.app, await createUser(p.db, { roles: ['auditor'], unitCode: 'SNNMT-QLDD' }));
    const found = await search(qldd, `q=${run}-late&timing=late&breachedStep=ThamDinh`);
    expect(found).toMatchObject({ total: 1, totalExact: true });
    expect(found.items[0]).toMatchObject({ processInstanceKey: key, late: true, breachedSteps: ['ThamDinh'], caseCode: `${run}-late`, state: 'completed' });
    expect((await search(auditor, `officer=${actors.specialist.user.username}&q=${run}-late`)).items.map((c) => c.processInstanceKey)).toEqual([key]);
    // a commune auditor does not see it
    const commune = await login(p.app, await createUser(p.db, { roles: ['auditor'], unitCode: 'XA-TANPHU' }));
    expect((await search(commune, `q=${run}-late`)).total).toBe(0);
  });

  it('counts a case late once it ends after its appointment (case_deadlines), and not before', async () => {
    const key = await runLandCase(p.db, actors, { maHoSo: `${run}-appt` });
    expect((await search(auditor, `q=${run}-appt&timing=late`)).total).toBe(0);
    const end: Date = (await p.db('hist_process_instances').where({ process_instance_key: key }).first('end_time')).end_time;
    // when the case's appointment is moved to a minute before it ended
    const appointment = new Date(end.getTime() - 60_000);
    await p
      .db('case_deadlines')
      .insert({
        process_instance_key: key,
        process_definition_key: 1,
        bpmn_process_id: LAND_PROCESS,
        time_limit_days: 1,
        received_at: end,
        original_appointment_at: appointment,
        appointment_at: appointment,
      })
      .onConflict('process_instance_key')
      .merge(['appointment_at']);
    // then it is late, without any breached step
    const late = await search(auditor, `q=${run}-appt&timing=late`);
    expect(late.items.map((c) => c.processInstanceKey)).toEqual([key]);
    expect(late.items[0]).toMatchObject({ late: true, breachedSteps: [] });
    // and on time again when the appointment moves after its end
    await p
      .db('case_deadlines')
      .where({ process_instance_key: key })
      .update({ appointment_at: new Date(end.getTime() + 86_400_000) });
    expect((await search(auditor, `q=${run}-appt&timing=on_time`)).items.map((c) => c.processInstanceKey)).toEqual([key]);
  });

  it('counts an open step late from its due date on: no event needed when the clock passes it', async () => {
    // given a running case whose reception step is open and held by an officer
    const key = await startLandCase(actors.reception, { maHoSo: `${run}-open` });
    const task = await openTask(p.db, key, 'TiepNhan');
    expect((await actors.reception.post(`/api/tasks/${task}/claim`)).status).toBe(200);
    await waitFor(async () => (await row(key))?.case_code === `${run}-open`, 'the running case in the index');
    // the claim (no Zeebe record) is in the index: the officer holds a step
    expect((await row(key)).officers).toEqual([actors.reception.user.username]);
    expect((await search(auditor, `q=${run}-open&status=active&timing=on_time`)).total).toBe(1);

    // when its due date is two seconds ahead, it is not late yet; once that passes, it is
    await p
      .db('inbox_tasks')
      .where({ job_key: task })
      .update({ due_date: p.db.raw(`now() + interval '2 seconds'`) });
    expect((await search(auditor, `q=${run}-open&timing=late`)).total).toBe(0);
    expect((await search(auditor, `q=${run}-open&breachedStep=TiepNhan`)).total).toBe(0);
    await new Promise((r) => setTimeout(r, 2500));
    const late = await search(auditor, `q=${run}-open&breachedStep=TiepNhan&timing=late`);
    expect(late.items.map((c) => c.processInstanceKey)).toEqual([key]);
    expect(late.items[0]).toMatchObject({ late: true, breachedSteps: ['TiepNhan'], state: 'active' });

    // and cancelling the case (the projector moves the task to cancelled) ends the pending breach
    expect((await actors.leader.del(`/api/process-instances/${key}`)).status).toBeLessThan(300);
    await waitFor(async () => (await row(key))?.state === 'terminated', 'the cancelled case in the index');
    const r = await row(key);
    expect(r.pending_due).toBeNull();
    expect((await search(auditor, `q=${run}-open&breachedStep=TiepNhan`)).total).toBe(0);
  });

  it('does not duplicate or change rows when the projector replays the whole stream', async () => {
    const key = await runLandCase(p.db, actors, { maHoSo: `${run}-replay` });
    const before = await p.db('case_index').orderBy('process_instance_key').select();
    const textsBefore = await p.db('case_search').orderBy('process_instance_key').select();
    const count = Number((await p.db('case_index').count({ n: '*' }))[0].n);
    // when every partition's cursor goes back to the start and a second projector projects it all again
    await p.db('hist_projector_cursor').update({ position: -1 });
    const replay = new HistoryProjector(p.db, { batchSize: 500 });
    for (let i = 0; i < 200; i++) if ((await replay.runOnce()) === 0) break;
    await replay.stop();
    // then the index has the same rows with the same content
    expect(Number((await p.db('case_index').count({ n: '*' }))[0].n)).toBe(count);
    const after = await p.db('case_index').orderBy('process_instance_key').select();
    // refreshed_at included: a refresh that computes the row already stored writes nothing
    expect(after).toEqual(before);
    expect(await p.db('case_search').orderBy('process_instance_key').select()).toEqual(textsBefore);
    expect(after.filter((r: any) => String(r.process_instance_key) === key)).toHaveLength(1);
  });

  describe('equals the definition it replaces on a small data set', () => {
    const base = 9_100_000_000_000_000n + BigInt(Date.now() % 1_000_000) * 1000n;
    const keys: string[] = [];
    const units = ['SNNMT-VP', 'SNNMT-QLDD', 'SNNMT', 'XA-TANPHU', 'KHAC'];
    const steps = ['TiepNhan', 'ThamDinh', 'PheDuyet'];
    const period = { from: '2001-01-01T00:00:00.000Z', to: '2002-01-01T00:00:00.000Z' };

    beforeAll(async () => {
      const db = p.db;
      await ensureDemoUnits(db);
      const day = 86_400_000;
      const t0 = Date.parse(period.from);
      const instances: Record<string, unknown>[] = [];
      const variables: Record<string, unknown>[] = [];
      const tasks: Record<string, unknown>[] = [];
      const deadlines: Record<string, unknown>[] = [];
      for (let i = 0; i < 150; i++) {
        const k = (base + BigInt(i) * 10n).toString();
        keys.push(k);
        const state = i % 7 === 0 ? 'active' : i % 11 === 0 ? 'terminated' : 'completed';
        const start = new Date(t0 + i * 2 * day + (i % 5) * 3600_000);
        const end = state === 'active' ? null : new Date(start.getTime() + (1 + (i % 4)) * day);
        instances.push({
          process_instance_key: k,
          bpmn_process_id: ['cx_a', 'cx_b', 'cx_c'][i % 3],
          process_definition_key: 77 + (i % 3),
          version: 1,
          parent_process_instance_key: i % 13 === 5 ? keys[0] : null,
          state,
          start_time: start,
          end_time: end,
          partition_id: 1,
          position: i,
        });
        variables.push({
          scope_key: k,
          name: 'maHoSo',
          variable_key: k,
          process_instance_key: k,
          value: JSON.stringify(`CX-${run}-${i}`),
          updated_at: start,
          partition_id: 1,
          position: i,
        });
        if (i % 9 !== 0)
          variables.push({
            scope_key: k,
            name: 'startedByUnit',
            variable_key: k,
            process_instance_key: k,
            value: JSON.stringify(units[i % 5]),
            updated_at: start,
            partition_id: 1,
            position: i,
          });
        if (i % 4 === 0)
          variables.push({
            scope_key: k,
            name: 'ghiChu',
            variable_key: k,
            process_instance_key: k,
            value: JSON.stringify(i % 8 === 0 ? 'Tranh chấp đất đai 50% diện_tích' : 'Đủ điều kiện'),
            updated_at: start,
            partition_id: 1,
            position: i,
          });
        if (i % 6 === 0)
          variables.push({
            scope_key: k,
            name: 'hoSo',
            variable_key: k,
            process_instance_key: k,
            value: JSON.stringify({ thua: i, chu: 'Trần Văn Đất' }),
            updated_at: start,
            partition_id: 1,
            position: i,
          });
        for (let j = 0; j < i % 4; j++) {
          const last = j === (i % 4) - 1;
          const open = last && state === 'active';
          const cancelled = last && state === 'terminated';
          const done = new Date(start.getTime() + (j + 1) * 3600_000 * 5);
          const due =
            (i + j) % 5 === 0
              ? null
              : (i + j) % 3 === 0
                ? new Date(done.getTime() - 3600_000)
                : open && i % 2 === 0
                  ? new Date(Date.now() + day)
                  : new Date(done.getTime() + 3600_000);
          const officer = `cx.o${(i + j) % 6}`;
          tasks.push({
            job_key: (base + BigInt(i) * 10n + BigInt(j + 1)).toString(),
            process_instance_key: k,
            element_instance_key: (base + BigInt(i) * 10n + BigInt(j + 5)).toString(),
            process_definition_key: 77 + (i % 3),
            bpmn_process_id: ['cx_a', 'cx_b', 'cx_c'][i % 3],
            process_version: 1,
            element_id: steps[j],
            name: steps[j],
            assignee: (i + j) % 4 === 0 ? null : officer,
            candidate_groups: j === 1 ? [`${units[(i + 1) % 5]}/officer`, units[(i + 3) % 5]] : [units[(i + j) % 5]],
            candidate_users: [],
            due_date: due,
            form_key: null,
            variables: '{}',
            status: open ? 'open' : cancelled ? 'cancelled' : 'completed',
            completed_by: open || cancelled ? null : (i + j) % 7 === 0 ? `cx.o${(i + j + 1) % 6}` : officer,
            completed_at: open || cancelled ? null : done,
          });
        }
        if (i % 5 === 0) {
          const appointment = end
            ? new Date(end.getTime() + (i % 10 === 0 ? -3600_000 : 3600_000))
            : new Date(start.getTime() + (i % 3 === 0 ? day : 400 * 365 * day));
          deadlines.push({
            process_instance_key: k,
            process_definition_key: 77,
            bpmn_process_id: 'cx_a',
            time_limit_days: 1,
            received_at: start,
            original_appointment_at: appointment,
            appointment_at: appointment,
          });
        }
      }
      // the history first (as the projector writes it), then the inbox and the deadlines (their triggers refresh the index)
      await db('hist_process_instances').insert(instances);
      await db('hist_variables').insert(variables);
      await db.raw('SELECT eiso_case_index_refresh(?::bigint[])', [keys]);
      await db('inbox_tasks').insert(tasks);
      await db('case_deadlines').insert(deadlines);
    });

    /** The search as it was defined before case_index (domain/audit/case-search.ts before this change). */
    async function oldSearch(db: Knex, f: CaseFilters, scope: string[] | null): Promise<{ keys: string[]; rows: any[] }> {
      const taskLate = (t: string) =>
        `(${t}.due_date IS NOT NULL AND COALESCE(${t}.completed_at, CASE WHEN ${t}.status IN ('open','completing') THEN now() END) > ${t}.due_date)`;
      const inUnits = `(EXISTS (SELECT 1 FROM hist_variables sv WHERE sv.scope_key = p.process_instance_key AND sv.name = 'startedByUnit' AND (sv.value #>> '{}') = ANY(?::text[]))
        OR EXISTS (SELECT 1 FROM inbox_tasks st, unnest(st.candidate_groups) g WHERE st.process_instance_key = p.process_instance_key AND split_part(g, '/', 1) = ANY(?::text[])))`;
      const lateSql = `(EXISTS (SELECT 1 FROM inbox_tasks lt WHERE lt.process_instance_key = p.process_instance_key AND ${taskLate('lt')})
        OR EXISTS (SELECT 1 FROM case_deadlines cd WHERE cd.process_instance_key = p.process_instance_key AND COALESCE(p.end_time, now()) > cd.appointment_at))`;
      const q = db('hist_process_instances as p').whereNull('p.parent_process_instance_key');
      if (scope) q.whereRaw(inUnits, [scope, scope]);
      if (f.unit) {
        const codes = await subtreeCodes(db, f.unit);
        q.whereRaw(inUnits, [codes, codes]);
      }
      if (f.bpmnProcessId) q.where('p.bpmn_process_id', f.bpmnProcessId);
      if (f.status) q.where('p.state', f.status);
      if (f.from) q.where('p.start_time', '>=', f.from);
      if (f.to) q.where('p.start_time', '<', f.to);
      if (f.officer)
        q.whereRaw(
          `EXISTS (SELECT 1 FROM inbox_tasks ot WHERE ot.process_instance_key = p.process_instance_key AND (ot.completed_by = ? OR ot.assignee = ?))`,
          [f.officer, f.officer],
        );
      if (f.timing === 'late') q.whereRaw(lateSql);
      if (f.timing === 'on_time') q.whereRaw(`NOT ${lateSql}`);
      if (f.breachedStep)
        q.whereRaw(`EXISTS (SELECT 1 FROM inbox_tasks bt WHERE bt.process_instance_key = p.process_instance_key AND bt.element_id = ? AND ${taskLate('bt')})`, [
          f.breachedStep,
        ]);
      if (f.variable) {
        const at = f.variable.indexOf('=');
        q.whereRaw(`EXISTS (SELECT 1 FROM hist_variables vv WHERE vv.scope_key = p.process_instance_key AND vv.name = ? AND (vv.value #>> '{}') = ?)`, [
          f.variable.slice(0, at).trim(),
          f.variable.slice(at + 1),
        ]);
      }
      if (f.q) {
        const text = f.q.trim();
        q.where((w) =>
          w
            .whereRaw(`p.process_instance_key::text = ?`, [text])
            .orWhereRaw(`EXISTS (SELECT 1 FROM hist_variables tv WHERE tv.scope_key = p.process_instance_key AND (tv.value #>> '{}') ILIKE ?)`, [
              `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
            ]),
        );
      }
      const rows = await q
        .select(
          'p.process_instance_key',
          db.raw(`${lateSql} AS late`),
          db.raw(
            `ARRAY(SELECT DISTINCT bs.element_id FROM inbox_tasks bs WHERE bs.process_instance_key = p.process_instance_key AND ${taskLate('bs')} ORDER BY 1) AS breached_steps`,
          ),
          db.raw(`(SELECT cv.value #>> '{}' FROM hist_variables cv WHERE cv.scope_key = p.process_instance_key AND cv.name = 'maHoSo') AS case_code`),
          db.raw(
            `(SELECT uv.value #>> '{}' FROM hist_variables uv WHERE uv.scope_key = p.process_instance_key AND uv.name = 'startedByUnit') AS started_by_unit`,
          ),
        )
        .orderBy([
          { column: 'p.start_time', order: 'desc' },
          { column: 'p.process_instance_key', order: 'desc' },
        ]);
      return {
        keys: rows.map((r: any) => String(r.process_instance_key)),
        rows: rows.map((r: any) => ({
          processInstanceKey: String(r.process_instance_key),
          late: r.late,
          breachedSteps: r.breached_steps,
          caseCode: r.case_code,
          startedByUnit: r.started_by_unit,
        })),
      };
    }

    const filters: CaseFilters[] = [
      {},
      { bpmnProcessId: 'cx_a' },
      { status: 'active' },
      { status: 'terminated' },
      { timing: 'late' },
      { timing: 'on_time' },
      { timing: 'late', bpmnProcessId: 'cx_b' },
      { breachedStep: 'ThamDinh' },
      { breachedStep: 'TiepNhan' },
      { breachedStep: 'PheDuyet', timing: 'late' },
      { officer: 'cx.o2' },
      { officer: 'cx.o5', status: 'completed' },
      { unit: 'SNNMT' },
      { unit: 'XA-TANPHU' },
      { q: 'đất đai' },
      { q: '50%' },
      { q: 'diện_tích' },
      { q: 'trần văn' },
      { variable: 'startedByUnit=SNNMT-VP' },
      { variable: 'ghiChu=Đủ điều kiện', timing: 'on_time' },
      { from: '2001-03-01T00:00:00.000Z', to: '2001-05-01T00:00:00.000Z' },
    ];
    const scopes: (string[] | null)[] = [null, ['SNNMT-VP'], ['SNNMT', 'SNNMT-QLDD'], ['XA-TANPHU'], ['KHAC']];

    it('for every filter and scope: the same cases, order, total, late flag, breached steps, codes and units', async () => {
      const fs: CaseFilters[] = [...filters, { q: `CX-${run}-12` }, { q: keys[20] }];
      let compared = 0;
      let nonEmpty = 0;
      for (const f of fs) {
        for (const scope of scopes) {
          const filter = { from: period.from, to: period.to, ...f };
          const expected = await oldSearch(p.db, filter, scope);
          const got = await searchCases(p.db, { ...filter, limit: 200 }, scope);
          const what = `${JSON.stringify(f)} in ${JSON.stringify(scope)}`;
          expect(
            got.items.map((c) => c.processInstanceKey),
            what,
          ).toEqual(expected.keys);
          expect({ total: got.total, exact: got.totalExact }, what).toEqual({ total: expected.keys.length, exact: true });
          expect(
            got.items.map((c) => ({
              processInstanceKey: c.processInstanceKey,
              late: c.late,
              breachedSteps: c.breachedSteps,
              caseCode: c.caseCode,
              startedByUnit: c.startedByUnit,
            })),
            what,
          ).toEqual(expected.rows);
          compared++;
          if (expected.keys.length > 0) nonEmpty++;
        }
      }
      // the data set exercises the filters: most comparisons have cases in them
      expect(compared).toBe(fs.length * scopes.length);
      expect(nonEmpty).toBeGreaterThan(compared / 2);
      // late and on time split the period's top-level cases, child instances are not cases
      const all = await searchCases(p.db, { ...period, limit: 200 }, null);
      const late = await searchCases(p.db, { ...period, timing: 'late', limit: 200 }, null);
      expect(late.total).toBeGreaterThan(10);
      expect(late.total).toBeLessThan(all.total);
      expect(all.total).toBe(keys.length - keys.filter((_, i) => i % 13 === 5).length);
    });

    it('the migration backfill builds the same rows as the projector and the triggers', async () => {
      const kept = await p.db('case_index').whereIn('process_instance_key', keys).orderBy('process_instance_key').select();
      const keptTexts = await p.db('case_search').whereIn('process_instance_key', keys).orderBy('process_instance_key').select();
      await p.db('case_index').whereIn('process_instance_key', keys).delete();
      await p.db('case_search').whereIn('process_instance_key', keys).delete();
      await p.db.raw('SELECT eiso_case_index_fill(?::bigint, ?::bigint)', [keys[0], keys[keys.length - 1]]);
      const filled = await p.db('case_index').whereIn('process_instance_key', keys).orderBy('process_instance_key').select();
      const strip = (rows: any[]) => rows.map(({ refreshed_at: _r, ...rest }) => rest);
      expect(strip(filled)).toEqual(strip(kept));
      expect(await p.db('case_search').whereIn('process_instance_key', keys).orderBy('process_instance_key').select()).toEqual(keptTexts);
    });

    it('lists in the timeline the audit entries made years after the case (read from their months only)', async () => {
      // given a case of 2001 that an admin looks at today
      const admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
      const key = keys[1];
      const first = await admin.get(`/api/cases/${key}/timeline`);
      expect(first.status).toBe(200);
      expect(first.body.audit).toEqual([]);
      // then the next look lists that view, found through the month it was made in
      const second = await admin.get(`/api/cases/${key}/timeline`);
      expect(second.body.audit.map((a: any) => [a.action, a.actor])).toEqual([['audit.case.timeline', admin.user.username]]);
      const months = await p.db('audit_log_target_months').where({ target_type: 'case', target_id: key }).select(p.db.raw(`to_char(month, 'YYYY-MM') AS m`));
      expect(months.map((r: any) => r.m)).toEqual([new Date().toISOString().slice(0, 7)]);
    });

    it('gives an estimated total, said so, above 10,000 matching cases', async () => {
      // given 10,050 more cases in a year of their own (set-based, then indexed by the backfill function)
      const lo = base + 5_000_000n;
      await p.db.raw(
        `INSERT INTO hist_process_instances (process_instance_key, bpmn_process_id, process_definition_key, version, state, start_time, end_time, partition_id, position)
         SELECT ?::bigint + i, 'cx_many', 1, 1, 'completed', '1999-01-01'::timestamptz + i * interval '1 minute', '1999-01-01'::timestamptz + i * interval '1 minute' + interval '1 hour', 1, i
           FROM generate_series(0, 10049) AS i`,
        [lo.toString()],
      );
      await p.db.raw('SELECT eiso_case_index_fill(?::bigint, ?::bigint)', [lo.toString(), (lo + 10_049n).toString()]);
      await asOwner('ANALYZE case_index'); // statistics need the owner
      const many = await searchCases(p.db, { bpmnProcessId: 'cx_many', limit: 50 }, null);
      expect(many.totalExact).toBe(false);
      expect(many.total).toBeGreaterThan(10_000);
      expect(many.items).toHaveLength(50);
      expect(many.items[0].processInstanceKey).toBe((lo + 10_049n).toString());
      const few = await searchCases(p.db, { bpmnProcessId: 'cx_many', from: '1999-01-01T00:00:00.000Z', to: '1999-01-02T00:00:00.000Z' }, null);
      expect(few).toMatchObject({ total: 1440, totalExact: true });
      // and the API says the same to an admin (these cases belong to no unit: outside every auditor's scope)
      const admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
      const reply = await search(admin, 'bpmnProcessId=cx_many');
      expect(reply.totalExact).toBe(false);
      expect(reply.total).toBeGreaterThan(10_000);
    });
  });
});
