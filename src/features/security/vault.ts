/**
 * The credential vault: one interface, two backends. Secrets are stored encrypted in the
 * `vault_entries` table and referenced by id from connection profiles and assets; only the
 * core reads them back (`get`), the renderer only ever sees `list()` metadata.
 *
 * - Outside Electron: AES-256-GCM, the 32-byte key in `<dataDir>/vault.key` (mode 0600).
 * - In Electron: `safeStorage`'s asynchronous API, injected by the host through a
 *   `VaultFactory` (src/ never imports electron). It refuses to store a secret when the
 *   selected backend is `basic_text` (a hard-coded password: no real protection).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../platform/db';
import { RelaisError } from '../../base/errors';

export const secretKinds = ['password', 'passphrase', 'private-key', 'token', 'other'] as const;
export type SecretKind = (typeof secretKinds)[number];

export interface VaultEntryMeta {
  id: string;
  label: string;
  kind: SecretKind;
  backend: string;
  createdAt: string;
  updatedAt: string;
}

export interface Vault {
  /** 'aes-256-gcm-file' or 'electron-safestorage:<backend>'. */
  readonly backend: string;
  put(label: string, secret: string, kind: SecretKind): Promise<string>;
  replace(id: string, secret: string): Promise<void>;
  /** Core only: never return this across the contract. */
  get(id: string): Promise<string>;
  delete(id: string): Promise<void>;
  list(): Promise<VaultEntryMeta[]>;
  /** Metadata of one entry, or null. */
  meta(id: string): Promise<VaultEntryMeta | null>;
}

/**
 * Reads a secret for one use only if its kind fits that use. Entries are referenced by id
 * from profiles and launch requests a caller writes; without this, an SSH profile or an RDP
 * launch naming the ITSM server's token id would send that token as a password to any host.
 */
export async function getSecretFor(vault: Pick<Vault, 'get' | 'meta'>, id: string, allowed: readonly SecretKind[], usedFor: { fr: string; en: string }): Promise<string> {
  const meta = await vault.meta(id);
  if (!meta || !allowed.includes(meta.kind))
    throw new RelaisError(
      'VAULT_WRONG_KIND',
      {
        fr: `Cet identifiant du coffre-fort ne peut pas servir pour ${usedFor.fr} : choisissez un mot de passe ou une clé enregistré pour cet usage (Paramètres › Sécurité).`,
        en: `This vault credential cannot be used for ${usedFor.en}: pick a password or key stored for this use (Settings › Security).`,
      },
      { id, kind: meta?.kind ?? null },
    );
  return vault.get(id);
}

/** Kinds a remote-login password or key may have (never 'token': the ITSM server's API tokens). */
export const loginSecretKinds: readonly SecretKind[] = ['password', 'passphrase', 'private-key', 'other'];

/** Encrypts/decrypts opaque blobs; the vault handles storage and metadata. */
export interface Cipher {
  readonly backend: string;
  /** Throws a RelaisError when storing secrets is not safe on this machine. */
  encrypt(plain: string): Promise<Buffer>;
  decrypt(blob: Buffer): Promise<string>;
}

export interface VaultContext {
  db: Db;
  dataDir: string;
  now(): Date;
}
/** What the Electron host passes (built on safeStorage) so src/ never imports electron. */
export type VaultFactory = (ctx: VaultContext) => Vault;

/** The subset of Electron's `safeStorage` the vault uses (async API). */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  getSelectedStorageBackend?(): string;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt?: boolean }>;
}

export const vaultErrors = {
  notFound: (id: string) =>
    new RelaisError(
      'VAULT_ENTRY_NOT_FOUND',
      {
        fr: `Identifiant introuvable dans le coffre-fort (${id}). Ajoutez-le dans Paramètres › Sécurité, ou choisissez-en un autre dans le profil de connexion.`,
        en: `Credential not found in the vault (${id}). Add it in Settings › Security, or pick another one in the connection profile.`,
      },
      { id },
    ),
  basicText: () =>
    new RelaisError('VAULT_UNSAFE_BACKEND', {
      fr: "Enregistrement refusé : ce poste n'a pas de trousseau système (backend « basic_text »), le secret ne serait pas réellement chiffré. Installez/déverrouillez un trousseau (GNOME Keyring, KWallet) puis réessayez, ou saisissez le mot de passe à chaque connexion.",
      en: 'Not stored: this computer has no system keyring (backend "basic_text"), so the secret would not really be encrypted. Install or unlock a keyring (GNOME Keyring, KWallet) and try again, or type the password at each connection.',
    }),
  unavailable: () =>
    new RelaisError('VAULT_UNAVAILABLE', {
      fr: "Le chiffrement du système n'est pas disponible : aucun secret ne peut être enregistré. Ouvrez votre session (trousseau déverrouillé) puis réessayez.",
      en: 'System encryption is not available: no secret can be stored. Log in with your keyring unlocked and try again.',
    }),
  undecryptable: (id: string) =>
    new RelaisError(
      'VAULT_UNREADABLE',
      {
        fr: "Ce secret ne peut pas être déchiffré (clé du coffre changée ou fichier altéré). Remplacez-le dans Paramètres › Sécurité.",
        en: 'This secret cannot be decrypted (vault key changed or file altered). Replace it in Settings › Security.',
      },
      { id },
    ),
  empty: () =>
    new RelaisError('VAULT_EMPTY_SECRET', {
      fr: 'Le secret est vide : saisissez-le puis réessayez.',
      en: 'The secret is empty: type it and try again.',
    }),
};

