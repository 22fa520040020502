/**
 * Reads OpenSSH client configuration (`~/.ssh/config`): Host, HostName, Port, User,
 * IdentityFile, ProxyJump and Include (with globs, relative to ~/.ssh). Wildcard-only Host
 * blocks (`Host *`) provide defaults; each concrete alias becomes a connection profile.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MAX_CONFIG_FILE_BYTES, readBoundedFileSync } from './bounded-read';
import { globMatch } from './glob';

export interface ImportedHost {
  alias: string;
  hostName: string;
  port: number;
  user: string | null;
  identityFile: string | null;
  proxyJump: string[];
}

type Block = { patterns: string[]; opts: Map<string, string> };

function expandHome(p: string, home: string): string {
  return p === '~' ? home : p.startsWith('~/') ? path.join(home, p.slice(2)) : p;
}

function globFiles(pattern: string): string[] {
  if (!/[*?]/.test(pattern)) return fs.existsSync(pattern) ? [pattern] : [];
  const dir = path.dirname(pattern);
  const base = path.basename(pattern);
  try {
    return fs
      .readdirSync(dir)
      .filter((f) => globMatch(base, f))
      .sort()
      .map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}

function parseInto(text: string, blocks: Block[], home: string, sshDir: string, depth: number, seen: Set<string>): void {
  let current: Block = blocks[blocks.length - 1]!;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+?)\s*(?:=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const value = m[2]!.trim().replace(/^"(.*)"$/, '$1');
    if (key === 'host') {
      current = { patterns: value.split(/\s+/), opts: new Map() };
      blocks.push(current);
    } else if (key === 'match') {
      // Match blocks are conditional on things we cannot evaluate: ignore their options.
      current = { patterns: [], opts: new Map() };
      blocks.push(current);
    } else if (key === 'include') {
      if (depth > 8) continue;
      for (const pat of value.split(/\s+/)) {
        const abs = path.isAbsolute(expandHome(pat, home)) ? expandHome(pat, home) : path.join(sshDir, pat);
        for (const f of globFiles(abs)) {
          if (seen.has(f)) continue;
          seen.add(f);
          try {
            // Bounded: `Include /dev/zero` must not exhaust memory.
            parseInto(readBoundedFileSync(f, MAX_CONFIG_FILE_BYTES).toString('utf8'), blocks, home, sshDir, depth + 1, seen);
          } catch {}
        }
      }
      current = blocks[blocks.length - 1]!;
    } else if (!current.opts.has(key)) {
      // OpenSSH: the first value obtained wins.
      current.opts.set(key, value);
    }
  }
}

const matchPattern = (pattern: string, alias: string) => globMatch(pattern, alias, { caseInsensitive: true });

export function parseSshConfig(text: string, opts: { home?: string; file?: string } = {}): ImportedHost[] {
  const home = opts.home ?? os.homedir();
  const sshDir = opts.file ? path.dirname(opts.file) : path.join(home, '.ssh');
  const blocks: Block[] = [{ patterns: ['*'], opts: new Map() }];
  parseInto(text, blocks, home, sshDir, 0, new Set(opts.file ? [opts.file] : []));
  const aliases: string[] = [];
  for (const b of blocks) for (const p of b.patterns) if (!/[*?!]/.test(p) && !aliases.includes(p)) aliases.push(p);
  return aliases.map((alias) => {
    const get = (k: string): string | undefined => {
      for (const b of blocks) {
        const pats = b.patterns;
        const neg = pats.some((p) => p.startsWith('!') && matchPattern(p.slice(1), alias));
        if (!neg && pats.some((p) => !p.startsWith('!') && matchPattern(p, alias)) && b.opts.has(k)) return b.opts.get(k);
      }
      return undefined;
    };
    const hostName = (get('hostname') ?? alias).replace(/%h/g, alias);
    const jump = get('proxyjump');
    return {
      alias,
      hostName,
      port: Number(get('port') ?? 22) || 22,
      user: get('user') ?? null,
      identityFile: get('identityfile') ? expandHome(get('identityfile')!, home) : null,
      proxyJump: jump && jump.toLowerCase() !== 'none' ? jump.split(',').map((s) => s.trim()).filter(Boolean) : [],
    };
  });
}

export function readSshConfigFile(file = path.join(os.homedir(), '.ssh', 'config')): ImportedHost[] {
  return parseSshConfig(readBoundedFileSync(file, MAX_CONFIG_FILE_BYTES).toString('utf8'), { file });
}
