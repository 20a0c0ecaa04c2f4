import { useSyncExternalStore } from 'react';

/** One short message that survives the navigation to its page (e.g. "task completed" shown on the inbox). */
export interface Flash {
  kind: 'success' | 'info' | 'error';
  text: string;
  /** The page it belongs to; it is dropped when the user moves elsewhere. */
  path: string;
}

let current: Flash | null = null;
const listeners = new Set<() => void>();

export const flash = {
  show(next: Flash): void {
    current = next;
    for (const l of listeners) l();
  },
  /** Called on every navigation: drops a message that belongs to another page. */
  keepFor(pathname: string): void {
    if (current && current.path !== pathname) flash.clear();
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
