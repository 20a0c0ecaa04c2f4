import { authStore } from '../../api/auth-store.js';
import { ApiError } from '../../api/request.js';
import type { Endpoint } from '../../api/endpoints.js';
import i18n from '../../i18n/index.js';

/** Offers a file to the user (an anchor with `download` on an object URL). */
export function saveFile(content: Blob | string, fileName: string, type = 'application/octet-stream'): void {
  const blob = typeof content === 'string' ? new Blob([content], { type }) : content;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * A binary answer (the procedure sheet PDF). `request()` speaks JSON only; this is its one binary
 * sibling, with the same bearer token and error message handling.
 */
export async function requestBlob(endpoint: Endpoint<Blob>): Promise<Blob> {
  const token = authStore.getToken();
  let response: Response;
  try {
    response = await fetch(endpoint.path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  } catch {
    throw new ApiError(0, i18n.t('errors.network'));
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    throw new ApiError(response.status, body.message || i18n.t('errors.unknown', { status: response.status }));
  }
  return response.blob();
}

/** Reads a chosen file as text (BPMN XML). */
export function readFileText(file: File): Promise<string> {
  return file.text();
}
