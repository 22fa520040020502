/**
 * Issue 18, item 1: an exception nobody caught must not end the console. A real Node process
 * installs the hosts' fault policy, then throws from a timer and rejects a promise nobody
 * awaits; it must log both, hand them to the service for recovery, and keep running.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../../support/paths';

const SCRIPT = `
import { installFaultPolicy } from ${JSON.stringify(path.join(repoRoot, 'main/fault-policy.ts'))};
const recovered = [];
installFaultPolicy({ recoverFromFault: (e) => recovered.push(e.message) });
setTimeout(() => { throw new Error('boom from a timer'); }, 10);
Promise.reject(new Error('nobody awaited me'));
setTimeout(() => { console.log('alive ' + JSON.stringify(recovered)); }, 200);
`;

describe('process-wide fault policy', () => {
  it('logs an uncaught exception and an unhandled rejection, recovers, and keeps the process running', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('alive ["nobody awaited me","boom from a timer"]');
    expect(r.stderr).toMatch(/unhandled rejection \(the console keeps running\): Error: nobody awaited me/);
    expect(r.stderr).toMatch(/uncaught exception \(the console keeps running\): Error: boom from a timer/);
  });
});
