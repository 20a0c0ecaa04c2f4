import type EisoContext from '../context/EisoContext.js';
import type { ReadyStep } from '../context/EisoContext.js';

interface ModdleLike {
  $parent?: unknown;
  [key: string]: unknown;
}
interface BpmnFactory {
  create(type: string, attrs?: Record<string, unknown>): ModdleLike;
}
interface EventBus {
  on(event: string, cb: () => void): void;
  fire(event: string): void;
}

const ICONS: Record<ReadyStep['element'], string> = {
  'bpmn:ServiceTask': 'bpmn-icon-service-task',
  'bpmn:SendTask': 'bpmn-icon-send-task',
};

/**
 * Palette entries for the ready-made automated steps: exactly the job types the server reports a
 * worker for (GET /api/procedures/worker-types, given through the eisoContext).
 */
export default class ReadyStepsPaletteProvider {
  static $inject = ['palette', 'create', 'elementFactory', 'bpmnFactory', 'eisoContext', 'eventBus', 'config.language'];

  constructor(
    palette: { registerProvider(provider: unknown): void },
    private readonly create: { start(event: unknown, shape: unknown): void },
    private readonly elementFactory: { createShape(attrs: Record<string, unknown>): unknown },
    private readonly bpmnFactory: BpmnFactory,
    private readonly context: EisoContext,
    eventBus: EventBus,
    private readonly language: string | undefined,
  ) {
    palette.registerProvider(this);
    eventBus.on('eiso.context.changed', () => eventBus.fire('palette.changed'));
  }

  /** A service or send task with the step's Vietnamese name (it is printed in the procedure sheet) and job type. */
  createShape(step: ReadyStep): unknown {
    const taskDefinition = this.bpmnFactory.create('zeebe:TaskDefinition', { type: step.jobType });
    const extensionElements = this.bpmnFactory.create('bpmn:ExtensionElements', { values: [taskDefinition] });
    const businessObject = this.bpmnFactory.create(step.element, { name: step.name, extensionElements });
    taskDefinition.$parent = extensionElements;
    extensionElements.$parent = businessObject;
    return this.elementFactory.createShape({ type: step.element, businessObject });
  }

  getPaletteEntries() {
    const entries: Record<string, unknown> = {};
    for (const step of this.context.get().readySteps ?? []) {
      const start = (event: unknown) => this.create.start(event, this.createShape(step));
      entries[`create.eiso-${step.jobType}`] = {
        group: 'eiso',
        className: ICONS[step.element] ?? 'bpmn-icon-service-task',
        title: this.language === 'en' ? step.nameEn : step.name,
        action: { dragstart: start, click: start },
      };
    }
    return entries;
  }
}
