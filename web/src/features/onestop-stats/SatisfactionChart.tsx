import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChartConfiguration } from 'chart.js';
import { ChartFigure, useNumberFormat } from '../../components/ChartFigure.js';

/** One row of satisfaction results: an agency, a procedure or an officer. */
export interface SatisfactionRow {
  key: string;
  label: string;
  count: number;
  mean: number;
  satisfiedPct: number;
}

/** Mean satisfaction score per agency, procedure or officer: a bar chart (scale 1–5) with its table beside it. */
export function SatisfactionChart({
  title,
  rows,
  testId,
  fileName,
  labelHeader,
}: {
  title: string;
  rows: SatisfactionRow[];
  testId: string;
  fileName: string;
  labelHeader: string;
}) {
  const { t } = useTranslation();
  const score = useNumberFormat({ minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const percent = useNumberFormat({ style: 'percent', maximumFractionDigits: 1 });
  const count = useNumberFormat();
  const config = useMemo<ChartConfiguration>(
    () => ({
      type: 'bar',
      data: {
        labels: rows.map((r) => r.label),
        datasets: [{ label: t('onestopStats.mean'), data: rows.map((r) => r.mean), backgroundColor: '#1b7f3b' }],
      },
      options: {
        indexAxis: 'y',
        scales: { x: { min: 0, max: 5, ticks: { stepSize: 1 } } },
        plugins: { legend: { display: false } },
      },
    }),
    [rows, t],
  );
  if (rows.length === 0) return null;
  return (
    <ChartFigure
      title={title}
      summary={t('onestopStats.satisfactionSummary')}
      config={config}
      fileName={fileName}
      height={Math.max(140, 48 + rows.length * 32)}
      testId={testId}
      table={
        <table data-testid={`${testId}-table`}>
          <thead>
            <tr>
              <th scope="col">{labelHeader}</th>
              <th scope="col">{t('onestopStats.mean')}</th>
              <th scope="col">{t('onestopStats.satisfied')}</th>
              <th scope="col">{t('onestopStats.count')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <th scope="row">{r.label}</th>
                <td>{score(r.mean)}</td>
                <td>{percent(r.satisfiedPct / 100)}</td>
                <td>{count(r.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}
