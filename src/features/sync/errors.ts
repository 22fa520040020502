/**
 * What sync tells the technician when something fails or a connection test ends: a
 * sentence in French and English naming what was wrong and what to do, the server's own
 * words quoted after it.
 */
import { RelaisError } from '../../base/errors';
import { localize } from '../../base/messages';
import type { ServerKind } from '../../domain/sync';
import { SyncError } from './types';

export const syncErrors = {
  notConfigured: () => RelaisError.of('SYNC_NOT_CONFIGURED'),
  locked: () => RelaisError.of('LOCKED_BY_POLICY_itsm'),
  missingToken: (kind: ServerKind) => RelaisError.of(kind === 'rt' ? 'SYNC_MISSING_TOKEN_rt' : 'SYNC_MISSING_TOKEN_glpi'),
  opNotFound: (opId: string) => RelaisError.of('NOT_FOUND_op', { opId }, { opId }),
  conflictNotFound: (id: number) => RelaisError.of('NOT_FOUND_conflict', { id }, { id }),
};

/** A verdict the technician can act on, from a connector failure. */
export function explainFailure(err: unknown): { fr: string; en: string } {
  // A connector that knows the precise set-up mistake (GLPI: App-Token, URL without apirest.php) says it.
  if (err instanceof SyncError && 'hint' in err && (err as { hint?: { fr: string; en: string } }).hint) return (err as { hint: { fr: string; en: string } }).hint;
  if (err instanceof SyncError) {
    // The server's own words are quoted as such, after a sentence in the user's language.
    const message = err.serverMessage.slice(0, 300);
    const http = err.status ? ` HTTP ${err.status}` : '';
    switch (err.kind) {
      case 'auth':
        return localize('SYNC_VERDICT_AUTH', { http, message });
      case 'transient':
        return localize('SYNC_VERDICT_TRANSIENT', { http, message });
      case 'notFound':
        return localize('SYNC_VERDICT_NOT_FOUND', { http });
      default:
        return localize('SYNC_VERDICT_REFUSED', { http, message });
    }
  }
  const message = (err as Error)?.message?.slice(0, 200) ?? String(err);
  return localize('SYNC_VERDICT_UNEXPECTED', { message });
}

export function worksMessage(version: string | null, account: string, missing: number): { fr: string; en: string } {
  const v = version ?? { msg: 'NOUN_THE_SERVER' as const };
  if (!missing) return localize('SYNC_WORKS', { version: v, account });
  return localize(missing > 1 ? 'SYNC_WORKS_MISSING_other' : 'SYNC_WORKS_MISSING_one', { version: v, account, missing });
}
