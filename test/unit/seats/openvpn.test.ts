/**
 * The OpenVPN status parser on the real reply captured in shared/recipes/openvpn, and the
 * management client against small TCP servers that misbehave the ways a real network does:
 * nothing listening, garbage, a wrong password, an unknown status version, a silent peer.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLoadStats, parseStatus } from '../../../src/features/seats/openvpn-status';
import { killCommonName, readLive, runManagement, type ManagementEndpoint } from '../../../src/features/seats/openvpn-mgmt';
import { RelaisError } from '../../../src/base/errors';
import { freePort } from '../../support/ports';
import { formatStatus3 } from '../../support/openvpn-status';

// Captured from a real OpenVPN 2.6.14 (shared/recipes/openvpn/README.md), CRLF as on the wire.
const CAPTURED = [
  'TITLE\tOpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] [LZ4] [EPOLL] [PKCS11] [MH/PKTINFO] [AEAD] [DCO]',
  'TIME\t2026-11-29 18:25:01\t1795976701',
  'HEADER\tCLIENT_LIST\tCommon Name\tReal Address\tVirtual Address\tVirtual IPv6 Address\tBytes Received\tBytes Sent\tConnected Since\tConnected Since (time_t)\tUsername\tClient ID\tPeer ID\tData Channel Cipher',
  'CLIENT_LIST\tagent-dupre\t10.213.0.11:47866\t10.213.8.2\t\t2312\t2264\t2026-11-29 18:25:01\t1795976701\tUNDEF\t0\t0\tAES-256-GCM',
  'CLIENT_LIST\tagent-martin\t10.213.0.12:42987\t10.213.8.3\t\t2313\t2263\t2026-11-29 18:25:01\t1795976701\tUNDEF\t1\t1\tAES-256-GCM',
  'HEADER\tROUTING_TABLE\tVirtual Address\tCommon Name\tReal Address\tLast Ref\tLast Ref (time_t)',
  'ROUTING_TABLE\t10.213.8.2\tagent-dupre\t10.213.0.11:47866\t2026-11-29 18:25:01\t1795976701',
  'ROUTING_TABLE\t10.213.8.3\tagent-martin\t10.213.0.12:42987\t2026-11-29 18:25:01\t1795976701',
  'GLOBAL_STATS\tMax bcast/mcast queue length\t0',
  'GLOBAL_STATS\tdco_enabled\t0',
  'END',
].join('\r\n');

describe('status 3 parser', () => {
  it('reads each connected client: Common Name, addresses, bytes, connected since', () => {
    const s = parseStatus(CAPTURED);
    expect(s.title).toMatch(/^OpenVPN 2\.6\.14/);
    expect(s.time).toBe('2026-11-29T18:25:01.000Z');
    expect(s.clients).toEqual([
      { commonName: 'agent-dupre', realAddress: '10.213.0.11:47866', virtualAddress: '10.213.8.2', bytesReceived: 2312, bytesSent: 2264, connectedSince: '2026-11-29T18:25:01.000Z', username: null, clientId: '0' },
      { commonName: 'agent-martin', realAddress: '10.213.0.12:42987', virtualAddress: '10.213.8.3', bytesReceived: 2313, bytesSent: 2263, connectedSince: '2026-11-29T18:25:01.000Z', username: null, clientId: '1' },
    ]);
  });

  it('finds columns by name (reordered columns, status 2 with commas)', () => {
    const reordered = CAPTURED.replace(
      'HEADER\tCLIENT_LIST\tCommon Name\tReal Address',
      'HEADER\tCLIENT_LIST\tReal Address\tCommon Name',
    ).replace(/CLIENT_LIST\t(agent-[a-z]+)\t([0-9.:]+)\t/g, 'CLIENT_LIST\t$2\t$1\t');
    expect(parseStatus(reordered).clients.map((c) => [c.commonName, c.realAddress])).toEqual([
      ['agent-dupre', '10.213.0.11:47866'],
      ['agent-martin', '10.213.0.12:42987'],
    ]);
    expect(parseStatus(CAPTURED.replace(/\t/g, ',')).clients.map((c) => c.commonName)).toEqual(['agent-dupre', 'agent-martin']);
  });

  it('refuses status version 1, garbage, a truncated reply and a header without Common Name', () => {
    expect(() => parseStatus('OpenVPN CLIENT LIST\nUpdated,2026-11-29\nCommon Name,Real Address\nEND\n')).toThrow(/unknown-version/);
    expect(() => parseStatus('HTTP/1.1 400 Bad Request\r\n\r\n')).toThrow(/garbage/);
    expect(() => parseStatus(CAPTURED.replace('\r\nEND', ''))).toThrow(/garbage/);
    expect(() => parseStatus(CAPTURED.replace('Common Name\tReal', 'Nom\tReal'))).toThrow(/missing-column/);
  });

  it('parses 5,000 clients', () => {
    const text = formatStatus3(Array.from({ length: 5000 }, (_, i) => ({ cn: `agent-${i}`, real: `10.1.${i >> 8}.${i & 255}:1194`, vip: `10.8.${i >> 8}.${i & 255}`, since: 1795976701 })));
    const s = parseStatus(text);
    expect(s.clients).toHaveLength(5000);
    expect(s.clients[4999]!.commonName).toBe('agent-4999');
  });

  it('reads load-stats', () => {
    expect(parseLoadStats('SUCCESS: nclients=2,bytesin=4625,bytesout=4659')).toEqual({ clients: 2, bytesIn: 4625, bytesOut: 4659 });
    expect(() => parseLoadStats('ERROR: unknown command')).toThrow();
  });
});

// --- management client against misbehaving peers --------------------------------------------

const servers: net.Server[] = [];
afterEach(() => {
  servers.splice(0).forEach((s) => s.close());
});

/** A TCP server on a free port whose behaviour per connection is `onConn`. */
async function fakeServer(onConn: (sock: net.Socket) => void): Promise<number> {
  const server = net.createServer(onConn);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

/** Speaks the management protocol like OpenVPN 2.6, with `replies` per command. */
function fakeOpenVpn(password: string, replies: Record<string, string>, log: string[] = []) {
  return (sock: net.Socket) => {
    sock.setEncoding('utf8');
    sock.write('ENTER PASSWORD:');
    let authed = false;
    let buf = '';
    sock.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!authed) {
          if (line === password) {
            authed = true;
            sock.write('SUCCESS: password is correct\r\n>INFO:OpenVPN Management Interface Version 5 -- type \'help\' for more info\r\n');
          } else sock.write('ENTER PASSWORD:'); // what OpenVPN 2.6 does on a wrong password
          continue;
        }
        log.push(line);
        if (line === 'quit') return void sock.end();
        sock.write(`${replies[line] ?? 'ERROR: unknown command, enter \'help\' for more options'}\r\n`);
      }
    });
  };
}

