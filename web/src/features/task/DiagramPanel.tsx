import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { taskDiagramQuery } from '../../api/queries.js';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import type { ProcessDiagram } from './process-diagram.js';

/** The process diagram of the task's version with the current step and the path so far (bpmn-js loaded on demand). */
export function DiagramPanel({ taskId, refreshKey }: { taskId: string; refreshKey: string }) {
  const { t, i18n } = useTranslation();
  const diagram = useQuery(taskDiagramQuery(taskId));
  const containerRef = useRef<HTMLDivElement>(null);
  const viewerRef = useRef<ProcessDiagram | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const { refetch } = diagram;

  // The path changes when the task does (claimed, sent back, completed): refetch then.
  useEffect(() => {
    void refetch();
  }, [refreshKey, refetch]);

  useEffect(() => {
    if (!diagram.data || !containerRef.current) return;
    let disposed = false;
    const container = containerRef.current;
    void (async () => {
      try {
        const { ProcessDiagram } = await import('./process-diagram.js');
        if (disposed) return;
        viewerRef.current?.destroy();
        const viewer = new ProcessDiagram(container);
        viewerRef.current = viewer;
        const days = new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: 1 });
        await viewer.show(diagram.data, (n) => ({
          short: t('stepClock.short', { days: days.format(n) }),
          full: t('stepClock.full', { days: days.format(n) }),
        }));
        if (!disposed) {
          setFailure(null);
          setReady(true);
        }
      } catch (err) {
        if (!disposed) setFailure((err as Error).message);
      }
    })();
    return () => {
      disposed = true;
    };
  }, [diagram.data, t, i18n.language]);

  useEffect(() => () => viewerRef.current?.destroy(), []);

  return (
    <section className="tv-panel tv-diagram" aria-labelledby="tv-diagram-title">
      <div className="tv-panel-head">
        <h2 id="tv-diagram-title">{t('taskView.diagram')}</h2>
        <ul className="tv-legend">
          <li>
            <span className="tv-swatch tv-swatch-current" />
            {t('taskView.legendCurrent')}
          </li>
          <li>
            <span className="tv-swatch tv-swatch-done" />
            {t('taskView.legendDone')}
          </li>
          <li>
            <span className="tv-swatch tv-swatch-interrupted" />
            {t('taskView.legendInterrupted')}
          </li>
        </ul>
        <button type="button" className="button button-quiet" onClick={() => viewerRef.current?.fit()} disabled={!ready}>
          {t('taskView.fit')}
        </button>
      </div>
      {diagram.isError && <Alert>{errorMessage(diagram.error)}</Alert>}
      {failure && <Alert>{t('taskView.diagramFailed', { message: failure })}</Alert>}
      {!ready && !diagram.isError && !failure && <p className="muted">{t('taskView.diagramLoading')}</p>}
      <div ref={containerRef} className="tv-diagram-canvas" data-testid="task-diagram" data-current={diagram.data?.currentElementIds.join(' ')} />
    </section>
  );
}