const KEY_FILE = 'vault.key';

/** AES-256-GCM with a per-install key file readable by the user only. */
export function fileCipher(dataDir: string): Cipher {
  const keyPath = path.join(dataDir, KEY_FILE);
  let key: Buffer | null = null;
  const loadKey = (): Buffer => {
    if (key) return key;
    try {
      const k = fs.readFileSync(keyPath);
      if (k.length !== 32) throw new Error('bad key length');
      if (process.platform !== 'win32' && (fs.statSync(keyPath).mode & 0o077) !== 0) fs.chmodSync(keyPath, 0o600);
      key = k;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      const k = crypto.randomBytes(32);
      fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      // wx: never overwrite a key another process just created.
      try {
        fs.writeFileSync(keyPath, k, { mode: 0o600, flag: 'wx' });
        key = k;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        key = fs.readFileSync(keyPath);
      }
    }
    return key!;
  };
  return {
    backend: 'aes-256-gcm-file',
    async encrypt(plain) {
      const iv = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', loadKey(), iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([Buffer.from([1]), iv, c.getAuthTag(), body]);
    },
    async decrypt(blob) {
      if (blob[0] !== 1 || blob.length < 29) throw new Error('bad blob');
      const d = crypto.createDecipheriv('aes-256-gcm', loadKey(), blob.subarray(1, 13));
      d.setAuthTag(blob.subarray(13, 29));
      return Buffer.concat([d.update(blob.subarray(29)), d.final()]).toString('utf8');
    },
  };
}

/** Electron safeStorage (async API); refuses `basic_text`. */
export function safeStorageCipher(safe: SafeStorageLike): Cipher {
  const backendName = () => safe.getSelectedStorageBackend?.() ?? (process.platform === 'win32' ? 'dpapi' : process.platform === 'darwin' ? 'keychain' : 'unknown');
  const ensureSafe = async () => {
    if (backendName() === 'basic_text') throw vaultErrors.basicText();
    if (!(await safe.isAsyncEncryptionAvailable())) throw vaultErrors.unavailable();
  };
  return {
    get backend() {
      return `electron-safestorage:${backendName()}`;
    },
    async encrypt(plain) {
      await ensureSafe();
      return safe.encryptStringAsync(plain);
    },
    async decrypt(blob) {
      return (await safe.decryptStringAsync(blob)).result;
    },
  };
}

interface Row {
  id: string;
  label: string;
  kind: SecretKind;
  backend: string;
  ciphertext: Buffer;
  created_at: string;
  updated_at: string;
}
const toMeta = (r: Row): VaultEntryMeta => ({ id: r.id, label: r.label, kind: r.kind, backend: r.backend, createdAt: r.created_at, updatedAt: r.updated_at });

/** A vault over a cipher, storing entries in the local database. */
export function createVault(ctx: VaultContext, cipher: Cipher): Vault {
  const { db } = ctx;
  const row = (id: string) => db.prepare('SELECT * FROM vault_entries WHERE id = ?').get(id) as Row | undefined;
  return {
    get backend() {
      return cipher.backend;
    },
    async put(label, secret, kind) {
      if (!secret) throw vaultErrors.empty();
      const blob = await cipher.encrypt(secret);
      const id = uuidv7();
      const at = ctx.now().toISOString();
      db.prepare('INSERT INTO vault_entries (id, label, kind, backend, ciphertext, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(id, label, kind, cipher.backend, blob, at, at);
      return id;
    },
    async replace(id, secret) {
      if (!secret) throw vaultErrors.empty();
      if (!row(id)) throw vaultErrors.notFound(id);
      const blob = await cipher.encrypt(secret);
      db.prepare('UPDATE vault_entries SET ciphertext = ?, backend = ?, updated_at = ? WHERE id = ?').run(blob, cipher.backend, ctx.now().toISOString(), id);
    },
    async get(id) {
      const r = row(id);
      if (!r) throw vaultErrors.notFound(id);
      try {
        return await cipher.decrypt(r.ciphertext);
      } catch {
        throw vaultErrors.undecryptable(id);
      }
    },
    async delete(id) {
      const res = db.prepare('DELETE FROM vault_entries WHERE id = ?').run(id);
      if (res.changes === 0) throw vaultErrors.notFound(id);
    },
    async list() {
      return (db.prepare('SELECT * FROM vault_entries ORDER BY label COLLATE NOCASE, created_at').all() as Row[]).map(toMeta);
    },
    async meta(id) {
      const r = row(id);
      return r ? toMeta(r) : null;
    },
  };
}

/** The default outside Electron. */
export const fileVaultFactory: VaultFactory = (ctx) => createVault(ctx, fileCipher(ctx.dataDir));

/** For `main/electron.ts`: `vaultFactory: safeStorageVaultFactory(safeStorage)`. */
export const safeStorageVaultFactory =
  (safe: SafeStorageLike): VaultFactory =>
  (ctx) =>
    createVault(ctx, safeStorageCipher(safe));
