import { createTranslate, type ModelerLanguage } from './translate.js';

function TranslateFactory(language: ModelerLanguage | undefined) {
  return createTranslate(language ?? 'vi');
}
TranslateFactory.$inject = ['config.language'];

/** Replaces bpmn-js's `translate` service: Vietnamese by default, English with config.language "en". */
export default {
  translate: ['factory', TranslateFactory],
};
export { createTranslate, type ModelerLanguage };
