import { is } from 'bpmn-js/lib/util/ModelUtil';
import { NumberFieldEntry, isNumberFieldEntryEdited } from '@bpmn-io/properties-panel';
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
    label: translate('Total time limit (working days)'),
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
        entries: [{ id: 'eiso-process-time-limit', component: ProcessTimeLimitEntry, isEdited: isNumberFieldEntryEdited }],
      });
      return groups;
    };
  }
}
