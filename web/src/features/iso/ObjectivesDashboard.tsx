import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { objectivesQuery } from './api.js';

/** Quality objectives: one row per objective, the value of each quarter and of the year against the target. */
export function ObjectivesDashboard() {
  const { t } = useTranslation();
  const tx = t as unknown as (key: string, opts?: Record<string, unknown>) => string;
  const [year, setYear] = useState(new Date().getFullYear());
  const list = useQuery(objectivesQuery(year));
  const cell = (v: number | null, met: boolean | null, unit: string) =>
    v === null ? (
      <span className="muted">—</span>
    ) : (
      <span className={met ? 'iso-met' : 'iso-missed'} title={tx(met ? 'iso.objectives.met' : 'iso.objectives.missed')}>
        {v}
        {unit === '%' ? ' %' : ''} {met ? '✓' : '✗'}
      </span>
    );
  return (
    <div className="iso-section" data-testid="iso-objectives">
      <label>
        {tx('iso.report.year')} <input type="number" value={year} min={2000} max={2100} onChange={(e) => setYear(Number(e.target.value) || year)} />
      </label>
      {list.isError && <Alert>{errorMessage(list.error)}</Alert>}
      {list.data && list.data.items.length === 0 && <p className="empty">{tx('iso.empty')}</p>}
      {list.data && list.data.items.length > 0 && (
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
      )}
    </div>
  );
}
