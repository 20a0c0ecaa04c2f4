import { useSyncExternalStore } from 'react';

/** One short message that survives a navigation (e.g. "task completed" shown on the inbox). */
export interface Flash {
  kind: 'success' | 'info' | 'error';
  text: string;
}

let current: Flash | null = null;
const listeners = new Set<() => void>();

export const flash = {
  show(next: Flash): void {
    current = next;
    for (const l of listeners) l();
  },
  clear(): void {
    if (!current) return;
    current = null;
    for (const l of listeners) l();
  },
};

export function useFlash(): Flash | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
}
