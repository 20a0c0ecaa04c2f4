import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  DeployBody,
  DeployReply,
  InstanceParams,
  ProcessDefinitionList,
  StartInstanceBody,
  StartInstanceHeaders,
  StartInstanceQueued,
  StartInstanceReply,
} from '../../schemas/processes.js';
import { ErrorBody, errors } from '../../schemas/common.js';
import { Type } from 'typebox';
import { deployedVersion, listProcessDefinitions } from '../../../engine/definitions.js';
import { retiredVersionToStart } from '../../../domain/procedures/store.js';
import { externalDefinitionWarnings } from '../../../domain/procedures/external.js';
import { caseKnown, startRequestByKey, waitForCaseStart, withdrawStart } from '../../../domain/procedures/instances.js';
import { deployProcess } from '../../../engine/deploy.js';
import { Grpc, grpcCode } from '../../../engine/client.js';
import { enqueueCommand, getCommand, sendAndWait, waitForCommand, type StartResult } from '../../../engine/outbox.js';
import { CASE_START_DONE, type CaseStartArgs } from '../../../domain/audit/case-start.js';
import { ownedVariablesIn } from '../../../engine/owned-variables.js';
import { systemProcessKind, systemProcessMessage } from '../../../domain/iso/system-processes.js';

const startReply = (r: StartResult) => ({ processInstanceKey: r.processInstanceKey, bpmnProcessId: r.bpmnProcessId, version: r.version });
/** 202: saved in the outbox; with a key the client repeats it to get the case, without one it must not resend. */
const queued = (id: string, bpmnProcessId: string, withKey: boolean) => ({
  requestId: id,
  bpmnProcessId,
  status: 'queued' as const,
  message: withKey
    ? 'Máy chủ quy trình tạm thời không truy cập được; yêu cầu khởi tạo hồ sơ đã được lưu và sẽ tự động thực hiện. Gửi lại với cùng Idempotency-Key để xem kết quả / The engine is unreachable; the start is saved and will run by itself. Repeat with the same Idempotency-Key to see the case'
    : `Máy chủ quy trình chưa trả lời; yêu cầu khởi tạo hồ sơ (mã ${id}) đã được lưu và sẽ tự động thực hiện đúng một lần, xin đừng gửi lại / The engine did not answer; the start (request ${id}) is saved and will run exactly once: do not send it again`,
});
import { caseInScope } from '../../../domain/audit/scope.js';
import { fail } from '../../../lib/errors.js';

const security = [{ bearer: [] }];
/** How long a leader's cancel waits for the history of a case it does not know yet. */
const CANCEL_HISTORY_WAIT_MS = 3000;

export const processDefinitions: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['processes'],
        summary: 'Deployed process versions with their running instances, those deployed outside the platform marked external with what they lack',
        security,
        response: { 200: ProcessDefinitionList, ...errors },
      },
    },
    async () => {
      const rows = await listProcessDefinitions(app.db);
      const warnings = await externalDefinitionWarnings(
        app.db,
        rows.filter((r) => r.origin === 'external').map((r) => String(r.process_definition_key)),
      );
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
          external: r.origin === 'external',
          warnings: warnings.get(String(r.process_definition_key)) ?? [],
        })),
      };
    },
  );

  app.post(
    '/',
    {
      onRequest: app.requireRole('designer', 'admin'),
      bodyLimit: 4 * 1024 * 1024,
      config: { longText: true },
      schema: {
        tags: ['processes'],
        summary: 'Validate and deploy a BPMN model (and its forms) to Zeebe',
        security,
        body: DeployBody,
        response: { 201: DeployReply, ...errors },
      },
    },
    async (req, reply) => {
      const out = await deployProcess(app.zeebe, app.db, { ...req.body, deployedBy: req.currentUser.id });
      req.log.info({ user: req.currentUser.username, processes: out.processes }, 'process deployed');
      await req.audit('process.deploy', {
        target: { type: 'process', id: out.processes.map((p) => p.bpmnProcessId).join(',') },
        after: { resourceName: req.body.resourceName, deploymentKey: out.deploymentKey, processes: out.processes },
      });
      return reply.status(201).send(out);
    },
  );
};

