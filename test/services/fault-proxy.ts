/**
 * A fault-injecting TCP proxy for sync tests, between Relais and a real server on
 * 127.0.0.1. Each accepted connection gets a fault chosen by `plan(n)` (n = connection
 * number from 0):
 * - 'pass': bytes flow both ways untouched;
 * - 'drop': the connection is reset before anything reaches the server;
 * - 'delay': the request reaches the server (which commits), the answer is held
 *   `delayMs` — past the client's timeout — then sent to a client that gave up;
 * - 'cut': the request reaches the server, the proxy waits for the server's whole answer
 *   (the server committed) and closes the client connection after only a few bytes.
 * Works with any HTTP/1.1 server; with keep-alive, a fault applies to the whole connection.
 */
import net from 'node:net';

export type Fault = 'pass' | 'drop' | 'delay' | 'cut';

export interface FaultProxy {
  url: string;
  port: number;
  /** How many connections got each fault so far. */
  counts: Record<Fault, number>;
  setPlan(plan: (n: number) => Fault): void;
  close(): Promise<void>;
}

export async function startFaultProxy(target: { host: string; port: number }, opts: { delayMs?: number; plan?: (n: number) => Fault } = {}): Promise<FaultProxy> {
  let plan = opts.plan ?? (() => 'pass' as Fault);
  const delayMs = opts.delayMs ?? 3_000;
  const counts: Record<Fault, number> = { pass: 0, drop: 0, delay: 0, cut: 0 };
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let n = 0;
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  };

  const server = net.createServer((client) => {
    track(client);
    const fault = plan(n++);
    counts[fault]++;
    if (fault === 'drop') {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream);
    client.on('close', () => {
      if (fault === 'pass') upstream.destroy();
    });
    if (fault === 'pass') {
      upstream.pipe(client);
      upstream.on('close', () => client.end());
      return;
    }
    const chunks: Buffer[] = [];
    upstream.on('data', (d: Buffer) => chunks.push(d));
    upstream.on('end', () => {
      const all = Buffer.concat(chunks);
      if (fault === 'cut') {
        // The server answered (and committed); the client sees a truncated answer.
        client.write(all.subarray(0, Math.min(12, all.length)), () => client.destroy());
        return;
      }
      const t = setTimeout(() => {
        timers.delete(t);
        if (!client.destroyed) client.end(all);
      }, delayMs);
      timers.add(t);
    });
    upstream.on('close', () => {
      if (fault === 'cut' && !client.destroyed) client.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    counts,
    setPlan(p) {
      plan = p;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
