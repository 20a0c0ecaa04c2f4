import { useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Attachment } from '../../../../api/schemas/task-extras.js';
import { endpoints } from '../../api/endpoints.js';
import { queryKeys, taskAttachmentsQuery } from '../../api/queries.js';
import { errorMessage, requestBlob } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { formatDateTime } from '../../lib/format.js';
import { saveFile } from '../../lib/download.js';
import { uploadAttachment } from './upload.js';

export function formatSize(bytes: number, lang: string): string {
  const fmt = (n: number) => n.toLocaleString(lang === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: 1 });
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${fmt(bytes / 1024)} KB`;
  return `${fmt(bytes / 1024 / 1024)} MB`;
}

type Message = { kind: 'success' | 'error' | 'info'; text: string };

/** The case's files: list and download for everyone who sees the task; upload (with progress) for its holder. */
export function AttachmentsPanel({ taskId, canUpload }: { taskId: string; canUpload: boolean }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const files = useQuery(taskAttachmentsQuery(taskId));
  const inputRef = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<{ name: string; percent: number } | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);

  const limits = files.data;
  const types = limits ? limits.allowedExtensions.map((e) => `.${e}`).join(', ') : '';
  const maxSize = limits ? formatSize(limits.maxBytes, i18n.language) : '';

  const onFiles = async (list: FileList | null) => {
    if (!list || !limits) return;
    const out: Message[] = [];
    for (const file of Array.from(list)) {
      const ext = /\.([^.]+)$/.exec(file.name)?.[1]?.toLowerCase() ?? '';
      if (!limits.allowedExtensions.includes(ext)) {
        out.push({ kind: 'error', text: t('taskView.wrongType', { name: file.name, types }) });
        continue;
      }
      if (file.size > limits.maxBytes) {
        out.push({ kind: 'error', text: t('taskView.tooLarge', { name: file.name, size: maxSize }) });
        continue;
      }
      setProgress({ name: file.name, percent: 0 });
      try {
        const { attachment, created } = await uploadAttachment(taskId, file, (percent) => setProgress({ name: file.name, percent }));
        out.push({ kind: created ? 'success' : 'info', text: t(created ? 'taskView.uploaded' : 'taskView.alreadyAttached', { name: attachment.fileName }) });
      } catch (err) {
        out.push({ kind: 'error', text: errorMessage(err) });
      }
    }
    setProgress(null);
    setMessages(out);
    if (inputRef.current) inputRef.current.value = '';
    await queryClient.invalidateQueries({ queryKey: queryKeys.taskAttachments(taskId) });
  };

  const download = async (a: Attachment) => {
    try {
      saveFile(await requestBlob(endpoints.attachmentFile(taskId, a.id)), a.fileName);
    } catch (err) {
      setMessages([{ kind: 'error', text: errorMessage(err) }]);
    }
  };

  return (
    <section className="tv-panel tv-attachments" aria-labelledby="tv-attachments-title">
      <h2 id="tv-attachments-title">{t('taskView.attachments')}</h2>
      {files.isError && <Alert>{errorMessage(files.error)}</Alert>}
      {files.data && files.data.items.length === 0 && <p className="muted">{t('taskView.noAttachments')}</p>}
      {files.data && files.data.items.length > 0 && (
        <ul className="tv-files" data-testid="attachments">
          {files.data.items.map((a) => (
            <li key={a.id} className="tv-file" data-testid="attachment-row">
              <div className="tv-file-main">
                <span className="tv-file-name">{a.fileName}</span>
                <span className="muted small">
                  {formatSize(a.sizeBytes, i18n.language)} · {t('taskView.atStep')}: {a.stepName} · {a.uploadedBy} · {formatDateTime(a.uploadedAt)}
                </span>
              </div>
              <button type="button" className="button button-quiet" onClick={() => void download(a)} aria-label={`${t('taskView.download')} ${a.fileName}`}>
                {t('taskView.download')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {messages.map((m, i) => (
        <Alert key={i} kind={m.kind} onDismiss={() => setMessages((all) => all.filter((x) => x !== m))} dismissLabel={t('errors.dismiss')}>
          {m.text}
        </Alert>
      ))}
      {progress && (
        <div className="tv-progress" role="status">
          <span>{t('taskView.uploading', { name: progress.name, percent: progress.percent })}</span>
          <progress max={100} value={progress.percent} />
        </div>
      )}
      {canUpload ? (
        <div className="tv-upload">
          <label className="button">
            {t('taskView.upload')}
            <input
              ref={inputRef}
              type="file"
              multiple
              className="tv-visually-hidden"
              data-testid="attachment-input"
              accept={limits?.allowedExtensions.map((e) => `.${e}`).join(',')}
              disabled={progress !== null || !limits}
              onChange={(e) => void onFiles(e.target.files)}
            />
          </label>
          {limits && <p className="muted small">{t('taskView.uploadLimits', { types, size: maxSize })}</p>}
        </div>
      ) : (
        <p className="muted small">{t('taskView.uploadHolderOnly')}</p>
      )}
    </section>
  );
}
