import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { DossierForecast } from '../../../../api/schemas/forecast.js';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { formatAsWritten, formatDay } from '../../lib/format.js';
import { Link } from '../../lib/router.js';
import { forecastQuery } from './api.js';
import './forecast.css';

const pct = (p: number) => Math.round(p * 100);
/** The inbox shows the dossiers from this probability on. */
const COMPACT_FROM = 0.2;
const level = (p: number) => (p >= 0.5 ? 'high' : p >= 0.2 ? 'medium' : 'low');

/** Where a leader reassigns the dossier's open task: the unit view of the inbox, filtered on the dossier. */
const reassignPath = (d: DossierForecast) => `/inbox?view=unit&scope=${d.step?.holder ? 'mine' : 'available'}&case=${encodeURIComponent(d.code)}`;

/**
 * "Nguy cơ trễ hẹn": open dossiers of the viewer's scope, riskiest first, with the probability, the expected
 * finishing day and what the estimate rests on; a link to the apology (form 04) while it may still go out
 * and the forecast says late, and to reassign (leaders). `limit` rows, with a link to the full list.
 */
export function ForecastPanel({ limit, leader, moreLink, compact = false }: { limit: number; leader: boolean; moreLink?: string; compact?: boolean }) {
  const { t } = useTranslation();
  const list = useQuery(forecastQuery({ limit }));
  // Compact (the inbox): only the dossiers at some risk, in a few rows above the tasks.
  const items = (list.data?.items ?? []).filter((d) => !compact || d.probability >= COMPACT_FROM);
  const basis = (d: DossierForecast) =>
    d.basis === 'drawn' ? t('forecast.basisDrawn') : t(d.basis === 'unit' ? 'forecast.basisUnit' : 'forecast.basisProcedure', { count: d.samples });
  return (
    <section className="forecast-panel" data-testid="forecast-panel" aria-labelledby="forecast-title">
      <h2 id="forecast-title">{t('forecast.title')}</h2>
      {!compact && <p className="muted">{t('forecast.intro')}</p>}
      {list.isError && <Alert>{errorMessage(list.error)}</Alert>}
      {list.isPending && <p className="muted">{t('forecast.loading')}</p>}
      {list.data && items.length === 0 && (
        <p className={compact ? 'muted' : 'empty'}>
          {t(compact ? 'forecast.noneAtRisk' : 'forecast.empty', { percent: pct(COMPACT_FROM) })}
          {compact && moreLink && list.data.total > 0 ? (
            <>
              {' · '}
              <Link to={moreLink}>{t('forecast.more', { total: list.data.total })}</Link>
            </>
          ) : null}
        </p>
      )}
      {list.data && items.length > 0 && (
        <div className="os-table-wrap">
          <table className="os-table forecast-table" data-testid="forecast-table">
            <thead>
              <tr>
                <th>{t('forecast.code')}</th>
                <th>{t('forecast.procedure')}</th>
                <th>{t('forecast.appointment')}</th>
                <th>{t('forecast.risk')}</th>
                <th>{t('forecast.expected')}</th>
                <th>{t('forecast.step')}</th>
                <th>{t('forecast.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.code} data-testid="forecast-row" data-code={d.code}>
                  <th scope="row" data-label={t('forecast.code')}>
                    <Link to={`/mot-cua/ho-so/${d.id}`}>{d.code}</Link>
                  </th>
                  <td data-label={t('forecast.procedure')}>{d.procedureName}</td>
                  <td data-label={t('forecast.appointment')}>{formatDay(d.appointmentAt)}</td>
                  <td data-label={t('forecast.risk')}>
                    <span className={`forecast-risk forecast-${level(d.probability)}`} data-testid="forecast-probability">
                      {t('forecast.percent', { percent: pct(d.probability) })}
                    </span>
                    <small className="muted"> · {basis(d)}</small>
                  </td>
                  <td data-label={t('forecast.expected')}>{formatDay(d.expectedDay)}</td>
                  <td data-label={t('forecast.step')}>
                    {d.step ? (
                      <>
                        {d.step.name}
                        {d.step.unitCode ? <small className="muted"> · {d.step.unitCode}</small> : null}
                        {d.step.holder ? <small className="muted"> · {d.step.holder}</small> : null}
                        {d.step.queueAhead > 0 ? <small className="muted"> · {t('forecast.queue', { count: d.step.queueAhead })}</small> : null}
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td data-label={t('forecast.actions')}>
                    {d.apology.canDraft && (
                      <Link to={`/mot-cua/ho-so/${d.id}`} className="button button-quiet" data-testid="forecast-apology">
                        {t('forecast.apology', { date: formatDay(d.apology.deadline) })}
                      </Link>
                    )}
                    {d.apology.status && <small className="muted">{t('forecast.apologyDone')} </small>}
                    {leader && d.step && (
                      <Link to={reassignPath(d)} className="button button-quiet" data-testid="forecast-reassign">
                        {t('forecast.reassign')}
                      </Link>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">
            {t('forecast.asOf', { time: formatAsWritten(list.data.asOf) })}
            {moreLink && list.data.total > items.length ? (
              <>
                {' · '}
                <Link to={moreLink}>{t('forecast.more', { total: list.data.total })}</Link>
              </>
            ) : null}
          </p>
        </div>
      )}
    </section>
  );
}
