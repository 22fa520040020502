/**
 * A client of OpenVPN's management interface (TCP, normally 127.0.0.1 with a password file).
 * Protocol as the server behaves (see shared/recipes/openvpn): it sends `ENTER PASSWORD:`
 * without a newline; each reply ends with a `SUCCESS:`/`ERROR:` line or an `END` line; lines
 * starting with `>` are notifications. The interface serves ONE client at a time, so calls to
 * the same endpoint are queued here, and each session waits for every reply before `quit`.
 */
import net from 'node:net';
import { RelaisError } from '../../base/errors';
import { parseLoadStats, parseStatus, StatusFormatError, type LoadStats, type VpnStatus } from './openvpn-status';

export interface ManagementEndpoint {
  host: string;
  port: number;
  /** Fetched from the vault at each session; null when the interface has no password. */
  password: () => Promise<string | null>;
  timeoutMs?: number;
}

const MAX_REPLY_BYTES = 64 * 1024 * 1024;
const where = (e: ManagementEndpoint) => `${e.host}:${e.port}`;

export const openvpnErrors = {
  unreachable: (e: ManagementEndpoint, cause: string) =>
    RelaisError.of('OPENVPN_UNREACHABLE', { where: where(e), cause }, { endpoint: where(e) }),
  timeout: (e: ManagementEndpoint) =>
    RelaisError.of('OPENVPN_TIMEOUT', { where: where(e) }, { endpoint: where(e) }),
  auth: (e: ManagementEndpoint) =>
    RelaisError.of('OPENVPN_AUTH_FAILED', { where: where(e) }, { endpoint: where(e) }),
  garbage: (e: ManagementEndpoint, sample: string) =>
    RelaisError.of('OPENVPN_BAD_REPLY', { where: where(e), sample }, { endpoint: where(e), sample }),
  statusVersion: (e: ManagementEndpoint, version: string) =>
    RelaisError.of('OPENVPN_STATUS_VERSION', { version, where: where(e) }, { endpoint: where(e), version }),
  missingColumn: (e: ManagementEndpoint, column: string) =>
    RelaisError.of('OPENVPN_STATUS_VERSION_column', { where: where(e), column }, { endpoint: where(e), column }),
  badCommonName: (cn: string) =>
    RelaisError.of('OPENVPN_BAD_COMMON_NAME', { cn: cn.slice(0, 64) }),
};

/** The serial queue per endpoint: the interface accepts one management client at a time. */
const queues = new Map<string, Promise<unknown>>();
function serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = queues.get(key) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}

/** Runs `commands` in one management session, one at a time; one reply text per command. */
export function runManagement(e: ManagementEndpoint, commands: readonly string[]): Promise<string[]> {
  return serialised(where(e), async () => session(e, commands, await e.password()));
}

