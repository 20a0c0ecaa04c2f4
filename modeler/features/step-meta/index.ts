import RegisterStepMetaCommand from './RegisterStepMetaCommand.js';
import StepMeta from './StepMeta.js';

/** Step settings (engine/step-meta.ts) as an undoable command and a `stepMeta` service. */
export default {
  __init__: ['registerStepMetaCommand'],
  registerStepMetaCommand: ['type', RegisterStepMetaCommand],
  stepMeta: ['type', StepMeta],
};

export type { StepMetaChanges } from './UpdateStepMetaHandler.js';
export type { default as StepMeta } from './StepMeta.js';
