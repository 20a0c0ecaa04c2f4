import { keepPreviousData, mutationOptions, queryOptions, type QueryClient } from '@tanstack/react-query';
import type {
  Complaint,
  PublicComplaintBody,
  PublicComplaintReceipt,
  PublicComplaintStatus,
  StaffFeedbackBody,
  ProposalBody,
  RiskList,
  AuditList,
  ComplaintList,
  ObjectiveList,
  ObjectiveCreateBody,
  ReviewList,
  AnnualReport,
  ClauseView,
  DocumentChangeBody,
  DocumentCreateBody,
  DocumentList,
  IsoDocument,
  NcCreateBody,
  NcList,
  NcListQuery,
  NonconformityDetail,
  AgencyOverviewList,
  IsoMe,
} from '../../../../api/schemas/iso.js';
import type { Endpoint } from '../../api/endpoints.js';
import { request } from '../../api/request.js';
import { queryString } from '../../api/query-string.js';

/** Endpoint factories of the ISO registers (api/routes/iso). */
export const isoEndpoints = {
  ncs: (f: Partial<NcListQuery>): Endpoint<NcList> => ({ method: 'GET', path: `/api/iso/nonconformities${queryString(f)}` }),
  nc: (id: string): Endpoint<NonconformityDetail> => ({ method: 'GET', path: `/api/iso/nonconformities/${encodeURIComponent(id)}` }),
  openNc: (body: NcCreateBody): Endpoint<NonconformityDetail> => ({ method: 'POST', path: '/api/iso/nonconformities', body }),
  documents: (): Endpoint<DocumentList> => ({ method: 'GET', path: '/api/iso/documents' }),
  createDocument: (body: DocumentCreateBody): Endpoint<IsoDocument> => ({ method: 'POST', path: '/api/iso/documents', body }),
  changeDocument: (id: string, kind: 'revisions' | 'withdrawal', body: DocumentChangeBody): Endpoint<IsoDocument> => ({
    method: 'POST',
    path: `/api/iso/documents/${encodeURIComponent(id)}/${kind}`,
    body,
  }),
  complaints: (): Endpoint<ComplaintList> => ({ method: 'GET', path: '/api/iso/complaints' }),
  audits: (): Endpoint<AuditList> => ({ method: 'GET', path: '/api/iso/audits' }),
  objectives: (year: number): Endpoint<ObjectiveList> => ({ method: 'GET', path: `/api/iso/objectives?year=${year}` }),
  createObjective: (body: ObjectiveCreateBody): Endpoint<ObjectiveList> => ({ method: 'POST', path: '/api/iso/objectives', body }),
  risks: (): Endpoint<RiskList> => ({ method: 'GET', path: '/api/iso/risks' }),
  reviews: (): Endpoint<ReviewList> => ({ method: 'GET', path: '/api/iso/reviews' }),
  propose: (id: string, body: ProposalBody): Endpoint<IsoDocument> => ({
    method: 'POST',
    path: `/api/iso/documents/${encodeURIComponent(id)}/proposals`,
    body,
  }),
  clauses: (): Endpoint<ClauseView> => ({ method: 'GET', path: '/api/iso/clauses' }),
  me: (): Endpoint<IsoMe> => ({ method: 'GET', path: '/api/iso/me' }),
  agencies: (year: number): Endpoint<AgencyOverviewList> => ({ method: 'GET', path: `/api/iso/agencies?year=${year}` }),
  report: (year: number, agency?: string): Endpoint<AnnualReport> => ({ method: 'GET', path: `/api/iso/report${queryString({ year, agency })}` }),
  reportXlsx: (year: number, agency?: string): Endpoint<Blob> => ({ method: 'GET', path: `/api/iso/report.xlsx${queryString({ year, agency })}` }),
  reportPdf: (year: number, agency?: string): Endpoint<Blob> => ({ method: 'GET', path: `/api/iso/report.pdf${queryString({ year, agency })}` }),
  feedback: (body: StaffFeedbackBody): Endpoint<Complaint> => ({ method: 'POST', path: '/api/iso/feedback', body }),
  publicComplaint: (body: PublicComplaintBody): Endpoint<PublicComplaintReceipt> => ({ method: 'POST', path: '/api/public/complaints', body, anonymous: true }),
  publicComplaintStatus: (code: string, token: string): Endpoint<PublicComplaintStatus> => ({
    method: 'GET',
    path: `/api/public/complaints/${encodeURIComponent(code)}`,
    anonymous: true,
    headers: { 'x-lookup-token': token },
  }),
};

