/**
 * Opens an authenticated ssh2 connection along a route (zero or more jump hosts, then the
 * target). For every hop the host key is checked in ssh2's `hostVerifier`, during key
 * exchange: nothing is authenticated (no credential leaves) until the key is accepted.
 */
import fs from 'node:fs';
import { Client, type ConnectConfig, type AuthenticationType } from 'ssh2';
import { RelaisError } from '../../api/errors';
import type { SshAuth } from '../../api/contracts/ssh';
import { hostKeyInfo, type HostKeyInfo, type TrustStore } from './hostkeys';
import { sshErrors } from './errors';

export interface Endpoint {
  host: string;
  port: number;
  username: string;
  auth: SshAuth;
  keyFile?: string | null;
  credentialId?: string | null;
  /** One-time password or passphrase typed by the technician: used once, never stored. */
  password?: string;
}

export interface Route {
  hops: Endpoint[];
  target: Endpoint;
}

export const endpointLabel = (e: Endpoint) => `${e.username}@${e.host}${e.port === 22 ? '' : `:${e.port}`}`;
export const routeKey = (r: Route) =>
  JSON.stringify([...r.hops, r.target].map((e) => [e.host.toLowerCase(), e.port, e.username, e.auth, e.keyFile ?? null, e.credentialId ?? null]));

/** Thrown when a hop presents a key nobody has trusted yet: the UI asks the technician. */
export class UnknownHostKey extends Error {
  constructor(
    readonly hop: number,
    readonly host: string,
    readonly port: number,
    readonly info: HostKeyInfo,
  ) {
    super(`unknown host key for ${host}:${port}`);
  }
}

export interface ConnectDeps {
  trust: TrustStore;
  /** host:port:fingerprint accepted for this connection only ("trust once"). */
  allowOnce: Set<string>;
  secret(credentialId: string, usedFor: string): Promise<string>;
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
}

export const onceKey = (host: string, port: number, fingerprint: string) => `${host.toLowerCase()}:${port}:${fingerprint}`;

async function authConfig(ep: Endpoint, deps: ConnectDeps): Promise<Partial<ConnectConfig> & { authHandler: AuthenticationType[]; kbdPassword?: string }> {
  const target = endpointLabel(ep);
  switch (ep.auth) {
    case 'key': {
      if (!ep.keyFile) throw sshErrors.keyUnreadable('(aucun fichier / no file)', 'no key file in the profile');
      let privateKey: Buffer;
      try {
        privateKey = fs.readFileSync(ep.keyFile);
      } catch (err) {
        throw sshErrors.keyUnreadable(ep.keyFile, (err as NodeJS.ErrnoException).code ?? 'read error');
      }
      const passphrase = ep.password ?? (ep.credentialId ? await deps.secret(ep.credentialId, target) : undefined);
      return { privateKey, passphrase, authHandler: ['publickey'] };
    }
    case 'agent': {
      const agent = process.env.SSH_AUTH_SOCK ?? (process.platform === 'win32' ? 'pageant' : undefined);
      if (!agent) throw sshErrors.agentMissing();
      return { agent, authHandler: ['agent'] };
    }
    case 'password': {
      const password = ep.password ?? (ep.credentialId ? await deps.secret(ep.credentialId, target) : undefined);
      if (!password) throw sshErrors.passwordNeeded(target);
      return { password, authHandler: ['password'] };
    }
    case 'keyboard-interactive': {
      const password = ep.password ?? (ep.credentialId ? await deps.secret(ep.credentialId, target) : undefined);
      if (!password) throw sshErrors.passwordNeeded(target);
      return { tryKeyboard: true, authHandler: ['keyboard-interactive'], kbdPassword: password };
    }
  }
}

