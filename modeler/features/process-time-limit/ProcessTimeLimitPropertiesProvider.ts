import { is } from 'bpmn-js/lib/util/ModelUtil';
import { NumberFieldEntry, SelectEntry, isNumberFieldEntryEdited, isSelectEntryEdited } from '@bpmn-io/properties-panel';
import { h } from '@bpmn-io/properties-panel/preact';
import { useService } from 'bpmn-js-properties-panel';
import { PROCESS_PROPERTY, getProcessProperty, parseTimeLimit, processOf, type ModdleElement } from '../../step-meta-model.js';
import { timeLimitValidator, type Element } from '../government-step/entries.js';
import type { StepMeta } from '../step-meta/index.js';

type Translate = (s: string) => string;

function ProcessTimeLimitEntry({ element, id }: { element: Element; id: string }) {
  const stepMeta = useService<StepMeta>('stepMeta');
  const translate = useService<Translate>('translate');
  const debounce = useService('debounceInput');
  const process = processOf(element.businessObject) as ModdleElement;
  return h(NumberFieldEntry, {
    element,
    id,
    label: translate('Total time limit'),
    description: translate('The statutory time limit of the procedure'),
    step: 0.5,
    min: 0.5,
    getValue: () => parseTimeLimit(getProcessProperty(process, PROCESS_PROPERTY.timeLimit)) ?? '',
    setValue: (value: number | undefined, error?: string | null) => {
      if (error) return;
      stepMeta.update(element, { processProperties: { [PROCESS_PROPERTY.timeLimit]: value === undefined ? null : String(value) } });
    },
    validate: timeLimitValidator(translate),
    debounce,
  });
}

/** The legal units of a procedure's total (domain/deadlines/calendar TIME_LIMIT_UNITS), in the panel's order. */
const TIME_LIMIT_UNITS = ['working_days', 'calendar_days', 'hours', 'within_day'] as const;

/**
 * The unit the law states the total in: working days (the default), calendar days ("không quá 10 ngày":
 * a period ending on a day off ends at the close of the next working day), working hours, or within the
 * day (the next working day when received after the cut-off). Within the day, the total above stays the
 * budget the steps are checked against.
 */
function ProcessTimeLimitUnitEntry({ element, id }: { element: Element; id: string }) {
  const stepMeta = useService<StepMeta>('stepMeta');
  const translate = useService<Translate>('translate');
  const process = processOf(element.businessObject) as ModdleElement;
  return h(SelectEntry, {
    element,
    id,
    label: translate('Unit of the total time limit'),
    getValue: () => getProcessProperty(process, PROCESS_PROPERTY.timeLimitUnit) || 'working_days',
    setValue: (unit: string) => stepMeta.update(element, { processProperties: { [PROCESS_PROPERTY.timeLimitUnit]: unit === 'working_days' ? null : unit } }),
    getOptions: () => TIME_LIMIT_UNITS.map((u) => ({ value: u, label: translate(`timeLimitUnit.${u}`) })),
  });
}

/** The procedure's total time limit, on the process (or the pool that holds it). */
export default class ProcessTimeLimitPropertiesProvider {
  static $inject = ['propertiesPanel', 'translate'];

  constructor(
    propertiesPanel: { registerProvider(priority: number, provider: unknown): void },
    private readonly translate: Translate,
  ) {
    propertiesPanel.registerProvider(500, this);
  }

  getGroups(element: Element) {
    return (groups: { id: string; label: string; entries: unknown[] }[]) => {
      const isProcess = is(element, 'bpmn:Process') || (is(element, 'bpmn:Participant') && Boolean(element.businessObject.processRef));
      if (!isProcess) return groups;
      const general = groups.findIndex((g) => g.id === 'general');
      groups.splice(general + 1, 0, {
        id: 'eiso-procedure',
        label: this.translate('Government procedure'),
        entries: [
          { id: 'eiso-process-time-limit', component: ProcessTimeLimitEntry, isEdited: isNumberFieldEntryEdited },
          { id: 'eiso-process-time-limit-unit', component: ProcessTimeLimitUnitEntry, isEdited: isSelectEntryEdited },
        ],
      });
      return groups;
    };
  }
}
