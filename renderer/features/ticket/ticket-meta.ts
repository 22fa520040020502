import type { CallOutput } from '../../../src/api/contract';
import { ContractError } from '../../../src/api/client';
import { invalidateCall, useCall } from '../../api/queries';

export type TicketMeta = CallOutput<'tickets.meta'>;

/**
 * Teams, categories, technicians and the priority matrix: small, rarely changing, one
 * cached answer per tab, fetched again on `referentials.changed` / `settings.changed`.
 */
export function useTicketMeta(): TicketMeta | null {
  return useCall('tickets.meta', undefined, { staleTime: Infinity }).data ?? null;
}

/** After a change of the operator's name, teams or categories: the screens showing them reload them. */
export function forgetTicketMeta(): void {
  void invalidateCall('tickets.meta');
}

/** The error's message in the user's language (one implementation: components/Notice). */
export { errorText } from '../../components/Notice';

/** Field paths the core or the client rejected, to mark the matching inputs invalid. */
export function invalidFields(err: unknown): Set<string> {
  const issues = err instanceof ContractError ? (err.details as { issues?: { path: string }[] } | undefined)?.issues : undefined;
  return new Set((issues ?? []).map((i) => i.path.split('.')[0] ?? ''));
}

export function formatDateTime(iso: string, locale: string): string {
  return new Date(iso).toLocaleString(locale === 'en' ? 'en-GB' : 'fr-FR', { dateStyle: 'short', timeStyle: 'short' });
}

export function formatDuration(totalSec: number): string {
  const h = Math.floor(totalSec / 3600);
  const m = Math.floor((totalSec % 3600) / 60);
  const s = totalSec % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}
