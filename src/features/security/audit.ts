/**
 * The audit log: append-only, each row stores the MAC of the previous row and its own
 * HMAC-SHA-256 (keyed from the vault) over (previous MAC, sequence, time, actor, action,
 * target, ticket, details). Editing, deleting or reordering rows breaks the chain at the
 * first altered row, and without the key the chain cannot be recomputed; `verify()` finds it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Db } from '../../platform/db';
import { writeFileAtomic } from '../../base/atomic-file';

export interface AuditEntryInput {
  action: string;
  target?: string;
  ticketId?: string;
  details?: Record<string, unknown>;
}

export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  ticketId: string | null;
  details: Record<string, unknown> | null;
  prevHash: string;
  hash: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  rows: number;
  /** Sequence number of the first row that does not match the chain. */
  brokenAt?: number;
  /** Why, when it is not a row that fails: the chain's key or head anchor is gone, or the log was emptied. */
  reason?: 'key-missing' | 'head-missing' | 'emptied';
}

/**
 * The chain's HMAC key, held in the vault. `get()` is null while no keyed row was ever
 * written; `create()` makes one, at the first row: so a key with an empty log means the log
 * was emptied, and rows without a key mean the key (or the whole chain) was replaced.
 */
export interface AuditKeyStore {
  get(): Buffer | null;
  create(): Buffer;
}

export interface AuditLog {
  append(entry: AuditEntryInput): AuditRow;
  verify(): AuditVerifyResult;
  list(opts?: { limit?: number; beforeSeq?: number; action?: string; ticketId?: string }): AuditRow[];
  /**
   * A log written before the chain was keyed: if its plain chain is intact, recompute it
   * with a new HMAC key (one transaction). Returns the rows re-keyed (0: nothing to do, or
   * the plain chain is broken and stays as evidence).
   */
  rekey(): number;
}

const GENESIS = '0'.repeat(64);

interface DbRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  ticket_id: string | null;
  details: string | null;
  prev_hash: string;
  hash: string;
}

/** Plain SHA-256 (logs written before issue 18, and `key` absent): detects edits, not rewrites. */
export function rowHash(r: Omit<DbRow, 'hash'>, key?: Buffer | null): string {
  const canonical = JSON.stringify([r.prev_hash, r.seq, r.at, r.actor, r.action, r.target, r.ticket_id, r.details]);
  // HMAC-SHA-256: recomputing the chain after an edit needs the key, which only the vault holds.
  return (key ? crypto.createHmac('sha256', key) : crypto.createHash('sha256')).update(canonical, 'utf8').digest('hex');
}

const toRow = (r: DbRow): AuditRow => ({
  seq: r.seq,
  at: r.at,
  actor: r.actor,
  action: r.action,
  target: r.target,
  ticketId: r.ticket_id,
  details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
  prevHash: r.prev_hash,
  hash: r.hash,
});

/**
 * `headFile` (optional) keeps the last row's sequence and hash outside the database, so
 * deleting rows at the end of the log (which leaves a valid shorter chain) is detected too.
 */
