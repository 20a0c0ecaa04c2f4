import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { FixIncidentBody, Incident, IncidentList } from '../../../../api/schemas/incidents.js';
import type { Endpoint } from '../../api/endpoints.js';
import { errorMessage, request } from '../../api/request.js';
import { meQuery } from '../../api/queries.js';
import { Alert } from '../../components/Alert.js';
import { formatDateTime } from '../../lib/format.js';
import { Link } from '../../lib/router.js';

const incidentEndpoints = {
  list: (): Endpoint<IncidentList> => ({ method: 'GET', path: '/api/incidents' }),
  fix: (key: string, body: FixIncidentBody): Endpoint<Incident> => ({ method: 'POST', path: `/api/incidents/${encodeURIComponent(key)}/resolve`, body }),
};
const incidentKeys = { all: () => ['incidents'] as const };

/** The fix form of one incident (administrators): variables as JSON and a note, then set + retry + resolve. */
function FixForm({ incident, onDone }: { incident: Incident; onDone: (key: string) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [json, setJson] = useState('{}');
  const [note, setNote] = useState('');
  const [invalid, setInvalid] = useState(false);
  const fix = useMutation({
    mutationFn: (body: FixIncidentBody) => request(incidentEndpoints.fix(incident.incidentKey, body)),
    onSuccess: async () => {
      onDone(incident.incidentKey);
      await queryClient.invalidateQueries({ queryKey: incidentKeys.all() });
    },
  });
  return (
    <form
      className="incident-fix"
      data-testid="incident-fix"
      onSubmit={(e) => {
        e.preventDefault();
        let variables: unknown;
        try {
          variables = JSON.parse(json);
        } catch {
          variables = null;
        }
        if (!variables || typeof variables !== 'object' || Array.isArray(variables)) return setInvalid(true);
        setInvalid(false);
        fix.mutate({ variables: variables as Record<string, unknown>, ...(note.trim() ? { note: note.trim() } : {}) });
      }}
    >
      <label>
        {t('incidents.variables')}
        <textarea rows={2} value={json} onChange={(e) => setJson(e.target.value)} data-testid="incident-variables" />
      </label>
      <label>
        {t('incidents.note')}
        <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={1000} data-testid="incident-note" />
      </label>
      {invalid && <Alert>{t('incidents.invalidJson')}</Alert>}
      {fix.isError && <Alert>{errorMessage(fix.error)}</Alert>}
      <button type="submit" className="button button-primary" disabled={fix.isPending} data-testid="incident-fix-submit">
        {t('incidents.fixSubmit')}
      </button>
    </form>
  );
}

/** /su-co — open engine incidents of the cases in my scope (leaders: their units; administrators: all); administrators fix them. */
export default function IncidentsPage() {
  const { t } = useTranslation();
  const me = useQuery(meQuery());
  const list = useQuery({ queryKey: incidentKeys.all(), queryFn: ({ signal }) => request(incidentEndpoints.list(), signal), refetchInterval: 10_000 });
  const [open, setOpen] = useState<string | null>(null);
  const [fixed, setFixed] = useState<string | null>(null);
  const isAdmin = me.data?.roles.includes('admin') ?? false;
  return (
    <section>
      <h1>{t('incidents.title')}</h1>
      <p className="muted">{t('incidents.intro')}</p>
      {fixed && (
        <p role="status" data-testid="incident-fixed">
          {t('incidents.fixed', { key: fixed })}
        </p>
      )}
      {list.isError && <Alert>{errorMessage(list.error)}</Alert>}
      {list.data && list.data.items.length === 0 && <p data-testid="incidents-none">{t('incidents.none')}</p>}
      {list.data && list.data.items.length > 0 && (
        <table className="task-table" data-testid="incidents">
          <thead>
            <tr>
              <th scope="col">{t('incidents.case')}</th>
              <th scope="col">{t('incidents.process')}</th>
              <th scope="col">{t('incidents.element')}</th>
              <th scope="col">{t('incidents.reason')}</th>
              <th scope="col">{t('incidents.since')}</th>
              {isAdmin && <th scope="col">{t('incidents.fix')}</th>}
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((i) => (
              <tr key={i.incidentKey} data-testid="incident-row" data-incident={i.incidentKey}>
                <td>
                  <Link to={`/cases/${i.rootCase.processInstanceKey}`}>{i.rootCase.caseCode ?? i.rootCase.processInstanceKey}</Link>
                </td>
                <td>{i.processName ?? i.bpmnProcessId}</td>
                <td>
                  {i.elementName ?? i.elementId} <span className="muted small">({i.elementId})</span>
                </td>
                <td>
                  <strong>{i.errorType}</strong>
                  {i.errorMessage && <div className="small">{i.errorMessage}</div>}
                </td>
                <td>{formatDateTime(i.created)}</td>
                {isAdmin && (
                  <td>
                    {open === i.incidentKey ? (
                      <FixForm
                        incident={i}
                        onDone={(key) => {
                          setOpen(null);
                          setFixed(key);
                        }}
                      />
                    ) : (
                      <button type="button" className="button" onClick={() => setOpen(i.incidentKey)} data-testid="incident-fix-open">
                        {t('incidents.fix')}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
