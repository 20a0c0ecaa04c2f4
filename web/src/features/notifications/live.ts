import { useEffect, useSyncExternalStore } from 'react';
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useToken } from '../../api/auth-store.js';
import { endpoints } from '../../api/endpoints.js';
import { meQuery, queryKeys } from '../../api/queries.js';
import { mayOpenLiveStream } from '../../lib/roles.js';
import { request } from '../../api/request.js';
import { withQuery } from '../../api/query-string.js';

/** Whether the live stream is connected: the inbox polls rarely while it is, often while it is not. */
let connected = false;
const listeners = new Set<() => void>();
function setConnected(next: boolean): void {
  if (connected === next) return;
  connected = next;
  for (const l of listeners) l();
}
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

export function useLiveConnected(): boolean {
  return useSyncExternalStore(subscribe, () => connected);
}

/** Refetches coalesced: a burst of changes (a bulk reassignment, a cancelled case) costs one refetch. */
function coalescer(client: QueryClient) {
  const pending = new Set<string>();
  let timer: number | undefined;
  return (what: 'tasks' | 'notifications' | { task: string }) => {
    pending.add(typeof what === 'string' ? what : `task:${what.task}`);
    if (timer !== undefined) return;
    timer = window.setTimeout(() => {
      timer = undefined;
      for (const p of pending) {
        if (p === 'tasks') {
          void client.invalidateQueries({ queryKey: queryKeys.taskLists() });
          void client.invalidateQueries({ queryKey: [...queryKeys.tasks(), 'counts'] });
        } else if (p === 'notifications') void client.invalidateQueries({ queryKey: queryKeys.notifications() });
        else void client.invalidateQueries({ queryKey: queryKeys.task(p.slice(5)), exact: true });
      }
      pending.clear();
    }, 150);
  };
}

/**
 * Subscribes the signed-in page to GET /api/events (server-sent events). EventSource cannot send the
 * bearer token, so each connection first asks for a short-lived ticket; after an error the stream is
 * reopened with a fresh ticket, backing off up to 30 s.
 */
export function useLiveEvents(): void {
  const client = useQueryClient();
  const token = useToken();
  const me = useQuery(meQuery());
  const allowed = mayOpenLiveStream(me.data?.roles);
  useEffect(() => {
    if (!token || !allowed || typeof EventSource === 'undefined') return;
    const refresh = coalescer(client);
    let source: EventSource | undefined;
    let stopped = false;
    let attempt = 0;
    let retryTimer: number | undefined;
    const retry = () => {
      if (stopped) return;
      attempt += 1;
      retryTimer = window.setTimeout(() => void connect(), Math.min(30_000, 500 * 2 ** attempt));
    };
    async function connect() {
      try {
        const { ticket } = await request(endpoints.eventTicket());
        if (stopped) return;
        source = new EventSource(withQuery('/api/events', { ticket }));
        source.addEventListener('ready', () => {
          attempt = 0;
          setConnected(true);
          // Whatever happened while we were not connected.
          refresh('tasks');
          refresh('notifications');
        });
        source.addEventListener('inbox', (event) => {
          refresh('tasks');
          const change = JSON.parse((event as MessageEvent<string>).data) as { kind: string; taskId?: string };
          // A page showing the task learns it was taken away; creation and urges do not disturb an open form.
          if (change.taskId && (change.kind === 'cancelled' || change.kind === 'assigned')) refresh({ task: change.taskId });
        });
        source.addEventListener('notification', () => refresh('notifications'));
        // The account's sessions ended (sign-out elsewhere, password or rights changed): the server
        // closes the stream. A moment later the token is checked: if this page changed the password it
        // holds a new token by then (and this effect restarts); otherwise the 401 signs the page out.
        source.addEventListener('session-ended', () => {
          source?.close();
          setConnected(false);
          window.setTimeout(() => {
            if (!stopped) void request(endpoints.me()).then(retry, () => undefined);
          }, 1500);
        });
        source.addEventListener('resync', () => {
          refresh('tasks');
          refresh('notifications');
        });
        source.onerror = () => {
          source?.close();
          setConnected(false);
          retry();
        };
      } catch {
        retry();
      }
    }
    void connect();
    return () => {
      stopped = true;
      window.clearTimeout(retryTimer);
      source?.close();
      setConnected(false);
    };
  }, [token, allowed, client]);
}
