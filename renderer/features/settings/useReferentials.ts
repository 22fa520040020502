import type { CallOutput } from '../../../src/api/contract';
import { useCall } from '../../api/queries';

export type ReferentialList = CallOutput<'referentials.list'>;
export type DeskSettings = CallOutput<'referentials.desk'>;

/** Teams and categories with their usage; fetched again on `referentials.changed` (api/stale-on-event.ts). */
export const useReferentialList = (): ReferentialList | null => useCall('referentials.list', undefined).data ?? null;

/** The priority matrix, SLA targets and business calendar; fetched again on `referentials.changed`. */
export const useDeskSettings = (): DeskSettings | null => useCall('referentials.desk', undefined).data ?? null;
