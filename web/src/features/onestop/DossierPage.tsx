import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage, request, requestBlob } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { Link } from '../../lib/router.js';
import { dossierQuery, eventKey, onestopEndpoints, onestopKeys, type DossierDetail } from './api.js';
import { formatTimeDate } from '../../lib/format.js';
import './onestop.css';
import { ApologyPanel } from '../onestop-stats/ApologyPanel.js';
import { openFile } from '../../lib/download.js';

type Action = 'requestCompletion' | 'refuse' | 'withdraw' | 'requestFees';

/** A dossier at the desk: where it stands, what was received, its history, the slip and the desk's actions. */
export default function DossierPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const dossier = useQuery(dossierQuery(id));
  const [action, setAction] = useState<Action | null>(null);
  const [reason, setReason] = useState('');
  const [docs, setDocs] = useState<string[]>([]);
  const done = (d?: DossierDetail) => {
    if (d) queryClient.setQueryData(onestopKeys.dossier(id), d);
    void queryClient.invalidateQueries({ queryKey: onestopKeys.all() });
    setAction(null);
    setReason('');
  };
  const accept = useMutation({ mutationFn: () => request(onestopEndpoints.accept(id, {})), onSuccess: done });
  const paid = useMutation({ mutationFn: () => request(onestopEndpoints.feesPaid(id)), onSuccess: done });
  const handOver = useMutation({ mutationFn: () => request(onestopEndpoints.handOverPaper(id, {})), onSuccess: done });
  const act = useMutation({
    mutationFn: async (a: Action) => {
      if (a === 'requestCompletion') return request(onestopEndpoints.requestCompletion(id, { reason, documents: docs }));
      if (a === 'refuse') return request(onestopEndpoints.refuse(id, { reason }));
      if (a === 'requestFees') return request(onestopEndpoints.requestFees(id, { reason }));
      await request(onestopEndpoints.withdraw(id, { reason }));
      return undefined;
    },
    onSuccess: (d) => done(d ?? undefined),
  });
  const openBlob = async (blob: Promise<Blob>) => openFile(await blob);

  if (dossier.isError) return <Alert>{errorMessage(dossier.error)}</Alert>;
  const d = dossier.data;
  if (!d) return <p className="muted">{t('app.loading')}</p>;
  return (
    <section className="onestop">
      <p>
        <Link to="/mot-cua?tab=all">← {t('onestop.deskTitle')}</Link>
      </p>
      <h1>{t('onestop.dossier', { code: d.code ?? d.reference })}</h1>
      {!d.code && <p className="muted">{t('onestop.noCodeYet')}</p>}
      {d.code && d.channel === 'online' && <p className="muted">{t('onestop.public.referenceWas', { reference: d.reference })}</p>}
      <p className="onestop-status" data-testid="dossier-status">
        <strong>{t(`onestop.statuses.${d.status}`)}</strong>
        {d.statusReason ? ` — ${d.statusReason}` : ''}
        {d.paused ? ` · ${t('onestop.paused')}` : ''}
      </p>
      <table className="kv-table kv-table-text">
        <tbody>
          <tr>
            <th scope="row">{t('onestop.procedure')}</th>
            <td>
              {d.procedureName} ({d.procedureCode}) · {d.agencyName}
            </td>
          </tr>
          {d.receivedDeskName && d.receivedDeskCode !== d.deskUnitCode && (
            <tr>
              <th scope="row">{t('onestop.receivedAtDesk')}</th>
              <td data-testid="received-desk">
                {d.receivedDeskName} · {t('onestop.receivedElsewhere')}
              </td>
            </tr>
          )}
          <tr>
            <th scope="row">{t('onestop.applicant')}</th>
            <td>
              {d.applicant.name}
              {d.applicant.idNumber ? ` · ${d.applicant.idNumber}` : ''}
              {d.applicant.phone ? ` · ${d.applicant.phone}` : ''}
              {d.applicant.email ? ` · ${d.applicant.email}` : ''}
            </td>
          </tr>
          <tr>
            <th scope="row">{t('onestop.channel')}</th>
            <td>{t(`onestop.channels.${d.channel as 'online'}`)}</td>
          </tr>
          <tr>
            <th scope="row">{t('onestop.submittedAt')}</th>
            <td>{formatTimeDate(d.submittedAt)}</td>
          </tr>
          <tr>
            <th scope="row">{t('onestop.receivedAt')}</th>
            <td>{formatTimeDate(d.receivedAt)}</td>
          </tr>
          <tr>
            <th scope="row">{t('onestop.appointmentAt')}</th>
            <td data-testid="dossier-appointment">
              {formatTimeDate(d.appointmentAt)} · {t(`onestop.timeLimit.${d.timeLimitUnit}`, { days: d.timeLimitDays })}
            </td>
          </tr>
          <tr>
            <th scope="row">{t('onestop.currentStep')}</th>
            <td>{d.currentStep ?? '—'}</td>
          </tr>
        </tbody>
      </table>
      {(d.actions.slip || d.forms.length > 0) && (
        <div className="onestop-forms" data-testid="dossier-forms">
          <h2>{t('onestop.formsTitle')}</h2>
          <p className="onestop-actions">
            {d.actions.slip && (
              <a
                href={`/api/onestop/dossiers/${d.id}/slip.pdf`}
                className="button"
                data-testid="slip-link"
                onClick={(e) => {
                  e.preventDefault();
                  void openBlob(requestBlob(onestopEndpoints.slip(d.id)));
                }}
              >
                {t('onestop.slip')}
              </a>
            )}
            {d.forms.map((f) => (
              <a
                key={f}
                href={`/api/onestop/dossiers/${d.id}/forms/${f}`}
                className="button"
                data-testid={`form-${f}`}
                onClick={(e) => {
                  e.preventDefault();
                  void openBlob(requestBlob(onestopEndpoints.dossierForm(d.id, f)));
                }}
              >
                {t(`onestop.forms.f${f}`)}
              </a>
            ))}
          </p>
        </div>
      )}
      <div className="onestop-actions">
        {d.actions.accept && (
          <button type="button" className="button button-primary" disabled={accept.isPending} onClick={() => accept.mutate()}>
            {t('onestop.accept')}
          </button>
        )}
        {d.actions.requestCompletion && (
          <button type="button" className="button" onClick={() => setAction('requestCompletion')}>
            {t('onestop.requestCompletion')}
          </button>
        )}
        {d.actions.refuse && (
          <button type="button" className="button" onClick={() => setAction('refuse')}>
            {t('onestop.refuse')}
          </button>
        )}
        {d.actions.requestFees && (
          <button type="button" className="button" onClick={() => setAction('requestFees')}>
            {t('onestop.requestFees')}
          </button>
        )}
        {d.actions.feesPaid && (
          <button type="button" className="button button-primary" disabled={paid.isPending} onClick={() => paid.mutate()}>
            {t('onestop.feesPaid')}
          </button>
        )}
        {d.actions.withdraw && (
          <button type="button" className="button button-quiet" onClick={() => setAction('withdraw')}>
            {t('onestop.withdraw')}
          </button>
        )}
      </div>
      {d.actions.handOverPaper && (
        <p>
          <button type="button" className="button" disabled={handOver.isPending} onClick={() => handOver.mutate()} data-testid="hand-over-paper">
            {t('onestop.handOverPaper')}
          </button>
        </p>
      )}
      {handOver.isError && <Alert>{errorMessage(handOver.error)}</Alert>}
      {accept.isError && <Alert>{errorMessage(accept.error)}</Alert>}
      {paid.isError && <Alert>{errorMessage(paid.error)}</Alert>}
      {d.receivedAt && !d.closedAt && d.code && <ApologyPanel code={d.code} />}
      {action && (
        <form
          className="onestop-form"
          onSubmit={(e) => {
            e.preventDefault();
            act.mutate(action);
          }}
        >
          <h2>{t(`onestop.${action}`)}</h2>
          {action === 'requestCompletion' && (
            <fieldset>
              <legend>{t('onestop.toComplete')}</legend>
              {d.requiredDocuments.map((r) => (
                <label key={r.code} className="checklist-row">
                  <input
                    type="checkbox"
                    checked={docs.includes(r.code)}
                    onChange={(e) => setDocs(e.target.checked ? [...docs, r.code] : docs.filter((x) => x !== r.code))}
                  />{' '}
                  {r.name}
                </label>
              ))}
            </fieldset>
          )}
          <label className="field">
            <span>{t('onestop.reason')}</span>
            <textarea required value={reason} onChange={(e) => setReason(e.target.value)} rows={3} />
          </label>
          {act.isError && <Alert>{errorMessage(act.error)}</Alert>}
          <button type="submit" className="button button-primary" disabled={act.isPending}>
            {t('onestop.confirm')}
          </button>{' '}
          <button type="button" className="button button-quiet" onClick={() => setAction(null)}>
            {t('onestop.cancel')}
          </button>
        </form>
      )}
      {d.checklist.length > 0 && (
        <>
          <h2>{t('onestop.received')}</h2>
          <ul data-testid="dossier-checklist">
            {d.checklist.map((c) => (
              <li key={c.code}>
                {c.name} — {c.copies} {t('onestop.copies').toLowerCase()}
              </li>
            ))}
          </ul>
        </>
      )}
      {d.files.length > 0 && (
        <>
          <h2>{t('onestop.files')}</h2>
          <ul data-testid="dossier-files">
            {d.files.map((f) => (
              <li key={f.id}>
                <a
                  href={`/api/onestop/dossiers/${d.id}/files/${f.id}`}
                  onClick={(e) => {
                    e.preventDefault();
                    void openBlob(requestBlob(onestopEndpoints.file(d.id, f.id)));
                  }}
                >
                  {f.fileName}
                </a>{' '}
                <span className="muted">
                  ({f.requirementCode ?? '—'}, {f.stage})
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>{t('onestop.events')}</h2>
      <ol className="onestop-events" data-testid="dossier-events">
        {d.events.map((e, i) => (
          <li key={i}>
            <time>{formatTimeDate(e.at)}</time> —{' '}
            {t(`onestop.eventTypes.${eventKey(e.type)}` as 'onestop.eventTypes.dossier_submitted', { defaultValue: e.type })}
            {e.status ? ` (${t(`onestop.statuses.${e.status}` as 'onestop.statuses.SUBMITTED')})` : ''} · {e.actor}
            {e.note ? <div className="muted">{e.note}</div> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
