import { useSyncExternalStore } from 'react';

/** The bearer token of the signed-in user, kept in localStorage so a reload stays signed in. */

const TOKEN_KEY = 'eiso.token';
const listeners = new Set<() => void>();

function read(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

let token = read();

function emit() {
  for (const listener of listeners) listener();
}

// Another tab signing in or out.
window.addEventListener('storage', (event) => {
  if (event.key === TOKEN_KEY) {
    token = read();
    emit();
  }
});

export const authStore = {
  getToken: (): string | null => token,
  setToken(next: string | null): void {
    token = next;
    try {
      if (next) localStorage.setItem(TOKEN_KEY, next);
      else localStorage.removeItem(TOKEN_KEY);
    } catch {
      // storage unavailable: keep the token in memory for this page
    }
    emit();
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export function useToken(): string | null {
  return useSyncExternalStore((listener) => authStore.subscribe(listener), authStore.getToken);
}
