import { NumberFieldEntry, SelectEntry, TextAreaEntry, TextFieldEntry } from '@bpmn-io/properties-panel';
import { h } from '@bpmn-io/properties-panel/preact';
import { useService } from 'bpmn-js-properties-panel';
import {
  FORM_KEY_PREFIX,
  STEP_HEADER,
  STEP_ROLES,
  formIdOfKey,
  getCandidateGroups,
  getFormKey,
  getHeader,
  joinCandidateGroup,
  parseTimeLimit,
  splitCandidateGroup,
  type ModdleElement,
} from '../../step-meta-model.js';
import type EisoContext from '../context/EisoContext.js';
import type { StepMeta } from '../step-meta/index.js';

/** Properties-panel entries of the government step group; each writes through the stepMeta command. */

export type Element = { id: string; businessObject: ModdleElement };
type Translate = (s: string, r?: Record<string, unknown>) => string;
interface EntryProps {
  element: Element;
  id: string;
}

function services() {
  return {
    stepMeta: useService<StepMeta>('stepMeta'),
    translate: useService<Translate>('translate'),
    debounce: useService<(fn: unknown) => unknown>('debounceInput'),
    context: useService<EisoContext>('eisoContext'),
  };
}

/** Select options: the known values plus the current one when it is not among them. */
function options(known: { value: string; label: string }[], current: string, emptyLabel: string) {
  const list = [{ value: '', label: emptyLabel }, ...known];
  if (current && !known.some((o) => o.value === current)) list.push({ value: current, label: current });
  return list;
}

export function UnitEntry({ element, id }: EntryProps) {
  const { stepMeta, translate, debounce, context } = services();
  const bo = element.businessObject;
  const units = context.get().units;
  const current = () => splitCandidateGroup(getCandidateGroups(bo));
  if (units.length === 0) {
    return h(TextFieldEntry, {
      element,
      id,
      label: translate('Unit / role'),
      description: translate('Unit code and role, e.g. SNNMT-QLDD/officer'),
      getValue: () => getCandidateGroups(bo),
      setValue: (value: string) => stepMeta.update(element, { candidateGroups: value ?? null }),
      debounce,
    });
  }
  return h(SelectEntry, {
    element,
    id,
    label: translate('Unit'),
    getValue: () => current().unit,
    setValue: (unit: string) => stepMeta.update(element, { candidateGroups: joinCandidateGroup(unit, current().role || (unit ? 'officer' : '')) || null }),
    getOptions: () =>
      options(
        units.map((u) => ({ value: u.code, label: `${u.name} (${u.code})` })),
        current().unit,
        translate('<none>'),
      ),
  });
}

export function RoleEntry({ element, id }: EntryProps) {
  const { stepMeta, translate, context } = services();
  const bo = element.businessObject;
  if (context.get().units.length === 0) return null;
  const current = () => splitCandidateGroup(getCandidateGroups(bo));
  return h(SelectEntry, {
    element,
    id,
    label: translate('Role'),
    getValue: () => current().role,
    setValue: (role: string) => stepMeta.update(element, { candidateGroups: joinCandidateGroup(current().unit, role) || null }),
    getOptions: () =>
      options(
        STEP_ROLES.map((r) => ({ value: r, label: translate(`role.${r}`) })),
        current().role,
        translate('Anyone in the unit'),
      ),
    disabled: !current().unit,
  });
}

export function timeLimitValidator(translate: Translate) {
  return (value: number | undefined) =>
    value === undefined || value === null || parseTimeLimit(value) !== null ? null : translate('A positive number of working days, in steps of 0.5');
}

export function TimeLimitEntry({ element, id }: EntryProps) {
  const { stepMeta, translate, debounce } = services();
  const validate = timeLimitValidator(translate);
  return h(NumberFieldEntry, {
    element,
    id,
    label: translate('Time limit (working days)'),
    step: 0.5,
    min: 0.5,
    getValue: () => parseTimeLimit(getHeader(element.businessObject, STEP_HEADER.timeLimit)) ?? '',
    setValue: (value: number | undefined, error?: string | null) => {
      if (error) return;
      stepMeta.update(element, { headers: { [STEP_HEADER.timeLimit]: value === undefined ? null : String(value) } });
    },
    validate,
    debounce,
  });
}

export function FormEntry({ element, id }: EntryProps) {
  const { stepMeta, translate, context } = services();
  const bo = element.businessObject;
  return h(SelectEntry, {
    element,
    id,
    label: translate('Form'),
    getValue: () => formIdOfKey(getFormKey(bo)),
    setValue: (formId: string) => stepMeta.update(element, { formKey: formId ? `${FORM_KEY_PREFIX}${formId}` : null }),
    getOptions: () =>
      options(
        context.get().forms.map((f) => ({ value: f, label: f })),
        formIdOfKey(getFormKey(bo)),
        translate('<none>'),
      ),
  });
}

/** Opens the page's form editor for the step's form (a new one when it has none). */
export function FormEditButton({ element, id }: EntryProps) {
  const translate = useService<Translate>('translate');
  const eventBus = useService<{ fire(e: string, p: unknown): void }>('eventBus');
  const formId = formIdOfKey(getFormKey(element.businessObject));
  return h(
    'div',
    { class: 'bio-properties-panel-entry', 'data-entry-id': id },
    h(
      'button',
      {
        type: 'button',
        class: 'eiso-form-edit-button',
        'data-testid': 'edit-step-form',
        onClick: () => eventBus.fire('eiso.form.edit', { element, formId }),
      },
      translate(formId ? 'Edit form' : 'Create form'),
    ),
  );
}

function headerTextEntry(header: string, label: string, description: string, area: boolean) {
  return function HeaderEntry({ element, id }: EntryProps) {
    const { stepMeta, translate, debounce } = services();
    return h(area ? TextAreaEntry : TextFieldEntry, {
      element,
      id,
      label: translate(label),
      description: description ? translate(description) : undefined,
      getValue: () => getHeader(element.businessObject, header),
      setValue: (value: string) => stepMeta.update(element, { headers: { [header]: value ?? null } }),
      debounce,
      ...(area ? { autoResize: true, rows: 2 } : {}),
    });
  };
}

export const RecordsEntry = headerTextEntry(STEP_HEADER.records, 'Records', 'Separated by ";"', false);
export const IsoClausesEntry = headerTextEntry(STEP_HEADER.isoClauses, 'ISO 9001 clauses', 'Separated by ",", e.g. 8.5.1, 9.1.1', false);
export const InstructionsEntry = headerTextEntry(STEP_HEADER.instructions, 'Instructions', '', true);
