import { getBusinessObject } from 'bpmn-js/lib/util/ModelUtil';
import { extensionOf, processOf, type ModdleElement } from '../../step-meta-model.js';

/** What one "eiso.stepMeta.update" command changes; a null or empty value removes the setting. */
export interface StepMetaChanges {
  /** zeebe:assignmentDefinition candidateGroups, "UNIT/role" */
  candidateGroups?: string | null;
  /** zeebe:formDefinition formKey, "app:<id>" */
  formKey?: string | null;
  /** zeebe:taskHeaders, by key (eiso.timeLimit, eiso.records, …) */
  headers?: Record<string, string | null>;
  /** zeebe:properties of the element's process, by name (eiso.timeLimit) */
  processProperties?: Record<string, string | null>;
}

export interface StepMetaContext {
  element: { id: string; businessObject: ModdleElement };
  changes: StepMetaChanges;
}

interface BpmnFactory {
  create(type: string, attrs?: Record<string, unknown>): ModdleElement;
}
interface CommandStack {
  execute(command: string, context: unknown): void;
}

type Moddle = ModdleElement & { get(name: string): unknown };

/** zeebe:TaskHeaders holds zeebe:Header in `values`; zeebe:Properties holds zeebe:Property in `properties`. */
interface EntryKind {
  listType: string;
  listAttr: string;
  entryType: string;
  keyAttr: string;
}

/**
 * Writes the step settings of engine/step-meta.ts as one undoable command: it is composed of
 * bpmn-js "element.updateModdleProperties" commands, so undo/redo and change events work as usual.
 */
export default class UpdateStepMetaHandler {
  static $inject = ['bpmnFactory', 'commandStack'];

  constructor(
    private readonly bpmnFactory: BpmnFactory,
    private readonly commandStack: CommandStack,
  ) {}

  preExecute(context: StepMetaContext): void {
    const { element, changes } = context;
    const bo = getBusinessObject(element) as Moddle;
    if (changes.candidateGroups !== undefined) {
      this.setAttribute(element, bo, 'zeebe:AssignmentDefinition', 'candidateGroups', changes.candidateGroups);
    }
    if (changes.formKey !== undefined) {
      this.setAttribute(element, bo, 'zeebe:FormDefinition', 'formKey', changes.formKey);
    }
    for (const [key, value] of Object.entries(changes.headers ?? {})) {
      this.setEntry(element, bo, { listType: 'zeebe:TaskHeaders', listAttr: 'values', entryType: 'zeebe:Header', keyAttr: 'key' }, key, value);
    }
    const process = processOf(bo) as Moddle | undefined;
    for (const [name, value] of Object.entries(changes.processProperties ?? {})) {
      if (process)
        this.setEntry(element, process, { listType: 'zeebe:Properties', listAttr: 'properties', entryType: 'zeebe:Property', keyAttr: 'name' }, name, value);
    }
  }

  execute(): unknown[] {
    return [];
  }

  revert(): unknown[] {
    return [];
  }

  private update(element: StepMetaContext['element'], moddleElement: ModdleElement, properties: Record<string, unknown>): void {
    this.commandStack.execute('element.updateModdleProperties', { element, moddleElement, properties });
  }

  private create(type: string, attrs: Record<string, unknown>, parent: ModdleElement): ModdleElement {
    const created = this.bpmnFactory.create(type, attrs);
    created.$parent = parent;
    return created;
  }

  private extensionElements(element: StepMetaContext['element'], bo: Moddle): Moddle {
    let ext = bo.get('extensionElements') as Moddle | undefined;
    if (!ext) {
      ext = this.create('bpmn:ExtensionElements', { values: [] }, bo) as Moddle;
      this.update(element, bo, { extensionElements: ext });
    }
    return ext;
  }

  /** The extension element of `type`, created when `create` is set. */
  private extension(element: StepMetaContext['element'], bo: Moddle, type: string, create: boolean): Moddle | undefined {
    const found = extensionOf(bo, type) as Moddle | undefined;
    if (found || !create) return found;
    const ext = this.extensionElements(element, bo);
    const added = this.create(type, {}, ext) as Moddle;
    this.update(element, ext, { values: [...((ext.get('values') as ModdleElement[]) ?? []), added] });
    return added;
  }

  private removeExtension(element: StepMetaContext['element'], bo: Moddle, extension: ModdleElement): void {
    const ext = bo.get('extensionElements') as Moddle;
    this.update(element, ext, { values: ((ext.get('values') as ModdleElement[]) ?? []).filter((v) => v !== extension) });
  }

  private setAttribute(element: StepMetaContext['element'], bo: Moddle, type: string, attribute: string, value: string | null): void {
    const clean = value?.trim() || undefined;
    const extension = this.extension(element, bo, type, clean !== undefined);
    if (!extension) return;
    if (clean === undefined && type === 'zeebe:FormDefinition') {
      this.removeExtension(element, bo, extension);
      return;
    }
    this.update(element, extension, { [attribute]: clean });
  }

  /** A keyed entry (header or property) in a list extension; the list goes when its last entry does. */
  private setEntry(element: StepMetaContext['element'], bo: Moddle, kind: EntryKind, key: string, value: string | null): void {
    const clean = value?.trim() || undefined;
    const list = this.extension(element, bo, kind.listType, clean !== undefined);
    if (!list) return;
    const entries = (list.get(kind.listAttr) as ModdleElement[]) ?? [];
    const entry = entries.find((e) => (e as unknown as Record<string, unknown>)[kind.keyAttr] === key);
    if (clean === undefined) {
      if (!entry) return;
      const rest = entries.filter((e) => e !== entry);
      if (rest.length === 0) this.removeExtension(element, bo, list);
      else this.update(element, list, { [kind.listAttr]: rest });
      return;
    }
    if (entry) this.update(element, entry, { value: clean });
    else this.update(element, list, { [kind.listAttr]: [...entries, this.create(kind.entryType, { [kind.keyAttr]: key, value: clean }, list)] });
  }
}
