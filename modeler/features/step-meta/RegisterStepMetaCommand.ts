import UpdateStepMetaHandler from './UpdateStepMetaHandler.js';
import { UPDATE_STEP_META } from './StepMeta.js';

/** Registers the "eiso.stepMeta.update" command handler on the command stack. */
export default class RegisterStepMetaCommand {
  static $inject = ['commandStack'];

  constructor(commandStack: { registerHandler(command: string, handler: unknown): void }) {
    commandStack.registerHandler(UPDATE_STEP_META, UpdateStepMetaHandler);
  }
}
