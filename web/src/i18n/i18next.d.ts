import 'i18next';
import type { Translations } from './vi.js';

// Type-checks every t('...') key against the Vietnamese resources.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Translations };
  }
}
