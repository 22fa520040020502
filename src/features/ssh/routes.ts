/**
 * Turns a saved profile or an inline target into a route: the jump hosts to cross, then the
 * target. A hop is a saved profile (by id or name) or `user@host:port`.
 */
import type { SshProfile } from '../../domain/ssh';
import type { Endpoint, Route } from './connection';
import { sshErrors } from './errors';
import type { ProfileRepo } from './profiles';

/** A connection given inline (tools run against an asset without a saved profile). */
export interface ConnectionProfileInput {
  host: string;
  port?: number;
  username: string;
  auth: Endpoint['auth'];
  keyFile?: string | null;
  credentialId?: string | null;
  password?: string;
  jump?: string[];
}

export type ExecTarget = { profileId: string } | ConnectionProfileInput;

export class RouteResolver {
  constructor(private readonly profiles: ProfileRepo) {}

  forProfile(profile: SshProfile, password?: string): Route {
    const target: Endpoint = { host: profile.host, port: profile.port, username: profile.username, auth: profile.auth, keyFile: profile.keyFile, credentialId: profile.credentialId, password };
    return { hops: this.resolveHops(profile.jump, target), target };
  }

  forInput(input: ConnectionProfileInput): Route {
    const target: Endpoint = {
      host: input.host,
      port: input.port ?? 22,
      username: input.username,
      auth: input.auth,
      keyFile: input.keyFile ?? null,
      credentialId: input.credentialId ?? null,
      password: input.password,
    };
    return { hops: this.resolveHops(input.jump ?? [], target), target };
  }

  forProfileId(profileId: string, password?: string): { profile: SshProfile; route: Route } {
    const profile = this.profiles.get(profileId);
    if (!profile) throw sshErrors.profileNotFound(profileId);
    return { profile, route: this.forProfile(profile, password) };
  }

  forTarget(target: ExecTarget): Route {
    return 'profileId' in target ? this.forProfileId(target.profileId).route : this.forInput(target);
  }

  private resolveHops(specs: string[], target: Endpoint): Endpoint[] {
    const hops: Endpoint[] = [];
    for (const spec of specs) {
      const prof = this.profiles.get(spec) ?? this.profiles.byName(spec);
      if (prof) {
        hops.push(...this.resolveHops(prof.jump, target), { host: prof.host, port: prof.port, username: prof.username, auth: prof.auth, keyFile: prof.keyFile, credentialId: prof.credentialId });
        continue;
      }
      const m = /^(?:([^@\s]+)@)?(\[[^\]]+\]|[^:\s]+)(?::(\d+))?$/.exec(spec.trim());
      if (!m) throw sshErrors.connectFailed(spec, 'invalid jump host');
      hops.push({ ...target, password: target.password, host: m[2]!.replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : 22, username: m[1] ?? target.username });
    }
    return hops;
  }
}
