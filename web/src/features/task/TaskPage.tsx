import { ApologyPanel } from '../onestop-stats/ApologyPanel.js';
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Task } from '../../../../api/schemas/tasks.js';
import { formQuery, meQuery, queryKeys, taskExtrasMutations, taskMutations, taskQuery, taskStepQuery } from '../../api/queries.js';
import { ApiError, errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import type { FormHandle } from '../../components/FormView.js';
import { VariablesView } from '../../components/VariablesView.js';
import { flash } from '../../components/flash.js';
import { formatDateTime, isOverdue } from '../../lib/format.js';
import { Link, navigate } from '../../lib/router.js';
import { inboxHref } from '../inbox/InboxPage.js';
import { AttachmentsPanel } from './AttachmentsPanel.js';
import { CommentsPanel } from './CommentsPanel.js';
import { DiagramPanel } from './DiagramPanel.js';
import { SendBackDialog } from './SendBackDialog.js';
import { StepPanel } from './StepPanel.js';
import './task-view.css';

// form-js is large: load it only when a task with a form is opened.
const FormView = lazy(() => import('../../components/FormView.js'));

export function TaskPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const task = useQuery(taskQuery(id));

  if (task.isPending) return <p className="muted">{t('app.loading')}</p>;
  if (task.isError) {
    return (
      <section>
        <BackLink />
        <Alert>{task.error instanceof ApiError && task.error.status === 404 ? t('task.notFound') : errorMessage(task.error)}</Alert>
      </section>
    );
  }
  return <TaskDetail task={task.data} />;
}

function BackLink() {
  const { t } = useTranslation();
  return (
    <Link to={inboxHref({ tab: 'mine', q: '', offset: 0 })} className="back-link">
      {t('task.back')}
    </Link>
  );
}

