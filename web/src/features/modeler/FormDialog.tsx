import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EisoFormEditor, type FormSchema } from '../../../../modeler/form-editor.js';

const FormView = lazy(() => import('../../components/FormView.js'));

/**
 * The form-js editor for one step's form, and a preview in the officer's form view. Every edit is
 * handed to `onChange` (the draft's forms are autosaved with the diagram).
 */
export function FormDialog({
  formId,
  schema,
  readOnly,
  onChange,
  onClose,
}: {
  formId: string;
  schema: FormSchema;
  readOnly: boolean;
  onChange: (schema: FormSchema) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const containerRef = useRef<HTMLDivElement>(null);
  const [tab, setTab] = useState<'edit' | 'preview'>(readOnly ? 'preview' : 'edit');
  const [current, setCurrent] = useState(schema);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    if (tab !== 'edit' || !containerRef.current) return;
    const editor = new EisoFormEditor(containerRef.current);
    let disposed = false;
    editor.importSchema(current).catch((err: unknown) => {
      if (!disposed) console.error('form-js editor could not import the schema', err);
    });
    const off = editor.onChange((next) => {
      setCurrent(next);
      onChangeRef.current(next);
    });
    return () => {
      disposed = true;
      off();
      editor.destroy();
    };
    // The editor is created once per visit of the tab; `current` only seeds it.
  }, [tab, formId]);

  return (
    <div className="form-dialog" role="dialog" aria-modal="true" aria-label={t('modeler.formTitle', { id: formId })} data-testid="form-dialog">
      <div className="form-dialog-head">
        <h2>{t('modeler.formTitle', { id: formId })}</h2>
        <div className="tabs" role="tablist">
          {!readOnly && (
            <button type="button" role="tab" className="tab" aria-selected={tab === 'edit'} onClick={() => setTab('edit')}>
              {t('modeler.formEdit')}
            </button>
          )}
          <button type="button" role="tab" className="tab" aria-selected={tab === 'preview'} onClick={() => setTab('preview')} data-testid="form-preview-tab">
            {t('modeler.formPreview')}
          </button>
        </div>
        <button type="button" className="button" onClick={onClose} data-testid="form-dialog-close">
          {t('modeler.formClose')}
        </button>
      </div>
      <div className="form-dialog-body">
        {tab === 'edit' ? (
          <div ref={containerRef} className="form-editor-container" data-testid="form-editor" />
        ) : (
          <Suspense fallback={<p className="muted">{t('task.formLoading')}</p>}>
            <div className="form-preview" data-testid="form-preview">
              <FormView schema={current} data={{}} readOnly={false} schemaKey={`${formId}-${JSON.stringify(current).length}`} />
            </div>
          </Suspense>
        )}
      </div>
    </div>
  );
}