function session(e: ManagementEndpoint, commands: readonly string[], password: string | null): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: e.host, port: e.port });
    const replies: string[] = [];
    let buf = '';
    let received = 0;
    let cur: string[] = [];
    let idx = -1;
    let authed = false;
    let prompted = false;
    let settled = false;
    const finish = (err: RelaisError | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        sock.destroy();
        reject(err);
      } else {
        // The interface takes its next client only once this one is gone: release the
        // endpoint's queue when the socket has closed (or after a grace period).
        const grace = setTimeout(() => sock.destroy(), 1000);
        sock.once('close', () => {
          clearTimeout(grace);
          resolve(replies);
        });
        sock.end('quit\n');
      }
    };
    const timer = setTimeout(() => finish(openvpnErrors.timeout(e)), e.timeoutMs ?? 5000);
    const next = () => {
      idx += 1;
      if (idx < commands.length) sock.write(`${commands[idx]}\n`);
      else finish(null);
    };
    sock.setEncoding('utf8');
    sock.on('error', (err: NodeJS.ErrnoException) => finish(openvpnErrors.unreachable(e, err.code ?? err.message)));
    sock.on('close', () => finish(authed && idx >= commands.length ? null : openvpnErrors.unreachable(e, 'connection closed')));
    sock.on('data', (chunk: string) => {
      received += chunk.length;
      if (received > MAX_REPLY_BYTES) return finish(openvpnErrors.garbage(e, 'reply too large'));
      buf += chunk;
      if (!authed && buf.startsWith('ENTER PASSWORD:')) {
        buf = buf.slice('ENTER PASSWORD:'.length);
        // OpenVPN answers a wrong password by asking again (and closes after a few tries).
        if (password === null || prompted) return finish(openvpnErrors.auth(e));
        prompted = true;
        sock.write(`${password}\n`);
      }
      let nl: number;
      while (!settled && (nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).replace(/\r$/, '');
        buf = buf.slice(nl + 1);
        if (!authed) {
          if (line.startsWith('SUCCESS: password is correct')) {
            authed = true;
            next();
          } else if (line.startsWith('>INFO:OpenVPN Management Interface')) {
            // No password configured: the banner comes at once.
            authed = true;
            next();
          } else if (line.startsWith('ERROR') || line.includes('password is incorrect')) {
            finish(openvpnErrors.auth(e));
          } else if (line.trim() !== '') {
            finish(openvpnErrors.garbage(e, line.slice(0, 60).replace(/[^\x20-\x7e]/g, '?')));
          }
          continue;
        }
        if (line.startsWith('>')) continue;
        cur.push(line);
        if (line === 'END' || line.startsWith('SUCCESS:') || line.startsWith('ERROR:')) {
          replies.push(cur.join('\n'));
          cur = [];
          next();
        }
      }
      if (!authed && !settled && buf.length > 256 && !buf.startsWith('ENTER PASSWORD')) finish(openvpnErrors.garbage(e, buf.slice(0, 60).replace(/[^\x20-\x7e]/g, '?')));
    });
  });
}

function mapFormatError(e: ManagementEndpoint, err: unknown): never {
  if (err instanceof StatusFormatError) {
    const p = err.problem;
    if (p.kind === 'unknown-version') throw openvpnErrors.statusVersion(e, p.version);
    if (p.kind === 'missing-column') throw openvpnErrors.missingColumn(e, p.column);
    throw openvpnErrors.garbage(e, p.sample);
  }
  throw err;
}

export interface LiveSnapshot extends VpnStatus {
  load: LoadStats | null;
}

/** Who is connected now (`status 3`) and the server's totals (`load-stats`). */
export async function readLive(e: ManagementEndpoint): Promise<LiveSnapshot> {
  const [status = '', load = ''] = await runManagement(e, ['status 3', 'load-stats']);
  if (status.startsWith('ERROR:')) throw openvpnErrors.garbage(e, status.slice(0, 60));
  let parsed: VpnStatus;
  try {
    parsed = parseStatus(status);
  } catch (err) {
    mapFormatError(e, err);
  }
  let stats: LoadStats | null = null;
  try {
    stats = parseLoadStats(load);
  } catch {
    // Older servers lack load-stats: the client list is what matters.
  }
  return { ...parsed, load: stats };
}

/** A Common Name that cannot smuggle a second management command: printable, no spaces or quotes. */
export function isSafeCommonName(cn: string): boolean {
  return cn.length >= 1 && cn.length <= 64 && [...cn].every((ch) => ch > ' ' && ch !== '\x7f' && !`"'\\`.includes(ch));
}

/** Disconnects every session of a Common Name; false when none was connected. */
export async function killCommonName(e: ManagementEndpoint, cn: string): Promise<boolean> {
  if (!isSafeCommonName(cn)) throw openvpnErrors.badCommonName(cn);
  const [reply = ''] = await runManagement(e, [`kill ${cn}`]);
  if (reply.startsWith('SUCCESS:')) return true;
  if (/not found/i.test(reply)) return false;
  throw openvpnErrors.garbage(e, reply.slice(0, 60));
}
