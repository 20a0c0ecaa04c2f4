import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { EisoDiffView, type DiffEntry } from '../../../../modeler/diff.js';
import { procedureQuery, versionXmlQuery } from '../../api/queries.js';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { Link, useLocation } from '../../lib/router.js';
import './modeler.css';

const KIND_LABEL = { added: 'modeler.diffAdded', removed: 'modeler.diffRemoved', changed: 'modeler.diffChanged', layout: 'modeler.diffLayout' } as const;

/** /procedures/:id/diff?from=1&to=2|draft — two viewers side by side, changes coloured. */
export default function ProcedureDiffPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const { search } = useLocation();
  const from = Number(search.get('from'));
  const toParam = search.get('to') ?? 'draft';
  const to = toParam === 'draft' ? 'draft' : Number(toParam);
  const procedure = useQuery(procedureQuery(id));
  const oldXml = useQuery({ ...versionXmlQuery(id, from), enabled: from > 0 });
  const newXml = useQuery({ ...versionXmlQuery(id, typeof to === 'number' ? to : 0), enabled: typeof to === 'number' && to > 0 });
  const leftRef = useRef<HTMLDivElement>(null);
  const rightRef = useRef<HTMLDivElement>(null);
  const [entries, setEntries] = useState<DiffEntry[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const left = oldXml.data?.xml;
  const right = to === 'draft' ? procedure.data?.draft.xml : newXml.data?.xml;

  useEffect(() => {
    if (!left || !right || !leftRef.current || !rightRef.current) return;
    const view = new EisoDiffView(leftRef.current, rightRef.current);
    let disposed = false;
    view
      .show(left, right)
      .then((found) => !disposed && setEntries(found))
      .catch((err: unknown) => !disposed && setProblem((err as Error).message));
    return () => {
      disposed = true;
      view.destroy();
    };
  }, [left, right]);

  const failed = [procedure, oldXml, newXml].find((q) => q.isError);
  return (
    <section className="procedure-diff" data-testid="procedure-diff">
      <div className="page-head">
        <Link to={`/procedures/${encodeURIComponent(id)}`} className="back-link">
          ← {procedure.data?.name ?? id}
        </Link>
        <h1>{t('modeler.diffTitle')}</h1>
      </div>
      {failed && <Alert>{errorMessage(failed.error)}</Alert>}
      {problem && <Alert>{problem}</Alert>}
      <div className="diff-legend">
        <span className="legend legend-added">{t('modeler.diffAdded')}</span>
        <span className="legend legend-removed">{t('modeler.diffRemoved')}</span>
        <span className="legend legend-changed">{t('modeler.diffChanged')}</span>
        <span className="legend legend-layout">{t('modeler.diffLayout')}</span>
      </div>
      <div className="diff-viewers">
        <div>
          <h2>{t('modeler.diffOld', { version: from })}</h2>
          <div ref={leftRef} className="diff-canvas" data-testid="diff-old" />
        </div>
        <div>
          <h2>{to === 'draft' ? t('modeler.diffDraft') : t('modeler.diffOld', { version: to })}</h2>
          <div ref={rightRef} className="diff-canvas" data-testid="diff-new" />
        </div>
      </div>
      {entries && entries.length === 0 && <p className="empty">{t('modeler.diffNone')}</p>}
      {entries && entries.length > 0 && (
        <table className="task-table" data-testid="diff-table">
          <thead>
            <tr>
              <th>{t('modeler.diffElement')}</th>
              <th>{t('modeler.diffKind')}</th>
              <th>{t('modeler.diffAttributes')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={`${e.kind}-${e.elementId}`} data-testid="diff-row" data-kind={e.kind}>
                <td>
                  {e.name || e.elementId} <span className="muted small">{e.type.replace('bpmn:', '')}</span>
                </td>
                <td>
                  <span className={`legend legend-${e.kind}`}>{t(KIND_LABEL[e.kind])}</span>
                </td>
                <td>{e.attributes.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
