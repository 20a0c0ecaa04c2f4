import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { CitationList, LegalDocument, LegalDocumentList, SetCitationsBody } from '../../../../api/schemas/legal.js';
import type { UpdateProcedureBody } from '../../../../api/schemas/procedures.js';
import type { Procedure } from './types.js';
import type { Endpoint } from '../../api/endpoints.js';
import { queryKeys } from '../../api/queries.js';
import { errorMessage, request } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { AddDocumentForm, legalQueryKey } from '../legal/AddDocumentForm.js';
import { DocumentOptions } from '../legal/LegalChangeFields.js';
import { citationLine, noteLines } from '../legal/citation-text.js';

type Citations = Static<typeof CitationList>;

const sheetEndpoints = {
  documents: (): Endpoint<Static<typeof LegalDocumentList>> => ({ method: 'GET', path: '/api/legal/documents' }),
  citations: (id: string): Endpoint<Citations> => ({ method: 'GET', path: `/api/legal/procedures/${encodeURIComponent(id)}/citations` }),
  setCitations: (id: string, body: SetCitationsBody): Endpoint<Citations> => ({
    method: 'PUT',
    path: `/api/legal/procedures/${encodeURIComponent(id)}/citations`,
    body,
  }),
  update: (id: string, body: UpdateProcedureBody): Endpoint<Procedure> => ({ method: 'PATCH', path: `/api/procedures/${encodeURIComponent(id)}`, body }),
};

interface Row {
  key: number;
  documentId: number | null;
  article: string;
}

let nextKey = 1;
const row = (documentId: number | null, article: string): Row => ({ key: nextKey++, documentId, article });

/**
 * "Phiếu quy trình": the fields the printed sheet takes from the procedure (name, mã hiệu, mục đích,
 * phạm vi áp dụng) and its legal basis, the documents of the register cited in order (with the article)
 * then the free-text note; a preview of the lines the sheet prints. Save sends the fields
 * (PATCH /api/procedures/:id) then the citations (PUT /api/legal/procedures/:id/citations). A document
 * missing from the register is added from here. Read-only for whoever cannot edit the procedure.
 */
