import { keepPreviousData, mutationOptions, queryOptions, type QueryClient } from '@tanstack/react-query';
import type {
  AuditLogList,
  AuditLogQuery,
  CaseExportQuery,
  CaseSampleQuery,
  CaseSampleReply,
  CaseSearchQuery,
  CaseSearchReply,
  HeatmapQuery,
  HeatmapReply,
  SavedQuery,
  SavedQueryBody,
  SavedQueryList,
  TimelineReply,
  VerifyReply,
} from '../../../../api/schemas/audit.js';
import type { Endpoint } from '../../api/endpoints.js';
import { request } from '../../api/request.js';
import { queryString } from '../../api/query-string.js';

/** Endpoint factories of the audit API (the auditor's workspace and the case timeline). */
export const auditEndpoints = {
  verify: (): Endpoint<VerifyReply> => ({ method: 'GET', path: '/api/audit/verify' }),
  log: (filters: AuditLogQuery): Endpoint<AuditLogList> => ({ method: 'GET', path: `/api/audit/log${queryString(filters)}` }),
  cases: (filters: CaseSearchQuery): Endpoint<CaseSearchReply> => ({ method: 'GET', path: `/api/audit/cases${queryString(filters)}` }),
  sample: (filters: CaseSampleQuery): Endpoint<CaseSampleReply> => ({ method: 'GET', path: `/api/audit/cases/sample${queryString(filters)}` }),
  heatmap: (filters: HeatmapQuery): Endpoint<HeatmapReply> => ({ method: 'GET', path: `/api/audit/heatmap${queryString(filters)}` }),
  savedQueries: (): Endpoint<SavedQueryList> => ({ method: 'GET', path: '/api/audit/saved-queries' }),
  saveQuery: (body: SavedQueryBody): Endpoint<SavedQuery> => ({ method: 'POST', path: '/api/audit/saved-queries', body }),
  exportCases: (filters: CaseExportQuery): Endpoint<Blob> => ({ method: 'GET', path: `/api/audit/cases/export.xlsx${queryString(filters)}` }),
  exportCase: (processInstanceKey: string): Endpoint<Blob> => ({ method: 'GET', path: `/api/cases/${encodeURIComponent(processInstanceKey)}/export.zip` }),
  timeline: (processInstanceKey: string): Endpoint<TimelineReply> => ({ method: 'GET', path: `/api/cases/${encodeURIComponent(processInstanceKey)}/timeline` }),
};

export const auditKeys = {
  all: () => ['audit'] as const,
  cases: (filters: CaseSearchQuery) => [...auditKeys.all(), 'cases', filters] as const,
  sample: (filters: CaseSampleQuery) => [...auditKeys.all(), 'sample', filters] as const,
  heatmap: (filters: HeatmapQuery) => [...auditKeys.all(), 'heatmap', filters] as const,
  savedQueries: () => [...auditKeys.all(), 'saved'] as const,
  log: (filters: AuditLogQuery) => [...auditKeys.all(), 'log', filters] as const,
  timeline: (key: string) => [...auditKeys.all(), 'timeline', key] as const,
};

/** Every audit query is logged server-side: no background refetch on focus. */
const quiet = { refetchOnWindowFocus: false, staleTime: 60_000 } as const;

export const caseSearchQuery = (filters: CaseSearchQuery) =>
  queryOptions({
    queryKey: auditKeys.cases(filters),
    queryFn: ({ signal }) => request(auditEndpoints.cases(filters), signal),
    placeholderData: keepPreviousData,
    ...quiet,
  });

export const caseSampleQuery = (filters: CaseSampleQuery) =>
  queryOptions({ queryKey: auditKeys.sample(filters), queryFn: ({ signal }) => request(auditEndpoints.sample(filters), signal), ...quiet });

export const heatmapQuery = (filters: HeatmapQuery) =>
  queryOptions({ queryKey: auditKeys.heatmap(filters), queryFn: ({ signal }) => request(auditEndpoints.heatmap(filters), signal), ...quiet });

export const savedQueriesQuery = () =>
  queryOptions({ queryKey: auditKeys.savedQueries(), queryFn: ({ signal }) => request(auditEndpoints.savedQueries(), signal), ...quiet });

export const auditLogQuery = (filters: AuditLogQuery) =>
  queryOptions({
    queryKey: auditKeys.log(filters),
    queryFn: ({ signal }) => request(auditEndpoints.log(filters), signal),
    placeholderData: keepPreviousData,
    ...quiet,
  });

export const timelineQuery = (key: string) =>
  queryOptions({ queryKey: auditKeys.timeline(key), queryFn: ({ signal }) => request(auditEndpoints.timeline(key), signal), ...quiet });

export const auditMutations = {
  saveQuery: (client: QueryClient) =>
    mutationOptions({
      mutationFn: (body: SavedQueryBody) => request(auditEndpoints.saveQuery(body)),
      onSuccess: () => client.invalidateQueries({ queryKey: auditKeys.savedQueries() }),
    }),
  /** Verification is an action (it is logged and may take a while on a large log), not a cached query. */
  verify: () => mutationOptions({ mutationFn: () => request(auditEndpoints.verify()) }),
};

/** "1 ngày 2 giờ", "35 phút", "12 giây", or "< 1 giây", in the current language's words. */
export function formatDuration(
  ms: number | null | undefined,
  t: (key: 'audit.units.d' | 'audit.units.h' | 'audit.units.m' | 'audit.units.s' | 'audit.units.lt1s') => string,
): string {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return t('audit.units.lt1s');
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts: string[] = [];
  if (d) parts.push(`${d} ${t('audit.units.d')}`);
  if (h) parts.push(`${h} ${t('audit.units.h')}`);
  if (m && !d) parts.push(`${m} ${t('audit.units.m')}`);
  if (!d && !h && !m) parts.push(`${s % 60} ${t('audit.units.s')}`);
  return parts.join(' ');
}

/** Exports are logged server-side and may take a while: one click, one file (see useFileExport), never cached. */
export const exportFiles = {
  cases: (filters: CaseExportQuery) => ({ endpoint: auditEndpoints.exportCases(filters), fileName: `ho-so-${new Date().toISOString().slice(0, 10)}.xlsx` }),
  caseFile: (key: string, code: string | null) => ({
    endpoint: auditEndpoints.exportCase(key),
    fileName: `ho-so-${(code ?? key).replace(/[^A-Za-z0-9._-]/g, '_')}.zip`,
  }),
};
