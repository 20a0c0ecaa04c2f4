import { useEffect, useRef, useState } from 'react';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import { useTranslation } from 'react-i18next';
import type { StepTimeLimit } from '../../../../api/schemas/task-extras.js';
import { markTimeLimits } from '../../lib/step-clock.js';
import './audit.css';

/** What to draw on one element: a label under it, a fill over it, a marker class. */
export interface ElementOverlay {
  label?: string;
  /** CSS colour laid over the shape (heat map). */
  fill?: string;
  /** CSS class added to the shape: audit-visited, audit-active, audit-late, audit-incident. */
  marker?: string;
  title?: string;
}

interface Props {
  xml: string;
  overlays: Record<string, ElementOverlay>;
  /** Sequence flows to draw as taken. */
  flows?: string[];
  /** Steps to mark with a clock and their time limit. */
  timeLimits?: StepTimeLimit[];
  testId?: string;
}

const NO_LIMITS: StepTimeLimit[] = [];

interface ElementLike {
  width?: number;
  height?: number;
}

/** A read-only, zoomable BPMN diagram (bpmn-js NavigatedViewer) with per-element overlays. Loaded lazily. */
export default function ProcessDiagram({ xml, overlays, flows = [], timeLimits = NO_LIMITS, testId }: Props) {
  const { t, i18n } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!container.current) return;
    const viewer = new NavigatedViewer({ container: container.current });
    let disposed = false;
    viewer
      .importXML(xml)
      .then(() => {
        if (disposed) return;
        const canvas = viewer.get('canvas') as { zoom: (z: string) => void; addMarker: (id: string, cls: string) => void };
        const registry = viewer.get('elementRegistry') as { get: (id: string) => ElementLike | undefined };
        const layer = viewer.get('overlays') as { add: (id: string, type: string, o: { position: Record<string, number>; html: HTMLElement }) => void };
        canvas.zoom('fit-viewport');
        const days = new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: 1 });
        markTimeLimits(
          layer as never,
          (id) => Boolean(registry.get(id)),
          timeLimits,
          (n) => ({
            short: t('stepClock.short', { days: days.format(n) }),
            full: t('stepClock.full', { days: days.format(n) }),
          }),
        );
        for (const flow of flows) if (registry.get(flow)) canvas.addMarker(flow, 'audit-flow-taken');
        for (const [id, o] of Object.entries(overlays)) {
          const el = registry.get(id);
          if (!el) continue;
          if (o.marker) canvas.addMarker(id, o.marker);
          if (o.fill) {
            const box = document.createElement('div');
            box.className = 'audit-fill';
            box.style.width = `${el.width ?? 0}px`;
            box.style.height = `${el.height ?? 0}px`;
            box.style.background = o.fill;
            if (o.title) box.title = o.title;
            layer.add(id, 'audit-fill', { position: { top: 0, left: 0 }, html: box });
          }
          if (o.label) {
            const tag = document.createElement('div');
            tag.className = 'audit-label';
            tag.textContent = o.label;
            if (o.title) tag.title = o.title;
            tag.dataset.element = id;
            layer.add(id, 'audit-label', { position: { bottom: -4, left: 0 }, html: tag });
          }
        }
      })
      .catch((err: unknown) => !disposed && setProblem((err as Error).message));
    return () => {
      disposed = true;
      viewer.destroy();
    };
  }, [xml, overlays, flows, timeLimits, t, i18n.language]);

  return (
    <>
      {problem && <p className="muted">{problem}</p>}
      <div ref={container} className="audit-diagram" data-testid={testId} />
    </>
  );
}
