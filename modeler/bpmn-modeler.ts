import BpmnJsModeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, ZeebePropertiesProviderModule } from 'bpmn-js-properties-panel';
import ZeebeBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-cloud';
import lintModule from 'bpmn-js-bpmnlint';
import zeebeModdle from 'zeebe-bpmn-moddle/resources/zeebe.json';
import { createLintConfig } from './lint/lint-config.js';
import TranslateModule, { createTranslate, type ModelerLanguage } from './features/translate/index.js';
import ContextModule, { type EisoContextData, type ReadyStep } from './features/context/index.js';
import StepMetaModule, { type StepMeta, type StepMetaChanges } from './features/step-meta/index.js';
import GovernmentStepModule from './features/government-step/index.js';
import ProcessTimeLimitModule from './features/process-time-limit/index.js';
import ReadyStepsModule from './features/ready-steps/index.js';
import JobWorkerUserTasksModule from './features/job-worker-user-tasks/index.js';
import TokenSimulationModule from './features/token-simulation/index.js';
import type EisoContext from './features/context/EisoContext.js';
import { newDiagramXml } from './new-diagram.js';
import { WORKER_JOB_TYPES } from '../engine/jobs/catalogue.js';

/**
 * Job types the lint accepts: every type the platform runs a worker for (the shipped one-stop and ISO
 * processes use some that are no ready-made palette step), and the ready-made steps the server lists.
 */
const lintJobTypes = (steps: readonly ReadyStep[] | undefined) => (steps ? [...new Set([...WORKER_JOB_TYPES, ...steps.map((s) => s.jobType)])] : undefined);

import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import 'bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css';

export type { ModelerLanguage, EisoContextData, ReadyStep, StepMetaChanges };

/** What the token simulation shows, for the page: on or off, the elements the tokens entered, an end reached. */
export interface SimulationState {
  active: boolean;
  /** ids of the elements tokens entered, in order (since the simulation was switched on or reset) */
  entered: string[];
  /** an end event was reached */
  ended: boolean;
}

/** One lint finding, as bpmn-js-bpmnlint reports it. */
export interface LintIssue {
  /** the element the issue is about (for hidden elements: the element it is shown on) */
  elementId: string;
  /** the element the rule named */
  actualElementId: string;
  rule: string;
  category: 'error' | 'warn' | 'info';
  /** in the modeler's language */
  message: string;
}

export interface ModelerOptions {
  container: HTMLElement;
  propertiesParent: HTMLElement;
  language?: ModelerLanguage;
  context?: Partial<EisoContextData>;
}

interface DiagramElement {
  id: string;
  type: string;
  businessObject: { $type: string; id?: string; name?: string };
}

type Listener = (payload: unknown) => void;

interface RawIssue {
  id: string;
  actualElementId?: string;
  rule: string;
  category: string;
  message: string;
}

/**
 * The bpmn-js modeler behind a small API for React: React hands over two container elements; this
 * class owns everything inside them (canvas, palette, properties panel, lint overlays).
 */
export class EisoModeler {
  private modeler!: InstanceType<typeof BpmnJsModeler>;
  private options: Required<ModelerOptions>;
  private listeners: { event: string; callback: Listener; priority?: number }[] = [];
  private issues: LintIssue[] = [];
  private translateFn: ReturnType<typeof createTranslate>;
  private simulation: SimulationState = { active: false, entered: [], ended: false };
  private simulationListeners = new Set<(s: SimulationState) => void>();

  constructor(options: ModelerOptions) {
    this.options = { language: 'vi', context: {}, ...options };
    this.translateFn = createTranslate(this.options.language);
    this.create();
  }

