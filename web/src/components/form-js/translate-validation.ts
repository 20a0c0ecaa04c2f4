import i18n from '../../i18n/index.js';

/**
 * form-js writes its validation messages in English. This DI module wraps the form's `validator`
 * service so each known message goes through i18n; unknown messages (e.g. a form's own
 * patternErrorMessage) pass through unchanged.
 */
const RULES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^Field is required\.$/, () => i18n.t('formValidation.required')],
  [/^Field must have minimum length of (.+)\.$/, (m) => i18n.t('formValidation.minLength', { n: m[1] })],
  [/^Field must have maximum length of (.+)\.$/, (m) => i18n.t('formValidation.maxLength', { n: m[1] })],
  [/^Field must have minimum value of (.+)\.$/, (m) => i18n.t('formValidation.min', { n: m[1] })],
  [/^Field must have maximum value of (.+)\.$/, (m) => i18n.t('formValidation.max', { n: m[1] })],
  [/^Field must match pattern (.+)\.$/, (m) => i18n.t('formValidation.pattern', { pattern: m[1] })],
  [/^Field must be a valid email\.$/, () => i18n.t('formValidation.email')],
  [/^Field must be a valid +international phone number/, () => i18n.t('formValidation.phone')],
  [/^Value is not a number\.$/, () => i18n.t('formValidation.number')],
];

export function translateValidationMessage(message: string): string {
  for (const [pattern, translate] of RULES) {
    const match = pattern.exec(message);
    if (match) return translate(match);
  }
  return message;
}

type Validate = (...args: unknown[]) => string[];
interface ValidatorService {
  validateField?: Validate;
  validateFieldInstance?: Validate;
}

class TranslateValidation {
  static $inject = ['validator'];

  constructor(validator: ValidatorService) {
    for (const name of ['validateField', 'validateFieldInstance'] as const) {
      const original = validator[name];
      if (typeof original !== 'function') continue;
      validator[name] = (...args: unknown[]) => original.apply(validator, args).map(translateValidationMessage);
    }
  }
}

export const translateValidationModule = {
  __init__: ['translateValidation'],
  translateValidation: ['type', TranslateValidation],
};
