import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DeployBody, DeployReply, InstanceParams, ProcessDefinitionList, StartInstanceBody, StartInstanceReply } from '../../schemas/processes.js';
import { errors } from '../../schemas/common.js';
import { Type } from 'typebox';
import { listProcessDefinitions } from '../../repositories/processes.js';
import { retiredVersionToStart } from '../../repositories/procedures.js';
import { deployProcess } from '../../../engine/deploy.js';
import { Grpc, grpcCode } from '../../../engine/client.js';
import { caseInScope } from '../../audit/scope.js';

const security = [{ bearer: [] }];
/** How long a leader's cancel waits for the history of a case it does not know yet. */
const CANCEL_HISTORY_WAIT_MS = 3000;

export const processDefinitions: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', { onRequest: app.authenticate, schema: { tags: ['processes'], summary: 'Deployed process versions with their running instances', security, response: { 200: ProcessDefinitionList, ...errors } } }, async () => {
    const rows = await listProcessDefinitions(app.db);
    return {
      items: rows.map((r) => ({
        processDefinitionKey: String(r.process_definition_key),
        bpmnProcessId: r.bpmn_process_id,
        name: r.name,
        version: r.version,
        resourceName: r.resource_name,
        deployedBy: r.deployed_by_username,
        deployedAt: r.deployed_at.toISOString(),
        activeInstances: Number(r.active_instances),
      })),
    };
  });

  app.post('/', { onRequest: app.requireRole('designer', 'admin'), bodyLimit: 4 * 1024 * 1024, schema: { tags: ['processes'], summary: 'Validate and deploy a BPMN model (and its forms) to Zeebe', security, body: DeployBody, response: { 201: DeployReply, ...errors } } }, async (req, reply) => {
    const out = await deployProcess(app.zeebe, app.db, { ...req.body, deployedBy: req.currentUser.id });
    req.log.info({ user: req.currentUser.username, processes: out.processes }, 'process deployed');
    await req.audit('process.deploy', { target: { type: 'process', id: out.processes.map((p) => p.bpmnProcessId).join(',') }, after: { resourceName: req.body.resourceName, deploymentKey: out.deploymentKey, processes: out.processes } });
    return reply.status(201).send(out);
  });
};

export const processInstances: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/', { onRequest: app.requireRole('officer', 'leader', 'admin'), schema: { tags: ['processes'], summary: 'Start an instance of a deployed process', security, body: StartInstanceBody, response: { 201: StartInstanceReply, ...errors } } }, async (req, reply) => {
    const { bpmnProcessId, version, variables } = req.body;
    const known = await app.db('process_definitions').where({ bpmn_process_id: bpmnProcessId }).modify((q) => { if (version) q.where({ version }); }).first('version');
    if (!known) throw app.httpErrors.notFound(`Chưa triển khai quy trình ${bpmnProcessId}${version ? ` phiên bản ${version}` : ''} / Process ${bpmnProcessId} is not deployed`);
    const retired = await retiredVersionToStart(app.db, bpmnProcessId, version);
    if (retired !== null) throw Object.assign(app.httpErrors.conflict(`Phiên bản ${retired} của quy trình ${bpmnProcessId} đã ngừng áp dụng, không thể tạo hồ sơ mới / Version ${retired} of ${bpmnProcessId} is retired: no new instances`), { code: 'VERSION_RETIRED' });
    const res = await app.zeebe.createProcessInstance({
      bpmnProcessId,
      ...(version ? { version } : {}),
      variables: { ...(variables ?? {}), startedBy: req.currentUser.username, startedByUnit: req.currentUser.unit.code },
    });
    await req.audit('case.start', { target: { type: 'case', id: String(res.processInstanceKey) }, after: { bpmnProcessId: res.bpmnProcessId, version: res.version, variables: variables ?? {} } });
    return reply.status(201).send({ processInstanceKey: String(res.processInstanceKey), bpmnProcessId: res.bpmnProcessId, version: res.version });
  });

  app.delete('/:key', { onRequest: app.requireRole('leader', 'admin'), schema: { tags: ['processes'], summary: 'Cancel a running instance of my unit\'s subtree (leaders) or any (administrators); its tasks leave the inbox', security, params: InstanceParams, response: { 204: Type.Null(), ...errors } } }, async (req, reply) => {
    // A leader cancels only the cases of their subtree (started there or offered to it), like the timeline they may read.
    if (!req.currentUser.roles.includes('admin')) {
      const key = req.params.key;
      const started = async () => Boolean((await app.db('hist_variables').where({ scope_key: key, name: 'startedByUnit' }).first('scope_key')) ?? (await app.db('inbox_tasks').where({ process_instance_key: key }).first('job_key')));
      // A case started a moment ago may not be projected yet (history lags the engine by ~100 ms): wait a little before deciding.
      const until = Date.now() + CANCEL_HISTORY_WAIT_MS;
      while (!(await started()) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      if (!(await caseInScope(app.db, key, await app.auditScope(req)))) {
        const exists = (await started()) || Boolean(await app.db('hist_process_instances').where({ process_instance_key: key }).first('process_instance_key'));
        if (!exists) throw app.httpErrors.notFound(`Không có hồ sơ/quy trình đang chạy ${key} / No running instance ${key}`);
        throw app.httpErrors.forbidden(`Hồ sơ ${key} không thuộc đơn vị của bạn / Case ${key} is outside your unit`);
      }
    }
    try {
      await app.zeebe.cancelProcessInstance(req.params.key);
    } catch (err) {
      if (grpcCode(err) === Grpc.NOT_FOUND) throw app.httpErrors.notFound(`Không có hồ sơ/quy trình đang chạy ${req.params.key} / No running instance ${req.params.key}`);
      throw err;
    }
    req.log.info({ user: req.currentUser.username, processInstanceKey: req.params.key }, 'instance cancelled');
    await req.audit('case.cancel', { target: { type: 'case', id: req.params.key } });
    return reply.status(204).send(null);
  });
};
