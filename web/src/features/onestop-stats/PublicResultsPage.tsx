import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { EvaluationAggregate } from '../../../../api/schemas/onestop-stats.js';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { LanguageSwitch } from '../../components/Layout.js';
import { publicResultsQuery } from './api.js';
import { SatisfactionChart } from './SatisfactionChart.js';
import './onestop-stats.css';

function ResultChart({ title, rows, testId, labelHeader }: { title: string; rows: EvaluationAggregate[]; testId: string; labelHeader: string }) {
  const { t } = useTranslation();
  return (
    <>
      <h2>{title}</h2>
      <SatisfactionChart
        title={t('onestopStats.satisfactionChart')}
        rows={rows.map((r) => ({ key: r.key, label: r.label, count: r.count, mean: r.overall, satisfiedPct: r.satisfiedPct }))}
        labelHeader={labelHeader}
        testId={testId}
        fileName={testId}
      />
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
            {res.data.byAgency.length > 0 && (
              <ResultChart
                title={t('onestopStats.byAgency')}
                rows={res.data.byAgency}
                testId="results-by-agency"
                labelHeader={t('onestopStats.groups.agency')}
              />
            )}
            {res.data.byProcedure.length > 0 && (
              <ResultChart
                title={t('onestopStats.byProcedure')}
                rows={res.data.byProcedure}
                testId="results-by-procedure"
                labelHeader={t('onestopStats.groups.procedure')}
              />
            )}
          </>
        )}
      </main>
    </div>
  );
}
