/**
 * Issue 18, "also": the data folder and database are the owner's only, even when the folder
 * already existed with looser modes; Windows tools start PowerShell by its full path.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { createCore } from '../../../src/api/core';
import { openDatabase } from '../../../src/features/schema/database';
import { windowsPowerShellPath } from '../../../src/base/paths';
import { makeTempDir } from '../../support/temp-dir';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('data folder permissions', () => {
  it('tightens an existing 0755 folder to 0700 and relais.db to 0600', async () => {
    const t = makeTempDir('relais-perm-');
    cleanups.push(t.cleanup);
    const dir = path.join(t.dir, 'Relais');
    fs.mkdirSync(dir, { mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    const core = createCore({ dataDir: dir, host: 'web', policyFile: null });
    core.db.prepare('SELECT 1').get();
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of ['relais.db', 'relais.db-wal', 'relais.db-shm'].filter((f) => fs.existsSync(path.join(dir, f)))) expect(fs.statSync(path.join(dir, f)).mode & 0o777).toBe(0o600);
    await core.close();
    // A database left 0644 by an older version is fixed at the next open.
    fs.chmodSync(path.join(dir, 'relais.db'), 0o644);
    const again = createCore({ dataDir: dir, host: 'web', policyFile: null });
    expect(fs.statSync(path.join(dir, 'relais.db')).mode & 0o777).toBe(0o600);
    await again.close();
  });

  it('never closes a shared sticky folder (like /tmp) that a store file sits in', () => {
    const t = makeTempDir('relais-sticky-');
    cleanups.push(t.cleanup);
    fs.chmodSync(t.dir, 0o1777);
    const db = openDatabase(path.join(t.dir, 'straight-in-a-shared-folder.db'));
    db.close();
    expect(fs.statSync(t.dir).mode & 0o7777).toBe(0o1777);
  });
});

describe('PowerShell by full path', () => {
  it('under %SystemRoot%\\System32, and never a relative or UNC root from the environment', () => {
    expect(windowsPowerShellPath({ SystemRoot: 'D:\\WINNT' })).toBe('D:\\WINNT\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(windowsPowerShellPath({})).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    for (const bad of ['\\\\evil\\share', '.\\x', 'C:\\Windows\r\nX', 'relative'])
      expect(windowsPowerShellPath({ SystemRoot: bad })).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
  });
});
