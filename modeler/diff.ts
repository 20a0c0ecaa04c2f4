import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { diff, type DiffResult } from 'bpmn-js-differ';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';

export type DiffKind = 'added' | 'removed' | 'changed' | 'layout';

export interface DiffEntry {
  elementId: string;
  type: string;
  name: string;
  kind: DiffKind;
  /** for changed elements: the attributes that differ */
  attributes: string[];
}

type Viewer = InstanceType<typeof NavigatedViewer>;
interface Canvas {
  addMarker(id: string, marker: string): void;
  zoom(level: string, center?: string): void;
  viewbox(v?: unknown): { x: number; y: number; width: number; height: number; scale: number };
}

/**
 * Two read-only viewers side by side with bpmn-js-differ's result painted on them: removed and
 * changed elements on the old version, added and changed ones on the new. Scrolling one scrolls
 * the other.
 */
export class EisoDiffView {
  private readonly left: Viewer;
  private readonly right: Viewer;

  constructor(leftContainer: HTMLElement, rightContainer: HTMLElement) {
    this.left = new NavigatedViewer({ container: leftContainer });
    this.right = new NavigatedViewer({ container: rightContainer });
  }

  async show(oldXml: string, newXml: string): Promise<DiffEntry[]> {
    await this.left.importXML(oldXml);
    await this.right.importXML(newXml);
    const result: DiffResult = diff(this.left.getDefinitions(), this.right.getDefinitions());
    const leftCanvas = this.left.get('canvas') as Canvas;
    const rightCanvas = this.right.get('canvas') as Canvas;
    const mark = (canvas: Canvas, viewer: Viewer, id: string, marker: string) => {
      if ((viewer.get('elementRegistry') as { get(id: string): unknown }).get(id)) canvas.addMarker(id, marker);
    };
    const entries: DiffEntry[] = [];
    const named = (el: { $type: string; id: string; name?: string }) => ({ elementId: el.id, type: el.$type, name: el.name ?? '' });
    for (const el of Object.values(result._removed)) {
      mark(leftCanvas, this.left, el.id, 'diff-removed');
      entries.push({ ...named(el), kind: 'removed', attributes: [] });
    }
    for (const el of Object.values(result._added)) {
      mark(rightCanvas, this.right, el.id, 'diff-added');
      entries.push({ ...named(el), kind: 'added', attributes: [] });
    }
    for (const { model, attrs } of Object.values(result._changed)) {
      mark(leftCanvas, this.left, model.id, 'diff-changed');
      mark(rightCanvas, this.right, model.id, 'diff-changed');
      entries.push({ ...named(model), kind: 'changed', attributes: Object.keys(attrs) });
    }
    for (const el of Object.values(result._layoutChanged)) {
      if (result._changed[el.id]) continue;
      mark(leftCanvas, this.left, el.id, 'diff-layout');
      mark(rightCanvas, this.right, el.id, 'diff-layout');
      entries.push({ ...named(el), kind: 'layout', attributes: [] });
    }
    leftCanvas.zoom('fit-viewport', 'auto');
    rightCanvas.zoom('fit-viewport', 'auto');
    return entries;
  }

  destroy(): void {
    this.left.destroy();
    this.right.destroy();
  }
}
