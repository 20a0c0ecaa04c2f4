import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { notificationMutations, notificationsQuery } from '../../api/queries.js';
import { formatDateTime } from '../../lib/format.js';
import { Link } from '../../lib/router.js';
import { useLiveEvents } from './live.js';
import './notifications.css';

/** The bell in the header: unread count, the latest notifications, mark read. Also keeps the page live. */
export function NotificationBell() {
  const { t } = useTranslation();
  useLiveEvents();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const queryClient = useQueryClient();
  const list = useQuery(notificationsQuery({ limit: 10 }));
  const read = useMutation(notificationMutations.read(queryClient));
  const readAll = useMutation(notificationMutations.readAll(queryClient));
  const unread = list.data?.unread ?? 0;

  // Close on Escape or a click outside.
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    const onClick = (e: MouseEvent) => root.current && !root.current.contains(e.target as Node) && setOpen(false);
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open]);

  return (
    <div className="bell" ref={root}>
      <button
        type="button"
        className="bell-button"
        data-testid="notification-bell"
        aria-haspopup="true"
        aria-expanded={open}
        aria-label={`${t('notifications.bell')}: ${t('notifications.unread', { count: unread })}`}
        onClick={() => setOpen((o) => !o)}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
          <path
            fill="currentColor"
            d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
          />
        </svg>
        {unread > 0 && (
          <span className="bell-badge" data-testid="notification-count">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div className="bell-panel" role="region" aria-label={t('notifications.title')} data-testid="notification-panel">
          <div className="bell-panel-head">
            <h2>{t('notifications.title')}</h2>
            <button type="button" className="button button-small" disabled={unread === 0 || readAll.isPending} onClick={() => readAll.mutate()}>
              {t('notifications.markAllRead')}
            </button>
          </div>
          {(list.data?.items ?? []).length === 0 ? (
            <p className="muted">{t('notifications.empty')}</p>
          ) : (
            <ul className="bell-list">
              {list.data!.items.map((n) => (
                <li key={n.id} className={n.readAt ? 'bell-item' : 'bell-item bell-item-unread'} data-testid="notification-item" data-kind={n.kind}>
                  <div className="bell-item-subject">{n.subject}</div>
                  <div className="bell-item-body">{n.body}</div>
                  <div className="bell-item-meta">
                    <time dateTime={n.createdAt}>{formatDateTime(n.createdAt)}</time>
                    {n.taskId && (
                      <Link
                        to={`/tasks/${n.taskId}`}
                        onClick={() => {
                          if (!n.readAt) read.mutate(n.id);
                          setOpen(false);
                        }}
                      >
                        {t('notifications.open')}
                      </Link>
                    )}
                    {!n.readAt && (
                      <button type="button" className="link-button" onClick={() => read.mutate(n.id)}>
                        {t('notifications.markRead')}
                      </button>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
