import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../platform/db';
import type { ProfileInput, SshProfile } from '../../domain/ssh';

interface Row {
  id: string;
  name: string;
  host: string;
  port: number;
  username: string;
  auth: SshProfile['auth'];
  key_file: string | null;
  credential_id: string | null;
  jump: string | null;
  asset_id: string | null;
  created_at: string;
  updated_at: string;
}

const toProfile = (r: Row): SshProfile => ({
  id: r.id,
  name: r.name,
  host: r.host,
  port: r.port,
  username: r.username,
  auth: r.auth,
  keyFile: r.key_file,
  credentialId: r.credential_id,
  jump: r.jump ? (JSON.parse(r.jump) as string[]) : [],
  assetId: r.asset_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class ProfileRepo {
  constructor(private readonly db: Db) {}
  get(id: string): SshProfile | null {
    const r = this.db.prepare('SELECT * FROM ssh_profiles WHERE id = ?').get(id) as Row | undefined;
    return r ? toProfile(r) : null;
  }
  byName(name: string): SshProfile | null {
    const r = this.db.prepare('SELECT * FROM ssh_profiles WHERE name = ? COLLATE NOCASE ORDER BY created_at LIMIT 1').get(name) as Row | undefined;
    return r ? toProfile(r) : null;
  }
  list(assetId?: string): SshProfile[] {
    const rows = assetId
      ? (this.db.prepare('SELECT * FROM ssh_profiles WHERE asset_id = ? ORDER BY name COLLATE NOCASE').all(assetId) as Row[])
      : (this.db.prepare('SELECT * FROM ssh_profiles ORDER BY name COLLATE NOCASE').all() as Row[]);
    return rows.map(toProfile);
  }
  save(input: ProfileInput & { id?: string }, at: string): SshProfile {
    const existing = input.id ? this.get(input.id) : null;
    const id = existing?.id ?? input.id ?? uuidv7();
    const jump = input.jump.length ? JSON.stringify(input.jump) : null;
    if (existing) {
      this.db
        .prepare('UPDATE ssh_profiles SET name=?, host=?, port=?, username=?, auth=?, key_file=?, credential_id=?, jump=?, asset_id=?, updated_at=? WHERE id=?')
        .run(input.name, input.host, input.port, input.username, input.auth, input.keyFile, input.credentialId, jump, input.assetId, at, id);
    } else {
      this.db
        .prepare('INSERT INTO ssh_profiles (id, name, host, port, username, auth, key_file, credential_id, jump, asset_id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)')
        .run(id, input.name, input.host, input.port, input.username, input.auth, input.keyFile, input.credentialId, jump, input.assetId, at, at);
    }
    return this.get(id)!;
  }
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM ssh_profiles WHERE id = ?').run(id).changes > 0;
  }
}
