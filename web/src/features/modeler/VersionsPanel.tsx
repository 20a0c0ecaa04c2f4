import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Procedure } from './types.js';
import { endpoints } from '../../api/endpoints.js';
import { procedureMutations } from '../../api/queries.js';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { flash } from '../../components/flash.js';
import { formatDateTime } from '../../lib/format.js';
import { Link } from '../../lib/router.js';
import { withQuery } from '../../api/query-string.js';
import { requestBlob } from '../../api/request.js';
import { saveFile } from '../../lib/download.js';

export const diffHref = (id: string, from: number, to: number | 'draft') => withQuery(`/procedures/${encodeURIComponent(id)}/diff`, { from, to });

/** Published and retired versions with their running instances; retire, sheet PDF, compare. */
export function VersionsPanel({ procedure, canEdit, draftChanged }: { procedure: Procedure; canEdit: boolean; draftChanged: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const retire = useMutation(procedureMutations.retire(queryClient));
  const [problem, setProblem] = useState<string | null>(null);
  const id = procedure.bpmnProcessId;
  const path = `/procedures/${encodeURIComponent(id)}`;

  const downloadSheet = async (version: number) => {
    setProblem(null);
    try {
      saveFile(await requestBlob(endpoints.procedureSheetPdf(id, version)), `${id}-v${version}.pdf`, 'application/pdf');
    } catch (err) {
      setProblem(errorMessage(err));
    }
  };

  return (
    <section className="versions-panel" aria-labelledby="versions-title" data-testid="versions-panel">
      <h2 id="versions-title">{t('modeler.versions')}</h2>
      {(problem || retire.isError) && <Alert>{problem ?? errorMessage(retire.error)}</Alert>}
      {procedure.versions.length === 0 ? (
        <p className="muted small">{t('modeler.noVersions')}</p>
      ) : (
        <table className="task-table">
          <thead>
            <tr>
              <th>{t('modeler.version')}</th>
              <th>{t('procedures.status')}</th>
              <th>{t('modeler.publishedAt')}</th>
              <th>{t('modeler.publishedBy')}</th>
              <th>{t('procedures.running')}</th>
              <th>{t('modeler.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {procedure.versions.map((v, i) => {
              const older = procedure.versions[i + 1];
              return (
                <tr key={v.version} data-testid="version-row" data-version={v.version} data-state={v.state}>
                  <td>{v.version}</td>
                  <td>
                    <span className={v.state === 'published' ? 'badge badge-open' : 'badge'}>{t(`procedures.state.${v.state}`)}</span>
                  </td>
                  <td>{formatDateTime(v.publishedAt)}</td>
                  <td>{v.publishedBy ?? ''}</td>
                  <td data-testid="running-instances">{v.runningInstances}</td>
                  <td className="version-actions">
                    <button type="button" className="button button-quiet" onClick={() => void downloadSheet(v.version)} data-testid="sheet-pdf">
                      {t('modeler.sheet')}
                    </button>
                    {older && (
                      <Link to={diffHref(id, older.version, v.version)} className="button button-quiet">
                        {t('modeler.compare')} {older.version}↔{v.version}
                      </Link>
                    )}
                    {i === 0 && draftChanged && (
                      <Link to={diffHref(id, v.version, 'draft')} className="button button-quiet" data-testid="compare-draft">
                        {t('modeler.compareWithDraft')}
                      </Link>
                    )}
                    {canEdit && v.state === 'published' && (
                      <button
                        type="button"
                        className="button button-quiet"
                        data-testid="retire"
                        disabled={retire.isPending}
                        onClick={() =>
                          retire.mutate(
                            { id, version: v.version },
                            { onSuccess: () => flash.show({ kind: 'success', text: t('modeler.retired', { version: v.version }), path }) },
                          )
                        }
                      >
                        {t('modeler.retire')}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
