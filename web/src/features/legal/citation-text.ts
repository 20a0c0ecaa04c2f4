import type { LegalDocument } from '../../../../api/schemas/legal.js';
import { vi } from './i18n.js';

/**
 * How the sheet writes a kind before the number: the Vietnamese names of the kinds (the sheet is Vietnamese
 * whatever the reader's language), an unnamed kind as "Văn bản".
 */
const KIND_NAMES_VI: Record<string, string> = { ...vi.legal.kinds, other: 'Văn bản' };

const vnDay = (isoDate: string) => {
  const [y, m, d] = isoDate.split('-');
  return `${d}/${m}/${y}`;
};

/**
 * A citation's line as the printed sheet writes it, for the designer's preview before saving: the same
 * rule as the server's (domain/procedures/legal-documents.ts citationText), which prints the sheet.
 */
export function citationLine(d: Pick<LegalDocument, 'kind' | 'number' | 'signedOn' | 'issuer' | 'title'>, article: string): string {
  const named = d.kind === 'luat' && d.title.trim() !== '';
  return [
    article.trim(),
    named ? `Luật ${d.title.trim()} số ${d.number}` : `${KIND_NAMES_VI[d.kind] ?? 'Văn bản'} ${d.number}`,
    d.signedOn ? `ngày ${vnDay(d.signedOn)}` : '',
    d.issuer ? `của ${d.issuer}` : '',
    named ? '' : d.title,
  ]
    .filter(Boolean)
    .join(' ');
}

/** The lines of a free-text note as the sheet prints them: one per non-empty line. */
export const noteLines = (note: string) =>
  note
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
