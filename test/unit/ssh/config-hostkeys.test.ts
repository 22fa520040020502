import { describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseSshConfig } from '../../../src/features/ssh/config-import';
import { fingerprintOf, keyTypeOf, readKnownHosts } from '../../../src/features/ssh/hostkeys';
import { stripAnsi } from '../../../src/features/ssh/service';
import { makeTempDir } from '../../support/temp-dir';

describe('~/.ssh/config import', () => {
  it('reads Host, HostName, Port, User, IdentityFile, ProxyJump, defaults from Host * and Include', () => {
    const t = makeTempDir();
    fs.mkdirSync(path.join(t.dir, '.ssh', 'conf.d'), { recursive: true });
    fs.writeFileSync(path.join(t.dir, '.ssh', 'conf.d', 'a.conf'), 'Host inclus\n  HostName 10.0.0.9\n  User inc\n');
    const cfg = [
      '# commentaire',
      'Include conf.d/*.conf',
      'Host bastion',
      '  HostName bastion.mairie.example',
      '  Port 2222',
      '  User tech',
      '  IdentityFile ~/.ssh/id_ed25519',
      'Host srv-* web1',
      '  ProxyJump bastion',
      'Host web1',
      '  HostName=10.1.2.3',
      'Host *',
      '  User defaut',
      '  Port 22',
    ].join('\n');
    const hosts = parseSshConfig(cfg, { home: t.dir, file: path.join(t.dir, '.ssh', 'config') });
    const by = Object.fromEntries(hosts.map((h) => [h.alias, h]));
    expect(Object.keys(by).sort()).toEqual(['bastion', 'inclus', 'web1']);
    expect(by.bastion).toMatchObject({ hostName: 'bastion.mairie.example', port: 2222, user: 'tech', identityFile: path.join(t.dir, '.ssh/id_ed25519'), proxyJump: [] });
    expect(by.web1).toMatchObject({ hostName: '10.1.2.3', port: 22, user: 'defaut', proxyJump: ['bastion'] });
    expect(by.inclus).toMatchObject({ hostName: '10.0.0.9', user: 'inc' });
    t.cleanup();
  });
});

describe('host keys', () => {
  const blob = (type: string) => {
    const t = Buffer.from(type);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(t.length);
    return Buffer.concat([len, t, crypto.randomBytes(36)]);
  };

  it('computes the SHA256 fingerprint as ssh-keygen prints it and reads the key type', () => {
    const k = blob('ssh-ed25519');
    expect(fingerprintOf(k)).toBe('SHA256:' + crypto.createHash('sha256').update(k).digest('base64').replace(/=+$/, ''));
    expect(keyTypeOf(k)).toBe('ssh-ed25519');
  });

  it('matches plain, [host]:port, hashed and wildcard known_hosts entries, and honours negation and @revoked', () => {
    const t = makeTempDir();
    const k1 = blob('ssh-ed25519').toString('base64');
    const k2 = blob('ssh-rsa').toString('base64');
    const salt = crypto.randomBytes(20);
    const hashed = `|1|${salt.toString('base64')}|${crypto.createHmac('sha1', salt).update('[srv.example]:2200').digest('base64')}`;
    const file = path.join(t.dir, 'known_hosts');
    fs.writeFileSync(
      file,
      [`plain.example ssh-ed25519 ${k1}`, `${hashed} ssh-ed25519 ${k1}`, `*.mairie.example,!secret.mairie.example ssh-rsa ${k2}`, `@revoked revoked.example ssh-ed25519 ${k1}`, '# comment'].join('\n'),
    );
    expect(readKnownHosts([file], 'plain.example', 22)).toHaveLength(1);
    expect(readKnownHosts([file], 'plain.example', 2222)).toHaveLength(0);
    expect(readKnownHosts([file], 'srv.example', 2200)).toEqual([{ keyType: 'ssh-ed25519', publicKey: k1, revoked: false }]);
    expect(readKnownHosts([file], 'pc1.mairie.example', 22)).toHaveLength(1);
    expect(readKnownHosts([file], 'secret.mairie.example', 22)).toHaveLength(0);
    expect(readKnownHosts([file], 'revoked.example', 22)[0]!.revoked).toBe(true);
    t.cleanup();
  });

  it('strips terminal escapes from a transcript', () => {
    expect(stripAnsi('\x1b[1;32mok\x1b[0m\r\n\x1b]0;title\x07prompt$ ')).toBe('ok\nprompt$ ');
  });
});
