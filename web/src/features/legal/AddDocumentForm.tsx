import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CreateLegalDocumentBody, LegalDocument } from '../../../../api/schemas/legal.js';
import type { Endpoint } from '../../api/endpoints.js';
import { errorMessage, request } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { DateInput } from '../../components/DateInput.js';
import './legal.css';

/** The register's kinds, in the order the select offers them (api/schemas/legal.ts LegalDocumentKind). */
export const DOCUMENT_KINDS = ['luat', 'nghi_dinh', 'nghi_quyet', 'thong_tu', 'thong_tu_lien_tich', 'quyet_dinh', 'chi_thi', 'tieu_chuan', 'other'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

const createDocument = (body: CreateLegalDocumentBody): Endpoint<LegalDocument> => ({ method: 'POST', path: '/api/legal/documents', body });

/** The key prefix of every query of the register (documents, citations, citing procedures). */
export const legalQueryKey = ['legal'] as const;

const empty = { number: '', kind: 'nghi_dinh' as DocumentKind, issuer: '', signedOn: '', effectiveOn: '', title: '', url: '' };

/**
 * "Thêm văn bản vào danh mục": number, kind, issuer, signed and effective days, title and URL, posted to
 * the register (POST /api/legal/documents). A number already there is refused (409) and said as text.
 * `onCreated` gets the new document (the sheet panel cites it at once).
 */
export function AddDocumentForm({ onCreated }: { onCreated?: (d: LegalDocument) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const id = useId();
  const [v, setV] = useState(empty);
  const [added, setAdded] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (body: CreateLegalDocumentBody) => request(createDocument(body)),
    onSuccess: async (d) => {
      setAdded(d.number);
      setV(empty);
      await queryClient.invalidateQueries({ queryKey: legalQueryKey });
      onCreated?.(d);
    },
  });
  const set = (k: keyof typeof empty) => (value: string) => {
    setAdded(null);
    setV((x) => ({ ...x, [k]: value }));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!v.signedOn) return;
    create.mutate({
      number: v.number.trim(),
      kind: v.kind,
      issuer: v.issuer.trim(),
      signedOn: v.signedOn,
      effectiveOn: v.effectiveOn || null,
      title: v.title.trim(),
      url: v.url.trim() || null,
    });
  };

  return (
    <form className="add-document stack" onSubmit={submit} data-testid="add-document" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('legal.add.title')}</h3>
      {create.isError && <Alert>{errorMessage(create.error)}</Alert>}
      {added && (
        <p role="status" data-testid="add-document-done">
          {t('legal.add.done', { number: added })}
        </p>
      )}
      <div className="add-document-grid">
        <label className="field">
          <span>{t('legal.add.number')}</span>
          <input
            value={v.number}
            required
            minLength={3}
            maxLength={100}
            title={t('legal.add.numberHint')}
            placeholder="118/2025/NĐ-CP"
            onChange={(e) => set('number')(e.target.value)}
            data-testid="add-document-number"
          />
        </label>
        <label className="field">
          <span>{t('legal.add.kind')}</span>
          <select value={v.kind} onChange={(e) => set('kind')(e.target.value)} data-testid="add-document-kind">
            {DOCUMENT_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`legal.kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('legal.add.issuer')}</span>
          <input
            value={v.issuer}
            maxLength={300}
            placeholder={t('legal.add.issuerHint')}
            onChange={(e) => set('issuer')(e.target.value)}
            data-testid="add-document-issuer"
          />
        </label>
        <label className="field">
          <span>{t('legal.add.signedOn')}</span>
          <DateInput value={v.signedOn} onChange={set('signedOn')} required data-testid="add-document-signed" />
        </label>
        <label className="field">
          <span>{t('legal.add.effectiveOn')}</span>
          <DateInput value={v.effectiveOn} onChange={set('effectiveOn')} data-testid="add-document-effective" />
        </label>
        <label className="field add-document-wide">
          <span>{t('legal.add.docTitle')}</span>
          <input value={v.title} maxLength={2000} onChange={(e) => set('title')(e.target.value)} data-testid="add-document-title" />
        </label>
        <label className="field add-document-wide">
          <span>{t('legal.add.url')}</span>
          <input
            type="url"
            value={v.url}
            maxLength={1000}
            pattern="https?://.+"
            placeholder="https://"
            onChange={(e) => set('url')(e.target.value)}
            data-testid="add-document-url"
          />
        </label>
      </div>
      <div>
        <button type="submit" className="button" disabled={create.isPending} data-testid="add-document-submit">
          {t('legal.add.submit')}
        </button>
      </div>
    </form>
  );
}
