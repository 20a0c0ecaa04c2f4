import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import type { Diagram } from '../../../../api/schemas/task-extras.js';
import { markTimeLimits } from '../../lib/step-clock.js';

interface Canvas {
  addMarker(id: string, marker: string): void;
  zoom(level: string | number, center?: 'auto'): number;
}
interface ElementRegistry {
  get(id: string): unknown;
}

/** Marker classes painted on the diagram (styled in task-view.css). */
export const MARKERS = { current: 'eiso-current', done: 'eiso-done', interrupted: 'eiso-interrupted', taken: 'eiso-taken' } as const;

/**
 * The read-only diagram of a case: bpmn-js NavigatedViewer (pan and zoom, no editing) behind a
 * small API. React hands over a container; the current step, the steps done and the flows taken
 * are marked with canvas markers.
 */
export class ProcessDiagram {
  private readonly viewer: InstanceType<typeof NavigatedViewer>;

  constructor(container: HTMLElement) {
    this.viewer = new NavigatedViewer({ container });
  }

  /** Draws the version, marks the path and puts a clock with its time limit on each timed step (`clockText` words it). */
  async show(diagram: Diagram, clockText: (workingDays: number) => { short: string; full: string }): Promise<void> {
    await this.viewer.importXML(diagram.xml);
    const canvas = this.viewer.get('canvas') as Canvas;
    const registry = this.viewer.get('elementRegistry') as ElementRegistry;
    const mark = (ids: string[], marker: string) => {
      for (const id of ids) if (registry.get(id)) canvas.addMarker(id, marker);
    };
    mark(diagram.completedElementIds, MARKERS.done);
    mark(diagram.terminatedElementIds, MARKERS.interrupted);
    mark(diagram.takenSequenceFlowIds, MARKERS.taken);
    mark(diagram.currentElementIds, MARKERS.current);
    markTimeLimits(this.viewer.get('overlays'), (id) => Boolean(registry.get(id)), diagram.stepTimeLimits, clockText);
    this.fit();
  }

  fit(): void {
    (this.viewer.get('canvas') as Canvas).zoom('fit-viewport', 'auto');
  }

  destroy(): void {
    this.viewer.destroy();
  }
}
