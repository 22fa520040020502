import path from 'node:path';
import fs from 'node:fs';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { connectCore, type PortLike } from '../../../main/core-channel';
import { runCore } from '../../../main/core-process';
import { makeTempDir } from '../../support/temp-dir';

/**
 * The protocol between Electron's main process and the core's utility process, over a real
 * MessagePort (Node's: the same structured-clone semantics as Electron's MessagePortMain).
 * Only safeStorage is a stand-in: it lives in Electron's main process.
 */
const portLike = (p: MessagePort): PortLike => ({ postMessage: (m) => p.postMessage(m), onMessage: (l) => p.on('message', l) });

const opened: { close(): Promise<void> }[] = [];
const temps: (() => void)[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  temps.splice(0).forEach((c) => c());
});

function setup() {
  const temp = makeTempDir('relais-core-port-');
  temps.push(temp.cleanup);
  const { port1, port2 } = new MessageChannel();
  const safeCalls: string[] = [];
  // safeStorage as main has it: here a reversible stand-in that records what it was asked.
  const safe = {
    isAsyncEncryptionAvailable: async () => true,
    encryptStringAsync: async (s: string) => (safeCalls.push('encrypt'), Buffer.from(`enc:${Buffer.from(s).toString('base64')}`)),
    decryptStringAsync: async (b: Buffer) => (safeCalls.push('decrypt'), { result: Buffer.from(b.toString().slice(4), 'base64').toString(), shouldReEncrypt: false }),
  };
  const client = connectCore(portLike(port1), safe);
  const service = runCore(portLike(port2), { dataDir: temp.dir, demo: false });
  opened.push({ close: async () => (port1.close(), await service.close()) });
  return { client, safeCalls, dataDir: temp.dir };
}
const caller = { clientId: 'window' };

describe('core over a MessagePort', () => {
  it('answers contract calls and forwards the core events', async () => {
    const { client } = setup();
    await client.ready;
    const events: string[] = [];
    client.onEvent((name) => events.push(name));
    const logged = await client.dispatch('tickets.logCall', { subject: 'Écran noir', requesterName: 'Hélène Dupré' }, caller);
    expect(logged).toMatchObject({ ok: true, value: { subject: 'Écran noir', requesterName: 'Hélène Dupré' } });
    await expect.poll(() => events).toContain('tickets.changed');
    const got = await client.dispatch('tickets.get', { id: (logged as { value: { id: string } }).value.id }, caller);
    expect(got).toMatchObject({ ok: true, value: { ticket: { subject: 'Écran noir' } } });
  });

  it('returns typed errors for bad input and unknown calls, like the other hosts', async () => {
    const { client } = setup();
    expect(await client.dispatch('settings.set', { locale: 'xx' }, caller)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await client.dispatch('nope', {}, caller)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CALL' } });
  });

  it("encrypts vault entries with main's safeStorage: the secret never lands in clear on disk", async () => {
    const { client, safeCalls, dataDir } = setup();
    const put = await client.dispatch('security.vaultPut', { label: 'Compte admin', secret: 'Sésame-ouvre-toi-42' }, caller);
    expect(put).toMatchObject({ ok: true });
    expect(safeCalls).toContain('encrypt');
    for (const f of fs.readdirSync(dataDir)) {
      const file = path.join(dataDir, f);
      if (fs.statSync(file).isFile()) expect(fs.readFileSync(file).includes('Sésame-ouvre-toi-42')).toBe(false);
    }
  });

  it('fails pending calls with a clear message when the core process is gone', async () => {
    const { port1 } = new MessageChannel();
    const client = connectCore(portLike(port1), { isAsyncEncryptionAvailable: async () => false, encryptStringAsync: async () => Buffer.alloc(0), decryptStringAsync: async () => ({ result: '' }) });
    const pending = client.dispatch('app.info', {}, caller);
    client.failAll({ fr: 'Le cœur de Relais s’est arrêté.', en: 'Relais’s core stopped.' });
    expect(await pending).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: { fr: 'Le cœur de Relais s’est arrêté.' } } });
    port1.close();
  });
});
