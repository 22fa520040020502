import os from 'node:os';
import path from 'node:path';

/**
 * Where all of Relais's state lives. RELAIS_DATA_DIR wins so two instances (or a test
 * and a user) never share a database by accident; otherwise the platform's user-data
 * folder, the same one Electron's app.getPath('userData') returns for "Relais".
 */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform, policy: { allowDataDirEnv?: boolean } = {}): string {
  // The machine policy may forbid the override (a data folder on a share, outside backups...).
  const fromEnv = policy.allowDataDirEnv === false ? '' : env.RELAIS_DATA_DIR?.trim();
  if (fromEnv) return path.resolve(fromEnv);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Relais');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Relais');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Relais');
}

/**
 * The machine-wide policy file an administrator deploys (GPO/SCCM, config management).
 * RELAIS_POLICY_FILE is for development and tests only: in a packaged build the user's
 * environment must not swap the administrator's policy for one that unlocks everything.
 */
export function defaultPolicyFile(env: NodeJS.ProcessEnv = process.env, platform = process.platform, packaged = false): string {
  if (env.RELAIS_POLICY_FILE && !packaged) return path.resolve(env.RELAIS_POLICY_FILE);
  if (platform === 'win32') return path.join(env.ProgramData ?? 'C:\\ProgramData', 'Relais', 'policy.json');
  if (platform === 'darwin') return '/Library/Application Support/Relais/policy.json';
  return '/etc/relais/policy.json';
}

/**
 * Windows PowerShell by its full path under %SystemRoot%\System32, never by bare name: a
 * bare `powershell.exe` is looked up in the current folder and PATH first, where anyone who
 * can write a file could plant their own.
 */
export function windowsPowerShellPath(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.SystemRoot ?? env.SYSTEMROOT ?? 'C:\\Windows';
  // A drive-rooted folder only (no control characters, no UNC share, no relative path).
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  const root = /^[A-Za-z]:\\[^\u0000-\u001f"<>|?*]{0,240}$/.test(raw) ? raw : 'C:\\Windows';
  return path.win32.join(root, 'System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe');
}
