import { RelaisError } from '../../base/errors';
import type { TrustedKey } from './hostkeys';

export const sshErrors = {
  hostKeyChanged: (host: string, port: number, known: Pick<TrustedKey, 'fingerprint' | 'keyType' | 'source'>[], now: { keyType: string; fingerprint: string }) =>
    new RelaisError(
      'SSH_HOSTKEY_CHANGED',
      {
        fr: `Clé d'hôte modifiée : connexion refusée à ${host}:${port}. Empreinte attendue ${known.map((k) => `${k.keyType} ${k.fingerprint}`).join(', ')}, reçue ${now.keyType} ${now.fingerprint}. Aucun identifiant n'a été envoyé. Il peut s'agir d'une interception : vérifiez l'empreinte auprès de l'administrateur du serveur avant de remplacer la clé (Paramètres › Sécurité).`,
        en: `Host key changed: connection to ${host}:${port} refused. Expected ${known.map((k) => `${k.keyType} ${k.fingerprint}`).join(', ')}, received ${now.keyType} ${now.fingerprint}. No credential was sent. This may be an interception: check the fingerprint with the server's administrator before replacing the key (Settings › Security).`,
      },
      { host, port, oldFingerprints: known.map((k) => k.fingerprint), oldSources: known.map((k) => k.source), newFingerprint: now.fingerprint, keyType: now.keyType },
    ),
  hostKeyUnknown: (host: string, port: number, keyType: string, fingerprint: string) =>
    new RelaisError(
      'SSH_HOSTKEY_UNKNOWN',
      {
        fr: `Clé d'hôte inconnue pour ${host}:${port} (${keyType} ${fingerprint}). Ouvrez d'abord un terminal vers cet hôte pour vérifier et approuver son empreinte.`,
        en: `Unknown host key for ${host}:${port} (${keyType} ${fingerprint}). Open a terminal to this host first to check and trust its fingerprint.`,
      },
      { host, port, keyType, fingerprint },
    ),
  authFailed: (target: string, method: string) =>
    new RelaisError(
      'SSH_AUTH_FAILED',
      {
        fr: `Authentification refusée par ${target} (méthode : ${method}). Vérifiez l'utilisateur et le mot de passe ou la clé (Paramètres › Sécurité pour remplacer l'identifiant enregistré), puis réessayez.`,
        en: `Authentication refused by ${target} (method: ${method}). Check the user name and the password or key (Settings › Security to replace the stored credential), then try again.`,
      },
      { target, method },
    ),
  connectFailed: (target: string, cause: string) =>
    new RelaisError(
      'SSH_CONNECT_FAILED',
      {
        fr: `Connexion impossible à ${target} (${cause}). Vérifiez l'adresse, le port, le rebond et le réseau (VPN), puis réessayez.`,
        en: `Cannot connect to ${target} (${cause}). Check the address, port, jump host and network (VPN), then try again.`,
      },
      { target, cause },
    ),
  passwordNeeded: (target: string) =>
    new RelaisError(
      'SSH_PASSWORD_NEEDED',
      {
        fr: `Aucun mot de passe pour ${target} : saisissez-le pour cette connexion ou enregistrez-le dans le coffre-fort (Paramètres › Sécurité).`,
        en: `No password for ${target}: type it for this connection or store it in the vault (Settings › Security).`,
      },
      { target },
    ),
  passphraseNeeded: (keyFile: string) =>
    new RelaisError(
      'SSH_PASSPHRASE_NEEDED',
      {
        fr: `La clé ${keyFile} est protégée par une phrase secrète : enregistrez-la dans le coffre-fort et associez-la au profil, ou saisissez-la à la connexion.`,
        en: `The key ${keyFile} is protected by a passphrase: store it in the vault and link it to the profile, or type it when connecting.`,
      },
      { keyFile },
    ),
  keyUnreadable: (keyFile: string, cause: string) =>
    new RelaisError(
      'SSH_KEY_UNREADABLE',
      {
        fr: `Clé privée illisible (${keyFile}) : ${cause}. Vérifiez le chemin et les droits du fichier, ou la phrase secrète enregistrée.`,
        en: `Private key unreadable (${keyFile}): ${cause}. Check the path and file permissions, or the stored passphrase.`,
      },
      { keyFile },
    ),
  agentMissing: () =>
    new RelaisError('SSH_AGENT_MISSING', {
      fr: "Aucun agent SSH n'est disponible (SSH_AUTH_SOCK absent). Démarrez votre agent (ou Pageant) puis relancez Relais, ou choisissez une autre méthode d'authentification.",
      en: 'No SSH agent is available (SSH_AUTH_SOCK not set). Start your agent (or Pageant) and restart Relais, or choose another authentication method.',
    }),
  sessionNotFound: (id: string) =>
    new RelaisError(
      'SSH_SESSION_NOT_FOUND',
      { fr: `Session SSH introuvable ou terminée (${id}). Ouvrez un nouveau terminal.`, en: `SSH session not found or ended (${id}). Open a new terminal.` },
      { id },
    ),
  promptExpired: () =>
    new RelaisError('SSH_PROMPT_EXPIRED', {
      fr: 'Cette demande de confirmation a expiré. Relancez la connexion.',
      en: 'This confirmation request has expired. Start the connection again.',
    }),
  profileNotFound: (id: string) =>
    new RelaisError('NOT_FOUND', { fr: `Profil de connexion introuvable (${id}).`, en: `Connection profile not found (${id}).` }, { id }),
  replaceMismatch: (expected: string, actual: string) =>
    new RelaisError(
      'SSH_HOSTKEY_REPLACE_MISMATCH',
      {
        fr: `Le serveur présente maintenant ${actual}, pas l'empreinte que vous avez confirmée (${expected}). Rien n'a été remplacé : revérifiez avec l'administrateur.`,
        en: `The server now presents ${actual}, not the fingerprint you confirmed (${expected}). Nothing was replaced: check again with the administrator.`,
      },
      { expected, actual },
    ),
  transferFailed: (cause: string) =>
    new RelaisError(
      'SSH_TRANSFER_FAILED',
      {
        fr: `Transfert échoué : ${cause}. Aucun fichier partiel n'a été laissé sous le nom final ; vérifiez le chemin et les droits puis réessayez.`,
        en: `Transfer failed: ${cause}. No partial file was left under the final name; check the path and permissions and try again.`,
      },
      { cause },
    ),
  transferNotFound: (id: string) =>
    new RelaisError('SSH_TRANSFER_NOT_FOUND', { fr: `Transfert introuvable (${id}).`, en: `Transfer not found (${id}).` }, { id }),
  configUnreadable: (file: string) =>
    new RelaisError(
      'SSH_CONFIG_UNREADABLE',
      { fr: `Impossible de lire ${file}. Vérifiez que le fichier existe et est lisible.`, en: `Cannot read ${file}. Check the file exists and is readable.` },
      { file },
    ),
};
