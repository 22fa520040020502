/**
 * What sync tells the technician when something fails or a connection test ends: a
 * sentence in French and English naming what was wrong and what to do, the server's own
 * words quoted after it.
 */
import { RelaisError } from '../../base/errors';
import type { ServerKind } from '../../domain/sync';
import { SyncError } from './types';

export const syncErrors = {
  notConfigured: () =>
    new RelaisError('SYNC_NOT_CONFIGURED', {
      fr: 'Aucun serveur ITSM configuré : renseignez le type de serveur, son adresse et vos identifiants dans Paramètres › Serveur ITSM.',
      en: 'No ITSM server configured: enter the server kind, its address and your credentials in Settings › ITSM server.',
    }),
  locked: () =>
    new RelaisError('LOCKED_BY_POLICY', {
      fr: "Le serveur ITSM est imposé par la politique de l'organisation : seuls vos identifiants peuvent être modifiés ici.",
      en: "The ITSM server is set by the organisation's policy: only your credentials can be changed here.",
    }),
  missingToken: (kind: ServerKind) =>
    new RelaisError('SYNC_MISSING_TOKEN', {
      fr: kind === 'rt' ? 'Jeton API manquant : créez un jeton dans RT (Préférences › Jetons d’authentification) et collez-le ici.' : "Jeton manquant : renseignez le jeton API de l'utilisateur et l'App-Token du client API GLPI (Configuration › Générale › API).",
      en: kind === 'rt' ? 'API token missing: create one in RT (Preferences › Auth tokens) and paste it here.' : "Token missing: enter the user's API token and the GLPI API client's App-Token (Setup › General › API).",
    }),
  opNotFound: (opId: string) =>
    new RelaisError('NOT_FOUND', { fr: `Modification introuvable ou déjà traitée (${opId}). Rafraîchissez le ticket.`, en: `Change not found or already handled (${opId}). Refresh the ticket.` }, { opId }),
  conflictNotFound: (id: number) =>
    new RelaisError('NOT_FOUND', { fr: `Conflit introuvable ou déjà résolu (${id}). Rafraîchissez le ticket.`, en: `Conflict not found or already resolved (${id}). Refresh the ticket.` }, { id }),
};

/** A verdict the technician can act on, from a connector failure. */
export function explainFailure(err: unknown): { fr: string; en: string } {
  // A connector that knows the precise set-up mistake (GLPI: App-Token, URL without apirest.php) says it.
  if (err instanceof SyncError && 'hint' in err && (err as { hint?: { fr: string; en: string } }).hint) return (err as { hint: { fr: string; en: string } }).hint;
  if (err instanceof SyncError) {
    // The server's own words are quoted as such, after a sentence in the user's language.
    const m = err.serverMessage.slice(0, 300);
    const http = err.status ? ` HTTP ${err.status}` : '';
    switch (err.kind) {
      case 'auth':
        return {
          fr: `Identifiants refusés par le serveur${http} : vérifiez ou renouvelez le jeton, puis enregistrez-le ici. Message du serveur : « ${m} »`,
          en: `Credentials refused by the server${http}: check or renew the token, then save it here. Server message: “${m}”`,
        };
      case 'transient':
        return {
          fr: `Serveur injoignable ou indisponible${http} : vérifiez l'adresse et votre connexion (VPN), puis réessayez. Détail technique : « ${m} »`,
          en: `Server unreachable or unavailable${http}: check the address and your connection (VPN), then try again. Technical detail: “${m}”`,
        };
      case 'notFound':
        return { fr: `Cette adresse ne répond pas comme un serveur de ce type${http} : vérifiez l'URL et le type de serveur.`, en: `This address does not answer like a server of this kind${http}: check the URL and server kind.` };
      default:
        return {
          fr: `Le serveur a refusé${http} : vérifiez les droits du compte et la configuration du serveur. Message du serveur : « ${m} »`,
          en: `The server refused${http}: check the account's rights and the server setup. Server message: “${m}”`,
        };
    }
  }
  const m = (err as Error)?.message?.slice(0, 200) ?? String(err);
  return { fr: `Échec inattendu : « ${m} ». Réessayez.`, en: `Unexpected failure: “${m}”. Try again.` };
}

export function worksMessage(version: string | null, account: string, missing: number): { fr: string; en: string } {
  const fr = `${version ?? 'Le serveur'} répond, compte authentifié : ${account}.`;
  const en = `${version ?? 'The server'} answers, authenticated account: ${account}.`;
  if (!missing) return { fr: `Connexion réussie : ${fr}`, en: `Connection works: ${en}` };
  return {
    fr: `${fr} Il manque ${missing} élément${missing > 1 ? 's' : ''} sur le serveur (détail ci-dessous) : utilisez « Préparer le serveur » ou transmettez la liste à l'administrateur.`,
    en: `${en} ${missing} item${missing > 1 ? 's are' : ' is'} missing on the server (see below): use “Prepare the server” or send the list to the administrator.`,
  };
}