  private create(): void {
    const { container, propertiesParent, language, context } = this.options;
    this.modeler = new BpmnJsModeler({
      container,
      // Our groups start open: they hold what a government step needs.
      propertiesPanel: {
        parent: propertiesParent,
        layout: { groups: { general: { open: true }, 'eiso-government-step': { open: true }, 'eiso-procedure': { open: true } } },
      },
      linting: { bpmnlint: createLintConfig({ jobTypes: lintJobTypes(context.readySteps) }), active: true },
      language,
      eiso: context,
      additionalModules: [
        BpmnPropertiesPanelModule,
        BpmnPropertiesProviderModule,
        ZeebePropertiesProviderModule,
        ZeebeBehaviorsModule,
        JobWorkerUserTasksModule,
        lintModule,
        TranslateModule,
        ContextModule,
        StepMetaModule,
        GovernmentStepModule,
        ProcessTimeLimitModule,
        ReadyStepsModule,
        TokenSimulationModule,
      ],
      moddleExtensions: { zeebe: zeebeModdle },
    } as ConstructorParameters<typeof BpmnJsModeler>[0]);
    this.bind({
      event: 'linting.completed',
      priority: 2000,
      callback: (event) => {
        const raw = (event as { issues: Record<string, RawIssue[]> }).issues;
        this.issues = Object.entries(raw).flatMap(([elementId, list]) =>
          list.map((i) => ({
            elementId,
            actualElementId: i.actualElementId ?? i.id,
            rule: i.rule,
            category: i.category === 'error' ? 'error' : i.category === 'info' ? 'info' : 'warn',
            message: this.translateFn(i.message),
          })),
        );
      },
    });
    for (const l of this.listeners) this.bind(l);
    // The token simulation's state, for the page (a new modeler starts with it off).
    this.setSimulationState({ active: false, entered: [], ended: false });
    const bus = this.get<{ on(e: string, cb: (e: any) => void): void }>('eventBus');
    bus.on('tokenSimulation.toggleMode', (e: { active: boolean }) => this.setSimulationState({ active: e.active, entered: [], ended: false }));
    bus.on('tokenSimulation.resetSimulation', () => this.setSimulationState({ ...this.simulation, entered: [], ended: false }));
    bus.on('tokenSimulation.simulator.trace', (e: { action: string; element?: DiagramElement }) => {
      if (e.action !== 'enter' || !e.element) return;
      const ended = this.simulation.ended || e.element.type === 'bpmn:EndEvent';
      this.setSimulationState({ ...this.simulation, entered: [...this.simulation.entered, e.element.id].slice(-500), ended });
    });
  }

  private setSimulationState(next: SimulationState): void {
    this.simulation = next;
    for (const cb of this.simulationListeners) cb(next);
  }

  /** Switches the token simulation on or off (modelling is locked while it is on). */
  setSimulation(active: boolean): void {
    this.get<{ toggleMode(active?: boolean): void }>('toggleMode').toggleMode(active);
  }

  /** Called whenever the token simulation is switched or a token moves; survives a language switch. */
  onSimulation(callback: (state: SimulationState) => void): () => void {
    this.simulationListeners.add(callback);
    return () => this.simulationListeners.delete(callback);
  }

  private bind(l: { event: string; callback: Listener; priority?: number }): void {
    this.get<{ on(e: string, p: number, cb: Listener): void }>('eventBus').on(l.event, l.priority ?? 1000, l.callback);
  }

  /** A diagram-js service (eventBus, canvas, modeling, …). */
  get<T>(name: string): T {
    return this.modeler.get(name) as T;
  }

  /** Subscribes to an event on the modeler's event bus; survives a language switch. */
  on(event: string, callback: Listener, priority?: number): () => void {
    const l = { event, callback, priority };
    this.listeners.push(l);
    this.bind(l);
    return () => {
      this.listeners = this.listeners.filter((x) => x !== l);
      this.get<{ off(e: string, cb: Listener): void }>('eventBus').off(event, callback);
    };
  }

  translate(message: string, replacements?: Record<string, unknown>): string {
    return this.translateFn(message, replacements);
  }

  /** Imports BPMN 2.0 XML; throws on unreadable XML, returns bpmn-js's import warnings otherwise. */
  async importXml(xml: string): Promise<string[]> {
    const { warnings } = await this.modeler.importXML(xml);
    this.fit();
    return warnings.map((w: unknown) => (w as { message?: string }).message ?? String(w));
  }

  async createNew(processId: string, name: string): Promise<void> {
    await this.importXml(newDiagramXml(processId, name));
  }

  async saveXml(): Promise<string> {
    const { xml } = await this.modeler.saveXML({ format: true });
    return xml ?? '';
  }

