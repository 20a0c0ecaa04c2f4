import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { DateInput } from '../../components/DateInput.js';
import { formatDay } from '../../lib/format.js';
import { apologyWindowQuery, draftApologyMutation, instanceApologyWindowQuery } from './api.js';

/**
 * The apology letter (form 04, TT 03/2025) offered on the dossier and on the officer's task while it may
 * still go out: until one working day before the appointment (the server says until when, and whether the
 * open step's own deadline already runs past the appointment: "forecast late").
 */
export function ApologyPanel(props: { code: string } | { processInstanceKey: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  // On a task: the dossier its process instance runs (none: no panel).
  const w = useQuery('code' in props ? apologyWindowQuery(props.code) : instanceApologyWindowQuery(props.processInstanceKey));
  const draft = useMutation(draftApologyMutation(qc));
  const [editing, setEditing] = useState(false);
  const [reason, setReason] = useState('');
  const [newDate, setNewDate] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  if (!w.data) return null;
  const { open, deadline, forecastLate, apology, appointmentAt, dossierCode: code } = w.data;
  if (!open && !apology) return null;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const saved = await draft.mutateAsync({ code, body: { reason, newDate } }).catch(() => undefined);
    if (saved) {
      setEditing(false);
      setNotice(t('onestopStats.drafted', { code }));
      await w.refetch();
    }
  };
  return (
    <section className="os-apology-panel" data-testid="apology-panel" aria-label={t('onestopStats.apologyTitle')}>
      <h2>{t('onestopStats.apologyTitle')}</h2>
      {notice && <p role="status">{notice}</p>}
      {apology ? (
        <p>{t(apology === 'approved' ? 'onestopStats.apologyIsApproved' : 'onestopStats.apologyIsDraft')}</p>
      ) : (
        <>
          <p>
            {forecastLate ? <strong>{t('onestopStats.forecastLate')} </strong> : null}
            {t('onestopStats.apologyUntil', { date: formatDay(deadline!) })}
          </p>
          {editing ? (
            <form className="os-apology-form" onSubmit={(e) => void submit(e)} data-testid="apology-form">
              {draft.isError && <Alert>{errorMessage(draft.error)}</Alert>}
              <label className="field">
                {t('onestopStats.reason')}
                <textarea value={reason} onChange={(e) => setReason(e.target.value)} required minLength={5} maxLength={2000} rows={2} />
              </label>
              <label className="field">
                {t('onestopStats.newDate')}
                <DateInput value={newDate} min={appointmentAt?.slice(0, 10)} onChange={setNewDate} required />
              </label>
              <button type="submit" className="button button-primary" disabled={draft.isPending}>
                {t('onestopStats.save')}
              </button>{' '}
              <button type="button" className="button" onClick={() => setEditing(false)}>
                {t('onestopStats.cancel')}
              </button>
            </form>
          ) : (
            <button type="button" className="button" onClick={() => setEditing(true)}>
              {t('onestopStats.draftApology')}
            </button>
          )}
        </>
      )}
    </section>
  );
}
