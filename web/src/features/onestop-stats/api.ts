import { mutationOptions, queryOptions, type QueryClient } from '@tanstack/react-query';
import type {
  Apology,
  ApologyBody,
  ApologyList,
  ApologyWindow,
  EvaluationBody,
  EvaluationForm,
  EvaluationResults,
  OverdueList,
  OverdueQuery,
  ServiceIndexQuery,
  ServiceIndexReport,
  StatsQuery,
  StatsReport,
} from '../../../../api/schemas/onestop-stats.js';
import type { Endpoint } from '../../api/endpoints.js';
import { request } from '../../api/request.js';
import { queryString } from '../../api/query-string.js';

const code = (c: string) => encodeURIComponent(c);

/** Endpoint factories of the one-stop statistics, apology and evaluation API. */
export const statsEndpoints = {
  statistics: (q: StatsQuery): Endpoint<StatsReport> => ({ method: 'GET', path: `/api/onestop-stats/statistics${queryString(q)}` }),
  serviceIndex: (q: ServiceIndexQuery): Endpoint<ServiceIndexReport> => ({ method: 'GET', path: `/api/onestop-stats/service-index${queryString(q)}` }),
  statisticsXlsx: (q: StatsQuery): Endpoint<Blob> => ({ method: 'GET', path: `/api/onestop-stats/statistics.xlsx${queryString(q)}` }),
  overdue: (q: OverdueQuery): Endpoint<OverdueList> => ({ method: 'GET', path: `/api/onestop-stats/overdue${queryString(q)}` }),
  evaluations: (q: { from?: string; to?: string }): Endpoint<EvaluationResults> => ({ method: 'GET', path: `/api/onestop-stats/evaluations${queryString(q)}` }),
  apologies: (status?: 'draft' | 'approved'): Endpoint<ApologyList> => ({ method: 'GET', path: `/api/onestop-stats/apologies${queryString({ status })}` }),
  draftApology: (c: string, body: ApologyBody): Endpoint<Apology> => ({ method: 'POST', path: `/api/onestop-stats/dossiers/${code(c)}/apology`, body }),
  apologyWindow: (c: string): Endpoint<ApologyWindow> => ({ method: 'GET', path: `/api/onestop-stats/dossiers/${code(c)}/apology/window` }),
  instanceApologyWindow: (key: string): Endpoint<ApologyWindow> => ({ method: 'GET', path: `/api/onestop-stats/instances/${code(key)}/apology/window` }),
  approveApology: (c: string): Endpoint<Apology> => ({ method: 'POST', path: `/api/onestop-stats/dossiers/${code(c)}/apology/approve` }),
  apologyPdf: (c: string): Endpoint<Blob> => ({ method: 'GET', path: `/api/onestop-stats/dossiers/${code(c)}/apology.pdf` }),
  // Public (no sign-in)
  evaluationForm: (c: string, token: string): Endpoint<EvaluationForm> => ({
    method: 'GET',
    path: `/api/public/evaluations/${code(c)}${queryString({ t: token })}`,
    anonymous: true,
  }),
  submitEvaluation: (c: string, body: EvaluationBody): Endpoint<{ code: string; submittedAt: string }> => ({
    method: 'POST',
    path: `/api/public/evaluations/${code(c)}`,
    body,
    anonymous: true,
  }),
  publicResults: (q: { from?: string; to?: string }): Endpoint<EvaluationResults> => ({
    method: 'GET',
    path: `/api/public/evaluation-results${queryString(q)}`,
    anonymous: true,
  }),
};

export const statsKeys = {
  all: () => ['onestop-stats'] as const,
  statistics: (q: StatsQuery) => [...statsKeys.all(), 'statistics', q] as const,
  overdue: (q: OverdueQuery) => [...statsKeys.all(), 'overdue', q] as const,
  serviceIndex: (q: ServiceIndexQuery) => [...statsKeys.all(), 'service-index', q] as const,
  evaluations: (q: object) => [...statsKeys.all(), 'evaluations', q] as const,
  apologies: (status?: string) => [...statsKeys.all(), 'apologies', status ?? null] as const,
  evaluationForm: (c: string) => [...statsKeys.all(), 'evaluation-form', c] as const,
  publicResults: (q: object) => [...statsKeys.all(), 'public-results', q] as const,
};

export const statisticsQuery = (q: StatsQuery) =>
  queryOptions({ queryKey: statsKeys.statistics(q), queryFn: ({ signal }) => request(statsEndpoints.statistics(q), signal) });
export const serviceIndexQuery = (q: ServiceIndexQuery) =>
  queryOptions({ queryKey: statsKeys.serviceIndex(q), queryFn: ({ signal }) => request(statsEndpoints.serviceIndex(q), signal) });
export const overdueQuery = (q: OverdueQuery) =>
  queryOptions({ queryKey: statsKeys.overdue(q), queryFn: ({ signal }) => request(statsEndpoints.overdue(q), signal) });
export const evaluationsQuery = (q: { from?: string; to?: string }) =>
  queryOptions({ queryKey: statsKeys.evaluations(q), queryFn: ({ signal }) => request(statsEndpoints.evaluations(q), signal) });
export const apologyWindowQuery = (c: string) =>
  queryOptions({
    queryKey: [...statsKeys.all(), 'apology-window', c] as const,
    queryFn: ({ signal }) => request(statsEndpoints.apologyWindow(c), signal),
    retry: false,
  });
export const instanceApologyWindowQuery = (key: string) =>
  queryOptions({
    queryKey: [...statsKeys.all(), 'apology-window', String(`instance:${key}`)] as const,
    queryFn: ({ signal }) => request(statsEndpoints.instanceApologyWindow(key), signal),
    retry: false,
  });
export const apologiesQuery = (status?: 'draft' | 'approved') =>
  queryOptions({ queryKey: statsKeys.apologies(status), queryFn: ({ signal }) => request(statsEndpoints.apologies(status), signal) });
export const evaluationFormQuery = (c: string, token: string) =>
  queryOptions({ queryKey: statsKeys.evaluationForm(c), queryFn: ({ signal }) => request(statsEndpoints.evaluationForm(c, token), signal), retry: false });
export const publicResultsQuery = (q: { from?: string; to?: string }) =>
  queryOptions({ queryKey: statsKeys.publicResults(q), queryFn: ({ signal }) => request(statsEndpoints.publicResults(q), signal) });

const invalidate = (qc: QueryClient) => qc.invalidateQueries({ queryKey: statsKeys.all() });

export const draftApologyMutation = (qc: QueryClient) =>
  mutationOptions({
    mutationFn: ({ code: c, body }: { code: string; body: ApologyBody }) => request(statsEndpoints.draftApology(c, body)),
    onSuccess: () => invalidate(qc),
  });
export const approveApologyMutation = (qc: QueryClient) =>
  mutationOptions({ mutationFn: (c: string) => request(statsEndpoints.approveApology(c)), onSuccess: () => invalidate(qc) });
export const submitEvaluationMutation = (qc: QueryClient) =>
  mutationOptions({
    mutationFn: ({ code: c, body }: { code: string; body: EvaluationBody }) => request(statsEndpoints.submitEvaluation(c, body)),
    onSuccess: () => invalidate(qc),
  });
