import type { Attachment } from '../../../../api/schemas/task-extras.js';
import type { ErrorBody } from '../../../../api/schemas/common.js';
import { authStore } from '../../api/auth-store.js';
import { endpoints } from '../../api/endpoints.js';
import { ApiError } from '../../api/request.js';
import i18n from '../../i18n/index.js';

/**
 * Sends one file as the raw body (application/octet-stream) with upload progress. `request()` speaks
 * JSON through fetch, which reports no upload progress; this is its one XMLHttpRequest sibling, with
 * the same bearer token and error messages. Resolves with the attachment and whether it is new.
 */
export function uploadAttachment(taskId: string, file: File, onProgress: (percent: number) => void): Promise<{ attachment: Attachment; created: boolean }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', endpoints.uploadAttachment(taskId, file.name).path);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json');
    const token = authStore.getToken();
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onerror = () => reject(new ApiError(0, i18n.t('errors.network')));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status === 200 || xhr.status === 201) {
        resolve({ attachment: body as Attachment, created: xhr.status === 201 });
        return;
      }
      const err = (body && typeof body === 'object' ? body : {}) as Partial<ErrorBody>;
      reject(new ApiError(xhr.status, err.message || i18n.t('errors.unknown', { status: xhr.status }), err));
    };
    xhr.send(file);
  });
}
