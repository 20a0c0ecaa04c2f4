import StepMetaModule from '../step-meta/index.js';
import ProcessTimeLimitPropertiesProvider from './ProcessTimeLimitPropertiesProvider.js';

/** The procedure's total time limit field in the properties panel. */
export default {
  __depends__: [StepMetaModule],
  __init__: ['processTimeLimitPropertiesProvider'],
  processTimeLimitPropertiesProvider: ['type', ProcessTimeLimitPropertiesProvider],
};
