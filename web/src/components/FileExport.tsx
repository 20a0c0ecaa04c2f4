import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Endpoint } from '../api/endpoints.js';
import { errorMessage, requestBlob } from '../api/request.js';
import { saveFile } from '../lib/download.js';
import { Alert } from './Alert.js';

/** A file to fetch from the API and save under a name. */
export interface FileExportRequest {
  endpoint: Endpoint<Blob>;
  fileName: string;
}

interface Progress {
  received: number;
  total: number | null;
}

/**
 * One export at a time: while it runs the caller disables its button and shows {@link FileExportStatus},
 * which says the file is being prepared and how many bytes have arrived while the answer streams.
 */
export function useFileExport() {
  const [progress, setProgress] = useState<Progress | null>(null);
  const mutation = useMutation({
    mutationFn: async ({ endpoint, fileName }: FileExportRequest) => {
      setProgress({ received: 0, total: null });
      const blob = await requestBlob(endpoint, undefined, (received, total) => setProgress({ received, total }));
      saveFile(blob, fileName);
    },
    onSettled: () => setProgress(null),
  });
  return {
    start: (req: FileExportRequest) => mutation.mutate(req),
    running: mutation.isPending,
    progress,
    error: mutation.isError ? mutation.error : null,
  };
}

/** The visible state of an export: a spinner with "Đang chuẩn bị tệp…" and the bytes received, or the failure. */
export function FileExportStatus({ state, testId }: { state: ReturnType<typeof useFileExport>; testId?: string }) {
  const { t, i18n } = useTranslation();
  const size = (n: number) => {
    const fmt = new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: 1 });
    return n < 1024 ? `${fmt.format(n)} B` : n < 1024 * 1024 ? `${fmt.format(n / 1024)} KB` : `${fmt.format(n / 1024 / 1024)} MB`;
  };
  const p = state.progress;
  return (
    <div className="file-export-status" data-testid={testId}>
      <p role="status" aria-live="polite" className="file-export-progress">
        {state.running && (
          <>
            <span className="spinner" aria-hidden="true" />
            {t('fileExport.preparing')}
            {p && p.received > 0 && (
              <>
                {' '}
                {p.total
                  ? t('fileExport.receivedOf', { received: size(p.received), total: size(p.total) })
                  : t('fileExport.received', { received: size(p.received) })}
              </>
            )}
          </>
        )}
      </p>
      {state.error && <Alert>{t('fileExport.failed', { reason: errorMessage(state.error) })}</Alert>}
    </div>
  );
}
