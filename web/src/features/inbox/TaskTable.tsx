import { useTranslation } from 'react-i18next';
import type { Task } from '../../../../api/schemas/tasks.js';
import { formatDateTime } from '../../lib/format.js';
import { Link } from '../../lib/router.js';
import type { Tab, View } from './inbox-params.js';

interface Props {
  items: Task[];
  tab: Tab;
  view: View;
  /** leaders in the unit view pick rows for a bulk reassignment and urge holders */
  leaderTools: boolean;
  selected: Set<string>;
  onSelect: (ids: string[], on: boolean) => void;
  onClaim: (id: string) => void;
  claiming?: string;
  onUrge: (task: Task) => void;
}

/** Deadline as text and colour (the colour never carries the meaning alone). */
export function DeadlineBadge({ task }: { task: Task }) {
  const { t } = useTranslation();
  if (!task.dueDate) return <span className="muted">{t('deadline.noDue')}</span>;
  return (
    <span className={`deadline deadline-${task.deadlineState}`} data-testid="deadline">
      {t(`deadline.${task.deadlineState}`)}
    </span>
  );
}

/** The case a step belongs to: the root case for a step of a called process (call activity), else its own code. */
const caseCodeOf = (task: Task) =>
  task.rootCase ? (task.rootCase.caseCode ?? task.rootCase.processInstanceKey) : typeof task.variables.maHoSo === 'string' ? task.variables.maHoSo : undefined;

export function TaskTable({ items, tab, view, leaderTools, selected, onSelect, onClaim, claiming, onUrge }: Props) {
  const { t } = useTranslation();
  const done = tab === 'done';
  const selectable = leaderTools && !done;
  const canClaim = tab === 'available' && view === 'personal';
  const allSelected = selectable && items.length > 0 && items.every((x) => selected.has(x.id));
  return (
    <table className="task-table inbox-table">
      <thead>
        <tr>
          {selectable && (
            <th scope="col" className="cell-select">
              <input
                type="checkbox"
                aria-label={t('leader.selectAll')}
                checked={allSelected}
                onChange={(e) =>
                  onSelect(
                    items.map((x) => x.id),
                    e.target.checked,
                  )
                }
                data-testid="select-all"
              />
            </th>
          )}
          <th scope="col">{t('inbox.name')}</th>
          <th scope="col">{t('inbox.process')}</th>
          <th scope="col">{t('inbox.created')}</th>
          <th scope="col">{done ? t('inbox.completedAt') : t('inbox.due')}</th>
          <th scope="col">{t('inbox.assignee')}</th>
          {(canClaim || selectable) && <th scope="col">{t('inbox.actions')}</th>}
        </tr>
      </thead>
      <tbody>
        {items.map((task) => {
          const code = caseCodeOf(task);
          return (
            <tr
              key={task.id}
              data-testid="task-row"
              data-task-id={task.id}
              data-deadline={task.deadlineState}
              className={`row-${task.deadlineState}${selected.has(task.id) ? ' row-selected' : ''}`}
            >
              {selectable && (
                <td className="cell-select">
                  <input
                    type="checkbox"
                    aria-label={`${t('leader.select')}: ${task.name}`}
                    checked={selected.has(task.id)}
                    onChange={(e) => onSelect([task.id], e.target.checked)}
                    data-testid="select-task"
                  />
                </td>
              )}
              <td data-label={t('inbox.name')} className="cell-name">
                <Link to={`/tasks/${task.id}`}>{task.name}</Link>
                {code && (
                  <div className="small muted" data-testid="task-case">
                    {t('inboxFilters.caseLabel')} {code}
                  </div>
                )}
                {task.reminded && (
                  <div className="reminded" data-testid="reminded">
                    <span className="badge badge-reminded">{t('deadline.reminded')}</span>
                    {task.lastUrge && <span className="small"> {t('deadline.urgedBy', { by: task.lastUrge.byName, message: task.lastUrge.message })}</span>}
                  </div>
                )}
              </td>
              <td data-label={t('inbox.process')}>{task.processName}</td>
              <td data-label={t('inbox.created')}>{formatDateTime(task.createdAt)}</td>
              <td data-label={done ? t('inbox.completedAt') : t('inbox.due')} className="cell-due">
                {done ? formatDateTime(task.completedAt) : formatDateTime(task.dueDate)} <DeadlineBadge task={task} />
              </td>
              <td data-label={t('inbox.assignee')}>
                {task.assignee ? (
                  <span title={task.assignee}>{task.assigneeName ?? task.assignee}</span>
                ) : (
                  <span className="muted">{t('inbox.unassigned')}</span>
                )}
                {task.assignedBy && <div className="small muted">{t('leader.assignedBy', { user: task.assignedByName ?? task.assignedBy })}</div>}
              </td>
              {canClaim && (
                <td className="cell-action">
                  <button type="button" className="button button-primary" data-testid="claim" disabled={claiming === task.id} onClick={() => onClaim(task.id)}>
                    {t('inbox.claim')}
                  </button>
                </td>
              )}
              {selectable && (
                <td className="cell-action">
                  {task.assignee && (
                    <button type="button" className="button" data-testid="urge" onClick={() => onUrge(task)}>
                      {t('leader.urge')}
                    </button>
                  )}
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
