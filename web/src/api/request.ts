import type { ErrorBody } from '../../../api/schemas/common.js';
import i18n from '../i18n/index.js';
import { navigate } from '../lib/router.js';
import { flash } from '../components/flash.js';
import { authStore } from './auth-store.js';
import type { Endpoint } from './endpoints.js';

/** A failed call: the HTTP status (0 when the server was unreachable) and the server's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: Partial<ErrorBody>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * The text of an error body's code in the current language (web/src/i18n/errors.ts) with its params
 * filled in, or null when the language has no text for the code. A schema refusal (VALIDATION) says
 * its rule in words too.
 */
export function codeMessage(body: Partial<ErrorBody> | undefined): string | null {
  const code = body?.code;
  if (!code || !/^[A-Z][A-Z0-9_]*$/.test(code)) return null;
  const lng = i18n.resolvedLanguage ?? i18n.language;
  const key = `apiErrors.codes.${code}`;
  if (!i18n.exists(key, { lng, fallbackLng: false })) return null;
  const t = i18n.getFixedT(lng) as unknown as (key: string, options?: Record<string, unknown>) => string;
  const params: Record<string, unknown> = { ...(body?.params ?? {}) };
  if (code === 'VALIDATION') {
    const rule = `apiErrors.rules.${String(params.rule)}`;
    params.rule = t(i18n.exists(rule, { lng, fallbackLng: false }) ? rule : 'apiErrors.rules.invalid', params);
  }
  const unit = `apiErrors.units.${String(params.unit)}`;
  if (typeof params.unit === 'string' && i18n.exists(unit, { lng, fallbackLng: false })) params.unit = t(unit);
  return t(key, params);
}

/** Letters only Vietnamese uses (the English half of a server text has none). */
const VIETNAMESE = /[ăâđêôơưạảãàáậầấẩẫắằặẳẵẹẻẽèéệềếểễịỉĩìíọỏõòóộồốổỗợờớởỡụủũùúựừứửữỵỷỹỳý]/i;

/**
 * The half of a server text said "Vietnamese / English" in the reader's language (a code without a
 * text falls back to it): the split is the first " / " after which no Vietnamese letter follows, so a
 * slash inside the Vietnamese half stays. A text in one language is returned as it is.
 */
export function oneLanguage(text: string): string {
  const parts = text.split(' / ');
  for (let k = 1; k < parts.length; k++) {
    const vi = parts.slice(0, k).join(' / ');
    const en = parts.slice(k).join(' / ');
    if (VIETNAMESE.test(vi) && !VIETNAMESE.test(en)) return (i18n.resolvedLanguage ?? i18n.language) === 'en' ? en : vi;
  }
  return text;
}

/** One problem of a refusal's list (a catalogue row's, a BPMN element's, a form field's): its code's text, else its message in one language. */
export function problemText(p: { code?: string; params?: Record<string, string | number>; message: string }): string {
  return codeMessage(p) ?? oneLanguage(p.message);
}

/**
 * The message to show a person for any error thrown by a query or mutation: the code's text, else the
 * server's message in the reader's language; a BPMN refusal lists its problems after it.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const text = codeMessage(error.body) ?? oneLanguage(error.message);
    const problems = error.body?.problems;
    return problems?.length ? `${text}: ${problems.map(problemText).join('; ')}` : text;
  }
  return i18n.t('errors.unknown', { status: '?' });
}

/** Sends a call with the bearer token; a network failure becomes ApiError(0). */
async function send(endpoint: Endpoint<unknown>, signal: AbortSignal | undefined, accept: string): Promise<Response> {
  const headers: Record<string, string> = { accept, ...(endpoint.headers ?? {}) };
  // POSTs always carry a JSON body ("{}" when there is nothing to send): Fastify rejects an empty JSON body.
  const json = endpoint.body !== undefined ? JSON.stringify(endpoint.body) : endpoint.method === 'POST' ? '{}' : undefined;
  // A form sets its own multipart content type with the boundary.
  const body: BodyInit | undefined = endpoint.form ?? endpoint.raw?.text ?? json;
  if (endpoint.raw) headers['content-type'] = endpoint.raw.contentType;
  else if (!endpoint.form && json !== undefined) headers['content-type'] = 'application/json';
  const token = authStore.getToken();
  if (token && !endpoint.anonymous) headers.authorization = `Bearer ${token}`;
  try {
    return await fetch(endpoint.path, { method: endpoint.method, headers, body, signal });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, i18n.t('errors.network'));
  }
}

/** Turns a failed answer into ApiError with the server's message; a 401 signs out. */
function failure(endpoint: Endpoint<unknown>, response: Response, reply: unknown): ApiError {
  const errorBody = (reply && typeof reply === 'object' ? reply : {}) as Partial<ErrorBody>;
  if (response.status === 401 && !endpoint.anonymous) {
    authStore.setToken(null);
    flash.show({ kind: 'info', text: i18n.t('errors.sessionExpired'), path: '/login' });
    navigate('/login', { replace: true });
  }
  return new ApiError(response.status, errorBody.message || i18n.t('errors.unknown', { status: response.status }), errorBody);
}

/** The one way the app talks to the API: JSON in and out, bearer token, uniform errors. */
export async function request<Reply>(endpoint: Endpoint<Reply>, signal?: AbortSignal): Promise<Reply> {
  const response = await send(endpoint, signal, 'application/json');
  const text = await response.text();
  let reply: unknown;
  try {
    reply = text ? JSON.parse(text) : undefined;
  } catch {
    reply = undefined;
  }
  if (response.ok) return reply as Reply;
  throw failure(endpoint, response, reply);
}

/** Bytes of a file received so far, and its size when the server said it (Content-Length). */
export type BlobProgress = (received: number, total: number | null) => void;

/**
 * The binary sibling of {@link request} (PDFs, attachments): same token and error handling. With
 * `onProgress`, the body is read as it streams and each chunk reports the bytes received.
 */
export async function requestBlob(endpoint: Endpoint<Blob>, signal?: AbortSignal, onProgress?: BlobProgress): Promise<Blob> {
  const response = await send(endpoint, signal, '*/*');
  if (!response.ok) throw failure(endpoint, response, await response.json().catch(() => ({})));
  if (!onProgress || !response.body) return response.blob();
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : null;
  const type = response.headers.get('content-type') ?? '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  onProgress(0, total);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.byteLength;
      onProgress(received, total);
    }
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, i18n.t('errors.network'));
  }
  return new Blob(chunks as BlobPart[], { type });
}
