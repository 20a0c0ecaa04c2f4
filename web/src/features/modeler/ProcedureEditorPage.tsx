import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, type ChangeEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { emptyLegalChange, LegalChangeFields, legalChangeOf, type LegalChangeDraft } from '../legal/LegalChangeFields.js';
import type { FormSchemas, Procedure } from './types.js';
import type { LintIssue as ServerIssue } from '../../../../api/schemas/processes.js';
import { EisoModeler, type LintIssue, type SimulationState } from '../../../../modeler/bpmn-modeler.js';
import { formIdFromName, newFormSchema, type FormSchema } from '../../../../modeler/form-schema.js';
import { endpoints } from '../../api/endpoints.js';
import { meQuery, procedureMutations, procedureQuery, queryKeys, workerTypesQuery } from '../../api/queries.js';
import { ownerUnitsQuery } from '../../api/queries.js';
import { ApiError, errorMessage, request } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { flash } from '../../components/flash.js';
import { formatDateTime } from '../../lib/format.js';
import { currentLanguage } from '../../i18n/index.js';
import { Link } from '../../lib/router.js';
import { LintPanel } from './LintPanel.js';
import { SheetPanel } from './SheetPanel.js';
import { SimulatePanel } from './SimulatePanel.js';
import { VersionsPanel } from './VersionsPanel.js';
import { canDesign } from './roles.js';
import { saveFile } from '../../lib/download.js';
import { useDraftAutosave, type SaveState } from './use-draft-autosave.js';
import './modeler.css';

// The form-js editor is large and only needed when a step's form is opened.
const FormDialog = lazy(() => import('./FormDialog.js').then((m) => ({ default: m.FormDialog })));

/** /procedures/:id — the modeler with its lint panel, versions, forms and autosaved draft. */
export default function ProcedureEditorPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const procedure = useQuery(procedureQuery(id));
  const me = useQuery(meQuery());
  const [generation, setGeneration] = useState(0);

  if (procedure.isPending || me.isPending) return <p className="muted">{t('modeler.loading')}</p>;
  if (procedure.isError) {
    return (
      <section>
        <Link to="/procedures" className="back-link">
          {t('modeler.back')}
        </Link>
        <Alert>{procedure.error instanceof ApiError && procedure.error.status === 404 ? t('errors.notFound') : errorMessage(procedure.error)}</Alert>
      </section>
    );
  }
  return <Editor key={`${id}-${generation}`} procedure={procedure.data} canEdit={canDesign(me.data)} onReload={() => setGeneration((g) => g + 1)} />;
}

const SAVE_LABEL: Record<SaveState, 'modeler.saved' | 'modeler.saving' | 'modeler.unsaved'> = {
  saved: 'modeler.saved',
  saving: 'modeler.saving',
  dirty: 'modeler.unsaved',
  conflict: 'modeler.unsaved',
  error: 'modeler.unsaved',
};

