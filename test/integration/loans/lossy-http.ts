/**
 * An HTTP proxy in front of a real server that can lose chosen answers: the request reaches
 * the server, which commits it, then the client's connection is destroyed before the answer
 * arrives (what a dropped home connection does). Requests are told apart by method, path and
 * body, so a test loses exactly the write it wants, unlike the connection-level fault proxy.
 */
import http from 'node:http';
import type net from 'node:net';

export interface LossyRequest {
  method: string;
  path: string;
  body: string;
}

export async function startLossyProxy(target: string) {
  const rules: { match: (r: LossyRequest) => boolean; left: number }[] = [];
  const lost: LossyRequest[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const seen: LossyRequest = { method: req.method ?? 'GET', path: req.url ?? '/', body: body.toString('utf8') };
      const rule = rules.find((r) => r.left > 0 && r.match(seen));
      if (rule) rule.left--;
      const headers = { ...req.headers };
      delete headers.host;
      const upstream = http.request(new URL(req.url ?? '/', target), { method: req.method, headers }, (up) => {
        const out: Buffer[] = [];
        up.on('data', (c: Buffer) => out.push(c));
        up.on('end', () => {
          if (rule) {
            lost.push(seen);
            req.socket.destroy(); // the server committed; the client never hears it
            return;
          }
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(Buffer.concat(out));
        });
      });
      upstream.on('error', () => req.socket.destroy());
      upstream.end(body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    /** The next `n` requests matching lose their answer (after the server committed them). */
    loseAnswer(match: (r: LossyRequest) => boolean, n = 1) {
      rules.push({ match, left: n });
    },
    lost,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
