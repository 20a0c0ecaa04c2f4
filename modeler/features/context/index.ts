import EisoContext from './EisoContext.js';

/** `eisoContext`: units, forms and job types given by the page (config key `eiso`). */
export default {
  eisoContext: ['type', EisoContext],
};
export type { EisoContextData, ReadyStep, UnitOption } from './EisoContext.js';