function Editor({ procedure, canEdit, onReload }: { procedure: Procedure; canEdit: boolean; onReload: () => void }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const id = procedure.bpmnProcessId;
  const canvasRef = useRef<HTMLDivElement>(null);
  const propertiesRef = useRef<HTMLDivElement>(null);
  const modelerRef = useRef<EisoModeler | null>(null);
  const formsRef = useRef<FormSchemas>({ ...procedure.draft.forms });
  const [issues, setIssues] = useState<LintIssue[]>([]);
  const [serverIssues, setServerIssues] = useState<ServerIssue[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [editingForm, setEditingForm] = useState<string | null>(null);
  const [, setLabelsVersion] = useState(0);
  const workerTypes = useQuery(workerTypesQuery());
  const ownerUnits = useQuery(ownerUnitsQuery());
  const publish = useMutation(procedureMutations.publish(queryClient));
  const [legalChange, setLegalChange] = useState<LegalChangeDraft>(emptyLegalChange);
  const answerOffer = useMutation(procedureMutations.answerBundledOffer(queryClient));
  const [checking, setChecking] = useState(false);
  const [simulation, setSimulation] = useState<SimulationState>({ active: false, entered: [], ended: false });

  const autosave = useDraftAutosave({
    id,
    revision: procedure.draft.revision,
    enabled: canEdit,
    content: async () => ({ xml: (await modelerRef.current?.saveXml()) ?? procedure.draft.xml, forms: formsRef.current }),
  });
  const markDirty = autosave.markDirty;

  const openForm = useCallback(
    (elementId: string, formId: string) => {
      const modeler = modelerRef.current;
      if (!modeler) return;
      let id = formId;
      if (!id) {
        if (!canEdit) return;
        const base = formIdFromName(modeler.labelOf(elementId));
        id = base;
        for (let n = 2; formsRef.current[id]; n++) id = `${base}-${n}`;
        formsRef.current = { ...formsRef.current, [id]: newFormSchema(id, modeler.labelOf(elementId)) };
        modeler.setContext({ forms: Object.keys(formsRef.current) });
        modeler.updateStep(elementId, { formKey: `app:${id}` });
      } else if (!formsRef.current[id]) {
        formsRef.current = { ...formsRef.current, [id]: newFormSchema(id, modeler.labelOf(elementId)) };
        modeler.setContext({ forms: Object.keys(formsRef.current) });
        markDirty();
      }
      setEditingForm(id);
    },
    [canEdit, markDirty],
  );

  // The modeler lives as long as this editor; React only hands it the two containers.
  useEffect(() => {
    if (!canvasRef.current || !propertiesRef.current) return;
    const modeler = new EisoModeler({
      container: canvasRef.current,
      propertiesParent: propertiesRef.current,
      language: currentLanguage(),
      context: { units: [], forms: Object.keys(formsRef.current) },
    });
    modelerRef.current = modeler;
    const offs = [
      modeler.onLint((next) => setIssues([...next])),
      modeler.onChange(() => {
        markDirty();
        setLabelsVersion((v) => v + 1);
      }),
      modeler.onSimulation((state) => setSimulation(state)),
      modeler.on('eiso.form.edit', (event) => {
        const { element, formId } = event as { element: { id: string }; formId: string };
        openForm(element.id, formId);
      }),
    ];
    modeler.importXml(procedure.draft.xml).catch((err: unknown) => setProblem(t('modeler.importFailed', { message: (err as Error).message })));
    return () => {
      offs.forEach((off) => off());
      modeler.destroy();
      modelerRef.current = null;
    };
    // Created once per editor (the page remounts the editor to reload a draft).
  }, []);

  useEffect(() => {
    const lng = i18n.language === 'en' ? 'en' : 'vi';
    void modelerRef.current?.setLanguage(lng);
  }, [i18n.language]);

  useEffect(() => {
    if (workerTypes.data) modelerRef.current?.setContext({ readySteps: workerTypes.data.items });
  }, [workerTypes.data]);

  // Steps are given to units of the organisation: the panel offers them as a list once they are known.
  useEffect(() => {
    if (ownerUnits.data) modelerRef.current?.setContext({ units: ownerUnits.data.items.map((u) => ({ code: u.code, name: u.name })) });
  }, [ownerUnits.data]);

  const errorsCount = issues.filter((i) => i.category === 'error').length;
  const labelOf = (elementId: string) => modelerRef.current?.labelOf(elementId) ?? elementId;

  const onOpenFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file || !modelerRef.current) return;
    setProblem(null);
    try {
      const warnings = await modelerRef.current.importXml(await file.text());
      if (warnings.length) console.info('bpmn-js import warnings', warnings);
      markDirty();
    } catch (err) {
      setProblem(t('modeler.importFailed', { message: (err as Error).message }));
    }
  };

  const exportAs = async (kind: 'xml' | 'svg' | 'png') => {
    const modeler = modelerRef.current;
    if (!modeler) return;
    if (kind === 'xml') saveFile(await modeler.saveXml(), `${id}.bpmn`, 'application/xml');
    else if (kind === 'svg') saveFile(await modeler.saveSvg(), `${id}.svg`, 'image/svg+xml');
    else saveFile(await modeler.savePng(), `${id}.png`);
  };

  const check = async () => {
    const modeler = modelerRef.current;
    if (!modeler) return;
    setChecking(true);
    try {
      const report = await request(endpoints.validateProcedure(id, { xml: await modeler.saveXml() }));
      setServerIssues([...report.errors, ...report.warnings]);
    } catch (err) {
      setProblem(errorMessage(err));
    } finally {
      setChecking(false);
    }
  };

  const onPublish = async () => {
    setProblem(null);
    if (!(await autosave.flush())) return;
    publish.mutate(
      { id, body: { revision: autosave.revision(), ...(legalChangeOf(legalChange) ? { legalChange: legalChangeOf(legalChange) } : {}) } },
      {
        onSuccess: (version) => {
          setServerIssues(version.warnings.length ? version.warnings : null);
          setLegalChange(emptyLegalChange());
          flash.show({ kind: 'success', text: t('modeler.published', { version: version.version }), path: `/procedures/${encodeURIComponent(id)}` });
        },
        onError: (err) => {
          setProblem(errorMessage(err));
          if (err instanceof ApiError && err.status === 400) void check();
        },
      },
    );
  };

  // A newer release of a shipped file: loaded into the draft (the editor then reloads it) or dismissed.
  const onAnswerOffer = async (answer: 'accept' | 'dismiss') => {
    const offer = procedure.bundledOffer;
    if (!offer) return;
    setProblem(null);
    if (!(await autosave.flush())) return;
    answerOffer.mutate(
      { id, offer: offer.id, answer, revision: autosave.revision() },
      {
        onSuccess: () => {
          flash.show({
            kind: 'success',
            text: t(answer === 'accept' ? 'modeler.offerAccepted' : 'modeler.offerDismissed'),
            path: `/procedures/${encodeURIComponent(id)}`,
          });
          onReload();
        },
        onError: (err) => setProblem(errorMessage(err)),
      },
    );
  };

  const reloadAfterConflict = async () => {
    await queryClient.invalidateQueries({ queryKey: queryKeys.procedure(id) });
    onReload();
  };

  const onFormChange = (formId: string, schema: FormSchema) => {
    formsRef.current = { ...formsRef.current, [formId]: schema };
    markDirty();
  };

  // Leaving the page with unsaved changes asks first.
  useEffect(() => {
    if (autosave.state === 'saved') return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [autosave.state]);

  const draftChanged = useMemo(() => procedure.draft.changedSincePublish, [procedure.draft.changedSincePublish]);

  return (
    <section className={`procedure-editor${canEdit ? '' : ' is-readonly'}`} data-testid="procedure-editor">
      <div className="page-head">
        <Link to="/procedures" className="back-link">
          {t('modeler.back')}
        </Link>
        <h1>{procedure.name}</h1>
        <code className="muted">{id}</code>
        {canEdit && (
          <span className={`save-state save-${autosave.state}`} role="status" data-testid="save-state" data-state={autosave.state}>
            {t(SAVE_LABEL[autosave.state])}
          </span>
        )}
        <div className="editor-actions">
          {canEdit && (
            <>
              <button type="button" className="button" onClick={() => void check()} disabled={checking} data-testid="validate">
                {t('modeler.validate')}
              </button>
              <button
                type="button"
                className="button button-primary"
                data-testid="publish"
                disabled={errorsCount > 0 || publish.isPending || autosave.state === 'conflict'}
                title={errorsCount > 0 ? t('modeler.publishBlocked') : undefined}
                onClick={() => void onPublish()}
              >
                {publish.isPending ? t('modeler.publishing') : t('modeler.publish')}
              </button>
            </>
          )}
        </div>
      </div>
      {canEdit && <LegalChangeFields value={legalChange} onChange={setLegalChange} />}
      {(procedure.bundledFile || procedure.catalogueCodes.length > 0) && (
        <p className="muted small procedure-origin" data-testid="procedure-origin">
          {procedure.bundledFile && <span className="badge badge-shipped">{t('modeler.shippedFile', { file: procedure.bundledFile })}</span>}
          {procedure.catalogueCodes.length > 0 && <span> {t('modeler.catalogue', { codes: procedure.catalogueCodes.join(', ') })}</span>}
        </p>
      )}
      {!canEdit && <Alert kind="info">{t('modeler.readOnly')}</Alert>}
      {canEdit && procedure.bundledOffer && (
        <div className="alert alert-info" role="status" data-testid="bundled-offer">
          <div className="alert-body">
            <strong>{t('modeler.offerTitle')}</strong>
            <p>{t('modeler.offerBody', { file: procedure.bundledFile ?? `${id}.bpmn`, at: formatDateTime(procedure.bundledOffer.offeredAt) })}</p>
            <div className="conflict-actions">
              <button
                type="button"
                className="button button-primary"
                disabled={answerOffer.isPending}
                onClick={() => void onAnswerOffer('accept')}
                data-testid="offer-accept"
              >
                {t('modeler.offerAccept')}
              </button>
              <button
                type="button"
                className="button"
                disabled={answerOffer.isPending}
                onClick={() => void onAnswerOffer('dismiss')}
                data-testid="offer-dismiss"
              >
                {t('modeler.offerDismiss')}
              </button>
            </div>
          </div>
        </div>
      )}
      {problem && (
        <Alert onDismiss={() => setProblem(null)} dismissLabel={t('errors.dismiss')}>
          {problem}
        </Alert>
      )}
      {autosave.state === 'error' && autosave.error && <Alert>{t('modeler.saveFailed', { message: autosave.error })}</Alert>}
      {autosave.conflict && (
        <div className="alert alert-error" role="alert" data-testid="save-conflict">
          <div className="alert-body">
            {t('modeler.conflict', { user: autosave.conflict.updatedBy ?? '?', at: formatDateTime(autosave.conflict.updatedAt) })}
            <div className="conflict-actions">
              <button type="button" className="button" onClick={() => void reloadAfterConflict()}>
                {t('modeler.conflictReload')}
              </button>
              <button type="button" className="button" onClick={() => void autosave.overwrite()}>
                {t('modeler.conflictOverwrite')}
              </button>
            </div>
          </div>
        </div>
      )}
      <div className="modeler-toolbar" role="toolbar" aria-label={t('modeler.toolbar')}>
        {canEdit && (
          <>
            <button type="button" className="button" onClick={() => modelerRef.current?.undo()} data-testid="undo">
              {t('modeler.undo')}
            </button>
            <button type="button" className="button" onClick={() => modelerRef.current?.redo()} data-testid="redo">
              {t('modeler.redo')}
            </button>
          </>
        )}
        <button type="button" className="button" onClick={() => modelerRef.current?.zoom(1)} aria-label={t('modeler.zoomIn')}>
          +
        </button>
        <button type="button" className="button" onClick={() => modelerRef.current?.zoom(-1)} aria-label={t('modeler.zoomOut')}>
          −
        </button>
        <button type="button" className="button" onClick={() => modelerRef.current?.fit()}>
          {t('modeler.fit')}
        </button>
        <button
          type="button"
          className={`button${simulation.active ? ' button-primary' : ''}`}
          aria-pressed={simulation.active}
          title={t('simulate.tokenTitle')}
          onClick={() => modelerRef.current?.setSimulation(!simulation.active)}
          data-testid="token-simulation"
        >
          {simulation.active ? t('simulate.tokenOff') : t('simulate.tokenOn')}
        </button>
        <span className="toolbar-gap" />
        {canEdit && (
          <label className="button file-button">
            {t('modeler.openFile')}
            <input type="file" accept=".bpmn,.xml,application/xml,text/xml" onChange={(e) => void onOpenFile(e)} data-testid="open-file" />
          </label>
        )}
        <button type="button" className="button" onClick={() => void exportAs('xml')} data-testid="export-xml">
          {t('modeler.exportXml')}
        </button>
        <button type="button" className="button" onClick={() => void exportAs('svg')} data-testid="export-svg">
          {t('modeler.exportSvg')}
        </button>
        <button type="button" className="button" onClick={() => void exportAs('png')} data-testid="export-png">
          {t('modeler.exportPng')}
        </button>
      </div>
      {simulation.active && (
        <p
          className="simulation-status small"
          role="status"
          data-testid="token-simulation-status"
          data-entered={simulation.entered.length}
          data-ended={simulation.ended}
        >
          {t('simulate.tokenHint')}{' '}
          {simulation.entered.length > 0 &&
            t('simulate.tokenMoved', { count: simulation.entered.length, element: labelOf(simulation.entered[simulation.entered.length - 1]) })}{' '}
          {simulation.ended && t('simulate.tokenEnded')}
        </p>
      )}
      <div className="modeler-body">
        <div ref={canvasRef} className="modeler-canvas" data-testid="modeler-canvas" />
        <div ref={propertiesRef} className="modeler-properties" data-testid="properties-panel" />
      </div>
      <LintPanel issues={issues} serverIssues={serverIssues} labelOf={labelOf} onSelect={(elementId) => modelerRef.current?.select(elementId)} />
      {canEdit && <SimulatePanel procedureId={id} currentXml={async () => modelerRef.current?.saveXml()} />}
      <SheetPanel procedure={procedure} canEdit={canEdit} />
      <VersionsPanel procedure={procedure} canEdit={canEdit} draftChanged={draftChanged} />
      {editingForm && formsRef.current[editingForm] && (
        <Suspense fallback={<p className="muted">{t('task.formLoading')}</p>}>
          <FormDialog
            formId={editingForm}
            schema={formsRef.current[editingForm]}
            readOnly={!canEdit}
            onChange={(schema) => onFormChange(editingForm, schema)}
            onClose={() => setEditingForm(null)}
          />
        </Suspense>
      )}
    </section>
  );
}
