import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { EvaluationAggregate } from '../../../../api/schemas/onestop-stats.js';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { LanguageSwitch } from '../../components/Layout.js';
import { publicResultsQuery } from './api.js';
import './onestop-stats.css';

function ResultTable({ title, rows, testId }: { title: string; rows: EvaluationAggregate[]; testId: string }) {
  const { t } = useTranslation();
  if (rows.length === 0) return null;
  return (
    <>
      <h2>{title}</h2>
      <ul className="os-results" data-testid={testId}>
        {rows.map((r) => (
          <li key={r.key}>
            <span className="os-chart-label">{r.label}</span>
            <span className="os-score-bar" role="img" aria-label={`${t('onestopStats.mean')}: ${r.overall}`}>
              <span style={{ width: `${(100 * r.overall) / 5}%` }} />
            </span>
            <span className="os-chart-n">
              {r.overall.toFixed(2)} · {r.satisfiedPct}% · {r.count}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}

/** Public satisfaction results per agency and procedure (no personal data). /ket-qua-danh-gia, no sign-in. */
export default function PublicResultsPage() {
  const { t } = useTranslation();
  const res = useQuery(publicResultsQuery({}));
  return (
    <div className="os-public">
      <header className="os-public-head">
        <strong>{t('onestopStats.resultsTitle')}</strong>
        <LanguageSwitch />
      </header>
      <main className="os-public-main" data-testid="public-results-page">
        <p className="muted">{t('onestopStats.resultsIntro')}</p>
        {res.isPending && <p className="muted">{t('onestopStats.loading')}</p>}
        {res.isError && <Alert>{errorMessage(res.error)}</Alert>}
        {res.data && (
          <>
            <p data-testid="public-results-total">{t('onestopStats.evaluationsCount', { count: res.data.total.count, pct: res.data.total.satisfiedPct })}</p>
            <p className="muted">
              {t('onestopStats.mean')} · {t('onestopStats.satisfied')} · {t('onestopStats.count')}
            </p>
            <ResultTable title={t('onestopStats.byAgency')} rows={res.data.byAgency} testId="results-by-agency" />
            <ResultTable title={t('onestopStats.byProcedure')} rows={res.data.byProcedure} testId="results-by-procedure" />
          </>
        )}
      </main>
    </div>
  );
}
