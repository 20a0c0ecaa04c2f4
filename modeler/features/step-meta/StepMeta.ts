import type { StepMetaChanges } from './UpdateStepMetaHandler.js';

interface CommandStack {
  registerHandler(command: string, handler: unknown): void;
  execute(command: string, context: unknown): void;
}

export const UPDATE_STEP_META = 'eiso.stepMeta.update';

/** The one way our code changes step settings: an undoable command on the command stack. */
export default class StepMeta {
  static $inject = ['commandStack'];

  constructor(private readonly commandStack: CommandStack) {}

  update(element: { id: string; businessObject: unknown }, changes: StepMetaChanges): void {
    this.commandStack.execute(UPDATE_STEP_META, { element, changes });
  }
}
