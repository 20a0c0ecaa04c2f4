import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { LegalDocumentList } from '../../../../api/schemas/legal.js';
import type { LegalChange } from '../../../../api/schemas/procedures.js';
import type { Endpoint } from '../../api/endpoints.js';
import { request } from '../../api/request.js';

const documents = (): Endpoint<Static<typeof LegalDocumentList>> => ({ method: 'GET', path: '/api/legal/documents' });

/** Partial while the designer fills it: complete when a document, a date and a rule are chosen. */
export interface LegalChangeDraft {
  on: boolean;
  legalDocumentId: number | null;
  changeDate: string;
  dueDatePolicy: LegalChange['dueDatePolicy'];
}

/** The register's documents as the options of a select, after "choose a document" (value: the document's id). */
export function DocumentOptions({ items }: { items: Static<typeof LegalDocumentList>['items'] | undefined }) {
  const { t } = useTranslation();
  return (
    <>
      <option value="">{t('legal.chooseDocument')}</option>
      {items?.map((d) => (
        <option key={d.id} value={d.id}>
          {d.number} {d.title}
        </option>
      ))}
    </>
  );
}

export const emptyLegalChange = (): LegalChangeDraft => ({ on: false, legalDocumentId: null, changeDate: '', dueDatePolicy: 'received-after' });

/** The law change a publish carries, or undefined (not a law change, or not complete). */
export function legalChangeOf(d: LegalChangeDraft): LegalChange | undefined {
  if (!d.on || d.legalDocumentId === null || !/^\d{4}-\d{2}-\d{2}$/.test(d.changeDate)) return undefined;
  return { legalDocumentId: d.legalDocumentId, changeDate: d.changeDate, dueDatePolicy: d.dueDatePolicy };
}

/** "Publish because a legal document changed": the document, the day the change applies, and how running dossiers' due dates follow. */
export function LegalChangeFields({ value, onChange }: { value: LegalChangeDraft; onChange: (v: LegalChangeDraft) => void }) {
  const { t } = useTranslation();
  const docs = useQuery({ queryKey: ['legal', 'documents'], queryFn: ({ signal }) => request(documents(), signal), enabled: value.on });
  return (
    <fieldset className="legal-change" data-testid="legal-change">
      <label>
        <input type="checkbox" checked={value.on} onChange={(e) => onChange({ ...value, on: e.target.checked })} data-testid="legal-change-on" />{' '}
        {t('legal.publishBecause')}
      </label>
      {value.on && (
        <>
          <label>
            {t('legal.document')}{' '}
            <select
              value={value.legalDocumentId ?? ''}
              onChange={(e) => onChange({ ...value, legalDocumentId: e.target.value ? Number(e.target.value) : null })}
              data-testid="legal-change-document"
            >
              <DocumentOptions items={docs.data?.items} />
            </select>
          </label>{' '}
          <label>
            {t('legal.changeDate')}{' '}
            <input type="date" value={value.changeDate} onChange={(e) => onChange({ ...value, changeDate: e.target.value })} data-testid="legal-change-date" />
          </label>
          <label>
            <input
              type="radio"
              name="legal-change-policy"
              checked={value.dueDatePolicy === 'from-change-date'}
              onChange={() => onChange({ ...value, dueDatePolicy: 'from-change-date' })}
            />{' '}
            {t('legal.policyFromChange')}
          </label>
          <label>
            <input
              type="radio"
              name="legal-change-policy"
              checked={value.dueDatePolicy === 'received-after'}
              onChange={() => onChange({ ...value, dueDatePolicy: 'received-after' })}
            />{' '}
            {t('legal.policyReceivedAfter')}
          </label>
        </>
      )}
    </fieldset>
  );
}
