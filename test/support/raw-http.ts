import net from 'node:net';

/**
 * Sends `request` bytes as they are (no client-side URL checks, as a hostile page or
 * script can) and resolves with the status code of the first response line, or null if
 * the host closed without answering or did not answer within `timeoutMs`.
 */
export function rawRequest(port: number, request: string | Buffer, timeoutMs = 5000): Promise<number | null> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let head = '';
    let settled = false;
    const done = (status: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(status);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (d) => {
      head += d.toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      if (m) done(Number(m[1]));
      else if (head.length > 64) done(null);
    });
    socket.on('error', () => done(null));
    socket.on('close', () => done(null));
  });
}

export const getRequest = (port: number, target: string, extra = '') => `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${extra}Connection: close\r\n\r\n`;

export const upgradeRequest = (port: number, target: string) =>
  getRequest(
    port,
    target,
    `Origin: http://127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n`,
  ).replace('Connection: close\r\n', '');
