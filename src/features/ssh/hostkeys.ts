/**
 * Host-key trust: the local trust store (table `host_keys`) plus the user's OpenSSH
 * `known_hosts` files (plain and hashed `|1|salt|hash` entries). Checked inside ssh2's
 * `hostVerifier`, i.e. during key exchange, before any credential is sent.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../../platform/db';
import { globMatch } from './glob';
import { readBoundedFileSync } from './bounded-read';

const MAX_KNOWN_HOSTS_BYTES = 16 * 1024 * 1024;

export interface HostKeyInfo {
  keyType: string;
  /** `SHA256:<base64 without padding>`, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** Base64 of the raw public key blob. */
  publicKey: string;
}

export interface TrustedKey extends HostKeyInfo {
  host: string;
  port: number;
  source: 'relais' | 'known_hosts';
  addedAt: string | null;
  addedBy: string | null;
}

export type TrustVerdict =
  | { status: 'trusted'; source: 'relais' | 'known_hosts' }
  | { status: 'unknown' }
  | { status: 'changed'; known: TrustedKey[] };

export function fingerprintOf(key: Buffer): string {
  return 'SHA256:' + crypto.createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
}

/** The key type is the first SSH string of the blob (`ssh-ed25519`, `rsa-sha2-512` keys are `ssh-rsa`). */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const len = key.readUInt32BE(0);
  return len > 0 && len < 64 && key.length >= 4 + len ? key.subarray(4, 4 + len).toString('ascii') : 'unknown';
}

export function hostKeyInfo(key: Buffer): HostKeyInfo {
  return { keyType: keyTypeOf(key), fingerprint: fingerprintOf(key), publicKey: key.toString('base64') };
}

/** `host` for port 22, `[host]:port` otherwise (OpenSSH's known_hosts name). */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt = '', hash = ''] = pattern.split('|');
    const mac = crypto.createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  return globMatch(pattern, name, { caseInsensitive: true });
}

/** Keys for host:port in OpenSSH known_hosts files (markers @revoked are reported as not trusted). */
export function readKnownHosts(files: string[], host: string, port: number): { keyType: string; publicKey: string; revoked: boolean }[] {
  const name = knownHostsName(host, port);
  const out: { keyType: string; publicKey: string; revoked: boolean }[] = [];
  for (const file of files) {
    let text: string;
    try {
      // Same bound as other files ssh config names: a known_hosts pointing at /dev/zero must not exhaust memory.
      text = readBoundedFileSync(file, MAX_KNOWN_HOSTS_BYTES).toString('utf8');
    } catch {
      continue;
    }
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      let fields = line.split(/\s+/);
      let marker = '';
      if (fields[0]?.startsWith('@')) {
        marker = fields[0];
        fields = fields.slice(1);
      }
      if (marker === '@cert-authority') continue;
      const [patterns = '', keyType = '', publicKey = ''] = fields;
      if (!publicKey) continue;
      let hit = false;
      let negated = false;
      for (const p of patterns.split(',')) {
        if (p.startsWith('!')) {
          if (patternMatches(p.slice(1), name)) negated = true;
        } else if (patternMatches(p, name)) hit = true;
      }
      if (hit && !negated) out.push({ keyType, publicKey, revoked: marker === '@revoked' });
    }
  }
  return out;
}

export function defaultKnownHostsFiles(): string[] {
  const env = process.env.RELAIS_KNOWN_HOSTS;
  if (env !== undefined) return env.split(path.delimiter).filter(Boolean);
  const home = os.homedir();
  return [path.join(home, '.ssh', 'known_hosts'), path.join(home, '.ssh', 'known_hosts2')];
}

interface Row {
  host: string;
  port: number;
  key_type: string;
  fingerprint: string;
  public_key: string;
  added_at: string;
  added_by: string;
}

export class TrustStore {
  constructor(
    private readonly db: Db,
    private readonly knownHostsFiles: () => string[] = defaultKnownHostsFiles,
  ) {}

  stored(host: string, port: number): TrustedKey | null {
    const r = this.db.prepare('SELECT * FROM host_keys WHERE host = ? AND port = ?').get(host.toLowerCase(), port) as Row | undefined;
    return r
      ? { host: r.host, port: r.port, keyType: r.key_type, fingerprint: r.fingerprint, publicKey: r.public_key, source: 'relais', addedAt: r.added_at, addedBy: r.added_by }
      : null;
  }

  fromKnownHosts(host: string, port: number): (TrustedKey & { revoked: boolean })[] {
    return readKnownHosts(this.knownHostsFiles(), host, port).map((k) => ({
      host,
      port,
      keyType: k.keyType,
      publicKey: k.publicKey,
      fingerprint: fingerprintOf(Buffer.from(k.publicKey, 'base64')),
      source: 'known_hosts' as const,
      addedAt: null,
      addedBy: null,
      revoked: k.revoked,
    }));
  }

  /** Relais's own store wins; known_hosts is consulted when Relais has no entry. */
  check(host: string, port: number, key: Buffer): TrustVerdict {
    const info = hostKeyInfo(key);
    const own = this.stored(host, port);
    if (own) return own.publicKey === info.publicKey ? { status: 'trusted', source: 'relais' } : { status: 'changed', known: [own] };
    const kh = this.fromKnownHosts(host, port);
    if (kh.some((k) => k.revoked && k.publicKey === info.publicKey)) return { status: 'changed', known: kh.filter((k) => !k.revoked) };
    if (kh.some((k) => !k.revoked && k.publicKey === info.publicKey)) return { status: 'trusted', source: 'known_hosts' };
    // Same key type known with another key: a changed key (other types may be legitimately absent).
    const sameType = kh.filter((k) => !k.revoked && k.keyType === info.keyType);
    if (sameType.length > 0) return { status: 'changed', known: sameType };
    return { status: 'unknown' };
  }

  remember(host: string, port: number, info: HostKeyInfo, by: string, at: string): void {
    this.db
      .prepare(
        `INSERT INTO host_keys (host, port, key_type, fingerprint, public_key, added_at, added_by) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(host, port) DO UPDATE SET key_type = excluded.key_type, fingerprint = excluded.fingerprint, public_key = excluded.public_key, added_at = excluded.added_at, added_by = excluded.added_by`,
      )
      .run(host.toLowerCase(), port, info.keyType, info.fingerprint, info.publicKey, at, by);
  }

  forget(host: string, port: number): boolean {
    return this.db.prepare('DELETE FROM host_keys WHERE host = ? AND port = ?').run(host.toLowerCase(), port).changes > 0;
  }

  list(): TrustedKey[] {
    return (this.db.prepare('SELECT * FROM host_keys ORDER BY host, port').all() as Row[]).map((r) => ({
      host: r.host,
      port: r.port,
      keyType: r.key_type,
      fingerprint: r.fingerprint,
      publicKey: r.public_key,
      source: 'relais' as const,
      addedAt: r.added_at,
      addedBy: r.added_by,
    }));
  }
}
