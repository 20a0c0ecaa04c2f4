import { lazy, Suspense, useMemo, type FormEvent } from 'react';
import type { ChartConfiguration } from 'chart.js';
import { ChartFigure, useNumberFormat } from '../../components/ChartFigure.js';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { Link, navigate, useLocation } from '../../lib/router.js';
import { withQuery } from '../../api/query-string.js';
import { formatDuration, heatmapQuery } from './api.js';
import type { ElementOverlay } from './ProcessDiagram.js';
import './audit.css';

const ProcessDiagram = lazy(() => import('./ProcessDiagram.js'));

/** Green (fast) to red (slowest p90 of the procedure). */
function heat(share: number): string {
  const hue = Math.round(120 * (1 - Math.min(1, Math.max(0, share))));
  return `hsl(${hue} 80% 50%)`;
}

/** /audit/heatmap?bpmnProcessId=&version= — per element: count, median and p90 duration, breaches, coloured on the diagram. */
export default function AuditHeatmapPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const bpmnProcessId = search.get('bpmnProcessId') ?? '';
  const version = Number.parseInt(search.get('version') ?? '', 10);
  const calledFrom = search.get('calledFrom') ?? '';
  const filters = { bpmnProcessId, ...(Number.isFinite(version) && version > 0 ? { version } : {}), ...(calledFrom ? { calledFrom } : {}) };
  const map = useQuery({ ...heatmapQuery(filters), enabled: bpmnProcessId !== '' });
  const data = map.data;

  const overlays = useMemo(() => {
    const out: Record<string, ElementOverlay> = {};
    const max = Math.max(1, ...(data?.elements ?? []).map((e) => e.p90Ms ?? 0));
    for (const e of data?.elements ?? []) {
      out[e.elementId] = {
        fill: heat((e.p90Ms ?? 0) / max),
        marker: e.breaches > 0 ? 'audit-late' : undefined,
        label: `${e.count} · p50 ${formatDuration(e.medianMs, t)} · p90 ${formatDuration(e.p90Ms, t)}${e.breaches ? ` · ${t('audit.breaches', { count: e.breaches })}` : ''}`,
        title: e.name ?? e.elementId,
      };
    }
    return out;
  }, [data, t]);

  const hours = useNumberFormat({ maximumFractionDigits: 1 });
  const heatConfig = useMemo<ChartConfiguration>(() => {
    const elements = data?.elements ?? [];
    const max = Math.max(1, ...elements.map((e) => e.p90Ms ?? 0));
    const columns = [t('audit.median'), 'p90'];
    const cells = elements.flatMap((e) =>
      [e.medianMs, e.p90Ms].map((ms, i) => ({ x: columns[i], y: e.name ?? e.elementId, v: ms === null ? null : ms / 3_600_000, share: (ms ?? 0) / max })),
    );
    return {
      type: 'matrix',
      data: {
        datasets: [
          {
            label: t('audit.heatChart'),
            data: cells,
            backgroundColor: (ctx: { raw?: unknown }) => heat((ctx.raw as { share?: number } | undefined)?.share ?? 0),
            borderColor: '#ffffff',
            borderWidth: 1,
            width: ({ chart }: { chart: { chartArea?: { width: number } } }) => (chart.chartArea?.width ?? 0) / columns.length - 2,
            height: ({ chart }: { chart: { chartArea?: { height: number } } }) => (chart.chartArea?.height ?? 0) / Math.max(1, elements.length) - 2,
          },
        ],
      },
      options: {
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (item: { raw: unknown }) => {
                const c = item.raw as { x: string; y: string; v: number | null };
                return `${c.y} · ${c.x}: ${c.v === null ? '—' : hours(c.v)}`;
              },
            },
          },
        },
        scales: {
          x: { type: 'category', labels: columns, offset: true, grid: { display: false } },
          y: { type: 'category', labels: elements.map((e) => e.name ?? e.elementId), offset: true, grid: { display: false } },
        },
      },
    } as unknown as ChartConfiguration;
    // hours() is a new function on every render; its locale is the language, already a dependency through t
  }, [data, t]);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    navigate(withQuery('/audit/heatmap', { bpmnProcessId: String(f.get('bpmnProcessId') ?? '').trim(), version: String(f.get('version') ?? '').trim() }));
  };

  return (
    <section className="audit-heatmap" data-testid="audit-heatmap">
      <div className="page-head">
        <Link to={withQuery('/audit', { bpmnProcessId })} className="back-link">
          ← {t('audit.searchTitle')}
        </Link>
        <h1>{t('audit.heatmapTitle')}</h1>
      </div>
      <form className="audit-actions" onSubmit={submit} key={search.toString()}>
        <label>
          {t('audit.procedure')} <input name="bpmnProcessId" defaultValue={bpmnProcessId} required />
        </label>
        <label>
          {t('audit.version')} <input name="version" type="number" min={1} defaultValue={Number.isFinite(version) ? version : ''} style={{ width: '5rem' }} />
        </label>
        <button type="submit" className="button button-primary">
          {t('audit.show')}
        </button>
      </form>
      {map.isError && <Alert>{errorMessage(map.error)}</Alert>}
      {data && (
        <>
          <p className="muted">{t('audit.heatmapCases', { count: data.cases, version: data.version ?? '—' })}</p>
          {calledFrom && (
            <p data-testid="heatmap-called-from">
              {t('audit.heatmapCalledFrom')} <Link to={withQuery('/audit/heatmap', { bpmnProcessId: calledFrom })}>{calledFrom}</Link>
            </p>
          )}
          {data.calledProcesses.length > 0 && (
            <div data-testid="heatmap-called">
              <h2>{t('audit.calledProcesses')}</h2>
              <ul>
                {data.calledProcesses.map((c) => (
                  <li key={c.bpmnProcessId}>
                    <Link to={withQuery('/audit/heatmap', { bpmnProcessId: c.bpmnProcessId, calledFrom: calledFrom || bpmnProcessId })}>
                      {c.processName ?? c.bpmnProcessId}
                    </Link>{' '}
                    <span className="muted small">{t('audit.calledRuns', { cases: c.cases, runs: c.runs })}</span>
                  </li>
                ))}
              </ul>
            </div>
          )}
          <p className="audit-legend">
            <span style={{ background: heat(0) }} />
            {t('audit.fast')}
            <span style={{ background: heat(0.5) }} />
            <span style={{ background: heat(1) }} />
            {t('audit.slow')}
          </p>
          {data.xml && (
            <Suspense fallback={<p className="muted">{t('app.loading')}</p>}>
              <ProcessDiagram xml={data.xml} overlays={overlays} testId="heatmap-diagram" />
            </Suspense>
          )}
          <ChartFigure
            title={t('audit.heatChart')}
            summary={t('audit.heatChartSummary')}
            config={heatConfig}
            fileName={`ban-do-nhiet-${bpmnProcessId}`}
            height={Math.max(160, 60 + data.elements.length * 30)}
            testId="heatmap-chart"
            table={
              <table className="task-table" data-testid="heatmap-table">
                <thead>
                  <tr>
                    <th>{t('audit.element')}</th>
                    <th>{t('audit.count')}</th>
                    <th>{t('audit.median')}</th>
                    <th>p90</th>
                    <th>{t('audit.breachesTitle')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.elements.map((e) => (
                    <tr key={e.elementId}>
                      <td>{e.name ?? e.elementId}</td>
                      <td>{e.count}</td>
                      <td>{formatDuration(e.medianMs, t)}</td>
                      <td>{formatDuration(e.p90Ms, t)}</td>
                      <td className={e.breaches ? 'audit-late' : undefined}>{e.breaches}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            }
          />
        </>
      )}
    </section>
  );
}
