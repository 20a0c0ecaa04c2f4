import { lazy, Suspense, useMemo, type FormEvent } from 'react';
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
  const filters = { bpmnProcessId, ...(Number.isFinite(version) && version > 0 ? { version } : {}) };
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
        </>
      )}
    </section>
  );
}
