import { is } from 'bpmn-js/lib/util/ModelUtil';
import { isNumberFieldEntryEdited, isSelectEntryEdited, isTextAreaEntryEdited, isTextFieldEntryEdited } from '@bpmn-io/properties-panel';
import { FormEditButton, FormEntry, InstructionsEntry, IsoClausesEntry, RecordsEntry, RoleEntry, TimeLimitEntry, UnitEntry, type Element } from './entries.js';

interface Group {
  id: string;
  label: string;
  entries: { id: string; component: unknown; isEdited?: unknown }[];
}
type Translate = (s: string) => string;

/**
 * The "Bước hành chính / Government step" group for user tasks: unit and role, time limit, form,
 * records, ISO clauses and instructions, stored as engine/step-meta.ts says.
 */
export default class GovernmentStepPropertiesProvider {
  static $inject = ['propertiesPanel', 'translate', 'eisoContext'];

  constructor(
    propertiesPanel: { registerProvider(priority: number, provider: unknown): void },
    private readonly translate: Translate,
    private readonly context: { get(): { units: unknown[] } },
  ) {
    propertiesPanel.registerProvider(500, this);
  }

  getGroups(element: Element) {
    return (groups: Group[]) => {
      if (!is(element, 'bpmn:UserTask')) return groups;
      const free = this.context.get().units.length === 0;
      const group: Group = {
        id: 'eiso-government-step',
        label: this.translate('Government step'),
        entries: [
          { id: 'eiso-unit', component: UnitEntry, isEdited: free ? isTextFieldEntryEdited : isSelectEntryEdited },
          ...(free ? [] : [{ id: 'eiso-role', component: RoleEntry, isEdited: isSelectEntryEdited }]),
          { id: 'eiso-time-limit', component: TimeLimitEntry, isEdited: isNumberFieldEntryEdited },
          { id: 'eiso-form', component: FormEntry, isEdited: isSelectEntryEdited },
          { id: 'eiso-form-edit', component: FormEditButton },
          { id: 'eiso-records', component: RecordsEntry, isEdited: isTextFieldEntryEdited },
          { id: 'eiso-iso-clauses', component: IsoClausesEntry, isEdited: isTextFieldEntryEdited },
          { id: 'eiso-instructions', component: InstructionsEntry, isEdited: isTextAreaEntryEdited },
        ],
      };
      const general = groups.findIndex((g) => g.id === 'general');
      groups.splice(general + 1, 0, group);
      return groups;
    };
  }
}
