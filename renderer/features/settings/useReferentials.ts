import { useCallback, useEffect, useState } from 'react';
import type { CallOutput } from '../../../src/api/contract';
import { api } from '../../api/client';
import { forgetTicketMeta } from '../ticket/ticket-meta';
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
