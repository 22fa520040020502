import { useCallback, useEffect, useRef, useState } from 'react';
import { callDraftFormSchema, type CallDraftForm } from '../../../src/domain/call-drafts';
import { api } from '../../api/client';

export const EMPTY_FORM: CallDraftForm = callDraftFormSchema.parse({});
const SAVE_DELAY_MS = 200;

/**
 * One call draft, held by the form and written to the core's store a moment after each
 * change (and at once when the operator picks up, leaves the page or the tab goes away),
 * so navigation, a reload or a crash never loses a call in progress.
 */
export function useCallDraft(id: string) {
  const [form, setFormState] = useState<CallDraftForm>(EMPTY_FORM);
  const [startedAt, setStartedAt] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const latest = useRef({ form, startedAt, dirty: false, gone: false });
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    let live = true;
    api.call('drafts.list').then(
      ({ drafts }) => {
        if (!live) return;
        const d = drafts.find((x) => x.id === id);
        if (d) {
          latest.current = { form: d.form, startedAt: d.startedAt, dirty: false, gone: false };
          setFormState(d.form);
          setStartedAt(d.startedAt);
        }
        setLoaded(true);
      },
      () => live && setLoaded(true),
    );
    return () => {
      live = false;
    };
  }, [id]);

  const flush = useCallback(() => {
    clearTimeout(timer.current);
    const l = latest.current;
    if (!l.dirty || l.gone) return;
    l.dirty = false;
    void api.call('drafts.save', { id, startedAt: l.startedAt, form: l.form }).catch(() => {
      latest.current.dirty = true;
    });
  }, [id]);

  const schedule = useCallback(() => {
    latest.current.dirty = true;
    clearTimeout(timer.current);
    timer.current = setTimeout(flush, SAVE_DELAY_MS);
  }, [flush]);

  // Leaving the form (F3, another page) or the tab: write what is pending now.
  useEffect(() => {
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      flush();
    };
  }, [flush]);

  const setForm = useCallback(
    (update: (f: CallDraftForm) => CallDraftForm) => {
      setFormState((f) => {
        const next = update(f);
        latest.current.form = next;
        return next;
      });
      schedule();
    },
    [schedule],
  );

  /** The operator picked up: the timer starts now (once). */
  const pickUp = useCallback(() => {
    if (latest.current.startedAt) return;
    const at = new Date().toISOString();
    latest.current.startedAt = at;
    setStartedAt(at);
    latest.current.dirty = true;
    flush();
  }, [flush]);

  /**
   * The draft is becoming a ticket or is thrown away: nothing more is written for it (a save
   * sent later would bring it back after the core deleted it). Sent before the call that
   * deletes it, a pending save is written first: one connection keeps the order.
   */
  const forget = useCallback(() => {
    flush();
    latest.current.gone = true;
  }, [flush]);

  /** Logging failed: the draft is written again, as typed. */
  const keep = useCallback(() => {
    latest.current.gone = false;
    schedule();
  }, [schedule]);

  return { form, setForm, startedAt, pickUp, loaded, forget, keep };
}
