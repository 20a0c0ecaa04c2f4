import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client } from './helpers/fixtures.js';
import { plainModel } from './helpers/plain-model.js';

describe('the deadline pattern completed at deploy', () => {
  describe('through the API', () => {
    let p: TestPlatform;
    let designer: Client;
    let officer: Client;
    beforeAll(async () => {
      p = await startTestPlatform();
      designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
      officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    });
    afterAll(async () => p?.close());

    it('gives a step drawn without timers its computed due date, and records what was deployed', async () => {
      const id = `ban-sao-${Date.now()}`;
      const dep = await designer.post('/api/process-definitions', { resourceName: `${id}.bpmn`, xml: plainModel(id) });
      expect(dep.status).toBe(201);
      const stored = await p.db('process_definitions').where({ bpmn_process_id: id }).first('xml');
      expect(stored.xml).toContain('type="eiso-step-escalate"');

      const started = await officer.post('/api/process-instances', { bpmnProcessId: id });
      expect(started.status).toBe(201);
      const task = await waitFor(async () => {
        // narrowed to the case: other files offer tasks to the same unit meanwhile
        const r = await officer.get(`/api/tasks?scope=available&caseCode=${started.body.processInstanceKey}`);
        return (r.body.items as any[]).find((t) => t.processInstanceKey === started.body.processInstanceKey);
      }, 'the step in the inbox');
      const step = await p.db('step_deadlines').where({ process_instance_key: started.body.processInstanceKey }).first();
      expect(step).toBeTruthy();
      // The inbox shows the due instant computed on the calendar (the engine's, not a FEEL guess).
      expect(new Date(task.dueDate).getTime()).toBe(new Date(step.due_at).getTime());
      const appointment = await p.db('case_deadlines').where({ process_instance_key: started.body.processInstanceKey }).first();
      expect(appointment).toBeTruthy();
    });
  });
});
