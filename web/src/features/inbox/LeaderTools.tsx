import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Task } from '../../../../api/schemas/tasks.js';
import { leaderMutations, unitMembersQuery } from '../../api/queries.js';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { flash } from '../../components/flash.js';

/** Hands the selected tasks to one officer of the leader's subtree; the server checks each, all or nothing. */
export function ReassignBar({ unitCode, selected, onDone }: { unitCode: string; selected: string[]; onDone: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const members = useQuery(unitMembersQuery(unitCode));
  const reassign = useMutation(leaderMutations.reassign(queryClient));
  const [assignee, setAssignee] = useState('');
  const people = (members.data?.items ?? []).filter((m) => m.roles.includes('officer') || m.roles.includes('leader'));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!assignee) return;
    const name = people.find((m) => m.username === assignee)?.fullName ?? assignee;
    reassign.mutate(
      { taskIds: selected, assignee },
      {
        onSuccess: (reply) => {
          flash.show({ kind: 'success', text: t('leader.reassigned', { count: reply.items.length, name }), path: '/inbox' });
          setAssignee('');
          onDone();
        },
      },
    );
  };
  return (
    <form className="leader-bar" onSubmit={submit} aria-label={t('leader.reassign')} data-testid="reassign-bar">
      <strong>{t('leader.selected', { count: selected.length })}</strong>
      <label>
        <span>{t('leader.reassignTo')}</span>
        <select value={assignee} onChange={(e) => setAssignee(e.target.value)} data-testid="reassign-to" required>
          <option value="">{t('leader.pickOfficer')}</option>
          {people.map((m) => (
            <option key={m.username} value={m.username}>
              {`${m.fullName} (${m.username}) — ${m.unitName}`}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="button button-primary" disabled={!assignee || reassign.isPending} data-testid="reassign">
        {reassign.isPending ? t('leader.reassigning') : t('leader.reassign')}
      </button>
      {reassign.isError && (
        <Alert onDismiss={() => reassign.reset()} dismissLabel={t('errors.dismiss')}>
          {errorMessage(reassign.error)}
        </Alert>
      )}
    </form>
  );
}

/** A leader's reminder to the holder of one task. */
export function UrgeForm({ task, onClose }: { task: Task; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const urge = useMutation(leaderMutations.urge(queryClient));
  const [message, setMessage] = useState(t('leader.urgeDefault'));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    urge.mutate(
      { id: task.id, message: message.trim() },
      {
        onSuccess: () => {
          flash.show({ kind: 'success', text: t('leader.urged', { user: task.assignee }), path: '/inbox' });
          onClose();
        },
      },
    );
  };
  return (
    <form className="urge-form" onSubmit={submit} aria-label={t('leader.urge')} data-testid="urge-form">
      <h2>{t('leader.urgeTitle', { name: task.name, user: task.assignee })}</h2>
      <label className="field">
        <span>{t('leader.urgeMessage')}</span>
        <textarea value={message} onChange={(e) => setMessage(e.target.value)} rows={3} maxLength={1000} required data-testid="urge-message" />
      </label>
      {urge.isError && <Alert>{errorMessage(urge.error)}</Alert>}
      <div className="urge-actions">
        <button type="button" className="button" onClick={onClose}>
          {t('leader.cancel')}
        </button>
        <button type="submit" className="button button-primary" disabled={urge.isPending || !message.trim()} data-testid="urge-send">
          {t('leader.urgeSend')}
        </button>
      </div>
    </form>
  );
}
