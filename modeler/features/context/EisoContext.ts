/** A unit of the organisation a step can be given to. */
export interface UnitOption {
  code: string;
  name: string;
}

/** A ready-made automated step: a job type the server has a worker for (api WorkerType). */
export interface ReadyStep {
  jobType: string;
  name: string;
  nameEn: string;
  element: 'bpmn:ServiceTask' | 'bpmn:SendTask';
}

/** What the page knows and the modules need: the organisation, the procedure's forms, the job workers. */
export interface EisoContextData {
  /** Units to pick from; empty: the unit is typed as free text "UNIT/role". */
  units: UnitOption[];
  /** Form ids of the procedure (a step refers to one as formKey "app:<id>"). */
  forms: string[];
  /** Automated steps the server has workers for; undefined: not known yet, none offered, no worker check. */
  readySteps?: ReadyStep[];
}

interface EventBus {
  fire(event: string, payload?: unknown): void;
}

/** Holds the page's context; a change re-renders the properties panel. */
export default class EisoContext {
  static $inject = ['config.eiso', 'eventBus'];

  private data: EisoContextData;

  constructor(
    config: Partial<EisoContextData> | undefined,
    private readonly eventBus: EventBus,
  ) {
    this.data = { units: [], forms: [], ...config };
  }

  get(): EisoContextData {
    return this.data;
  }

  set(patch: Partial<EisoContextData>): void {
    this.data = { ...this.data, ...patch };
    this.eventBus.fire('eiso.context.changed', this.data);
    // The panel listens to this event and renders again, with the new options.
    this.eventBus.fire('propertiesPanel.providersChanged');
  }
}