  async saveSvg(): Promise<string> {
    const { svg } = await this.modeler.saveSVG();
    return svg;
  }

  /** The diagram as PNG: the SVG drawn on a canvas at twice its size, on white. */
  async savePng(scale = 2): Promise<Blob> {
    const svg = await this.saveSvg();
    const doc = new DOMParser().parseFromString(svg, 'image/svg+xml').documentElement;
    const width = Math.ceil(parseFloat(doc.getAttribute('width') ?? '800'));
    const height = Math.ceil(parseFloat(doc.getAttribute('height') ?? '600'));
    const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml;charset=utf-8' }));
    try {
      const image = new Image();
      await new Promise<void>((resolve, reject) => {
        image.onload = () => resolve();
        image.onerror = () => reject(new Error('the SVG could not be drawn'));
        image.src = url;
      });
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, width * scale);
      canvas.height = Math.max(1, height * scale);
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('no 2d canvas');
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
      return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
    } finally {
      URL.revokeObjectURL(url);
    }
  }

  /** Called after every change of the diagram (command stack), e.g. for autosave. */
  onChange(callback: () => void): () => void {
    return this.on('commandStack.changed', () => callback());
  }

  /** Called with the lint findings after every lint run. */
  onLint(callback: (issues: LintIssue[]) => void): () => void {
    return this.on('linting.completed', () => callback(this.issues));
  }

  getIssues(): LintIssue[] {
    return this.issues;
  }

  undo(): void {
    this.get<{ undo(): void }>('commandStack').undo();
  }

  redo(): void {
    this.get<{ redo(): void }>('commandStack').redo();
  }

  canUndo(): boolean {
    return this.get<{ canUndo(): boolean }>('commandStack').canUndo();
  }

  canRedo(): boolean {
    return this.get<{ canRedo(): boolean }>('commandStack').canRedo();
  }

  zoom(step: 1 | -1): void {
    this.get<{ stepZoom(step: number): void }>('zoomScroll').stepZoom(step);
  }

  fit(): void {
    this.get<{ zoom(level: string, center?: string): void }>('canvas').zoom('fit-viewport', 'auto');
  }

  /** Selects an element (and scrolls it into view); returns false when there is none with that id. */
  select(elementId: string): boolean {
    const element = this.get<{ get(id: string): DiagramElement | undefined }>('elementRegistry').get(elementId);
    if (!element) return false;
    this.get<{ select(e: unknown): void }>('selection').select(element);
    this.get<{ scrollToElement(e: unknown): void }>('canvas').scrollToElement(element);
    return true;
  }

  /** The element's name, or its id. */
  labelOf(elementId: string): string {
    const element = this.get<{ get(id: string): DiagramElement | undefined }>('elementRegistry').get(elementId);
    return element?.businessObject.name || elementId;
  }

  /** Changes a step's settings through the undoable stepMeta command. */
  updateStep(elementId: string, changes: StepMetaChanges): void {
    const element = this.get<{ get(id: string): DiagramElement | undefined }>('elementRegistry').get(elementId);
    if (element) this.get<StepMeta>('stepMeta').update(element, changes);
  }

  setContext(patch: Partial<EisoContextData>): void {
    this.options.context = { ...this.options.context, ...patch };
    this.get<EisoContext>('eisoContext').set(patch);
    if (patch.readySteps) {
      this.get<{ setLinterConfig(c: unknown): void }>('linting').setLinterConfig(createLintConfig({ jobTypes: lintJobTypes(patch.readySteps) }));
    }
  }

  /** Rebuilds the modeler in another language, keeping the diagram (the undo history is lost). */
  async setLanguage(language: ModelerLanguage): Promise<void> {
    if (language === this.options.language) return;
    const xml = await this.saveXml();
    const viewbox = this.get<{ viewbox(v?: unknown): unknown }>('canvas').viewbox();
    this.modeler.destroy();
    this.options.language = language;
    this.translateFn = createTranslate(language);
    this.create();
    await this.modeler.importXML(xml);
    this.get<{ viewbox(v: unknown): void }>('canvas').viewbox(viewbox);
  }

  destroy(): void {
    this.modeler.destroy();
    this.listeners = [];
    this.simulationListeners.clear();
  }
}
