/**
 * Reads an RDP server's TLS certificate before any credential is sent, for
 * trust-on-first-use: an X.224 Connection Request asking for TLS (RDP_NEG_REQ), then a TLS
 * handshake on the same socket. The SHA-256 of the certificate (DER) is what the technician
 * compares and what xfreerdp is pinned to (`/cert:deny,fingerprint:sha256:...`).
 */
import net from 'node:net';
import tls from 'node:tls';
import crypto from 'node:crypto';
import { RelaisError } from '../../base/errors';

const PROTOCOL_SSL = 0x1;
const PROTOCOL_HYBRID = 0x2;

function connectionRequest(): Buffer {
  // TPKT (4) + X.224 CR (7) + RDP_NEG_REQ (8) = 19 bytes.
  return Buffer.from([0x03, 0x00, 0x00, 0x13, 0x0e, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0x00, PROTOCOL_SSL | PROTOCOL_HYBRID, 0x00, 0x00, 0x00]);
}

export function formatFingerprint(der: Buffer): string {
  return crypto.createHash('sha256').update(der).digest('hex').match(/../g)!.join(':');
}

/** Why the probe failed, in each language (a system code such as ECONNREFUSED stays as is). */
type Why = string | { msg: 'RDP_WHY_TIMEOUT' | 'RDP_WHY_NO_CERT' };

function unreachable(host: string, port: number, reason: Why): RelaisError {
  return RelaisError.of('RDP_UNREACHABLE', { host, port, why: reason }, { host, port });
}

export async function probeCertificate(host: string, port: number, timeoutMs = 4000): Promise<string> {
  return new Promise((resolve, reject) => {
    let done = false;
    let tlsSocket: tls.TLSSocket | null = null;
    const socket = net.connect({ host, port });
    const finish = (err: Error | null, value?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      tlsSocket?.destroy();
      socket.destroy();
      if (err) reject(err);
      else resolve(value!);
    };
    const timer = setTimeout(() => finish(unreachable(host, port, { msg: 'RDP_WHY_TIMEOUT' })), timeoutMs);
    let buf = Buffer.alloc(0);
    socket.once('connect', () => socket.write(connectionRequest()));
    socket.on('error', (e: NodeJS.ErrnoException) => finish(unreachable(host, port, e.code ?? 'error')));
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 4) return;
      const len = buf.readUInt16BE(2);
      if (buf.length < len) return;
      socket.off('data', onData);
      // X.224 Connection Confirm (0xD0) with RDP_NEG_RSP (type 2) or RDP_NEG_FAILURE (3).
      if (buf[5] !== 0xd0 || len < 19 || buf[11] !== 0x02) {
        return finish(
          RelaisError.of('RDP_NO_TLS', { host }),
        );
      }
      socket.pause();
      tlsSocket = tls.connect({ socket, rejectUnauthorized: false, servername: net.isIP(host) ? undefined : host }, () => {
        const cert = tlsSocket!.getPeerCertificate();
        if (!cert?.raw) return finish(unreachable(host, port, { msg: 'RDP_WHY_NO_CERT' }));
        finish(null, formatFingerprint(cert.raw));
      });
      tlsSocket.on('error', (e) => finish(unreachable(host, port, `TLS: ${e.message}`)));
    };
    socket.on('data', onData);
  });
}
