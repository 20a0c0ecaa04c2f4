import { useCallback, useEffect, useRef, useState } from 'react';
import type { DraftConflict, FormSchemas } from '../../../../api/schemas/procedures.js';
import { endpoints } from '../../api/endpoints.js';
import { ApiError, errorMessage, request } from '../../api/request.js';

/** Quiet time after the last change before the draft is saved. */
export const AUTOSAVE_DELAY_MS = 1500;
const RETRY_MS = 5000;

export type SaveState = 'saved' | 'dirty' | 'saving' | 'conflict' | 'error';

export interface DraftContent {
  xml: string;
  forms: FormSchemas;
}

/**
 * Autosave of a procedure draft with optimistic concurrency: every save sends the revision it
 * started from; a 409 stops saving and shows who saved in between, until the user chooses.
 */
export function useDraftAutosave(opts: { id: string; revision: number; enabled: boolean; content: () => Promise<DraftContent> }) {
  const { id, enabled } = opts;
  const revision = useRef(opts.revision);
  const content = useRef(opts.content);
  content.current = opts.content;
  const changes = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const inFlight = useRef<Promise<boolean> | null>(null);
  const stateRef = useRef<SaveState>('saved');
  const [state, setStateValue] = useState<SaveState>('saved');
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<DraftConflict | null>(null);

  const setState = (next: SaveState) => {
    stateRef.current = next;
    setStateValue(next);
  };

  const save = useCallback(async (): Promise<boolean> => {
    clearTimeout(timer.current);
    if (inFlight.current) await inFlight.current;
    if (stateRef.current === 'conflict') return false;
    if (stateRef.current === 'saved') return true;
    const run = (async () => {
      const startedAt = changes.current;
      setState('saving');
      try {
        const body = await content.current();
        const draft = await request(endpoints.saveDraft(id, { revision: revision.current, ...body }));
        revision.current = draft.revision;
        setError(null);
        if (changes.current === startedAt) {
          setState('saved');
          return true;
        }
        setState('dirty');
        timer.current = setTimeout(() => void save(), AUTOSAVE_DELAY_MS);
        return true;
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) {
          setConflict(err.body as DraftConflict);
          setState('conflict');
          return false;
        }
        setError(err instanceof ApiError ? errorMessage(err) : err instanceof Error ? err.message : String(err));
        setState('error');
        timer.current = setTimeout(() => void save(), RETRY_MS);
        return false;
      }
    })();
    inFlight.current = run;
    try {
      return await run;
    } finally {
      inFlight.current = null;
    }
  }, [id]);

  /** Records a change; the save follows after a quiet moment. */
  const markDirty = useCallback(() => {
    if (!enabled) return;
    changes.current += 1;
    if (stateRef.current === 'conflict') return;
    if (stateRef.current !== 'saving') setState('dirty');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void save(), AUTOSAVE_DELAY_MS);
  }, [enabled, save]);

  /** Saves now (before publishing); true when the stored draft is what the user sees. */
  const flush = useCallback(async () => {
    if (stateRef.current === 'saved' && !inFlight.current) return true;
    if (stateRef.current === 'conflict') return false;
    if (stateRef.current === 'saving' && inFlight.current) await inFlight.current;
    if ((stateRef.current as SaveState) === 'saved') return true;
    setState('dirty');
    return save();
  }, [save]);

  /** After a conflict: save our version over the other one. */
  const overwrite = useCallback(async () => {
    if (!conflict) return;
    revision.current = conflict.currentRevision;
    setConflict(null);
    setState('dirty');
    await save();
  }, [conflict, save]);

  useEffect(() => () => clearTimeout(timer.current), []);

  return { state, error, conflict, markDirty, flush, overwrite, revision: () => revision.current };
}
