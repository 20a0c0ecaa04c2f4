import StepMetaModule from '../step-meta/index.js';
import ContextModule from '../context/index.js';
import GovernmentStepPropertiesProvider from './GovernmentStepPropertiesProvider.js';

/** The government step group in the properties panel (needs the properties panel modules). */
export default {
  __depends__: [StepMetaModule, ContextModule],
  __init__: ['governmentStepPropertiesProvider'],
  governmentStepPropertiesProvider: ['type', GovernmentStepPropertiesProvider],
};
