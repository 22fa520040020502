import os from 'node:os';
import path from 'node:path';
import type { Core } from '../core';
import type { Handler } from '../handler-kit';
import type { SecurityFeature } from './security';
import { profileInputSchema } from '../contracts/ssh';
import { ProfileRepo } from '../../features/ssh/profiles';
import type { TicketPort } from '../../features/tickets/port';
import { TrustStore } from '../../features/ssh/hostkeys';
import { SshService, type ConnectionProfileInput, type ExecOptions, type ExecResult, type ExecTarget } from '../../features/ssh/service';
import { MAX_CONFIG_FILE_BYTES, readBoundedFile } from '../../features/ssh/bounded-read';
import { parseSshConfig } from '../../features/ssh/config-import';
import { sshErrors } from '../../features/ssh/errors';

export type { ConnectionProfileInput, ExecOptions, ExecResult, ExecTarget };

/** What other features (configuration tools) may ask of SSH. */
export interface SshPort {
  exec(target: ExecTarget, command: string, opts: ExecOptions): Promise<ExecResult>;
  /** "name (user@host, SSH)" for a saved profile, null when unknown. */
  profileName(id: string): string | null;
}

/** The exec API other features (configuration tools) use over SSH. */
export interface SshExecApi {
  exec(target: ExecTarget, command: string, opts: ExecOptions): Promise<ExecResult>;
  /** SFTP push: written under a temporary name, renamed at the end. */
  upload(target: ExecTarget, localPath: string, remotePath: string, opts?: { onProgress?(p: { bytes: number; total: number }): void; signal?: AbortSignal }): Promise<void>;
}

type SshHandlers = {
  [N in
    | 'ssh.profiles'
    | 'ssh.profileSave'
    | 'ssh.profileDelete'
    | 'ssh.importConfig'
    | 'ssh.open'
    | 'ssh.answerHostKey'
    | 'ssh.reconnect'
    | 'ssh.write'
    | 'ssh.resize'
    | 'ssh.ack'
    | 'ssh.close'
    | 'ssh.sessions'
    | 'ssh.attachTranscript'
    | 'ssh.upload'
    | 'ssh.download'
    | 'ssh.cancelTransfer'
    | 'ssh.hostKeys'
    | 'ssh.hostKeyReplace'
    | 'ssh.hostKeyRemove']: Handler<N>;
};

/**
 * SSH sessions. `ssh` (the service) is what other features use: `ssh.exec(target, command,
 * opts)` runs a command over the same trusted, pooled connections as the terminals.
 */
