import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runPlan, writeTempRdpFile } from '../../../src/features/rdp/runner';

describe('runner (real processes)', () => {
  it('writes the temp file 0600 in a 0700 folder, passes stdin, and removes the file when the client exits', async () => {
    const temp = writeTempRdpFile(Buffer.from('full address:s:pc:3389\r\n'), 'PC/../../etc');
    expect(temp.file).toMatch(/relais-rdp-[^/]+\/PC_______etc\.rdp$/);
    expect(fs.statSync(temp.file).mode & 0o777).toBe(0o600);
    // A stand-in client: echoes its stdin and argv count, reads the file, then exits 3.
    const script = `let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{console.log(JSON.stringify({stdin:s,argc:process.argv.length,file:require('fs').readFileSync(process.argv[1],'utf8')}));process.exit(3)})`;
    const client = await runPlan({ client: 'xfreerdp', program: process.execPath, args: ['-e', script, temp.file], stdin: 'pa ss;$(x)\n' }, { temp });
    let out = '';
    client.child.stdout!.on('data', (d) => (out += d));
    expect(client.pid).toBeGreaterThan(0);
    const { code } = await client.exited;
    expect(code).toBe(3);
    expect(JSON.parse(out)).toEqual({ stdin: 'pa ss;$(x)\n', argc: 2, file: 'full address:s:pc:3389\r\n' });
    expect(fs.existsSync(temp.file)).toBe(false);
  });

  it('reports a credential refusal read from the client output', async () => {
    const seen: string[] = [];
    const client = await runPlan(
      { client: 'xfreerdp', program: process.execPath, args: ['-e', "console.error('[ERROR][com.freerdp.core] - ERRCONNECT_LOGON_FAILURE [0x00020014]')"] },
      { onSignal: (s) => seen.push(s) },
    );
    await client.exited;
    expect(seen).toEqual(['auth_failed']);
  });

  it('rejects when the program does not exist, and still removes the temp file', async () => {
    const temp = writeTempRdpFile(Buffer.from('x'));
    await expect(runPlan({ client: 'remmina', program: '/nonexistent/remmina', args: [temp.file] }, { temp })).rejects.toMatchObject({ code: 'ENOENT' });
    expect(fs.existsSync(temp.file)).toBe(false);
  });
});
