import { lazy, Suspense, useMemo } from 'react';
import type { ChartConfiguration } from 'chart.js';
import { ChartFigure, useNumberFormat } from '../../components/ChartFigure.js';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { formatDateTime } from '../../lib/format.js';
import { Link } from '../../lib/router.js';
import { FileExportStatus, useFileExport } from '../../components/FileExport.js';
import { exportFiles, formatDuration, timelineQuery } from './api.js';
import type { ElementOverlay } from './ProcessDiagram.js';
import './audit.css';

const ProcessDiagram = lazy(() => import('./ProcessDiagram.js'));

/** What the case received, as the events list says it. */
const EVENT_LABEL = {
  timer: 'audit.timerFired',
  message: 'audit.messageReceived',
  signal: 'audit.signalCaught',
  escalation: 'audit.escalationCaught',
  error: 'audit.errorCaught',
} as const;

const json = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** /cases/:key — one case's complete history: the path on the diagram with durations, then every element, variable change, timer, message, incident and audit entry. */
export default function CaseTimelinePage({ processInstanceKey }: { processInstanceKey: string }) {
  const { t } = useTranslation();
  const tl = useQuery(timelineQuery(processInstanceKey));
  const exportCase = useFileExport();
  const dur = (ms: number | null) => formatDuration(ms, t);

  const data = tl.data;
  const overlays = useMemo(() => {
    const out: Record<string, ElementOverlay> = {};
    for (const s of data?.elementStats ?? []) {
      out[s.elementId] = {
        marker: s.late ? 'audit-late' : s.active ? 'audit-active' : 'audit-visited',
        label: `${s.count > 1 ? `${s.count}× · ` : ''}${formatDuration(s.totalMs, t)}`,
        title: s.name ?? s.elementId,
      };
    }
    // An open incident holds the case on its element: marked on the diagram with the reason.
    for (const i of data?.incidents ?? []) {
      if (i.state !== 'created') continue;
      out[i.elementId] = {
        ...out[i.elementId],
        marker: 'audit-incident',
        label: t('audit.incidentLabel'),
        title: `${i.errorType}: ${i.errorMessage ?? ''}`,
      };
    }
    return out;
  }, [data, t]);

  const hours = useNumberFormat({ maximumFractionDigits: 2 });
  const timed = useMemo(() => (data?.elementStats ?? []).filter((s) => s.totalMs > 0), [data]);
  const durationConfig = useMemo<ChartConfiguration>(
    () => ({
      type: 'bar',
      data: {
        labels: timed.map((s) => s.name ?? s.elementId),
        datasets: [
          {
            label: t('audit.hoursCol'),
            data: timed.map((s) => s.totalMs / 3_600_000),
            backgroundColor: timed.map((s) => (s.late ? '#cf222e' : s.active ? '#0969da' : '#1a7f37')),
          },
        ],
      },
      options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } },
    }),
    [timed, t],
  );

  if (tl.isError) return <Alert>{errorMessage(tl.error)}</Alert>;
  if (!data) return <p className="muted">{t('app.loading')}</p>;
  const steps = data.elements.filter((e) => e.type !== 'PROCESS');
  return (
    <section className="case-timeline" data-testid="case-timeline">
      <div className="page-head">
        <Link to="/audit" className="back-link">
          ← {t('audit.searchTitle')}
        </Link>
        <h1>{t('audit.caseTitle', { code: data.caseCode ?? data.processInstanceKey })}</h1>
        <button
          type="button"
          className="button"
          onClick={() => exportCase.start(exportFiles.caseFile(data.processInstanceKey, data.caseCode))}
          disabled={exportCase.running}
          aria-busy={exportCase.running}
          data-testid="export-case"
        >
          {exportCase.running ? t('audit.exporting') : t('audit.exportCaseFile')}
        </button>
      </div>
      <FileExportStatus state={exportCase} testId="export-case-status" />
      <dl className="audit-facts">
        <dt>{t('audit.procedure')}</dt>
        <dd>
          {data.processName ?? data.bpmnProcessId} (v{data.version})
        </dd>
        <dt>{t('audit.instanceKey')}</dt>
        <dd>{data.processInstanceKey}</dd>
        <dt>{t('audit.status')}</dt>
        <dd>{t(`audit.state.${data.state as 'active' | 'completed' | 'terminated'}`)}</dd>
        <dt>{t('audit.started')}</dt>
        <dd>{formatDateTime(data.start)}</dd>
        <dt>{t('audit.ended')}</dt>
        <dd>{formatDateTime(data.end)}</dd>
        <dt>{t('audit.duration')}</dt>
        <dd>{dur(data.durationMs)}</dd>
        <dt>{t('audit.units.title')}</dt>
        <dd>{data.units.join(', ')}</dd>
        {data.rootCase && (
          <>
            <dt>{t('audit.rootCase')}</dt>
            <dd data-testid="timeline-root-case">
              <Link to={`/cases/${data.rootCase.processInstanceKey}`}>{data.rootCase.caseCode ?? data.rootCase.processInstanceKey}</Link>
              {data.rootCase.processName && <> · {data.rootCase.processName}</>}
            </dd>
          </>
        )}
      </dl>

      {data.xml && (
        <Suspense fallback={<p className="muted">{t('app.loading')}</p>}>
          <ProcessDiagram
            xml={data.drawing?.xml ?? data.xml}
            overlays={overlays}
            flows={data.flowsTaken}
            timeLimits={data.drawing?.stepTimeLimits}
            testId="case-diagram"
          />
        </Suspense>
      )}
      <p className="audit-legend">
        <span style={{ background: '#1a7f37' }} />
        {t('audit.legendVisited')}
        <span style={{ background: '#0969da' }} />
        {t('audit.legendActive')}
        <span style={{ background: '#cf222e' }} />
        {t('audit.legendLate')}
      </p>

      {timed.length > 0 && (
        <ChartFigure
          title={t('audit.durationChart')}
          summary={t('audit.durationChartSummary')}
          config={durationConfig}
          fileName={`thoi-gian-${data.caseCode ?? data.processInstanceKey}`}
          height={Math.max(140, 50 + timed.length * 30)}
          testId="duration-chart"
          table={
            <table data-testid="duration-chart-table">
              <thead>
                <tr>
                  <th scope="col">{t('audit.element')}</th>
                  <th scope="col">{t('audit.count')}</th>
                  <th scope="col">{t('audit.hoursCol')}</th>
                  <th scope="col">{t('audit.breachesTitle')}</th>
                </tr>
              </thead>
              <tbody>
                {timed.map((s) => (
                  <tr key={s.elementId} data-element={s.elementId}>
                    <th scope="row">{s.name ?? s.elementId}</th>
                    <td>{s.count}</td>
                    <td>{hours(s.totalMs / 3_600_000)}</td>
                    <td>{s.late}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          }
        />
      )}

      <div className="audit-section">
        <h2>{t('audit.steps')}</h2>
        <table className="task-table" data-testid="timeline-steps">
          <thead>
            <tr>
              <th>{t('audit.element')}</th>
              <th>{t('audit.type')}</th>
              <th>{t('audit.started')}</th>
              <th>{t('audit.ended')}</th>
              <th>{t('audit.duration')}</th>
              <th>{t('audit.completedBy')}</th>
              <th>{t('audit.due')}</th>
            </tr>
          </thead>
          <tbody>
            {steps.map((e) => (
              <tr key={e.elementInstanceKey} data-element={e.elementId}>
                <td>{e.name ?? e.elementId}</td>
                <td className="muted small">{e.type}</td>
                <td>{formatDateTime(e.start)}</td>
                <EndCell step={e} />
                <td>{dur(e.durationMs)}</td>
                <td>{e.completedBy ?? e.assignee ?? ''}</td>
                <DueCell step={e} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {data.calledSteps.length > 0 && (
        <div className="audit-section">
          <h2>{t('audit.calledSteps')}</h2>
          <table className="task-table" data-testid="timeline-called-steps">
            <thead>
              <tr>
                <th>{t('audit.calledProcess')}</th>
                <th>{t('audit.element')}</th>
                <th>{t('audit.started')}</th>
                <th>{t('audit.ended')}</th>
                <th>{t('audit.completedBy')}</th>
                <th>{t('audit.due')}</th>
              </tr>
            </thead>
            <tbody>
              {data.calledSteps.map((c) => (
                <tr key={`${c.processInstanceKey}-${c.start}-${c.elementId}`} data-element={c.elementId}>
                  <td>
                    <Link to={`/cases/${c.processInstanceKey}`}>{c.processName ?? c.bpmnProcessId}</Link>
                    {c.depth > 1 && <span className="muted small"> ({t('audit.calledDepth', { depth: c.depth })})</span>}
                  </td>
                  <td>{c.name ?? c.elementId}</td>
                  <td>{formatDateTime(c.start)}</td>
                  <EndCell step={c} />
                  <td>{c.completedBy ?? c.assignee ?? ''}</td>
                  <DueCell step={c} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <div className="audit-section">
        <h2>{t('audit.variables')}</h2>
        <table className="task-table" data-testid="timeline-variables">
          <thead>
            <tr>
              <th>{t('audit.at')}</th>
              <th>{t('audit.variable')}</th>
              <th>{t('audit.change')}</th>
              <th>{t('audit.value')}</th>
            </tr>
          </thead>
          <tbody>
            {data.variables.map((v, i) => (
              <tr key={i}>
                <td>{formatDateTime(v.at)}</td>
                <td>
                  {v.name}
                  {v.elementId ? <span className="muted small"> ({v.elementId})</span> : null}
                </td>
                <td>{v.intent === 'CREATED' ? t('audit.created') : t('audit.updated')}</td>
                <td className="audit-json">{json(v.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {(data.events.length > 0 || data.incidents.length > 0) && (
        <div className="audit-section">
          <h2>{t('audit.events')}</h2>
          <ul>
            {data.events.map((e, i) => (
              <li key={`e${i}`}>
                {formatDateTime(e.at)} — {t(EVENT_LABEL[e.kind])} {e.elementId ?? ''} {e.detail ?? ''}
              </li>
            ))}
            {data.incidents.map((i) => (
              <li key={i.incidentKey} className="audit-late">
                {formatDateTime(i.created)} — {t('audit.incident')} {i.elementId}: {i.errorType} {i.errorMessage ?? ''}{' '}
                {i.resolved ? `(${t('audit.resolved')} ${formatDateTime(i.resolved)})` : ''}
              </li>
            ))}
          </ul>
        </div>
      )}

      <div className="audit-section">
        <h2>{t('audit.humanActions')}</h2>
        {data.audit.length === 0 ? (
          <p className="empty">{t('audit.noEntries')}</p>
        ) : (
          <table className="task-table" data-testid="timeline-audit">
            <thead>
              <tr>
                <th>#</th>
                <th>{t('audit.at')}</th>
                <th>{t('audit.actor')}</th>
                <th>{t('audit.action')}</th>
                <th>{t('audit.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {data.audit.map((a) => (
                <tr key={a.seq}>
                  <td>{a.seq}</td>
                  <td>{formatDateTime(a.at)}</td>
                  <td>
                    {a.actor ?? '—'}{' '}
                    <span className="muted small">
                      {a.actorRoles.join(', ')} · {a.actorUnit ?? ''}
                    </span>
                  </td>
                  <td>{a.action}</td>
                  <td>{a.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}

/** When a step ended, or its state while it has not. */
function EndCell({ step }: { step: { end: string | null; state: string } }) {
  const { t } = useTranslation();
  return <td>{step.end ? formatDateTime(step.end) : t(`audit.state.${step.state as 'active' | 'completed' | 'terminated'}`)}</td>;
}

/** A step's due time, marked when it was late. */
function DueCell({ step }: { step: { dueDate: string | null; late: boolean } }) {
  const { t } = useTranslation();
  return (
    <td>
      {step.dueDate && (
        <span className={step.late ? 'audit-late' : undefined}>
          {formatDateTime(step.dueDate)}
          {step.late ? ` (${t('audit.late')})` : ''}
        </span>
      )}
    </td>
  );
}
