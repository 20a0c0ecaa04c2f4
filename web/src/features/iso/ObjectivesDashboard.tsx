import { useMemo, useState } from 'react';
import type { ChartConfiguration } from 'chart.js';
import { ChartFigure, useNumberFormat } from '../../components/ChartFigure.js';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { meQuery } from '../../api/queries.js';
import { objectivesQuery } from './api.js';
import { ObjectiveForm } from './ObjectiveForm.js';

const PALETTE = ['#0969da', '#1b7f3b', '#c62828', '#8250df', '#bf8700', '#1f6feb', '#cf222e', '#116329'];

/** Quality objectives: one row per objective, the value of each quarter and of the year against the target. */
export function ObjectivesDashboard() {
  const { t } = useTranslation();
  const tx = t as unknown as (key: string, opts?: Record<string, unknown>) => string;
  const [year, setYear] = useState(new Date().getFullYear());
  const list = useQuery(objectivesQuery(year));
  const me = useQuery(meQuery());
  // POST /api/iso/objectives: leaders (their subtree) and administrators
  const maySet = me.data?.roles.some((r) => r === 'leader' || r === 'admin') ?? false;
  const num = useNumberFormat({ maximumFractionDigits: 1 });
  const config = useMemo<ChartConfiguration>(() => {
    const items = list.data?.items ?? [];
    // the quarters (the last period is the whole year)
    const quarters = (items[0]?.periods ?? []).filter((p) => /^Q\d$/.test(p.label)).map((p) => p.label);
    return {
      type: 'line',
      data: {
        labels: quarters,
        datasets: items.map((o, i) => ({
          label: `${o.unitCode} · ${o.title}`,
          data: quarters.map((q) => o.periods.find((p) => p.label === q)?.value ?? null),
          borderColor: PALETTE[i % PALETTE.length],
          backgroundColor: PALETTE[i % PALETTE.length],
          spanGaps: false,
        })),
      },
      options: { scales: { y: { beginAtZero: true } } },
    };
  }, [list.data]);
  const cell = (v: number | null, met: boolean | null, unit: string) =>
    v === null ? (
      <span className="muted">—</span>
    ) : (
      <span className={met ? 'iso-met' : 'iso-missed'} title={tx(met ? 'iso.objectives.met' : 'iso.objectives.missed')}>
        {num(v)}
        {unit === '%' ? ' %' : ''} {met ? '✓' : '✗'}
      </span>
    );
  return (
    <div className="iso-section" data-testid="iso-objectives">
      <label>
        {tx('iso.report.year')} <input type="number" value={year} min={2000} max={2100} onChange={(e) => setYear(Number(e.target.value) || year)} />
      </label>
      {maySet && <ObjectiveForm year={year} />}
      {list.isError && <Alert>{errorMessage(list.error)}</Alert>}
      {list.data && list.data.items.length === 0 && <p className="empty">{tx('iso.empty')}</p>}
      {list.data && list.data.items.length > 0 && (
        <ChartFigure
          title={`${tx('iso.objectives.chart')} ${year}`}
          summary={tx('iso.objectives.chartSummary')}
          config={config}
          fileName={`muc-tieu-chat-luong-${year}`}
          height={300}
          testId="objectives-chart"
          table={
            <table className="task-table">
              <thead>
                <tr>
                  <th>{tx('iso.nc.unit')}</th>
                  <th>{tx('iso.objectives.objective')}</th>
                  <th>{tx('iso.objectives.target')}</th>
                  {list.data.items[0].periods.map((p) => (
                    <th key={p.label}>{p.label}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((o) => (
                  <tr key={o.id}>
                    <td>{o.unitCode}</td>
                    <td title={o.metricLabel}>{o.title}</td>
                    <td>
                      {o.direction === 'at_least' ? '≥' : '≤'} {o.target}
                      {o.unit === '%' ? ' %' : ''}
                    </td>
                    {o.periods.map((p) => (
                      <td key={p.label}>{cell(p.value, p.met, o.unit)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          }
        />
      )}
    </div>
  );
}
