import { queryOptions } from '@tanstack/react-query';
import type {
  AcceptBody,
  DossierDetail,
  DossierList,
  DossierListQuery,
  ImportReply,
  PaperHandoverBody,
  Procedure,
  ProcedureList,
  PublicActionReply,
  PublicDossier,
  PublicProcedureList,
  ReasonBody,
  ReceptionForm,
  ReceptionFormBody,
  RegisterQuery,
  ReceiveBody,
  RequestCompletionBody,
  SubmitReply,
  WithdrawReply,
} from '../../../../api/schemas/onestop.js';
import type { Endpoint } from '../../api/endpoints.js';
import { request } from '../../api/request.js';
import { queryString } from '../../api/query-string.js';

const enc = encodeURIComponent;
const keyHeader = (token?: string | null): Record<string, string> => (token ? { 'x-lookup-token': token } : {});

/** Endpoint factories of the one-stop desk and the public pages. */
export const onestopEndpoints = {
  procedures: (all = false): Endpoint<ProcedureList> => ({ method: 'GET', path: `/api/onestop/procedures${queryString({ all })}` }),
  importJson: (rows: unknown[]): Endpoint<ImportReply> => ({ method: 'POST', path: '/api/onestop/procedures/import', body: rows }),
  importCsv: (text: string): Endpoint<ImportReply> => ({ method: 'POST', path: '/api/onestop/procedures/import.csv', raw: { contentType: 'text/csv', text } }),
  dossiers: (q: DossierListQuery): Endpoint<DossierList> => ({ method: 'GET', path: `/api/onestop/dossiers${queryString(q)}` }),
  dossier: (id: string): Endpoint<DossierDetail> => ({ method: 'GET', path: `/api/onestop/dossiers/${enc(id)}` }),
  /** In-person receipt with the scans: the body as JSON in the field "data", each scan as a file "scan:<document code>". */
  receive: (body: ReceiveBody, scans: Record<string, File> = {}): Endpoint<DossierDetail> => {
    const form = new FormData();
    form.append('data', JSON.stringify(body));
    for (const [code, file] of Object.entries(scans)) form.append(`scan:${code}`, file, file.name);
    return { method: 'POST', path: '/api/onestop/dossiers', form };
  },
  accept: (id: string, body: AcceptBody): Endpoint<DossierDetail> => ({ method: 'POST', path: `/api/onestop/dossiers/${enc(id)}/accept`, body }),
  requestCompletion: (id: string, body: RequestCompletionBody): Endpoint<DossierDetail> => ({
    method: 'POST',
    path: `/api/onestop/dossiers/${enc(id)}/request-completion`,
    body,
  }),
  refuse: (id: string, body: ReasonBody): Endpoint<DossierDetail> => ({ method: 'POST', path: `/api/onestop/dossiers/${enc(id)}/refuse`, body }),
  requestFees: (id: string, body: ReasonBody): Endpoint<DossierDetail> => ({ method: 'POST', path: `/api/onestop/dossiers/${enc(id)}/fees/request`, body }),
  feesPaid: (id: string): Endpoint<DossierDetail> => ({ method: 'POST', path: `/api/onestop/dossiers/${enc(id)}/fees/paid` }),
  handOverPaper: (id: string, body: PaperHandoverBody): Endpoint<DossierDetail> => ({
    method: 'POST',
    path: `/api/onestop/dossiers/${enc(id)}/paper-handover`,
    body,
  }),
  withdraw: (id: string, body: ReasonBody): Endpoint<WithdrawReply> => ({ method: 'POST', path: `/api/onestop/dossiers/${enc(id)}/withdraw`, body }),
  slip: (id: string): Endpoint<Blob> => ({ method: 'GET', path: `/api/onestop/dossiers/${enc(id)}/slip.pdf` }),
  file: (id: string, docId: string): Endpoint<Blob> => ({ method: 'GET', path: `/api/onestop/dossiers/${enc(id)}/files/${enc(docId)}` }),
  /** a form of TT 03/2025 drawn for the dossier (02, 03, 05, 06) */
  dossierForm: (id: string, form: DossierDetail['forms'][number]): Endpoint<Blob> => ({
    method: 'GET',
    path: `/api/onestop/dossiers/${enc(id)}/forms/${enc(form)}`,
  }),
  /** form 02 or 03 issued at the desk to a person whose dossier is not received */
  issueReceptionForm: (body: ReceptionFormBody): Endpoint<ReceptionForm> => ({ method: 'POST', path: '/api/onestop/reception-forms', body }),
  receptionFormPdf: (id: string): Endpoint<Blob> => ({ method: 'GET', path: `/api/onestop/reception-forms/${enc(id)}/pdf` }),
  /** form 07, the register of a unit over a period */
  register: (q: RegisterQuery): Endpoint<Blob> => ({ method: 'GET', path: `/api/onestop/register${queryString(q)}` }),
  // public (no login)
  publicProcedures: (): Endpoint<PublicProcedureList> => ({ method: 'GET', path: '/api/public/procedures', anonymous: true }),
  submit: (form: FormData): Endpoint<SubmitReply> => ({ method: 'POST', path: '/api/public/dossiers', anonymous: true, form }),
  lookup: (code: string, token?: string | null): Endpoint<PublicDossier> => ({
    method: 'GET',
    path: `/api/public/dossiers/${enc(code)}`,
    anonymous: true,
    headers: keyHeader(token),
  }),
  supplement: (code: string, token: string, form: FormData): Endpoint<PublicActionReply> => ({
    method: 'POST',
    path: `/api/public/dossiers/${enc(code)}/supplement`,
    anonymous: true,
    headers: keyHeader(token),
    form,
  }),
  publicWithdraw: (code: string, token: string, reason: string): Endpoint<PublicActionReply> => ({
    method: 'POST',
    path: `/api/public/dossiers/${enc(code)}/withdraw`,
    anonymous: true,
    headers: keyHeader(token),
    body: { reason },
  }),
};

export const onestopKeys = {
  all: () => ['onestop'] as const,
  procedures: (all: boolean) => [...onestopKeys.all(), 'procedures', all] as const,
  dossiers: (q: DossierListQuery) => [...onestopKeys.all(), 'dossiers', q] as const,
  dossier: (id: string) => [...onestopKeys.all(), 'dossier', id] as const,
  publicProcedures: () => ['public', 'procedures'] as const,
  lookup: (code: string, token?: string | null) => ['public', 'dossier', code, token ?? null] as const,
};

export const proceduresQuery = (all = false) =>
  queryOptions({ queryKey: onestopKeys.procedures(all), queryFn: ({ signal }) => request(onestopEndpoints.procedures(all), signal) });
export const dossiersQuery = (q: DossierListQuery) =>
  queryOptions({ queryKey: onestopKeys.dossiers(q), queryFn: ({ signal }) => request(onestopEndpoints.dossiers(q), signal) });
export const dossierQuery = (id: string) =>
  queryOptions({ queryKey: onestopKeys.dossier(id), queryFn: ({ signal }) => request(onestopEndpoints.dossier(id), signal) });
export const publicProceduresQuery = () =>
  queryOptions({ queryKey: onestopKeys.publicProcedures(), queryFn: ({ signal }) => request(onestopEndpoints.publicProcedures(), signal) });
export const lookupQuery = (code: string, token?: string | null) =>
  queryOptions({ queryKey: onestopKeys.lookup(code, token), queryFn: ({ signal }) => request(onestopEndpoints.lookup(code, token), signal), retry: false });

export type { Procedure, DossierDetail, PublicDossier };

export const eventKey = (type: string) => type.replace(/\./g, '_');
