import { useCallback, useEffect, useState } from 'react';
import type { CallOutput } from '../../../src/api/contract';
import { api } from '../../api/client';
import { errorText, forgetTicketMeta } from '../ticket/ticket-meta';
import { reportBackgroundFailure } from '../../components/background-failure';

export type ReferentialList = CallOutput<'referentials.list'>;
export type DeskSettings = CallOutput<'referentials.desk'>;

/** Loads a referentials call and reloads it whenever any console changes teams, categories, the matrix, SLA or calendar. */
function useLive<T>(load: () => Promise<T>): [T | null, () => void] {
  const [value, setValue] = useState<T | null>(null);
  const reload = useCallback(() => {
    load().then(setValue, reportBackgroundFailure);
  }, [load]);
  useEffect(() => {
    reload();
    return api.on('referentials.changed', () => {
      forgetTicketMeta();
      reload();
    });
  }, [reload]);
  return [value, reload];
}

const loadList = () => api.call('referentials.list');
const loadDesk = () => api.call('referentials.desk');
export const useReferentialList = () => useLive(loadList);
export const useDeskSettings = () => useLive(loadDesk);

/**
 * Runs one change and says how it went: `ok` carries the sentence to show, `error` the
 * core's own message in the user's language (it names the field and what to do).
 */
export function useChange(lang: string) {
  const [state, setState] = useState<{ kind: 'ok' | 'error' | 'busy'; text: string } | null>(null);
  const run = useCallback(
    async <T>(fn: () => Promise<T>, ok: (v: T) => string): Promise<T | null> => {
      setState({ kind: 'busy', text: '' });
      try {
        const v = await fn();
        setState({ kind: 'ok', text: ok(v) });
        return v;
      } catch (e) {
        setState({ kind: 'error', text: errorText(e, lang) });
        return null;
      }
    },
    [lang],
  );
  return { state, run, clear: () => setState(null) };
}
