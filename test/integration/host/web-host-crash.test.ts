/**
 * Issue 18, item 1: one malformed request-target used to end the web host (and every SSH
 * session and tool run it served). Each attack here is sent as raw bytes, the way a hostile
 * page's `<img src>` or a local script reaches 127.0.0.1, then the host must still answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { RawClient } from '../../support/ws-client';
import { spawnHostProcess, startTestHost, type HostProcess } from '../../support/web-host';
import { makeTempDir } from '../../support/temp-dir';
import { getRequest, rawRequest, upgradeRequest } from '../../support/raw-http';

const ATTACKS = ['/%E0%A4%A', '//[', '/%', '/a%00b', '//[::1', '/%ff%fe', 'http://[/x'];

async function stillServes(port: number, token: string): Promise<void> {
  const c = await RawClient.open(port, token);
  const info = await c.call('app.info');
  expect(info.ok).toBe(true);
  c.close();
}

describe('web host in this process: malformed request-targets get 400', () => {
  let host: Awaited<ReturnType<typeof startTestHost>>;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(async () => host?.dispose());

  it.each(ATTACKS)('GET %s is answered 400 and the host keeps serving', async (target) => {
    expect(await rawRequest(host.port, getRequest(host.port, target))).toBe(400);
    await stillServes(host.port, host.token);
  });

  it.each(ATTACKS)('a WebSocket upgrade to %s is answered 400 and the host keeps serving', async (target) => {
    expect(await rawRequest(host.port, upgradeRequest(host.port, target))).toBe(400);
    await stillServes(host.port, host.token);
  });

  it('an upgrade whose client resets at once does not end the host', async () => {
    const { connect } = await import('node:net');
    const resets: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      const s = connect(host.port, '127.0.0.1', () => {
        s.write(upgradeRequest(host.port, '/elsewhere'));
        s.resetAndDestroy();
      });
      s.on('error', () => {});
      resets.push(new Promise((r) => s.once('close', () => r())));
    }
    // Every reset has gone out; the host then answers a fresh connection (a crash while
    // handling one would also surface as an uncaught error of this in-process host).
    await Promise.all(resets);
    await stillServes(host.port, host.token);
  });
});

describe('the `npm run web` process survives the same attacks', () => {
  let proc: HostProcess;
  const temp = makeTempDir();
  beforeAll(async () => {
    // A stand-in renderer newer than every source, so the host starts without building the UI.
    const renderer = path.join(temp.dir, 'renderer');
    fs.mkdirSync(renderer);
    fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Relais</title>');
    proc = await spawnHostProcess(path.join(temp.dir, 'data'), [], { RELAIS_RENDERER_DIR: renderer });
  });
  afterAll(async () => {
    await proc?.stop();
    temp.cleanup();
  });

  it('answers 400 to each attack, stays up, and serves calls afterwards', async () => {
    for (const target of ATTACKS) {
      expect(await rawRequest(proc.port, getRequest(proc.port, target))).toBe(400);
      expect(await rawRequest(proc.port, upgradeRequest(proc.port, target))).toBe(400);
    }
    expect(proc.child.exitCode).toBeNull();
    expect(await rawRequest(proc.port, getRequest(proc.port, '/'))).toBe(200);
    await stillServes(proc.port, proc.token);
  });
});