export const isoKeys = {
  all: () => ['iso'] as const,
  ncs: (f: Partial<NcListQuery>) => [...isoKeys.all(), 'ncs', f] as const,
  nc: (id: string) => [...isoKeys.all(), 'nc', id] as const,
  documents: () => [...isoKeys.all(), 'documents'] as const,
  clauses: () => [...isoKeys.all(), 'clauses'] as const,
  me: () => [...isoKeys.all(), 'me'] as const,
  agencies: (year: number) => [...isoKeys.all(), 'agencies', year] as const,
  complaints: () => [...isoKeys.all(), 'complaints'] as const,
  audits: () => [...isoKeys.all(), 'audits'] as const,
  objectives: (year: number) => [...isoKeys.all(), 'objectives', year] as const,
  reviews: () => [...isoKeys.all(), 'reviews'] as const,
  risks: () => [...isoKeys.all(), 'risks'] as const,
  report: (year: number, agency?: string) => [...isoKeys.all(), 'report', year, agency ?? null] as const,
  publicComplaint: (code: string, token: string) => ['public', 'complaint', code, token] as const,
};

export const ncListQuery = (f: Partial<NcListQuery>) =>
  queryOptions({ queryKey: isoKeys.ncs(f), queryFn: ({ signal }) => request(isoEndpoints.ncs(f), signal), placeholderData: keepPreviousData });
export const ncQuery = (id: string) => queryOptions({ queryKey: isoKeys.nc(id), queryFn: ({ signal }) => request(isoEndpoints.nc(id), signal) });
export const documentsQuery = () => queryOptions({ queryKey: isoKeys.documents(), queryFn: ({ signal }) => request(isoEndpoints.documents(), signal) });
export const clausesQuery = () =>
  queryOptions({ queryKey: isoKeys.clauses(), queryFn: ({ signal }) => request(isoEndpoints.clauses(), signal), staleTime: 60_000 });
export const isoMeQuery = () => queryOptions({ queryKey: isoKeys.me(), queryFn: ({ signal }) => request(isoEndpoints.me(), signal), staleTime: 60_000 });
export const agenciesQuery = (year: number) =>
  queryOptions({ queryKey: isoKeys.agencies(year), queryFn: ({ signal }) => request(isoEndpoints.agencies(year), signal) });
export const reportQuery = (year: number, agency?: string) =>
  queryOptions({ queryKey: isoKeys.report(year, agency), queryFn: ({ signal }) => request(isoEndpoints.report(year, agency), signal) });

export const complaintsQuery = () => queryOptions({ queryKey: isoKeys.complaints(), queryFn: ({ signal }) => request(isoEndpoints.complaints(), signal) });
export const auditsQuery = () => queryOptions({ queryKey: isoKeys.audits(), queryFn: ({ signal }) => request(isoEndpoints.audits(), signal) });
export const objectivesQuery = (year: number) =>
  queryOptions({ queryKey: isoKeys.objectives(year), queryFn: ({ signal }) => request(isoEndpoints.objectives(year), signal) });
export const reviewsQuery = () => queryOptions({ queryKey: isoKeys.reviews(), queryFn: ({ signal }) => request(isoEndpoints.reviews(), signal) });

export const publicComplaintQuery = (code: string, token: string) =>
  queryOptions({
    queryKey: isoKeys.publicComplaint(code, token),
    queryFn: ({ signal }) => request(isoEndpoints.publicComplaintStatus(code, token), signal),
    enabled: Boolean(token),
  });

export const risksQuery = () => queryOptions({ queryKey: isoKeys.risks(), queryFn: ({ signal }) => request(isoEndpoints.risks(), signal) });

export const isoMutations = {
  feedback: (client: QueryClient) =>
    mutationOptions({
      mutationFn: (body: StaffFeedbackBody) => request(isoEndpoints.feedback(body)),
      onSuccess: () => client.invalidateQueries({ queryKey: isoKeys.all() }),
    }),
  publicComplaint: () => mutationOptions({ mutationFn: (body: PublicComplaintBody) => request(isoEndpoints.publicComplaint(body)) }),
  createObjective: (client: QueryClient) =>
    mutationOptions({
      mutationFn: (body: ObjectiveCreateBody) => request(isoEndpoints.createObjective(body)),
      onSuccess: (_r, body) => client.invalidateQueries({ queryKey: isoKeys.objectives(body.year) }),
    }),
  openNc: (client: QueryClient) =>
    mutationOptions({
      mutationFn: (body: NcCreateBody) => request(isoEndpoints.openNc(body)),
      onSuccess: () => client.invalidateQueries({ queryKey: isoKeys.all() }),
    }),
  createDocument: (client: QueryClient) =>
    mutationOptions({
      mutationFn: (body: DocumentCreateBody) => request(isoEndpoints.createDocument(body)),
      onSuccess: () => client.invalidateQueries({ queryKey: isoKeys.all() }),
    }),
  propose: (client: QueryClient) =>
    mutationOptions({
      mutationFn: (v: { id: string; body: ProposalBody }) => request(isoEndpoints.propose(v.id, v.body)),
      onSuccess: () => client.invalidateQueries({ queryKey: isoKeys.all() }),
    }),
  changeDocument: (client: QueryClient) =>
    mutationOptions({
      mutationFn: (v: { id: string; kind: 'revisions' | 'withdrawal'; body: DocumentChangeBody }) => request(isoEndpoints.changeDocument(v.id, v.kind, v.body)),
      onSuccess: () => client.invalidateQueries({ queryKey: isoKeys.all() }),
    }),
};
