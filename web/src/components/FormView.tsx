import { useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { problemText } from '../api/request.js';
import { Form } from '@bpmn-io/form-js-viewer';
import '@bpmn-io/form-js/dist/assets/form-js.css';
import { translateValidationModule } from './form-js/translate-validation.js';

type Data = Record<string, unknown>;
/** Field id -> its validation messages. */
type Errors = Record<string, string[]>;
/** A form-js schema, as the API returns it. */
type Schema = Record<string, unknown>;

/** What a page can do with the rendered form. */
export interface FormHandle {
  /** Runs every field validation; returns the data to send, or null when a field is invalid. */
  submit(): Data | null;
  validate(): Errors;
  /** Shows the server's refusals (400 of a completion) next to their fields and in the list above the form. */
  showServerErrors(fields: ServerFieldError[]): void;
}

/** A field the server refused: variable (or path), label, message (Vietnamese / English). */
export interface ServerFieldError {
  key: string;
  label: string;
  message: string;
}

interface FieldRegistry {
  get(id: string): { label?: string; key?: string } | undefined;
  getAll(): { id: string; key?: string; path?: string }[];
}

/** form-js keeps the validation messages it shows in its state, by field id (no public setter in 1.x). */
interface FormState {
  _getState(): { errors: Errors };
  _setState(state: { errors: Errors }): void;
}

/**
 * Adapter around form-js: React owns only the container element; form-js renders into it.
 * The schema and data are imported when the form (schemaKey) changes, not on every re-render,
 * so a background refetch never wipes what the officer is typing.
 */
export default function FormView({
  schema,
  data,
  readOnly,
  schemaKey,
  ref,
}: {
  schema: Schema;
  data: Data;
  readOnly: boolean;
  schemaKey: string;
  ref?: Ref<FormHandle>;
}) {
  const { t } = useTranslation();
  const containerRef = useRef<HTMLDivElement>(null);
  const formRef = useRef<Form | null>(null);
  const dataRef = useRef(data);
  dataRef.current = data;
  const [invalidLabels, setInvalidLabels] = useState<string[]>([]);

  useEffect(() => {
    // No input debounce: a value (and its validation message) updates as it is typed, so a fixed
    // error does not vanish later on blur and shift the field the officer is about to click.
    const options = { container: containerRef.current, properties: { readOnly }, additionalModules: [translateValidationModule], debounce: false };
    const form = new Form(options);
    formRef.current = form;
    let disposed = false;
    setInvalidLabels([]);
    form.importSchema(schema, dataRef.current).catch((err: unknown) => {
      if (!disposed) console.error('form-js could not import the schema', err);
    });
    return () => {
      disposed = true;
      form.destroy();
      formRef.current = null;
    };
    // readOnly is deliberately not a dependency: the next effect applies it without re-importing.
  }, [schema, schemaKey]);

  useEffect(() => {
    formRef.current?.setProperty('readOnly', readOnly);
  }, [readOnly]);

  const labelsOf = (errors: Errors): string[] => {
    const registry = formRef.current?.get<FieldRegistry>('formFieldRegistry');
    return Object.keys(errors).map((id) => {
      const field = registry?.get(id);
      return field?.label || field?.key || id;
    });
  };

  useImperativeHandle(ref, () => ({
    submit() {
      const form = formRef.current;
      if (!form) return null;
      const { data: submitted, errors } = form.submit();
      const labels = labelsOf(errors);
      setInvalidLabels(labels);
      return labels.length ? null : submitted;
    },
    validate() {
      const errors = formRef.current?.validate() ?? {};
      setInvalidLabels(labelsOf(errors));
      return errors;
    },
    showServerErrors(fields) {
      const form = formRef.current;
      setInvalidLabels(fields.map((f) => `${f.label || f.key}: ${problemText(f)}`));
      if (!form) return;
      try {
        const registry = form.get<FieldRegistry>('formFieldRegistry');
        const byKey = new Map(
          registry
            .getAll()
            .filter((f) => f.key || f.path)
            .map((f) => [f.key ?? f.path!, f.id]),
        );
        const errors: Errors = {};
        for (const f of fields) {
          const id = byKey.get(f.key) ?? byKey.get(f.key.split(/[.[]/)[0]);
          if (id) errors[id] = [...(errors[id] ?? []), problemText(f)];
        }
        const state = form as unknown as FormState;
        state._setState({ errors: { ...state._getState().errors, ...errors } });
      } catch {
        /* the list above the form still names every field */
      }
    },
  }));

  return (
    <div className="form-view">
      {invalidLabels.length > 0 && (
        <div className="alert alert-error" role="alert" data-testid="form-errors">
          <div className="alert-body">
            {t('task.invalidForm')}
            <ul>
              {invalidLabels.map((label) => (
                <li key={label}>{label}</li>
              ))}
            </ul>
          </div>
        </div>
      )}
      <div ref={containerRef} className="form-container" />
    </div>
  );
}
