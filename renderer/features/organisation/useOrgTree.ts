import type { OrgTree } from '../../../src/domain/organisation';
import { useCall } from '../../api/queries';

/** The organisations, directions/services and sites (one cached answer, fetched again after an import). */
export function useOrgTree(): OrgTree | null {
  // The tree is a refinement (filters, tiers): a screen works without it, so a failure is
  // reported in the background rather than blocking the screen.
  return useCall('organisation.tree', undefined).data ?? null;
}