function TaskDetail({ task }: { task: Task }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const me = useQuery(meQuery());
  const form = useQuery({
    ...formQuery(task.formKey ?? '', { bpmnProcessId: task.bpmnProcessId, version: task.processVersion }),
    enabled: task.formKey !== null,
  });
  const formRef = useRef<FormHandle>(null);
  const [pending, setPending] = useState<Record<string, unknown>>({});

  const claim = useMutation(taskMutations.claim(queryClient));
  const unclaim = useMutation(taskMutations.unclaim(queryClient));
  const complete = useMutation(taskMutations.complete(queryClient));
  const sendBack = useMutation(taskExtrasMutations.sendBack(queryClient));
  const step = useQuery(taskStepQuery(task.id));
  const [sendBackOpen, setSendBackOpen] = useState(false);
  const failed = [claim, unclaim, complete].find((m) => m.isError);
  const busy = claim.isPending || unclaim.isPending || complete.isPending || sendBack.isPending;
  const { id: taskId, assignee, status } = task;

  // Who may send back (and upload) changes with the holder and the status: ask the server again.
  useEffect(() => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.taskStep(taskId) });
  }, [queryClient, taskId, assignee, status]);

  const open = task.status === 'open';
  const mine = me.data !== undefined && task.assignee === me.data.username;
  const stepInfo = step.data;
  // A send-back saved during an engine outage is on its way: the step is no longer worked on.
  const canComplete = open && mine && stepInfo?.outcome !== 'sending_back';
  const canSendBack = canComplete && stepInfo?.sendBack.allowed === true;

  const onSendBack = (reason: string) => {
    sendBack.mutate(
      { id: task.id, reason },
      {
        onSuccess: (done) => {
          setSendBackOpen(false);
          flash.show({ kind: 'success', text: t('taskView.sendBackDone', { name: done.name }), path: '/inbox' });
          navigate(inboxHref({ tab: 'mine', q: '', offset: 0 }));
        },
      },
    );
  };

  const onComplete = () => {
    let variables: Record<string, unknown> = pending;
    if (task.formKey !== null) {
      const data = formRef.current?.submit();
      if (!data) return;
      variables = data;
    }
    complete.mutate(
      { id: task.id, variables },
      {
        onSuccess: (done) => {
          flash.show({ kind: 'success', text: t('task.completed', { name: done.name }), path: '/inbox' });
          navigate(inboxHref({ tab: 'mine', q: '', offset: 0 }));
        },
        // The server checks the form too: its refusals are shown next to the fields (and its message above).
        onError: (err) => {
          const fields = err instanceof ApiError ? err.body?.fields : undefined;
          if (fields?.length) formRef.current?.showServerErrors(fields);
        },
      },
    );
  };

  return (
    <section className="task">
      <BackLink />
      <div className="page-head">
        <h1>{task.name}</h1>
        <span className={`badge badge-${task.status}`} data-testid="task-status">
          {t(`status.${task.status}`)}
        </span>
      </div>

      <dl className="task-facts">
        {task.rootCase && (
          <div data-testid="root-case">
            <dt>{t('task.rootCase')}</dt>
            <dd>
              <strong data-testid="root-case-code">{task.rootCase.caseCode ?? task.rootCase.processInstanceKey}</strong>
              {task.rootCase.processName && <> · {task.rootCase.processName}</>}{' '}
              <span className="muted">({t('task.rootCaseKey', { key: task.rootCase.processInstanceKey })})</span>
            </dd>
          </div>
        )}
        <div>
          <dt>{t('task.process')}</dt>
          <dd>
            {task.processName} <span className="muted">v{task.processVersion}</span>
          </dd>
        </div>
        <div>
          <dt>{t('task.due')}</dt>
          <dd className={open && isOverdue(task.dueDate) ? 'overdue' : undefined}>{task.dueDate ? formatDateTime(task.dueDate) : t('task.noDue')}</dd>
        </div>
        <div>
          <dt>{t('task.assignee')}</dt>
          <dd>{task.assignee ?? <span className="muted">{t('inbox.unassigned')}</span>}</dd>
        </div>
        <div>
          <dt>{t('task.created')}</dt>
          <dd>{formatDateTime(task.createdAt)}</dd>
        </div>
        {task.completedAt && (
          <div>
            <dt>{t('task.completedAt')}</dt>
            <dd>
              {formatDateTime(task.completedAt)}
              {task.completedBy && <> · {task.completedBy}</>}
            </dd>
          </div>
        )}
      </dl>

      {failed?.error && (
        <Alert onDismiss={() => failed.reset()} dismissLabel={t('errors.dismiss')}>
          {errorMessage(failed.error)}
        </Alert>
      )}
      {open && task.assignee === null && <Alert kind="info">{t('task.claimToComplete')}</Alert>}
      {open && task.assignee !== null && !mine && me.data && <Alert kind="info">{t('task.claimedByOther', { user: task.assignee })}</Alert>}
      {stepInfo?.returnedReason && (
        <div data-testid="returned-reason">
          <Alert kind="info">{t('taskView.returned', { user: stepInfo.returnedBy ?? '?', reason: stepInfo.returnedReason })}</Alert>
        </div>
      )}
      {stepInfo?.outcome === 'sent_back' && <Alert kind="info">{t('taskView.sentBack', { reason: stepInfo.sendBackReason ?? '' })}</Alert>}
      {stepInfo?.outcome === 'sending_back' && <Alert kind="info">{t('taskView.sendingBack', { reason: stepInfo.sendBackReason ?? '' })}</Alert>}
      {step.isError && <Alert>{errorMessage(step.error)}</Alert>}

      {open && <ApologyPanel processInstanceKey={task.processInstanceKey} />}

      <div className="tv-grid">
        {stepInfo ? <StepPanel step={stepInfo} /> : <section className="tv-panel muted">{t('app.loading')}</section>}
        <DiagramPanel taskId={task.id} refreshKey={`${task.status}:${task.assignee ?? ''}`} />
      </div>

      <div className="task-body">
        {task.formKey !== null ? (
          form.isError ? (
            <Alert>{errorMessage(form.error)}</Alert>
          ) : form.isPending ? (
            <p className="muted">{t('task.formLoading')}</p>
          ) : (
            <Suspense fallback={<p className="muted">{t('task.formLoading')}</p>}>
              <FormView ref={formRef} schema={form.data.schema} data={task.variables} readOnly={!canComplete} schemaKey={task.id} />
            </Suspense>
          )
        ) : (
          <VariablesView variables={task.variables} editable={canComplete} pending={pending} onPendingChange={setPending} />
        )}
      </div>

      <div className="tv-grid-2">
        <AttachmentsPanel taskId={task.id} canUpload={canComplete && stepInfo?.outcome === null} />
        <CommentsPanel taskId={task.id} />
      </div>

      <SendBackDialog
        open={sendBackOpen}
        target={stepInfo?.sendBack.targetName ?? t('taskView.sendBack')}
        busy={sendBack.isPending}
        error={sendBack.isError ? errorMessage(sendBack.error) : null}
        onConfirm={onSendBack}
        onCancel={() => {
          setSendBackOpen(false);
          sendBack.reset();
        }}
      />

      <div className="task-actions">
        {open && task.assignee === null && (
          <button type="button" className="button" data-testid="claim" disabled={busy} onClick={() => claim.mutate(task.id)}>
            {t('task.claim')}
          </button>
        )}
        {open && mine && (
          <button type="button" className="button" data-testid="unclaim" disabled={busy} onClick={() => unclaim.mutate(task.id)}>
            {t('task.unclaim')}
          </button>
        )}
        {canSendBack && (
          <button type="button" className="button" data-testid="send-back" disabled={busy} onClick={() => setSendBackOpen(true)}>
            {stepInfo?.sendBack.targetName ? t('taskView.sendBackTo', { step: stepInfo.sendBack.targetName }) : t('taskView.sendBack')}
          </button>
        )}
        {open && (
          <button type="button" className="button button-primary" data-testid="complete" disabled={!canComplete || busy} onClick={onComplete}>
            {complete.isPending ? t('task.completing') : t('task.complete')}
          </button>
        )}
      </div>
    </section>
  );
}
