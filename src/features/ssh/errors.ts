import { RelaisError, commonErrors } from '../../base/errors';
import type { TrustedKey } from './hostkeys';

export const sshErrors = {
  hostKeyChanged: (host: string, port: number, known: Pick<TrustedKey, 'fingerprint' | 'keyType' | 'source'>[], now: { keyType: string; fingerprint: string }) =>
    RelaisError.of('SSH_HOSTKEY_CHANGED', { host, port, known: known.map((k) => `${k.keyType} ${k.fingerprint}`).join(', '), keyType: now.keyType, fingerprint: now.fingerprint }, { host, port, oldFingerprints: known.map((k) => k.fingerprint), oldSources: known.map((k) => k.source), newFingerprint: now.fingerprint, keyType: now.keyType }),
  hostKeyUnknown: (host: string, port: number, keyType: string, fingerprint: string) =>
    RelaisError.of('SSH_HOSTKEY_UNKNOWN', { host, port, keyType, fingerprint }, { host, port, keyType, fingerprint }),
  authFailed: (target: string, method: string) =>
    RelaisError.of('SSH_AUTH_FAILED', { target, method }, { target, method }),
  connectFailed: (target: string, cause: string) =>
    RelaisError.of('SSH_CONNECT_FAILED', { target, cause }, { target, cause }),
  passwordNeeded: (target: string) =>
    RelaisError.of('SSH_PASSWORD_NEEDED', { target }, { target }),
  passphraseNeeded: (keyFile: string) =>
    RelaisError.of('SSH_PASSPHRASE_NEEDED', { keyFile }, { keyFile }),
  keyUnreadable: (keyFile: string, cause: string) =>
    RelaisError.of('SSH_KEY_UNREADABLE', { keyFile, cause }, { keyFile }),
  agentMissing: () =>
    RelaisError.of('SSH_AGENT_MISSING'),
  sessionNotFound: (id: string) =>
    RelaisError.of('SSH_SESSION_NOT_FOUND', { id }, { id }),
  promptExpired: () =>
    RelaisError.of('SSH_PROMPT_EXPIRED'),
  profileNotFound: (id: string) =>
    commonErrors.notFound('NOUN_SSH_PROFILE', id),
  replaceMismatch: (expected: string, actual: string) =>
    RelaisError.of('SSH_HOSTKEY_REPLACE_MISMATCH', { actual, expected }, { expected, actual }),
  transferFailed: (cause: string) =>
    RelaisError.of('SSH_TRANSFER_FAILED', { cause }, { cause }),
  transferNotFound: (id: string) =>
    RelaisError.of('SSH_TRANSFER_NOT_FOUND', { id }, { id }),
  configUnreadable: (file: string) =>
    RelaisError.of('SSH_CONFIG_UNREADABLE', { file }, { file }),
};
