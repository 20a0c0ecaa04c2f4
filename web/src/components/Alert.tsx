import type { ReactNode } from 'react';

/** A visible message; errors are announced immediately (role="alert"), others politely. */
export function Alert({
  kind = 'error',
  children,
  onDismiss,
  dismissLabel,
}: {
  kind?: 'error' | 'success' | 'info';
  children: ReactNode;
  onDismiss?: () => void;
  dismissLabel?: string;
}) {
  return (
    <div className={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      <div className="alert-body">{children}</div>
      {onDismiss && (
        <button type="button" className="alert-dismiss" onClick={onDismiss} aria-label={dismissLabel}>
          ×
        </button>
      )}
    </div>
  );
}
