import { useCallback, useEffect, useState } from 'react';
import type { CallOutput } from '../../../src/api/contract';
import { api } from '../../api/client';
import { reportBackgroundFailure } from '../../components/background-failure';

export type IncidentDetail = CallOutput<'incidents.get'>;

/** The incident side of a ticket, refreshed whenever the ticket changes. */
export function useIncident(ticketId: string): { detail: IncidentDetail | null; reload(): void } {
  const [detail, setDetail] = useState<IncidentDetail | null>(null);
  const reload = useCallback(() => {
    api.call('incidents.get', { ticketId }).then(setDetail, () => setDetail(null));
  }, [ticketId]);
  useEffect(reload, [reload]);
  useEffect(() => api.on('tickets.changed', (p) => p.ids.includes(ticketId) && reload()), [ticketId, reload]);
  return { detail, reload };
}

/** Security incidents for the queue's banner and the register, live. */
export function useIncidentList(): CallOutput<'incidents.list'>['incidents'] | null {
  const [list, setList] = useState<CallOutput<'incidents.list'>['incidents'] | null>(null);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () => api.call('incidents.list').then((r) => setList(r.incidents), reportBackgroundFailure);
    load();
    const off = api.on('tickets.changed', () => {
      clearTimeout(timer);
      timer = setTimeout(load, 200);
    });
    return () => {
      clearTimeout(timer);
      off();
    };
  }, []);
  return list;
}
