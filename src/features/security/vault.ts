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
  /**
   * Synchronous access for the core's own keys (the audit chain's HMAC key), when the
   * backend can do it (the file cipher; safeStorage's sync API). Null otherwise.
   */
  readonly internal: InternalSecrets | null;
  /** Entries re-encrypted at this open to bind them to their id (older vaults); audited by the caller. */
  readonly rebound: number;
}

export interface InternalSecrets {
  get(id: string): string | null;
  create(id: string, label: string, secret: string): void;
}

/**
 * Reads a secret for one use only if its kind fits that use. Entries are referenced by id
 * from profiles and launch requests a caller writes; without this, an SSH profile or an RDP
 * launch naming the ITSM server's token id would send that token as a password to any host.
 */
export async function getSecretFor(vault: Pick<Vault, 'get' | 'meta'>, id: string, allowed: readonly SecretKind[], usedFor: { fr: string; en: string }): Promise<string> {
  const meta = await vault.meta(id);
  if (!meta || !allowed.includes(meta.kind))
    throw RelaisError.of('VAULT_WRONG_KIND', { usedFor }, { id, kind: meta?.kind ?? null });
  return vault.get(id);
}

/** Kinds a remote-login password or key may have (never 'token': the ITSM server's API tokens). */
export const loginSecretKinds: readonly SecretKind[] = ['password', 'passphrase', 'private-key', 'other'];

/** Encrypts/decrypts opaque blobs; the vault handles storage and metadata. */
export interface Cipher {
  readonly backend: string;
  /**
   * Throws a RelaisError when storing secrets is not safe on this machine. `aad` (the
   * entry's id) is authenticated with the ciphertext where the cipher supports it
   * (AES-GCM associated data), so a ciphertext copied to another entry fails to decrypt.
   */
  encrypt(plain: string, aad?: string): Promise<Buffer>;
  decrypt(blob: Buffer, aad?: string): Promise<string>;
  encryptSync?(plain: string, aad?: string): Buffer;
  decryptSync?(blob: Buffer, aad?: string): string;
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
  /** Electron's synchronous API, used only for the core's own keys at start. */
  isEncryptionAvailable?(): boolean;
  encryptString?(plainText: string): Buffer;
  decryptString?(encrypted: Buffer): string;
  getSelectedStorageBackend?(): string;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt?: boolean }>;
}

export const vaultErrors = {
  notFound: (id: string) =>
    RelaisError.of('VAULT_ENTRY_NOT_FOUND', { id }, { id }),
  basicText: () =>
    RelaisError.of('VAULT_UNSAFE_BACKEND'),
  unavailable: () =>
    RelaisError.of('VAULT_UNAVAILABLE'),
  undecryptable: (id: string) =>
    RelaisError.of('VAULT_UNREADABLE', {}, { id }),
  empty: () =>
    RelaisError.of('VAULT_EMPTY_SECRET'),
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
  // Format 1: [1, iv, tag, body] (no associated data, older vaults); format 2: the same
  // with the entry id as AES-GCM associated data.
  const encryptSync = (plain: string, aad?: string): Buffer => {
    const iv = crypto.randomBytes(12);
    const c = crypto.createCipheriv('aes-256-gcm', loadKey(), iv);
    if (aad !== undefined) c.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return Buffer.concat([Buffer.from([aad === undefined ? 1 : 2]), iv, c.getAuthTag(), body]);
  };
  const decryptSync = (blob: Buffer, aad?: string): string => {
    if ((blob[0] !== 1 && blob[0] !== 2) || blob.length < 29) throw new Error('bad blob');
    const d = crypto.createDecipheriv('aes-256-gcm', loadKey(), blob.subarray(1, 13));
    if (blob[0] === 2) {
      if (aad === undefined) throw new Error('bound blob read without its id');
      d.setAAD(Buffer.from(aad, 'utf8'));
    }
    d.setAuthTag(blob.subarray(13, 29));
    return Buffer.concat([d.update(blob.subarray(29)), d.final()]).toString('utf8');
  };
  return {
    backend: 'aes-256-gcm-file',
    encryptSync,
    decryptSync,
    encrypt: async (plain, aad) => encryptSync(plain, aad),
    decrypt: async (blob, aad) => decryptSync(blob, aad),
  };
}

