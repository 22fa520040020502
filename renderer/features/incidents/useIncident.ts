import type { CallOutput } from '../../../src/api/contract';
import { invalidateCall, useCall } from '../../api/queries';

export type IncidentDetail = CallOutput<'incidents.get'>;

/** The incident side of a ticket (`incident: null` when it is none), fetched again when the ticket changes. */
export function useIncident(ticketId: string): { detail: IncidentDetail | null; reload(): void } {
  const query = useCall('incidents.get', { ticketId });
  return { detail: query.data ?? null, reload: () => void invalidateCall('incidents.get', { ticketId }) };
}

/** Security incidents for the queue's banner and the register, live. */
export function useIncidentList(): CallOutput<'incidents.list'>['incidents'] | null {
  return useCall('incidents.list', undefined).data?.incidents ?? null;
}
