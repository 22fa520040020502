import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { RawClient } from '../../support/ws-client';
import { startTestHost } from '../../support/web-host';

let host: Awaited<ReturnType<typeof startTestHost>>;
beforeAll(async () => {
  host = await startTestHost();
});
afterAll(async () => host?.dispose());

function refusedUpgrade(port: number, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/api', headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers } });
    req.on('upgrade', () => resolve(101));
    req.on('response', (res) => resolve(res.statusCode ?? 0));
    req.on('error', () => resolve(-1));
    req.end();
  });
}

describe('local web host access control', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((host.service.core.host)).toBe('web');
  });

  it('serves calls once the right token is presented', async () => {
    const c = await RawClient.open(host.port, host.token);
    const info = await c.call('app.info');
    expect(info.ok).toBe(true);
    expect(info.value.host).toBe('web');
    c.close();
  });

  it('refuses a call sent before the token', async () => {
    const c = await RawClient.connect(host.port);
    const reply = await new Promise<any>((resolve) => {
      c.onOther = resolve;
      c.ws.send(JSON.stringify({ type: 'call', id: 1, name: 'app.info' }));
    });
    expect(reply.error.code).toBe('UNAUTHORIZED');
    await expect.poll(() => c.closed?.code).toBe(4401);
  });

  it('refuses a wrong token, one character off', async () => {
    const c = await RawClient.connect(host.port);
    const wrong = host.token.slice(0, -1) + (host.token.endsWith('A') ? 'B' : 'A');
    const reply = await c.hello(wrong);
    expect(reply.error.code).toBe('UNAUTHORIZED');
    await expect.poll(() => c.closed?.code).toBe(4401);
  });

  it('refuses a WebSocket from another Origin, or with no Origin, even with the token', async () => {
    await expect(RawClient.connect(host.port, 'http://evil.example')).rejects.toThrow(/403/);
    expect(await refusedUpgrade(host.port, { Host: `127.0.0.1:${host.port}` })).toBe(403);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    expect(await refusedUpgrade(host.port, { Host: `attacker.example:${host.port}`, Origin: `http://attacker.example:${host.port}` })).toBe(403);
    const status = await new Promise<number>((resolve) =>
      http.get({ host: '127.0.0.1', port: host.port, path: '/', headers: { Host: 'attacker.example' } }, (r) => resolve(r.statusCode ?? 0)),
    );
    expect(status).toBe(421);
  });

  it('serves the page with a strict Content-Security-Policy', async () => {
    const res = await fetch(`${host.origin}/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
  });

  it('does not serve files outside the renderer folder', async () => {
    const status = await new Promise<number>((resolve) =>
      http.get({ host: '127.0.0.1', port: host.port, path: '/../../package.json' }, (r) => resolve(r.statusCode ?? 0)),
    );
    const body = await (await fetch(`${host.origin}/%2e%2e/%2e%2e/package.json`)).text();
    expect([200, 403]).toContain(status);
    expect(body).not.toContain('"name": "relais"');
  });
});
