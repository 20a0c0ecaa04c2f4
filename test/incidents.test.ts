import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUnit, createUser, login, waitFor, type Client } from './helpers/fixtures.js';
import { incidentModel } from './helpers/incident-bpmn.js';
import { insertDossier } from './helpers/onestop.js';

/**
 * Issue 16, item 5 through the API: a case driven into an incident (a gateway condition on a variable
 * the start did not give) is listed for the leader of its unit and for administrators with the reason
 * and the element, not for another unit's leader; only an administrator fixes it (set the variable,
 * resolve), the fix is in the case's audit trail, and the case goes on and finishes.
 */
describe('incidents are seen and fixed', () => {
  let p: TestPlatform;
  const tag = Date.now().toString(36);
  const processId = `su-co-${tag}`;
  let officer: Client;
  let leader: Client;
  let otherLeader: Client;
  let admin: Client;

  beforeAll(async () => {
    p = await startTestPlatform();
    const unit = await createUnit(p.db);
    const other = await createUnit(p.db);
    officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: unit }));
    leader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: unit }));
    otherLeader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: other }));
    admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    const designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    const dep = await designer.post('/api/process-definitions', { resourceName: `${processId}.bpmn`, xml: incidentModel(processId, `${unit}/officer`) });
    expect(dep.status, JSON.stringify(dep.body)).toBe(201);
  });
  afterAll(async () => {
    await p?.close();
  });

  it('lists the incident for the unit leader and administrators, refuses bad fixes, and an administrator fixes it so the case finishes', async () => {
    const code = `SC-${tag}`;
    const started = await officer.post('/api/process-instances', { bpmnProcessId: processId, variables: { maHoSo: code } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const key = started.body.processInstanceKey as string;

    // the leader of the unit that started the case sees it, with the reason and the element
    const mine = (who: Client) => async () => ((await who.get('/api/incidents')).body.items as any[]).find((i) => i.rootCase.processInstanceKey === key);
    const incident = await waitFor(mine(leader), 'the incident in the leader list');
    expect(incident).toMatchObject({
      elementId: 'KiemTraSoTien',
      elementName: 'Số tiền lớn?',
      processInstanceKey: key,
      bpmnProcessId: processId,
      processName: 'Thủ tục có điều kiện lỗi',
      state: 'created',
      jobKey: null,
      rootCase: { processInstanceKey: key, caseCode: code },
    });
    expect(incident.errorMessage).toContain('soTien');
    // a citizen following a dossier of this case reads that it is delayed, not "in processing"
    const procedure = await p.db('onestop_procedures').first('code');
    const dossier = await insertDossier(p.db, procedure.code, { process_instance_key: key });
    const lookup = async () => (await p.app.inject({ method: 'GET', url: `/api/public/dossiers/${dossier.code}` })).json();
    expect(await lookup()).toMatchObject({ code: dossier.code, delayed: true });
    expect(await mine(admin)()).toMatchObject({ incidentKey: incident.incidentKey });
    // another unit's leader does not see it, the officer may not list incidents
    expect(await mine(otherLeader)()).toBeUndefined();
    expect((await officer.get('/api/incidents')).status).toBe(403);

    // only administrators fix; variables the platform owns are refused; an unknown incident is 404
    expect((await leader.post(`/api/incidents/${incident.incidentKey}/resolve`, { variables: { soTien: 500 } })).status).toBe(403);
    const owned = await admin.post(`/api/incidents/${incident.incidentKey}/resolve`, { variables: { startedByUnit: 'KHAC' } });
    expect(owned.status).toBe(400);
    expect(owned.body.code).toBe('OWNED_VARIABLES');
    const unknown = await admin.post(`/api/incidents/9007199254740993/resolve`, { variables: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('INCIDENT_NOT_FOUND');
    expect((await admin.get(`/api/cases/${key}/timeline`)).body.variables.find((v: any) => v.name === 'startedByUnit').value).toBe(officer.user.unitCode);

    // the administrator sets the missing variable and resolves: the case goes on to the officer's step
    const fixed = await admin.post(`/api/incidents/${incident.incidentKey}/resolve`, { variables: { soTien: 500 }, note: 'Bổ sung số tiền theo hồ sơ giấy' });
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(200);
    await waitFor(async () => (await mine(leader)()) === undefined, 'the incident gone from the list');
    await waitFor(async () => (await lookup()).delayed === false, 'the lookup no longer says delayed', 20_000, 1000); // public lookups: 30 a minute per address
    const task = await waitFor(async () => {
      const r = await officer.get('/api/tasks?view=personal&limit=100');
      return (r.body.items as any[]).find((t) => t.processInstanceKey === key && t.elementId === 'XuLy');
    }, 'the officer step after the fix');
    expect((await officer.post(`/api/tasks/${task.id}/claim`)).status).toBe(200);
    expect((await officer.post(`/api/tasks/${task.id}/complete`, { variables: {} })).status).toBe(200);

    const tl = await waitFor(async () => {
      const r = (await admin.get(`/api/cases/${key}/timeline`)).body;
      return r.state === 'completed' && r.incidents[0]?.state === 'resolved' ? r : undefined;
    }, 'the case completed with its incident resolved');
    expect(tl.incidents.map((i: any) => [i.incidentKey, i.elementId, i.state])).toEqual([[incident.incidentKey, 'KiemTraSoTien', 'resolved']]);
    const entry = tl.audit.find((a: any) => a.action === 'incident.resolve');
    expect(entry).toMatchObject({ actor: admin.user.username, reason: 'Bổ sung số tiền theo hồ sơ giấy' });
    expect(tl.variables.filter((v: any) => v.name === 'soTien').map((v: any) => v.value)).toEqual([500]);

    // a second fix of the same incident: already resolved
    const again = await admin.post(`/api/incidents/${incident.incidentKey}/resolve`, { variables: {} });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('INCIDENT_RESOLVED');
  });
});
