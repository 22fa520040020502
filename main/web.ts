/**
 * The local web host: serves the built renderer and the contract over a WebSocket, bound
 * to 127.0.0.1 only. A random per-launch token (handed to the browser in the URL
 * fragment, which browsers never send to a server or put in a Referer) must be presented
 * before any call runs, and the socket refuses other Origins and Host names (DNS
 * rebinding). It wires only: all behaviour is in `src/api/service.ts`.
 */
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { createService, type Service, type ServiceOptions } from '../src/api/service';
import { contentSecurityPolicy, securityHeaders } from './web-security';
import { decodedPathname } from './request-target';

export interface WebHostOptions extends Omit<ServiceOptions, 'host'> {
  port?: number;
  rendererDir: string;
  /** For tests only; a random token is generated otherwise. */
  token?: string;
}

export interface WebHost {
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  readonly service: Service;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.pdf': 'application/pdf',
};
const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
const AUTH_DEADLINE_MS = 5000;

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? crypto.randomBytes(32).toString('base64url');
  const service = createService({ ...options, host: 'web' });
  const rendererDir = path.resolve(options.rendererDir);
  let origin = '';
  let allowedHosts = new Set<string>();

  const serveFile = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!allowedHosts.has(req.headers.host ?? '')) return void res.writeHead(421).end();
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    const urlPath = decodedPathname(req.url, origin);
    if (urlPath === null) return void badRequest(res);
    let file = path.join(rendererDir, path.normalize(urlPath));
    if (!file.startsWith(rendererDir + path.sep) && file !== rendererDir) return void res.writeHead(403).end();
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(rendererDir, 'index.html');
    if (!fs.existsSync(file)) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
      return void res.end("L'interface n'est pas construite : lancez « npm run build ». / The UI is not built: run \"npm run build\".");
    }
    res.writeHead(200, {
      'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': contentSecurityPolicy(origin.replace(/^http/, 'ws')),
      'Cache-Control': file.endsWith('index.html') ? 'no-store' : 'max-age=3600',
      ...securityHeaders,
    });
    if (req.method === 'HEAD') return void res.end();
    // A file removed or unreadable between the checks and the read must not end the process.
    fs.createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  };
  const server = http.createServer((req, res) => {
    try {
      serveFile(req, res);
    } catch (err) {
      console.error('[relais] request failed:', (err as Error)?.message ?? err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    // The client may reset the connection before we answer: that error is not ours to crash on.
    socket.on('error', () => socket.destroy());
    try {
      const urlPath = decodedPathname(req.url);
      if (urlPath === null) return void socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      if (urlPath !== '/api' || !allowedHosts.has(req.headers.host ?? '') || !isAllowedOrigin(req.headers.origin, origin)) {
        return void socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      }
      wss.handleUpgrade(req, socket, head, (ws) => serveClient(ws, service, token));
    } catch (err) {
      console.error('[relais] upgrade failed:', (err as Error)?.message ?? err);
      socket.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  origin = `http://127.0.0.1:${port}`;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    service,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await service.close();
    },
  };
}

function badRequest(res: http.ServerResponse): void {
  res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('Adresse mal formée. / Malformed request target.');
}

function isAllowedOrigin(header: string | undefined, origin: string): boolean {
  if (!header) return false;
  return header === origin || header === origin.replace('127.0.0.1', 'localhost');
}

function tokensEqual(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** One browser tab. Protocol: JSON messages `hello` → `welcome`, then `call` → `result`; `event` pushed. */
function serveClient(ws: WebSocket, service: Service, token: string): void {
  const clientId = crypto.randomUUID();
  let authenticated = false;
  let unsubscribe: (() => void) | null = null;
  const deadline = setTimeout(() => ws.close(4401, 'authentication required'), AUTH_DEADLINE_MS);
  const send = (msg: unknown) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };

  ws.on('message', async (data, isBinary) => {
    let msg: { type?: unknown; id?: unknown; name?: unknown; input?: unknown; token?: unknown };
    try {
      if (isBinary) throw new Error('binary');
      msg = JSON.parse(data.toString('utf8'));
      if (!msg || typeof msg !== 'object') throw new Error('shape');
    } catch {
      return send({ type: 'error', error: { code: 'BAD_MESSAGE', message: { fr: 'Message illisible.', en: 'Unreadable message.' } } });
    }
    if (!authenticated) {
      if (msg.type === 'hello' && tokensEqual(msg.token, token)) {
        authenticated = true;
        clearTimeout(deadline);
        unsubscribe = service.core.events.subscribe((name, payload) => send({ type: 'event', name, payload }));
        return send({ type: 'welcome', clientId });
      }
      send({ type: 'error', error: { code: 'UNAUTHORIZED', message: { fr: 'Jeton de session invalide : rouvrez la console avec le lien affiché au démarrage.', en: 'Invalid session token: reopen the console with the link printed at start.' } } });
      return ws.close(4401, 'unauthorized');
    }
    if (msg.type !== 'call' || (typeof msg.id !== 'number' && typeof msg.id !== 'string')) {
      return send({ type: 'error', error: { code: 'BAD_MESSAGE', message: { fr: 'Message inattendu.', en: 'Unexpected message.' } } });
    }
    const result = await service.dispatch(msg.name, msg.input, { clientId });
    send({ type: 'result', id: msg.id, ...result });
  });
  ws.on('close', () => {
    clearTimeout(deadline);
    unsubscribe?.();
  });
  ws.on('error', () => ws.terminate());
}
