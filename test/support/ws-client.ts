import WebSocket from 'ws';
import { poll } from './poll';

/** A raw contract client over the web host's WebSocket, as a browser tab would speak it. */
export class RawClient {
  private nextId = 1;
  private readonly waiting = new Map<number, (msg: any) => void>();
  readonly events: { name: string; payload: any }[] = [];
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      if (msg.type === 'result') {
        this.waiting.get(msg.id)?.(msg);
        this.waiting.delete(msg.id);
      } else if (msg.type === 'event') this.events.push({ name: msg.name, payload: msg.payload });
      else this.onOther?.(msg);
    });
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }
  onOther?: (msg: any) => void;

  static connect(port: number, origin = `http://127.0.0.1:${port}`): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, { headers: { Origin: origin } });
      ws.once('open', () => resolve(new RawClient(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  /** Connects and authenticates with the token. */
  static async open(port: number, token: string): Promise<RawClient> {
    const c = await RawClient.connect(port);
    const welcome = await c.hello(token);
    if (welcome.type !== 'welcome') throw new Error(`not welcomed: ${JSON.stringify(welcome)}`);
    return c;
  }

  hello(token: unknown): Promise<any> {
    return new Promise((resolve) => {
      this.onOther = resolve;
      this.ws.send(JSON.stringify({ type: 'hello', token }));
    });
  }

  call(name: string, input?: unknown): Promise<{ ok: boolean; value?: any; error?: any }> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(JSON.stringify({ type: 'call', id, name, input }));
    });
  }

  /** Waits for the next event of that name (already received ones count). */
  async waitEvent(name: string, timeoutMs = 10_000, predicate: (p: any) => boolean = () => true): Promise<any> {
    const i = await poll(() => this.events.findIndex((e) => e.name === name && predicate(e.payload)), (i) => i >= 0, { timeoutMs, what: `a ${name} event` });
    return this.events.splice(i, 1)[0]!.payload;
  }

  close(): void {
    this.ws.close();
  }
}
