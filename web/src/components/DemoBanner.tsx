import { useEffect, useRef } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { endpoints } from '../api/endpoints.js';
import { request } from '../api/request.js';

const POLL_MS = 3000;

/**
 * While `npm start` fills the demo with activity, a line saying how far it is; it disappears when the
 * filler is done, and the pages then load again with everything it made.
 */
export function DemoBanner() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const status = useQuery({
    queryKey: ['demo-status'],
    queryFn: () => request(endpoints.demoStatus()),
    refetchInterval: (q) => (q.state.data?.running ? POLL_MS : false),
    staleTime: POLL_MS,
  });
  const wasRunning = useRef(false);
  const running = status.data?.running ?? false;
  useEffect(() => {
    if (wasRunning.current && !running) void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'demo-status' });
    wasRunning.current = running;
  }, [running, queryClient]);
  if (!status.data?.running) return null;
  const s = status.data;
  return (
    <div className="alert alert-info demo-banner" role="status" data-testid="demo-banner">
      <div className="alert-body">
        {t('demo.filling', { completed: s.completed + s.failed, total: s.total })}
        {s.demoDate && <> {t('demo.playing', { date: s.demoDate })}</>}
        {s.failed > 0 && <> {t('demo.failed', { failed: s.failed })}</>}
        <progress max={s.total} value={s.completed + s.failed} aria-hidden="true" />
      </div>
    </div>
  );
}