/** Electron safeStorage (async API); refuses `basic_text`. */
export function safeStorageCipher(safe: SafeStorageLike): Cipher {
  const backendName = () => safe.getSelectedStorageBackend?.() ?? (process.platform === 'win32' ? 'dpapi' : process.platform === 'darwin' ? 'keychain' : 'unknown');
  const ensureSafe = async () => {
    if (backendName() === 'basic_text') throw vaultErrors.basicText();
    if (!(await safe.isAsyncEncryptionAvailable())) throw vaultErrors.unavailable();
  };
  // safeStorage has no associated data: the vault binds the id inside the plaintext instead.
  const sync =
    safe.encryptString && safe.decryptString
      ? {
          encryptSync: (plain: string) => {
            if (backendName() === 'basic_text') throw vaultErrors.basicText();
            if (safe.isEncryptionAvailable && !safe.isEncryptionAvailable()) throw vaultErrors.unavailable();
            return safe.encryptString!(plain);
          },
          decryptSync: (blob: Buffer) => safe.decryptString!(blob),
        }
      : {};
  return {
    get backend() {
      return `electron-safestorage:${backendName()}`;
    },
    ...sync,
    async encrypt(plain) {
      await ensureSafe();
      return safe.encryptStringAsync(plain);
    },
    async decrypt(blob) {
      return (await safe.decryptStringAsync(blob)).result;
    },
  };
}

/**
 * Every secret is stored as `BOUND_PREFIX + id + NUL + secret`: a ciphertext moved to
 * another entry decrypts to the wrong id and is refused, whatever the cipher (AES-GCM also
 * authenticates the id as associated data). A plaintext without the prefix is from a vault
 * written before ids were bound: accepted only until this vault has been migrated.
 */