export const processInstances: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/',
    {
      onRequest: app.requireRole('officer', 'leader', 'admin'),
      schema: {
        tags: ['processes'],
        summary: 'Start an instance of a deployed process (header Idempotency-Key: a retry with the same key returns the same case)',
        description:
          'The start goes through the engine outbox. With an Idempotency-Key (per user) the same key always gives the same case: 201 the first time, 200 with the same case afterwards, 202 while it is queued because the engine is unreachable (it starts by itself). Without a key, an engine that is clearly unreachable gives 503 (nothing was started).',
        security,
        headers: StartInstanceHeaders,
        body: StartInstanceBody,
        response: { 200: StartInstanceReply, 201: StartInstanceReply, 202: StartInstanceQueued, 422: ErrorBody, ...errors },
      },
    },
    async (req, reply) => {
      const { bpmnProcessId, version, variables } = req.body;
      // Variables the platform owns (record references, starter, deadlines, outbox) are never the caller's.
      const owned = ownedVariablesIn(variables);
      if (owned.length) {
        throw fail(
          400,
          'OWNED_VARIABLES',
          { names: owned.join(', ') },
          `Không được đặt các biến do hệ thống quản lý khi khởi tạo hồ sơ: ${owned.join(', ')} / These variables are set by the platform only and cannot be given at start: ${owned.join(', ')}`,
        );
      }
      const key = req.headers['idempotency-key'];
      const dedupeKey = key ? `api:${req.currentUser.id}:${key}` : undefined;
      req.audited = true; // the case.start entry is written once, by the outbox continuation
      if (dedupeKey) {
        const existing = await startRequestByKey(app.db, dedupeKey);
        if (existing) return replay(req, reply, existing, bpmnProcessId);
      }
      // One-stop and ISO processes start only through their own flows, which bind the record to the instance.
      const system = await systemProcessKind(app.db, bpmnProcessId);
      if (system) throw fail(403, 'SYSTEM_PROCESS', {}, systemProcessMessage(system, bpmnProcessId));
      const known = await deployedVersion(app.db, bpmnProcessId, version);
      if (known === undefined)
        throw fail(
          404,
          'PROCESS_NOT_DEPLOYED',
          { process: bpmnProcessId },
          `Chưa triển khai quy trình ${bpmnProcessId}${version ? ` phiên bản ${version}` : ''} / Process ${bpmnProcessId} is not deployed`,
        );
      const retired = await retiredVersionToStart(app.db, bpmnProcessId, version);
      if (retired !== null)
        throw fail(
          409,
          'VERSION_RETIRED',
          { version: retired, id: bpmnProcessId },
          `Phiên bản ${retired} của quy trình ${bpmnProcessId} đã ngừng áp dụng, không thể tạo hồ sơ mới / Version ${retired} of ${bpmnProcessId} is retired: no new instances`,
        );
      const args: CaseStartArgs = {
        actor: req.currentUser.username,
        actorRoles: req.currentUser.roles,
        actorUnit: req.currentUser.unit.code,
        ip: req.ip ?? null,
        variables: variables ?? {},
      };
      const { id, created } = await enqueueCommand(app.db, {
        kind: 'start',
        request: {
          bpmnProcessId,
          ...(version ? { version } : {}),
          variables: { ...(variables ?? {}), startedBy: req.currentUser.username, startedByUnit: req.currentUser.unit.code },
        },
        dedupeKey,
        onDone: CASE_START_DONE,
        args,
        createdBy: req.currentUser.username,
      });
      if (!created) return replay(req, reply, id, bpmnProcessId);
      const row = await sendAndWait(app.db, app.zeebe, id);
      if (row.status === 'done') return reply.status(201).send(startReply(row.result));
      if (row.status === 'failed')
        throw fail(422, 'ENGINE_REFUSED_START', {}, `Máy chủ quy trình từ chối khởi tạo hồ sơ: ${row.last_error} / The engine refused the start`);
      // Without a key, a start that certainly did not reach the engine is withdrawn: the client may retry.
      if (!dedupeKey && !row.in_flight_since) {
        if (await withdrawStart(app.db, id))
          throw Object.assign(new Error(`14 UNAVAILABLE: ${row.last_error ?? 'engine unreachable'}`), { code: Grpc.UNAVAILABLE });
        const again = await waitForCommand(app.db, id, 5000);
        if (again.status === 'done') return reply.status(201).send(startReply(again.result));
      }
      await req.audit('case.start.queued', {
        target: { type: 'engine_command', id },
        after: { bpmnProcessId, variables: variables ?? {}, idempotencyKey: key ?? null },
      });
      return reply.status(202).send(queued(id, bpmnProcessId, Boolean(dedupeKey)));
    },
  );

  /** A request with a key already used: the same case, or "still queued". */
  const replay = async (req: FastifyRequest, reply: FastifyReply, id: string, bpmnProcessId: string) => {
    let row = (await getCommand(app.db, id))!;
    if (row.kind !== 'start' || row.request.bpmnProcessId !== bpmnProcessId) {
      throw fail(
        422,
        'IDEMPOTENCY_KEY_REUSED',
        {},
        'Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác / This Idempotency-Key was used for another request',
      );
    }
    if (row.status === 'pending') row = await sendAndWait(app.db, app.zeebe, id);
    if (row.status === 'done') return reply.status(200).send(startReply(row.result));
    if (row.status === 'failed')
      throw fail(422, 'ENGINE_REFUSED_START', {}, `Máy chủ quy trình từ chối khởi tạo hồ sơ: ${row.last_error} / The engine refused the start`);
    return reply.status(202).send(queued(id, bpmnProcessId, true));
  };

  app.delete(
    '/:key',
    {
      onRequest: app.requireRole('leader', 'admin'),
      schema: {
        tags: ['processes'],
        summary: "Cancel a running instance of my unit's subtree (leaders) or any (administrators); its tasks leave the inbox",
        security,
        params: InstanceParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (req, reply) => {
      // A leader cancels only the cases of their subtree (started there or offered to it), like the timeline they may read.
      if (!req.currentUser.roles.includes('admin')) {
        const key = req.params.key;
        // A case started a moment ago may not be projected yet (history lags the engine by ~100 ms): wait a little before deciding.
        await waitForCaseStart(app.db, key, CANCEL_HISTORY_WAIT_MS);
        if (!(await caseInScope(app.db, key, await app.auditScope(req)))) {
          if (!(await caseKnown(app.db, key)))
            throw fail(404, 'INSTANCE_NOT_FOUND', { key }, `Không có hồ sơ/quy trình đang chạy ${key} / No running instance ${key}`);
          throw fail(403, 'CASE_OUTSIDE_UNIT', { key }, `Hồ sơ ${key} không thuộc đơn vị của bạn / Case ${key} is outside your unit`);
        }
      }
      try {
        await app.zeebe.cancelProcessInstance(req.params.key);
      } catch (err) {
        if (grpcCode(err) === Grpc.NOT_FOUND)
          throw fail(
            404,
            'INSTANCE_NOT_FOUND',
            { key: req.params.key },
            `Không có hồ sơ/quy trình đang chạy ${req.params.key} / No running instance ${req.params.key}`,
          );
        throw err;
      }
      req.log.info({ user: req.currentUser.username, processInstanceKey: req.params.key }, 'instance cancelled');
      await req.audit('case.cancel', { target: { type: 'case', id: req.params.key } });
      return reply.status(204).send(null);
    },
  );
};
