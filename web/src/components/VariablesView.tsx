import { useState } from 'react';
import { useTranslation } from 'react-i18next';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** JSON when it parses (numbers, booleans, quoted strings, objects), the raw text otherwise. */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * For a task without a form: its variables read-only, and (when editable) a small editor of
 * name/value pairs that the page sends as variables on completion.
 */
export function VariablesView({
  variables,
  editable,
  pending,
  onPendingChange,
}: {
  variables: Record<string, unknown>;
  editable: boolean;
  pending: Record<string, unknown>;
  onPendingChange: (next: Record<string, unknown>) => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [nameError, setNameError] = useState(false);
  const entries = Object.entries(variables).sort(([a], [b]) => a.localeCompare(b));

  const add = () => {
    if (!NAME.test(name)) {
      setNameError(true);
      return;
    }
    onPendingChange({ ...pending, [name]: parseValue(value) });
    setName('');
    setValue('');
    setNameError(false);
  };

  const remove = (key: string) => {
    const next = { ...pending };
    delete next[key];
    onPendingChange(next);
  };

  return (
    <div className="variables-view">
      <h2>{t('variables.title')}</h2>
      {entries.length === 0 ? (
        <p className="muted">{t('variables.empty')}</p>
      ) : (
        <table className="kv-table">
          <thead>
            <tr>
              <th scope="col">{t('variables.name')}</th>
              <th scope="col">{t('variables.value')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map(([key, v]) => (
              <tr key={key}>
                <th scope="row">{key}</th>
                <td>{show(v)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {editable && (
        <section className="variables-editor">
          <h3>{t('variables.toSend')}</h3>
          {Object.keys(pending).length > 0 && (
            <table className="kv-table">
              <tbody>
                {Object.entries(pending).map(([key, v]) => (
                  <tr key={key}>
                    <th scope="row">{key}</th>
                    <td>{show(v)}</td>
                    <td className="cell-action">
                      <button type="button" className="button button-quiet" onClick={() => remove(key)}>
                        {t('variables.remove')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <form
            className="variables-add"
            onSubmit={(event) => {
              event.preventDefault();
              add();
            }}
          >
            <label>
              <span>{t('variables.name')}</span>
              <input value={name} onChange={(e) => setName(e.target.value)} aria-invalid={nameError} autoComplete="off" />
            </label>
            <label>
              <span>{t('variables.value')}</span>
              <input value={value} onChange={(e) => setValue(e.target.value)} autoComplete="off" />
            </label>
            <button type="submit" className="button">
              {t('variables.add')}
            </button>
          </form>
          {nameError && (
            <p className="field-error" role="alert">
              {t('variables.invalidName')}
            </p>
          )}
          <p className="muted small">{t('variables.hint')}</p>
        </section>
      )}
    </div>
  );
}
