import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { rawZeebeClient } from './helpers/raw-zeebe.js';
import { createUnit, createUser, login, waitFor, type Client } from './helpers/fixtures.js';
import { NS, plainModel } from './helpers/plain-model.js';
import { applyBatch, ElementNameCache, selectRecords } from '../engine/history/apply.js';

/**
 * Issue 16, "Deployments learned from the engine": a model deployed to the broker by another Zeebe
 * client (here the raw @camunda8/sdk, not our API) is recorded from the exported stream, so its steps
 * and its process carry their names in the inbox, and the process list marks it external with what it
 * lacks. Own units, users and process ids: other files run on the same broker and database.
 */
describe('deployments learned from the engine', () => {
  let p: TestPlatform;
  let zeebe: ReturnType<typeof rawZeebeClient>;
  let unit: string;
  let officer: Client;
  let designer: Client;
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const namedId = `ngoai_${run}`;
  const unownedId = `ngoai_chu_${run}`;

  /** A model as the Camunda Modeler saves it: job-based user tasks, an embedded form, no platform settings. */
  const namedModel = (unitCode: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="Defs_${namedId}" targetNamespace="http://camunda.org/examples">
  <bpmn:process id="${namedId}" name="Cấp phép triển khai ngoài ${run}" isExecutable="true">
    <bpmn:extensionElements>
      <zeebe:userTaskForm id="PhieuTiepNhan">{"type":"default","id":"phieu","components":[{"type":"textfield","key":"ghiChu","label":"Ghi chú"}]}</zeebe:userTaskForm>
    </bpmn:extensionElements>
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="TiepNhan" name="Tiếp nhận hồ sơ">
      <bpmn:extensionElements>
        <zeebe:formDefinition formKey="camunda-forms:bpmn:PhieuTiepNhan" />
        <zeebe:assignmentDefinition candidateGroups="${unitCode}/officer" />
      </bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="TiepNhan" />
    <bpmn:sequenceFlow id="F2" sourceRef="TiepNhan" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`;

  /** Two human steps the inbox cannot place: one without any owner, one offered to a unit that does not exist. */
  const unownedModel = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="Defs_${unownedId}" targetNamespace="http://camunda.org/examples">
  <bpmn:process id="${unownedId}" name="Quy trình thiếu người xử lý" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="KhongAi" name="Bước không ai nhận"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>
    <bpmn:userTask id="SaiDonVi" name="Bước gửi đơn vị lạ">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="KHONG-CO-${run}/officer" /></bpmn:extensionElements>
      <bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F3</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="End"><bpmn:incoming>F3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="KhongAi" />
    <bpmn:sequenceFlow id="F2" sourceRef="KhongAi" targetRef="SaiDonVi" />
    <bpmn:sequenceFlow id="F3" sourceRef="SaiDonVi" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`;

  beforeAll(async () => {
    p = await startTestPlatform();
    unit = await createUnit(p.db, { name: `Phòng thử triển khai ngoài ${run}` });
    officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: unit }));
    designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    zeebe = rawZeebeClient();
  });
  afterAll(async () => {
    await zeebe?.close();
    await p?.close();
  });

  it('names the human step and the process in the inbox of a model deployed with the raw SDK', async () => {
    // given a model deployed straight to the broker, not through the platform
    const deployed = await zeebe.deployResource({ process: Buffer.from(namedModel(unit)), name: `${namedId}.bpmn` });
    const definitionKey = String(deployed.deployments[0].process!.processDefinitionKey);

    // when an instance starts (also outside the platform)
    const { processInstanceKey } = await zeebe.createProcessInstance({ bpmnProcessId: namedId, variables: { maHoSo: `NGOAI-${run}` } });
    const key = String(processInstanceKey);

    // then the officer of the unit sees the step with its name and the process name, within a second of the task's creation
    const task = await waitFor(async () => {
      const r = await officer.get(`/api/tasks?scope=all&caseCode=${key}`);
      return (r.body.items as any[]).find((t) => t.processInstanceKey === key && t.name === 'Tiếp nhận hồ sơ');
    }, 'the named step in the inbox');
    const namedAfterMs = Date.now() - new Date(task.createdAt).getTime();
    expect(task).toMatchObject({
      elementId: 'TiepNhan',
      bpmnProcessId: namedId,
      processName: `Cấp phép triển khai ngoài ${run}`,
      formKey: 'camunda-forms:bpmn:PhieuTiepNhan',
    });
    expect(namedAfterMs).toBeLessThan(1000);
    console.log(`named in the inbox ${namedAfterMs} ms after the task was created`);

    // and the task page shows the same names
    const page = await officer.get(`/api/tasks/${task.id}`);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ name: 'Tiếp nhận hồ sơ', processName: `Cấp phép triển khai ngoài ${run}` });

    // and the version is recorded as deployed outside the platform, with its embedded form
    const row = await p.db('process_definitions').where({ process_definition_key: definitionKey }).first('origin', 'name', 'version', 'deployed_by');
    expect(row).toEqual({ origin: 'external', name: `Cấp phép triển khai ngoài ${run}`, version: 1, deployed_by: null });
    const form = await p.db('process_forms').where({ process_definition_key: definitionKey, form_key: 'camunda-forms:bpmn:PhieuTiepNhan' }).first('schema');
    expect(form?.schema).toMatchObject({ components: [{ key: 'ghiChu', label: 'Ghi chú' }] });

    // and a replay of the exported PROCESS record (at-least-once delivery) changes nothing
    const rec = await p.db('zeebe_record').where({ record_key: definitionKey, value_type: 'PROCESS', intent: 'CREATED' }).first('partition_id', 'position');
    const records = await selectRecords(p.db, rec.partition_id, String(BigInt(rec.position) - 1n), 1);
    expect(records.map((r) => r.value_type)).toEqual(['PROCESS']);
    for (let i = 0; i < 2; i++) {
      await p.db.transaction((trx) => applyBatch(trx, rec.partition_id, records, new ElementNameCache(), { inbox: true, caseIndex: false, definitions: true }));
    }
    expect(await p.db('process_definitions').where({ bpmn_process_id: namedId }).select('process_definition_key', 'origin', 'name')).toEqual([
      { process_definition_key: definitionKey, origin: 'external', name: `Cấp phép triển khai ngoài ${run}` },
    ]);
    expect(await p.db('process_forms').where({ process_definition_key: definitionKey }).count<{ count: string }[]>('* as count')).toEqual([{ count: '1' }]);
    expect((await officer.get(`/api/tasks/${task.id}`)).body.name).toBe('Tiếp nhận hồ sơ');
  });

  it('lists external versions marked as such, with a warning for each human step the inbox cannot place', async () => {
    // given one model deployed outside with owned steps, one with unowned steps, and one through the platform
    await zeebe.deployResource({ process: Buffer.from(namedModel(unit)), name: `${namedId}.bpmn` });
    await zeebe.deployResource({ process: Buffer.from(unownedModel), name: `${unownedId}.bpmn` });
    const platformId = `noi_${run}`;
    const dep = await designer.post('/api/process-definitions', { resourceName: `${platformId}.bpmn`, xml: plainModel(platformId) });
    expect(dep.status).toBe(201);

    // when the designer reads the process list (once the projector has recorded the external ones)
    const items = await waitFor(async () => {
      const r = await designer.get('/api/process-definitions');
      expect(r.status).toBe(200);
      const mine = (r.body.items as any[]).filter((i) => [namedId, unownedId, platformId].includes(i.bpmnProcessId));
      return mine.length === 3 && mine;
    }, 'the three versions in the list');
    const byId = Object.fromEntries(items.map((i: any) => [i.bpmnProcessId, i]));

    // then the externals are marked, the owned one without warnings
    expect(byId[namedId]).toMatchObject({ external: true, name: `Cấp phép triển khai ngoài ${run}`, deployedBy: null, warnings: [] });
    expect(byId[platformId]).toMatchObject({ external: false, name: 'Cấp bản sao', deployedBy: designer.user.username, warnings: [] });
    // and the unowned one says which steps reach nobody, and why
    expect(byId[unownedId].external).toBe(true);
    expect(byId[unownedId].warnings.map((w: any) => [w.elementId, w.code, w.params])).toEqual([
      ['KhongAi', 'BPMN_STEP_NO_OWNER', { step: 'Bước không ai nhận' }],
      ['SaiDonVi', 'BPMN_UNKNOWN_GROUP', { step: 'Bước gửi đơn vị lạ', group: `KHONG-CO-${run}/officer` }],
    ]);
    expect(byId[unownedId].warnings[0].message).toMatch(/chưa có người xử lý/);
  });
});
