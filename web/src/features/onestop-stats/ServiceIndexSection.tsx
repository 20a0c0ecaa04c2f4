import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ServiceIndexQuery } from '../../../../api/schemas/onestop-stats.js';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { useNumberFormat } from '../../components/ChartFigure.js';
import { serviceIndexQuery } from './api.js';

/**
 * The evaluation of the period (issue 17 item 11): the nine indicators' means with the agency's rating,
 * and the five groups of QĐ 766; an indicator or group resting partly on outside data is marked *.
 */
export function ServiceIndexSection({ q }: { q: ServiceIndexQuery }) {
  const { t } = useTranslation();
  const num = useNumberFormat();
  const r = useQuery(serviceIndexQuery(q));
  if (r.isError) return <Alert>{errorMessage(r.error)}</Alert>;
  if (!r.data) return null;
  const d = r.data;
  const star = (basis: string) => (basis === 'partial' ? <abbr title={t('onestopStats.serviceIndex.partial')}>*</abbr> : null);
  return (
    <div className="os-evals" data-testid="service-index">
      <h2>{t('onestopStats.serviceIndex.title')}</h2>
      <p className="muted">{t('onestopStats.serviceIndex.intro')}</p>
      {d.scored === 0 || d.meanTotal === null || d.rating === null ? (
        <p className="empty">{t('onestopStats.serviceIndex.none')}</p>
      ) : (
        <>
          <p data-testid="service-index-summary">
            {t('onestopStats.serviceIndex.scored', { count: d.scored })} · {t('onestopStats.serviceIndex.mean', { mean: num(d.meanTotal) })} ·{' '}
            <strong>{t('onestopStats.serviceIndex.rating', { rating: t(`onestopStats.serviceIndex.ratings.${d.rating}`) })}</strong>
          </p>
          <div className="os-table-wrap">
            <table className="os-table" data-testid="service-index-indicators">
              <thead>
                <tr>
                  <th scope="col">{t('onestopStats.serviceIndex.indicator')}</th>
                  <th scope="col">{t('onestopStats.serviceIndex.meanPoints')}</th>
                </tr>
              </thead>
              <tbody>
                {d.indicators.map((i) => (
                  <tr key={i.no}>
                    <th scope="row">
                      {i.no}. {t(`onestopStats.serviceIndex.indicators.${String(i.no) as '1'}`)} {star(i.basis)}
                    </th>
                    <td>{i.mean === null ? '' : num(i.mean)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <h3>{t('onestopStats.serviceIndex.index766Title')}</h3>
      <div className="os-table-wrap">
        <table className="os-table" data-testid="service-index-766">
          <thead>
            <tr>
              <th scope="col">{t('onestopStats.serviceIndex.group')}</th>
              <th scope="col">{t('onestopStats.serviceIndex.points')}</th>
              <th scope="col">{t('onestopStats.serviceIndex.max')}</th>
            </tr>
          </thead>
          <tbody>
            {d.index766.groups.map((g) => (
              <tr key={g.key}>
                <th scope="row">
                  {t(`onestopStats.serviceIndex.groups.${g.key}`)} {star(g.basis)}
                </th>
                <td>{g.points === null ? t('onestopStats.serviceIndex.noData') : num(g.points)}</td>
                <td>{g.max}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        <strong>{t('onestopStats.serviceIndex.index766Total', { points: num(d.index766.points), max: d.index766.maxCounted })}</strong>
      </p>
    </div>
  );
}
