/**
 * Host-key prompts: an unknown key turns a connection attempt into a question for the
 * technician (SHA256 fingerprint); the answer retries the attempt, trusting the key for
 * good or for this connection only. Prompts expire after five minutes.
 */
import crypto from 'node:crypto';
import type { SshEvents } from '../../domain/ssh';
import type { SshSession } from '../../domain/ssh';
import type { AuditLog } from '../security/audit';
import { onceKey, UnknownHostKey } from './connection';
import { sshErrors } from './errors';
import type { TrustStore } from './hostkeys';

const PROMPT_TTL_MS = 5 * 60_000;

export type OpenResult =
  | { status: 'open'; session: SshSession }
  | { status: 'hostKey'; prompt: { promptId: string; host: string; port: number; keyType: string; fingerprint: string; hop: number } }
  | { status: 'cancelled' };

interface PendingPrompt {
  expires: number;
  host: string;
  port: number;
  info: UnknownHostKey['info'];
  retry(allowOnce: Set<string>): Promise<OpenResult>;
}

export interface PromptDeps {
  trust: TrustStore;
  audit: AuditLog;
  emit<E extends keyof SshEvents>(name: E, payload: SshEvents[E]): void;
  now(): Date;
}

export class HostKeyPrompts {
  private readonly prompts = new Map<string, PendingPrompt>();

  constructor(private readonly deps: PromptDeps) {}

  /** Runs `attempt`, turning an unknown host key into a prompt the UI answers. */
  async withPrompt(attempt: (allowOnce: Set<string>) => Promise<OpenResult>, allowOnce: Set<string> = new Set()): Promise<OpenResult> {
    try {
      return await attempt(allowOnce);
    } catch (err) {
      if (!(err instanceof UnknownHostKey)) throw err;
      const promptId = crypto.randomUUID();
      this.prompts.set(promptId, {
        expires: Date.now() + PROMPT_TTL_MS,
        host: err.host,
        port: err.port,
        info: err.info,
        retry: (once) => this.withPrompt(attempt, once),
      });
      return { status: 'hostKey', prompt: { promptId, host: err.host, port: err.port, keyType: err.info.keyType, fingerprint: err.info.fingerprint, hop: err.hop } };
    }
  }

  async answer(promptId: string, decision: 'trust-remember' | 'trust-once' | 'cancel', actor: string): Promise<OpenResult> {
    const prompt = this.prompts.get(promptId);
    this.prompts.delete(promptId);
    if (!prompt || prompt.expires < Date.now()) throw sshErrors.promptExpired();
    if (decision === 'cancel') return { status: 'cancelled' };
    const target = `${prompt.host}:${prompt.port}`;
    const remember = decision === 'trust-remember';
    if (remember) this.deps.trust.remember(prompt.host, prompt.port, prompt.info, actor, this.deps.now().toISOString());
    this.deps.audit.append({ action: 'hostkey.trusted', target, details: { keyType: prompt.info.keyType, fingerprint: prompt.info.fingerprint, remember } });
    if (remember) {
      this.deps.emit('ssh.hostKeysChanged', {});
      return prompt.retry(new Set());
    }
    return prompt.retry(new Set([onceKey(prompt.host, prompt.port, prompt.info.fingerprint)]));
  }
}

/** Fetches the key a host presents now, without authenticating. */
export async function probeHostKey(host: string, port: number): Promise<UnknownHostKey['info']> {
  const { Client } = await import('ssh2');
  const { hostKeyInfo } = await import('./hostkeys');
  return new Promise((resolve, reject) => {
    const c = new Client();
    let info: UnknownHostKey['info'] | null = null;
    c.on('error', () => (info ? resolve(info) : reject(sshErrors.connectFailed(`${host}:${port}`, 'no host key received'))));
    c.on('close', () => (info ? resolve(info) : reject(sshErrors.connectFailed(`${host}:${port}`, 'closed'))));
    c.connect({
      host,
      port,
      username: 'relais-hostkey-probe',
      readyTimeout: 15_000,
      authHandler: () => false,
      hostVerifier: (key: Buffer) => {
        info = hostKeyInfo(key);
        return false;
      },
    });
  });
}