export function createAuditLog(db: Db, opts: { now(): Date; actor(): string; headFile?: string; keys?: AuditKeyStore }): AuditLog {
  const keys = opts.keys;
  let key: Buffer | null = keys?.get() ?? null;
  const headExists = () => !!opts.headFile && fs.existsSync(opts.headFile);
  const readHead = (): { seq: number; hash: string } | null => {
    if (!opts.headFile) return null;
    try {
      const h = JSON.parse(fs.readFileSync(opts.headFile, 'utf8')) as { seq?: unknown; hash?: unknown };
      return typeof h.seq === 'number' && typeof h.hash === 'string' ? { seq: h.seq, hash: h.hash } : null;
    } catch {
      return null;
    }
  };
  const last = db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1');
  const insert = db.prepare('INSERT INTO audit (seq, at, actor, action, target, ticket_id, details, prev_hash, hash) VALUES (@seq, @at, @actor, @action, @target, @ticket_id, @details, @prev_hash, @hash)');
  const append = db.transaction((entry: AuditEntryInput): AuditRow => {
    const prev = last.get() as { seq: number; hash: string } | undefined;
    // The key is made with the first row (see AuditKeyStore).
    if (keys && !key && !prev) key = keys.create();
    const base = {
      seq: (prev?.seq ?? 0) + 1,
      at: opts.now().toISOString(),
      actor: opts.actor(),
      action: entry.action,
      target: entry.target ?? null,
      ticket_id: entry.ticketId ?? null,
      details: entry.details ? JSON.stringify(entry.details) : null,
      prev_hash: prev?.hash ?? GENESIS,
    };
    const row = { ...base, hash: rowHash(base, keys ? key : null) };
    insert.run(row);
    return toRow(row);
  });
  const writeHead = (seq: number, hash: string) => {
    if (!opts.headFile) return;
    try {
      writeFileAtomic(opts.headFile, JSON.stringify({ seq, hash }));
    } catch {
      // The chain itself is in the database; the anchor only adds tail-truncation detection.
    }
  };
  const appendAndAnchor = (entry: AuditEntryInput): AuditRow => {
    const row = append.immediate(entry);
    writeHead(row.seq, row.hash);
    return row;
  };
  return {
    append: appendAndAnchor,
    verify() {
      const count = Number(db.prepare('SELECT count(*) AS n FROM audit').pluck().get());
      if (keys) {
        if (!key) key = keys.get();
        if (count === 0 && key) return { ok: false, rows: 0, brokenAt: 1, reason: 'emptied' };
        if (count > 0 && !key) return { ok: false, rows: count, brokenAt: 1, reason: 'key-missing' };
      }
      if (opts.headFile && count > 0 && !headExists()) return { ok: false, rows: count, brokenAt: count, reason: 'head-missing' };
      let prevHash = GENESIS;
      let expectedSeq = 1;
      let rows = 0;
      for (const r of db.prepare('SELECT * FROM audit ORDER BY seq').iterate() as IterableIterator<DbRow>) {
        rows++;
        const { hash, ...rest } = r;
        if (r.seq !== expectedSeq || r.prev_hash !== prevHash || rowHash(rest, keys ? key : null) !== hash) return { ok: false, rows: count, brokenAt: r.seq !== expectedSeq ? expectedSeq : r.seq };
        prevHash = hash;
        expectedSeq++;
      }
      const head = readHead();
      if (head) {
        // Rows missing at the end, or the whole chain rewritten: the anchor no longer matches.
        if (head.seq >= expectedSeq) return { ok: false, rows, brokenAt: expectedSeq };
        const at = db.prepare('SELECT hash FROM audit WHERE seq = ?').pluck().get(head.seq) as string | undefined;
        if (at !== head.hash) return { ok: false, rows, brokenAt: head.seq };
      }
      return { ok: true, rows };
    },
    rekey() {
      if (!keys || key) return 0;
      const rows = db.prepare('SELECT * FROM audit ORDER BY seq').all() as DbRow[];
      if (rows.length === 0) return 0;
      // Only an intact plain chain is re-keyed: re-keying a tampered one would launder it.
      let prevHash = GENESIS;
      for (const [i, r] of rows.entries()) {
        const { hash, ...rest } = r;
        if (r.seq !== i + 1 || r.prev_hash !== prevHash || rowHash(rest) !== hash) return 0;
        prevHash = hash;
      }
      const update = db.prepare('UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?');
      let prev = GENESIS;
      db.transaction(() => {
        key = keys.create();
        for (const r of rows) {
          const hash = rowHash({ ...r, prev_hash: prev }, key);
          update.run(prev, hash, r.seq);
          prev = hash;
        }
      }).immediate();
      writeHead(rows.length, prev);
      return rows.length;
    },
    list(o = {}) {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (clause: string, value: unknown) => {
        where.push(clause);
        params.push(value);
      };
      if (o.beforeSeq) add('seq < ?', o.beforeSeq);
      if (o.action) add('action = ?', o.action);
      if (o.ticketId) add('ticket_id = ?', o.ticketId);
      const sql = `SELECT * FROM audit ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ?`;
      return (db.prepare(sql).all(...params, Math.min(o.limit ?? 100, 1000)) as DbRow[]).map(toRow);
    },
  };
}