const BOUND_PREFIX = '\u0000relais-bound-v2\u0000';
const bind = (id: string, secret: string) => `${BOUND_PREFIX}${id}\u0000${secret}`;
function unbind(id: string, plain: string, legacyAllowed: boolean): string {
  if (!plain.startsWith(BOUND_PREFIX)) {
    if (legacyAllowed) return plain;
    throw new Error('unbound ciphertext');
  }
  const rest = plain.slice(BOUND_PREFIX.length);
  const sep = rest.indexOf('\u0000');
  if (sep < 0 || rest.slice(0, sep) !== id) throw new Error('ciphertext of another entry');
  return rest.slice(sep + 1);
}
const BOUND_FLAG = 'vault_bound';

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
  const isBound = () => db.prepare('SELECT value FROM security_state WHERE key = ?').pluck().get(BOUND_FLAG) === '1';
  const rebound = cipher.encryptSync && cipher.decryptSync ? bindOlderEntries(ctx, cipher as Required<Cipher>) : 0;
  const internal: InternalSecrets | null =
    cipher.encryptSync && cipher.decryptSync
      ? {
          get: (id) => readInternalSecret(db, cipher, id),
          create(id, label, secret) {
            const at = ctx.now().toISOString();
            db.prepare('INSERT INTO vault_entries (id, label, kind, backend, ciphertext, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(id, label, 'other', cipher.backend, cipher.encryptSync!(bind(id, secret), id), at, at);
          },
        }
      : null;
  return {
    internal,
    rebound,
    get backend() {
      return cipher.backend;
    },
    async put(label, secret, kind) {
      if (!secret) throw vaultErrors.empty();
      const id = uuidv7();
      const blob = await cipher.encrypt(bind(id, secret), id);
      const at = ctx.now().toISOString();
      db.prepare('INSERT INTO vault_entries (id, label, kind, backend, ciphertext, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(id, label, kind, cipher.backend, blob, at, at);
      return id;
    },
    async replace(id, secret) {
      if (!secret) throw vaultErrors.empty();
      if (!row(id)) throw vaultErrors.notFound(id);
      const blob = await cipher.encrypt(bind(id, secret), id);
      db.prepare('UPDATE vault_entries SET ciphertext = ?, backend = ?, updated_at = ? WHERE id = ?').run(blob, cipher.backend, ctx.now().toISOString(), id);
    },
    async get(id) {
      const r = id.startsWith(INTERNAL_PREFIX) ? undefined : row(id);
      if (!r) throw vaultErrors.notFound(id);
      try {
        return unbind(id, await cipher.decrypt(r.ciphertext, id), !isBound());
      } catch {
        throw vaultErrors.undecryptable(id);
      }
    },
    async delete(id) {
      const res = db.prepare("DELETE FROM vault_entries WHERE id = ? AND id NOT LIKE 'relais-%'").run(id);
      if (res.changes === 0) throw vaultErrors.notFound(id);
    },
    async list() {
      return (db.prepare("SELECT * FROM vault_entries WHERE id NOT LIKE 'relais-%' ORDER BY label COLLATE NOCASE, created_at").all() as Row[]).map(toMeta);
    },
    async meta(id) {
      const r = id.startsWith(INTERNAL_PREFIX) ? undefined : row(id);
      return r ? toMeta(r) : null;
    },
  };
}

/** Ids of the core's own entries (the audit key): never listed, read or deleted through the contract. */
export const INTERNAL_PREFIX = 'relais-';
export const AUDIT_KEY_ID = 'relais-audit-chain-key';

/** Reads one of the core's own entries synchronously (also for the read-only audit CLI); null when absent. */
export function readInternalSecret(db: Db, cipher: Cipher, id: string): string | null {
  const r = db.prepare('SELECT ciphertext FROM vault_entries WHERE id = ?').get(id) as { ciphertext: Buffer } | undefined;
  if (!r) return null;
  if (!cipher.decryptSync) throw new Error('this vault backend cannot be read here');
  return unbind(id, cipher.decryptSync(r.ciphertext, id), false);
}

/**
 * First open of a vault written before ids were bound: every entry is re-encrypted bound
 * to its id, in one transaction, then the vault is marked bound (unbound blobs refused).
 */
function bindOlderEntries(ctx: VaultContext, cipher: Required<Cipher>): number {
  const { db } = ctx;
  if (db.prepare('SELECT value FROM security_state WHERE key = ?').pluck().get(BOUND_FLAG) === '1') return 0;
  const rows = db.prepare('SELECT id, ciphertext FROM vault_entries').all() as { id: string; ciphertext: Buffer }[];
  let n = 0;
  const update = db.prepare('UPDATE vault_entries SET ciphertext = ?, backend = ? WHERE id = ?');
  db.transaction(() => {
    for (const r of rows) {
      let plain: string;
      try {
        plain = cipher.decryptSync(r.ciphertext, r.id);
      } catch {
        continue; // unreadable already (key changed): left as is, reported when used
      }
      if (plain.startsWith(BOUND_PREFIX)) continue;
      update.run(cipher.encryptSync(bind(r.id, plain), r.id), cipher.backend, r.id);
      n++;
    }
    db.prepare('INSERT OR REPLACE INTO security_state (key, value) VALUES (?, ?)').run(BOUND_FLAG, '1');
  })();
  return n;
}

/** The default outside Electron. */
export const fileVaultFactory: VaultFactory = (ctx) => createVault(ctx, fileCipher(ctx.dataDir));

/** For `main/electron.ts`: `vaultFactory: safeStorageVaultFactory(safeStorage)`. */
export const safeStorageVaultFactory =
  (safe: SafeStorageLike): VaultFactory =>
  (ctx) =>
    createVault(ctx, safeStorageCipher(safe));