const endpoint = (port: number, password: string | null = 'pw', timeoutMs = 1500): ManagementEndpoint => ({ host: '127.0.0.1', port, password: async () => password, timeoutMs });

async function errorOf(p: Promise<unknown>): Promise<RelaisError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof RelaisError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('management client', () => {
  it('reads who is connected and the totals, then kills a Common Name', async () => {
    const log: string[] = [];
    const port = await fakeServer(
      fakeOpenVpn('pw', { 'status 3': CAPTURED, 'load-stats': 'SUCCESS: nclients=2,bytesin=4625,bytesout=4659', 'kill agent-martin': "SUCCESS: common name 'agent-martin' found, 1 client(s) killed", 'kill nobody': "ERROR: common name 'nobody' not found" }, log),
    );
    const live = await readLive(endpoint(port));
    expect(live.clients.map((c) => c.commonName)).toEqual(['agent-dupre', 'agent-martin']);
    expect(live.load).toEqual({ clients: 2, bytesIn: 4625, bytesOut: 4659 });
    expect(await killCommonName(endpoint(port), 'agent-martin')).toBe(true);
    expect(await killCommonName(endpoint(port), 'nobody')).toBe(false);
    expect(log).toEqual(['status 3', 'load-stats', 'quit', 'kill agent-martin', 'quit', 'kill nobody', 'quit']);
  });

  it('refuses a Common Name that would inject another command', async () => {
    const err = await errorOf(killCommonName(endpoint(1), 'agent\nsignal SIGTERM'));
    expect(err.code).toBe('OPENVPN_BAD_COMMON_NAME');
  });

  it('says clearly when nothing listens', async () => {
    const port = await freePort();
    const err = await errorOf(readLive(endpoint(port)));
    expect(err.code).toBe('OPENVPN_UNREACHABLE');
    expect(err.messages.fr).toContain(`127.0.0.1:${port}`);
    expect(err.messages.fr).toContain('dernière connue');
  });

  it('says the password was refused, without showing it', async () => {
    const port = await fakeServer(fakeOpenVpn('right-secret', {}));
    const err = await errorOf(readLive(endpoint(port, 'wrong-secret')));
    expect(err.code).toBe('OPENVPN_AUTH_FAILED');
    expect(JSON.stringify(err.toJSON())).not.toContain('secret');
  });

  it('recognises a peer that is not OpenVPN (garbage)', async () => {
    const port = await fakeServer((sock) => sock.write('SSH-2.0-OpenSSH_9.2\r\nProtocol mismatch.\r\n'));
    const err = await errorOf(readLive(endpoint(port)));
    expect(err.code).toBe('OPENVPN_BAD_REPLY');
    expect(err.messages.fr).toContain('SSH-2.0-OpenSSH_9.2');
  });

  it('names an unknown status version', async () => {
    const v1 = 'OpenVPN CLIENT LIST\r\nUpdated,2026-11-29 18:25:01\r\nCommon Name,Real Address,Bytes Received,Bytes Sent,Connected Since\r\nEND';
    const port = await fakeServer(fakeOpenVpn('pw', { 'status 3': v1, 'load-stats': 'SUCCESS: nclients=0,bytesin=0,bytesout=0' }));
    const err = await errorOf(readLive(endpoint(port)));
    expect(err.code).toBe('OPENVPN_STATUS_VERSION');
    expect(err.messages.fr).toContain('version 1');
  });

  it('times out on a silent peer (another client holding the interface) and frees the queue', async () => {
    const port = await fakeServer(() => {});
    const err = await errorOf(readLive(endpoint(port, 'pw', 300)));
    expect(err.code).toBe('OPENVPN_TIMEOUT');
    expect(err.messages.fr).toContain('un client à la fois');
    // The next call to the same endpoint is not stuck behind the failed one.
    await expect(runManagement(endpoint(port, 'pw', 300), ['status 3'])).rejects.toThrow();
  });

  it('runs sessions to one endpoint one at a time', async () => {
    let open = 0;
    let maxOpen = 0;
    const port = await fakeServer((sock) => {
      open++;
      maxOpen = Math.max(maxOpen, open);
      sock.on('close', () => open--);
      fakeOpenVpn('pw', { 'status 3': CAPTURED, 'load-stats': 'SUCCESS: nclients=2,bytesin=1,bytesout=1' })(sock);
    });
    const all = await Promise.all([readLive(endpoint(port)), readLive(endpoint(port)), readLive(endpoint(port))]);
    expect(all.every((l) => l.clients.length === 2)).toBe(true);
    expect(maxOpen).toBe(1);
  });
});