export function createSshFeature(core: Core, deps: { tickets: TicketPort; security: Pick<SecurityFeature, 'vault' | 'audit'> }) {
  const tickets = deps.tickets;
  const profiles = new ProfileRepo(core.db);
  const trust = new TrustStore(core.db);
  const service = new SshService({
    trust,
    vault: deps.security.vault,
    audit: deps.security.audit,
    profiles,
    emit: core.events.emit.bind(core.events),
    now: () => core.now(),
    timeline: (ticketId, entry) => tickets.appendTimeline(ticketId, entry),
  });
  core.onClose(() => service.shutdown());
  const audit = deps.security.audit;
  const profilesChanged = () => core.events.emit('ssh.profilesChanged', {});

  const handlers: SshHandlers = {
    'ssh.profiles': (input) => ({ profiles: profiles.list(input?.assetId) }),
    'ssh.profileSave': (input) => {
      const p = profiles.save(input, core.now().toISOString());
      profilesChanged();
      return p;
    },
    'ssh.profileDelete': ({ id }) => {
      const deleted = profiles.delete(id);
      profilesChanged();
      return { deleted };
    },
    'ssh.importConfig': async (input) => {
      const file = input?.path ?? path.join(os.homedir(), '.ssh', 'config');
      let text = input?.text;
      if (text === undefined) {
        try {
          text = (await readBoundedFile(file, MAX_CONFIG_FILE_BYTES)).toString('utf8');
        } catch {
          throw sshErrors.configUnreadable(file);
        }
      }
      const hosts = parseSshConfig(text, { file: input?.text === undefined ? file : undefined });
      const imported = [];
      const skipped: string[] = [];
      for (const h of hosts) {
        if (profiles.byName(h.alias)) {
          skipped.push(h.alias);
          continue;
        }
        const parsed = profileInputSchema.safeParse({
          name: h.alias,
          host: h.hostName,
          port: h.port,
          username: h.user ?? os.userInfo().username,
          auth: h.identityFile ? 'key' : 'agent',
          keyFile: h.identityFile,
          jump: h.proxyJump,
        });
        if (!parsed.success) {
          skipped.push(h.alias);
          continue;
        }
        imported.push(profiles.save(parsed.data, core.now().toISOString()));
      }
      if (imported.length) profilesChanged();
      return { imported, skipped };
    },
    'ssh.open': (input) => {
      if (input.ticketId) tickets.get(input.ticketId);
      return service.open(input);
    },
    'ssh.answerHostKey': ({ promptId, decision }) => service.answerHostKey(promptId, decision, core.currentUser()),
    'ssh.reconnect': ({ sessionId, password }) => service.reconnect(sessionId, password),
    'ssh.write': ({ sessionId, data }) => ({ ok: service.write(sessionId, data) }),
    'ssh.resize': ({ sessionId, cols, rows }) => ({ ok: service.resize(sessionId, cols, rows) }),
    'ssh.ack': ({ sessionId, bytes }) => ({ ok: service.ack(sessionId, bytes) }),
    'ssh.close': ({ sessionId }) => ({ ok: service.close(sessionId) }),
    'ssh.sessions': () => ({ sessions: service.list() }),
    'ssh.attachTranscript': ({ sessionId }) => service.attachTranscript(sessionId),
    'ssh.upload': ({ sessionId, localPath, remotePath }) => service.transfer('upload', sessionId, localPath, remotePath),
    'ssh.download': ({ sessionId, localPath, remotePath }) => service.transfer('download', sessionId, localPath, remotePath),
    'ssh.cancelTransfer': ({ transferId }) => ({ ok: service.cancelTransfer(transferId) }),
    'ssh.hostKeys': () => ({ keys: trust.list().map(({ publicKey: _k, ...k }) => k) }),
    'ssh.hostKeyReplace': async ({ host, port, fingerprint }) => {
      const old = trust.stored(host, port) ?? trust.fromKnownHosts(host, port)[0] ?? null;
      const now = await service.probeHostKey(host, port);
      if (now.fingerprint !== fingerprint) throw sshErrors.replaceMismatch(fingerprint, now.fingerprint);
      trust.remember(host, port, now, core.currentUser(), core.now().toISOString());
      audit.append({ action: 'hostkey.replaced', target: `${host}:${port}`, details: { oldFingerprint: old?.fingerprint ?? null, newFingerprint: now.fingerprint, keyType: now.keyType } });
      service.closeConnectionsTo(host, port);
      core.events.emit('ssh.hostKeysChanged', {});
      const { publicKey: _k, ...k } = trust.stored(host, port)!;
      return k;
    },
    'ssh.hostKeyRemove': ({ host, port }) => {
      const removed = trust.forget(host, port);
      if (removed) {
        audit.append({ action: 'hostkey.removed', target: `${host}:${port}` });
        service.closeConnectionsTo(host, port);
        core.events.emit('ssh.hostKeysChanged', {});
      }
      return { removed };
    },
  };

  const ssh: SshExecApi & { service: SshService; trust: TrustStore; profiles: ProfileRepo } = {
    exec: (target, command, opts) => service.exec(target, command, opts),
    upload: (target, localPath, remotePath, opts) => service.upload(target, localPath, remotePath, opts),
    service,
    trust,
    profiles,
  };
  const port: SshPort = {
    exec: (target, command, opts) => service.exec(target, command, opts),
    profileName(id) {
      const p = profiles.get(id);
      return p ? `${p.name} (${p.username}@${p.host}, SSH)` : null;
    },
  };
  return { handlers, ssh, port };
}
