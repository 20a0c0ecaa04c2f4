import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Asks for the reason before a step is sent back (a native modal dialog: focus trap and Escape
 * for free). The reason is required; the caller sends it and closes the dialog on success.
 */
export function SendBackDialog({
  open,
  target,
  busy,
  error,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  target: string;
  busy: boolean;
  error: string | null;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setReason('');
      setMissing(false);
      dialog.showModal();
    } else if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog ref={ref} className="tv-dialog" aria-labelledby="tv-send-back-title" onCancel={(e) => (e.preventDefault(), onCancel())}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (!reason.trim()) {
            setMissing(true);
            return;
          }
          onConfirm(reason.trim());
        }}
      >
        <h2 id="tv-send-back-title">{t('taskView.sendBackTitle', { step: target })}</h2>
        <label htmlFor="tv-send-back-reason">{t('taskView.sendBackReason')}</label>
        <textarea
          id="tv-send-back-reason"
          rows={4}
          maxLength={2000}
          value={reason}
          aria-invalid={missing}
          aria-required="true"
          onChange={(e) => {
            setReason(e.target.value);
            if (e.target.value.trim()) setMissing(false);
          }}
        />
        {missing && (
          <p className="field-error" role="alert">
            {t('taskView.sendBackReasonRequired')}
          </p>
        )}
        {error && (
          <div className="alert alert-error" role="alert">
            <div className="alert-body">{error}</div>
          </div>
        )}
        <div className="tv-dialog-actions">
          <button type="button" className="button" onClick={onCancel} disabled={busy}>
            {t('taskView.cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy} data-testid="send-back-confirm">
            {busy ? t('taskView.sendBackSending') : t('taskView.sendBackConfirm')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