function connectOne(ep: Endpoint, hop: number, deps: ConnectDeps, sock?: NodeJS.ReadableStream & NodeJS.WritableStream): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let rejection: Error | null = null;
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(err);
    };
    authConfig(ep, deps).then(
      (auth) => {
        const { kbdPassword, ...cfg } = auth;
        if (kbdPassword !== undefined) {
          client.on('keyboard-interactive', (_name, _instr, _lang, prompts, finish) => finish(prompts.map(() => kbdPassword)));
        }
        client.once('ready', () => {
          settled = true;
          resolve(client);
        });
        client.on('error', (err: Error & { level?: string }) => {
          if (rejection) return fail(rejection);
          const msg = String(err.message);
          if (err.level === 'client-authentication') return fail(sshErrors.authFailed(endpointLabel(ep), ep.auth));
          if (/Encrypted private .*key detected, but no passphrase/i.test(msg)) return fail(sshErrors.passphraseNeeded(ep.keyFile ?? ''));
          if (/Cannot parse privateKey|bad decrypt|Bad passphrase|Failed to decrypt|integrity check/i.test(msg)) return fail(sshErrors.keyUnreadable(ep.keyFile ?? '', 'wrong passphrase or unsupported format'));
          fail(sshErrors.connectFailed(endpointLabel(ep), (err as NodeJS.ErrnoException).code ?? msg.slice(0, 120)));
        });
        client.once('close', () => fail(rejection ?? sshErrors.connectFailed(endpointLabel(ep), 'connection closed')));
        try {
          client.connect({
            host: ep.host,
            port: ep.port,
            username: ep.username,
            ...(sock ? { sock: sock as never } : {}),
            readyTimeout: deps.readyTimeoutMs ?? 20_000,
            keepaliveInterval: deps.keepaliveIntervalMs ?? 15_000,
            keepaliveCountMax: 3,
            ...cfg,
            hostVerifier: (key: Buffer) => {
              const info = hostKeyInfo(key);
              const verdict = deps.trust.check(ep.host, ep.port, key);
              if (verdict.status === 'trusted') return true;
              if (verdict.status === 'changed') rejection = sshErrors.hostKeyChanged(ep.host, ep.port, verdict.known, info);
              else if (deps.allowOnce.has(onceKey(ep.host, ep.port, info.fingerprint))) return true;
              else rejection = new UnknownHostKey(hop, ep.host, ep.port, info);
              return false;
            },
          });
        } catch (err) {
          const msg = String((err as Error).message);
          if (/no passphrase/i.test(msg)) fail(sshErrors.passphraseNeeded(ep.keyFile ?? ''));
          else fail(sshErrors.keyUnreadable(ep.keyFile ?? '', msg.slice(0, 120)));
        }
      },
      (err) => fail(err instanceof Error ? err : new Error(String(err))),
    );
  });
}

export interface RouteConnection {
  /** The target's client (channels are opened on it). */
  client: Client;
  /** Every client along the route, first hop first. */
  clients: Client[];
  end(): void;
}

export async function connectRoute(route: Route, deps: ConnectDeps): Promise<RouteConnection> {
  const eps = [...route.hops, route.target];
  const clients: Client[] = [];
  const endAll = () => {
    for (const c of [...clients].reverse()) c.end();
  };
  try {
    let sock: (NodeJS.ReadableStream & NodeJS.WritableStream) | undefined;
    for (let i = 0; i < eps.length; i++) {
      const ep = eps[i]!;
      const client = await connectOne(ep, i, deps, sock);
      clients.push(client);
      const next = eps[i + 1];
      if (next) {
        sock = await new Promise((resolve, reject) =>
          client.forwardOut('127.0.0.1', 0, next.host, next.port, (err, stream) =>
            err ? reject(sshErrors.connectFailed(endpointLabel(next), `via ${endpointLabel(ep)}: ${err.message}`)) : resolve(stream),
          ),
        );
      }
    }
  } catch (err) {
    endAll();
    if (err instanceof RelaisError || err instanceof UnknownHostKey) throw err;
    throw sshErrors.connectFailed(endpointLabel(route.target), String((err as Error).message).slice(0, 120));
  }
  return { client: clients[clients.length - 1]!, clients, end: endAll };
}
