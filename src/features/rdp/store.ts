/**
 * The RDP feature's tables (migration 0030): remote methods and settings per PC, the
 * certificate trust store, session records. Settings are re-validated on every read.
 */
import type { Db } from '../../platform/db';
import { commonErrors } from '../../base/errors';
import {
  rdpSettingsSchema,
  remoteMethodSchema,
  type AssetRemote,
  type RdpSettings,
  type RemoteMethod,
  type SessionRecord,
} from '../../domain/rdp';

export interface AssetRow {
  id: string;
  name: string;
  ip: string;
  os: string;
}

export function getAssetRow(db: Db, id: string): AssetRow {
  const row = db.prepare('SELECT id, name, ip, os FROM assets WHERE id = ?').get(id) as AssetRow | undefined;
  if (!row) throw commonErrors.notFound('NOUN_PC', id);
  return row;
}

export function searchAssets(db: Db, query: string, limit: number): AssetRow[] {
  const like = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .prepare("SELECT id, name, ip, os FROM assets WHERE name LIKE ? ESCAPE '\\' OR ip LIKE ? ESCAPE '\\' ORDER BY name LIMIT ?")
    .all(like, like, limit) as AssetRow[];
}

/** Methods a PC offers before a technician configures it, from its operating system. */
export function defaultMethodsFor(os: string): RemoteMethod[] {
  const o = os.toLowerCase();
  if (o.includes('windows') || o.startsWith('win')) return ['rdp', 'msra', 'shadow'];
  if (/linux|debian|ubuntu|unix|bsd|mac|darwin/.test(o)) return ['ssh'];
  return ['rdp'];
}

/** Default first, then the others in their saved order. */
export function orderMethods(methods: RemoteMethod[], def: RemoteMethod | null): RemoteMethod[] {
  const unique = [...new Set(methods)];
  return def && unique.includes(def) ? [def, ...unique.filter((m) => m !== def)] : unique;
}

export function targetOf(asset: AssetRow): string {
  return asset.ip.trim() || asset.name.trim();
}

type RemoteRow = { methods: string; default_method: string | null; rdp_settings: string };

function parseMethods(json: string): RemoteMethod[] {
  try {
    const arr = JSON.parse(json);
    return Array.isArray(arr) ? arr.filter((m) => remoteMethodSchema.safeParse(m).success) : [];
  } catch {
    return [];
  }
}

function parseSettings(json: string): RdpSettings {
  try {
    const r = rdpSettingsSchema.safeParse(JSON.parse(json));
    if (r.success) return r.data;
  } catch {}
  return rdpSettingsSchema.parse({});
}

export function getAssetRemote(db: Db, assetId: string): AssetRemote {
  const asset = getAssetRow(db, assetId);
  const row = db.prepare('SELECT methods, default_method, rdp_settings FROM asset_remote WHERE asset_id = ?').get(assetId) as RemoteRow | undefined;
  if (!row) {
    const methods = defaultMethodsFor(asset.os);
    return { asset, target: targetOf(asset), methods, defaultMethod: methods[0] ?? null, settings: rdpSettingsSchema.parse({}), configured: false };
  }
  const methods = parseMethods(row.methods);
  const def = remoteMethodSchema.safeParse(row.default_method).success && methods.includes(row.default_method as RemoteMethod) ? (row.default_method as RemoteMethod) : null;
  return { asset, target: targetOf(asset), methods: orderMethods(methods, def), defaultMethod: def, settings: parseSettings(row.rdp_settings), configured: true };
}

export function saveAssetRemote(
  db: Db,
  input: { assetId: string; methods: RemoteMethod[]; defaultMethod: RemoteMethod | null; settings: RdpSettings },
  by: string,
  at: string,
): void {
  getAssetRow(db, input.assetId);
  const settings = rdpSettingsSchema.parse(input.settings);
  db.prepare(
    `INSERT INTO asset_remote (asset_id, methods, default_method, rdp_settings, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(asset_id) DO UPDATE SET methods = excluded.methods, default_method = excluded.default_method,
       rdp_settings = excluded.rdp_settings, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
  ).run(input.assetId, JSON.stringify([...new Set(input.methods)]), input.defaultMethod, JSON.stringify(settings), by, at);
}

// ---------------------------------------------------------------------------------------
// Certificate trust

export function trustedFingerprint(db: Db, host: string, port: number): string | null {
  const row = db.prepare('SELECT sha256 FROM rdp_cert_trust WHERE host = ? COLLATE NOCASE AND port = ?').get(host, port) as { sha256: string } | undefined;
  return row?.sha256 ?? null;
}

export function trustFingerprint(db: Db, host: string, port: number, sha256: string, by: string, at: string): void {
  db.prepare(
    `INSERT INTO rdp_cert_trust (host, port, sha256, approved_by, approved_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(host, port) DO UPDATE SET sha256 = excluded.sha256, approved_by = excluded.approved_by, approved_at = excluded.approved_at`,
  ).run(host.toLowerCase(), port, sha256.toLowerCase(), by, at);
}

// ---------------------------------------------------------------------------------------
// Sessions

type SessionRow = {
  id: string;
  ticket_id: string | null;
  asset_id: string;
  asset_name: string;
  method: string;
  target: string;
  technician: string;
  client: string;
  state: string;
  started_at: string;
  ended_at: string | null;
  exit_code: number | null;
  message: string | null;
};

const toRecord = (r: SessionRow): SessionRecord => ({
  id: r.id,
  ticketId: r.ticket_id,
  assetId: r.asset_id,
  assetName: r.asset_name,
  method: r.method as SessionRecord['method'],
  target: r.target,
  technician: r.technician,
  client: r.client as SessionRecord['client'],
  state: r.state as SessionRecord['state'],
  startedAt: r.started_at,
  endedAt: r.ended_at,
  exitCode: r.exit_code,
  message: r.message ? (JSON.parse(r.message) as SessionRecord['message']) : null,
});

export function insertSession(db: Db, s: SessionRecord): void {
  db.prepare(
    `INSERT INTO rdp_sessions (id, ticket_id, asset_id, asset_name, method, target, technician, client, state, started_at, ended_at, exit_code, message)
     VALUES (@id, @ticketId, @assetId, @assetName, @method, @target, @technician, @client, @state, @startedAt, @endedAt, @exitCode, @message)`,
  ).run({ ...s, message: s.message ? JSON.stringify(s.message) : null });
}

export function updateSession(db: Db, s: SessionRecord): void {
  db.prepare('UPDATE rdp_sessions SET state = ?, ended_at = ?, exit_code = ?, message = ? WHERE id = ?').run(
    s.state,
    s.endedAt,
    s.exitCode,
    s.message ? JSON.stringify(s.message) : null,
    s.id,
  );
}

export function getSession(db: Db, id: string): SessionRecord {
  const row = db.prepare('SELECT * FROM rdp_sessions WHERE id = ?').get(id) as SessionRow | undefined;
  if (!row) throw commonErrors.notFound('NOUN_REMOTE_SESSION', id);
  return toRecord(row);
}

export function listSessions(db: Db, filter: { ticketId?: string; assetId?: string; limit: number }): SessionRecord[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (filter.ticketId) {
    where.push('ticket_id = ?');
    args.push(filter.ticketId);
  }
  if (filter.assetId) {
    where.push('asset_id = ?');
    args.push(filter.assetId);
  }
  const sql = `SELECT * FROM rdp_sessions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, id DESC LIMIT ?`;
  return (db.prepare(sql).all(...args, filter.limit) as SessionRow[]).map(toRecord);
}
