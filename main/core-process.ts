/**
 * The core's process under Electron: started by main with `utilityProcess.fork`, it
 * receives one MessagePort and serves the whole contract over it (main/core-channel.ts).
 * Preferences are the JSON file beside the database, as in the web host; the vault's
 * encryption is asked of main, where safeStorage lives.
 */
import { createService } from '../src/api/service';
import { safeStorageVaultFactory } from '../src/api/service';
import { portSafeStorage, serveCore, type PortLike } from './core-channel';
import { installFaultPolicy } from './fault-policy';

export interface CoreProcessOptions {
  dataDir: string;
  demo: boolean;
  /** An installed build: the policy file location ignores the environment. */
  packaged?: boolean;
}

/** A MessagePortMain as the utility process receives it. */
interface PortMainLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  start(): void;
}

export function portOf(p: PortMainLike): PortLike {
  return { postMessage: (m) => p.postMessage(m), onMessage: (l) => p.on('message', (e) => l(e.data)) };
}

export function runCore(port: PortLike, options: CoreProcessOptions) {
  const safe = portSafeStorage(port);
  const service = createService({ host: 'electron', dataDir: options.dataDir, demo: options.demo, packaged: options.packaged ?? false, vaultFactory: safeStorageVaultFactory(safe) });
  serveCore(port, service);
  return service;
}

interface ParentPort {
  once(event: 'message', listener: (e: { data: unknown; ports: PortMainLike[] }) => void): void;
}
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (parentPort) {
  parentPort.once('message', (e) => {
    const port = e.ports[0];
    const options = e.data as CoreProcessOptions;
    if (!port) return;
    const service = runCore(portOf(port), options);
    installFaultPolicy(service);
    port.start();
    const stop = () => void service.close().finally(() => process.exit(0));
    process.once('SIGTERM', stop);
  });
}
