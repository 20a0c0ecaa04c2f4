import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { meQuery } from '../../api/queries.js';
import { errorMessage, requestBlob } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { Link } from '../../lib/router.js';
import { saveFile } from '../../lib/download.js';
import { apologiesQuery, approveApologyMutation, overdueQuery, statsEndpoints } from './api.js';
import './onestop-stats.css';
import { formatDay } from '../../lib/format.js';
import { ForecastPanel } from '../forecast/ForecastPanel.js';

/** Overdue dossiers with the step where each is stuck, and the apology letters waiting for the agency leader (an apology is drafted from the dossier or the task, before the appointment). */
export default function OverduePage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const me = useQuery(meQuery());
  const [offset, setOffset] = useState(0);
  const list = useQuery(overdueQuery({ limit: 50, offset }));
  const pending = useQuery(apologiesQuery('draft'));
  const approve = useMutation(approveApologyMutation(qc));
  const [notice, setNotice] = useState<string | null>(null);
  const [pdfError, setPdfError] = useState<string | null>(null);
  const isLeader = me.data?.roles.includes('leader') ?? false;

  const pdf = async (code: string) => {
    setPdfError(null);
    try {
      saveFile(await requestBlob(statsEndpoints.apologyPdf(code)), `xin-loi-${code}.pdf`);
    } catch (err) {
      setPdfError(errorMessage(err));
    }
  };
  const doApprove = (code: string) => approve.mutate(code, { onSuccess: () => setNotice(t('onestopStats.approved', { code })) });

  return (
    <section className="os-page" data-testid="overdue-page">
      <div className="page-head">
        <h1>{t('onestopStats.overdueTitle')}</h1>
        {me.data?.roles.some((r) => r === 'leader' || r === 'admin') && (
          <Link to="/onestop/stats" className="button">
            {t('onestopStats.nav')}
          </Link>
        )}
      </div>
      <p className="muted">{t('onestopStats.overdueIntro')}</p>
      {notice && (
        <Alert kind="success" onDismiss={() => setNotice(null)} dismissLabel={t('errors.dismiss')}>
          {notice}
        </Alert>
      )}
      {(approve.isError || pdfError) && <Alert>{approve.isError ? errorMessage(approve.error) : pdfError}</Alert>}

      <ForecastPanel limit={50} leader={isLeader} />

      {isLeader && (pending.data?.items.length ?? 0) > 0 && (
        <div className="os-pending" data-testid="pending-apologies">
          <h2>{t('onestopStats.pendingTitle')}</h2>
          <ul>
            {pending.data!.items.map((a) => (
              <li key={a.id}>
                <strong>{a.dossierCode}</strong> · {a.procedureName} · {t('onestopStats.apologyDraft', { date: formatDay(a.newDate) })} · {a.reason}{' '}
                <button type="button" className="button button-primary" onClick={() => doApprove(a.dossierCode)} disabled={approve.isPending}>
                  {t('onestopStats.approve')}
                </button>{' '}
                <button type="button" className="button button-quiet" onClick={() => void pdf(a.dossierCode)}>
                  {t('onestopStats.pdf')}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}

      {list.isError && <Alert>{errorMessage(list.error)}</Alert>}
      {list.isPending && <p className="muted">{t('onestopStats.loading')}</p>}
      {list.data && list.data.items.length === 0 && <p className="empty">{t('onestopStats.overdueEmpty')}</p>}
      {list.data && list.data.items.length > 0 && (
        <div className="os-table-wrap">
          <table className="os-table os-overdue" data-testid="overdue-table">
            <thead>
              <tr>
                <th>{t('onestopStats.code')}</th>
                <th>{t('onestopStats.procedure')}</th>
                <th>{t('onestopStats.appointment')}</th>
                <th>{t('onestopStats.daysLate')}</th>
                <th>{t('onestopStats.step')}</th>
                <th>{t('onestopStats.holder')}</th>
                <th>{t('onestopStats.apology')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((d) => (
                <tr key={d.id}>
                  <th scope="row" data-label={t('onestopStats.code')}>
                    {d.code}
                  </th>
                  <td data-label={t('onestopStats.procedure')}>{d.procedureName}</td>
                  <td data-label={t('onestopStats.appointment')}>{formatDay(d.appointmentAt)}</td>
                  <td data-label={t('onestopStats.daysLate')} className="os-late">
                    {d.daysLate}
                  </td>
                  <td data-label={t('onestopStats.step')}>
                    {d.currentStep ?? '—'}
                    {d.currentUnitName || d.currentUnitCode ? <small className="muted"> · {d.currentUnitName ?? d.currentUnitCode}</small> : null}
                  </td>
                  <td data-label={t('onestopStats.holder')}>
                    {d.holder ?? '—'}
                    {d.stepSince ? (
                      <small className="muted">
                        {' '}
                        · {t('onestopStats.since')} {formatDay(d.stepSince)}
                      </small>
                    ) : null}
                  </td>
                  <td data-label={t('onestopStats.apology')}>
                    {d.apology ? (
                      <>
                        {t(d.apology.status === 'approved' ? 'onestopStats.apologyApproved' : 'onestopStats.apologyDraft', {
                          date: formatDay(d.apology.newDate),
                        })}{' '}
                        {isLeader && d.apology.status === 'draft' && (
                          <button type="button" className="button button-primary" onClick={() => doApprove(d.code)} disabled={approve.isPending}>
                            {t('onestopStats.approve')}
                          </button>
                        )}{' '}
                        <button type="button" className="button button-quiet" onClick={() => void pdf(d.code)}>
                          {t('onestopStats.pdf')}
                        </button>
                      </>
                    ) : (
                      <span className="muted">{t('onestopStats.apologyTooLate')}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="pager">
            <button type="button" className="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - 50))}>
              ←
            </button>
            <span>
              {offset + 1}–{Math.min(offset + 50, list.data.total)} / {list.data.total}
            </span>
            <button type="button" className="button" disabled={offset + 50 >= list.data.total} onClick={() => setOffset(offset + 50)}>
              →
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
