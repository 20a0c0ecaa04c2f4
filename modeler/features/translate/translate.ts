import { en, vi, viPatterns } from './vi.js';

export type ModelerLanguage = 'vi' | 'en';

function fill(template: string, replacements: Record<string, unknown> = {}): string {
  return template.replace(/\{([^{}]+)\}/g, (_, key: string) => (replacements[key] !== undefined ? String(replacements[key]) : `{${key}}`));
}

/** translate() in the given language: exact strings first, then the message patterns (lint). */
export function createTranslate(language: ModelerLanguage) {
  return function translate(template: string, replacements?: Record<string, unknown>): string {
    if (language === 'en') return fill(en[template] ?? template, replacements);
    const exact = vi[template];
    if (exact !== undefined) return fill(exact, replacements);
    for (const [pattern, replacement] of viPatterns) {
      if (pattern.test(template)) return fill(template.replace(pattern, replacement), replacements);
    }
    return fill(template, replacements);
  };
}