export function SheetPanel({ procedure, canEdit }: { procedure: Procedure; canEdit: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const uid = useId();
  const id = procedure.bpmnProcessId;
  const docs = useQuery({ queryKey: [...legalQueryKey, 'documents'], queryFn: ({ signal }) => request(sheetEndpoints.documents(), signal) });
  const cited = useQuery({
    queryKey: [...legalQueryKey, 'citations', id],
    queryFn: ({ signal }) => request(sheetEndpoints.citations(id), signal),
    refetchOnWindowFocus: false,
  });
  const [fields, setFields] = useState({ name: procedure.name, code: procedure.code, purpose: procedure.purpose, scope: procedure.scope });
  const [note, setNote] = useState(procedure.legalBasis);
  const [rows, setRows] = useState<Row[] | null>(null);
  const [saved, setSaved] = useState(false);
  const focusAfterMove = useRef<string | null>(null);

  // The citations as saved, once loaded; the designer's edits are not overwritten by a later refetch.
  useEffect(() => {
    if (rows === null && cited.data) setRows(cited.data.items.map((c) => row(c.documentId, c.article)));
  }, [cited.data, rows]);
  useEffect(() => {
    if (!focusAfterMove.current) return;
    document.getElementById(focusAfterMove.current)?.focus();
    focusAfterMove.current = null;
  });

  const save = useMutation({
    mutationFn: async () => {
      await request(sheetEndpoints.update(id, { ...fields, legalBasis: note }));
      return request(
        sheetEndpoints.setCitations(id, {
          citations: (rows ?? []).flatMap((r) => (r.documentId ? [{ documentId: r.documentId, article: r.article.trim() }] : [])),
        }),
      );
    },
    onSuccess: async (reply) => {
      setSaved(true);
      setRows(reply.items.map((c) => row(c.documentId, c.article)));
      queryClient.setQueryData([...legalQueryKey, 'citations', id], reply);
      await Promise.all([queryClient.invalidateQueries({ queryKey: queryKeys.procedureList() }), queryClient.invalidateQueries({ queryKey: legalQueryKey })]);
    },
  });

  const edit =
    <T,>(f: (x: T) => void) =>
    (x: T) => {
      setSaved(false);
      f(x);
    };
  const setRow = edit((next: Row[]) => setRows(next));
  const list = rows ?? [];
  const byId = new Map((docs.data?.items ?? []).map((d) => [d.id, d]));
  const preview = [
    ...list.flatMap((r) => {
      const d = r.documentId ? byId.get(r.documentId) : undefined;
      return d ? [citationLine(d, r.article)] : [];
    }),
    ...noteLines(note),
  ];
  const move = (i: number, by: -1 | 1) => {
    const next = [...list];
    [next[i], next[i + by]] = [next[i + by], next[i]];
    focusAfterMove.current = `${uid}-${by < 0 ? 'up' : 'down'}-${next[i + by].key}`;
    // a button that disappears (first row moved up, last moved down) hands the focus to the row's select
    if ((by < 0 && i + by === 0) || (by > 0 && i + by === list.length - 1)) focusAfterMove.current = `${uid}-doc-${next[i + by].key}`;
    setRow(next);
  };
  const cite = (d: LegalDocument) => {
    setSaved(false);
    setRows((rs) => [...(rs ?? []), row(d.id, '')]);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (canEdit) save.mutate();
  };

  return (
    <details className="sheet-panel" data-testid="sheet-panel">
      <summary>
        <h2 id={`${uid}-title`}>{t('legal.sheet.title')}</h2>
      </summary>
      <p className="muted small">{t('legal.sheet.intro')}</p>
      <form onSubmit={submit} aria-labelledby={`${uid}-title`} className="stack">
        <fieldset disabled={!canEdit} className="sheet-fields">
          <label className="field">
            <span>{t('legal.sheet.name')}</span>
            <input
              value={fields.name}
              required
              maxLength={300}
              onChange={(e) => edit(setFields)({ ...fields, name: e.target.value })}
              data-testid="sheet-name"
            />
          </label>
          <label className="field">
            <span>{t('legal.sheet.code')}</span>
            <input value={fields.code} maxLength={50} onChange={(e) => edit(setFields)({ ...fields, code: e.target.value })} data-testid="sheet-code" />
          </label>
          <label className="field">
            <span>{t('legal.sheet.purpose')}</span>
            <textarea
              value={fields.purpose}
              rows={3}
              maxLength={5000}
              onChange={(e) => edit(setFields)({ ...fields, purpose: e.target.value })}
              data-testid="sheet-purpose"
            />
          </label>
          <label className="field">
            <span>{t('legal.sheet.scope')}</span>
            <textarea
              value={fields.scope}
              rows={3}
              maxLength={5000}
              onChange={(e) => edit(setFields)({ ...fields, scope: e.target.value })}
              data-testid="sheet-scope"
            />
          </label>
          <fieldset className="sheet-citations">
            <legend>{t('legal.sheet.legalBasis')}</legend>
            {cited.isError && <Alert>{errorMessage(cited.error)}</Alert>}
            {docs.isError && <Alert>{errorMessage(docs.error)}</Alert>}
            {rows !== null && list.length === 0 && <p className="muted small">{t('legal.sheet.noCitations')}</p>}
            <ol className="sheet-citation-list" data-testid="sheet-citations">
              {list.map((r, i) => (
                <li key={r.key} data-testid="sheet-citation" data-document={r.documentId ?? ''}>
                  <select
                    id={`${uid}-doc-${r.key}`}
                    aria-label={t('legal.sheet.citationDocument', { n: i + 1 })}
                    value={r.documentId ?? ''}
                    required
                    onChange={(e) => setRow(list.map((x) => (x.key === r.key ? { ...x, documentId: e.target.value ? Number(e.target.value) : null } : x)))}
                    data-testid="sheet-citation-document"
                  >
                    <DocumentOptions items={docs.data?.items} />
                  </select>{' '}
                  <input
                    aria-label={t('legal.sheet.citationArticle', { n: i + 1 })}
                    value={r.article}
                    maxLength={200}
                    placeholder={t('legal.sheet.articleHint')}
                    onChange={(e) => setRow(list.map((x) => (x.key === r.key ? { ...x, article: e.target.value } : x)))}
                    data-testid="sheet-citation-article"
                  />{' '}
                  {canEdit && (
                    <span className="sheet-citation-actions">
                      {i > 0 && (
                        <button
                          type="button"
                          id={`${uid}-up-${r.key}`}
                          className="button button-quiet"
                          aria-label={t('legal.sheet.moveUp', { n: i + 1 })}
                          onClick={() => move(i, -1)}
                          data-testid="sheet-citation-up"
                        >
                          ↑
                        </button>
                      )}
                      {i < list.length - 1 && (
                        <button
                          type="button"
                          id={`${uid}-down-${r.key}`}
                          className="button button-quiet"
                          aria-label={t('legal.sheet.moveDown', { n: i + 1 })}
                          onClick={() => move(i, 1)}
                          data-testid="sheet-citation-down"
                        >
                          ↓
                        </button>
                      )}
                      <button
                        type="button"
                        className="button button-quiet"
                        aria-label={t('legal.sheet.remove', { n: i + 1 })}
                        onClick={() => setRow(list.filter((x) => x.key !== r.key))}
                        data-testid="sheet-citation-remove"
                      >
                        {t('legal.sheet.removeShort')}
                      </button>
                    </span>
                  )}
                </li>
              ))}
            </ol>
            {canEdit && (
              <button type="button" className="button" onClick={() => setRow([...list, row(null, '')])} data-testid="sheet-citation-add">
                {t('legal.sheet.addCitation')}
              </button>
            )}
            <label className="field">
              <span>{t('legal.sheet.note')}</span>
              <textarea value={note} rows={3} maxLength={10000} onChange={(e) => edit(setNote)(e.target.value)} data-testid="sheet-note" />
            </label>
          </fieldset>
        </fieldset>
        <section className="sheet-preview" aria-labelledby={`${uid}-preview`}>
          <h3 id={`${uid}-preview`}>{t('legal.sheet.preview')}</h3>
          {preview.length === 0 ? (
            <p className="muted small">—</p>
          ) : (
            <ul data-testid="sheet-preview">
              {preview.map((line, i) => (
                <li key={i}>{line}</li>
              ))}
            </ul>
          )}
        </section>
        {save.isError && <Alert>{errorMessage(save.error)}</Alert>}
        {canEdit && (
          <div className="sheet-save">
            <button type="submit" className="button button-primary" disabled={save.isPending || rows === null} data-testid="sheet-save">
              {t('legal.sheet.save')}
            </button>{' '}
            <span role="status" data-testid="sheet-saved">
              {saved ? t('legal.sheet.saved') : ''}
            </span>
          </div>
        )}
      </form>
      {canEdit && (
        <details className="sheet-add-document">
          <summary>{t('legal.add.title')}</summary>
          <AddDocumentForm onCreated={cite} />
        </details>
      )}
    </details>
  );
}
