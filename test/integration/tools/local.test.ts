import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../support/temp-dir';
import { newTicket, processesWith, startHarness, until, writeAdminFolder, type Harness } from './harness';
import { HOSTILE } from '../../unit/tools/hostile';

const open: Harness[] = [];
const temps: (() => void)[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
  temps.splice(0).forEach((c) => c());
});

function setup(extra: Parameters<typeof startHarness>[2] = {}) {
  const { dir, cleanup } = makeTempDir('relais-tools-');
  temps.push(cleanup);
  const policy = writeAdminFolder(dir);
  const dataDir = path.join(dir, 'data');
  const h = startHarness(dataDir, policy, extra);
  open.push(h);
  return { h, dir, dataDir, policy };
}

const local = { kind: 'local' as const };

describe('tools run on this PC', () => {
  it('system information reports the real host name; output streams live; exit code, duration and digest are recorded; the result lands on the ticket timeline', async () => {
    const { h } = setup();
    const ticketId = await newTicket(h);
    const { run } = await h.call('tools.run', { toolId: 'linux-system-info', target: local, ticketId });
    expect(run.status).toBe('running');
    const done = await h.tools.runs.wait(run.id);
    expect(done.status).toBe('succeeded');
    expect(done.exitCode).toBe(0);
    expect(done.durationMs).toBeGreaterThanOrEqual(0);
    const { output } = await h.call('tools.get', { runId: run.id });
    expect(output).toContain(`Nom du poste / Hostname : ${os.hostname()}`);
    expect(output).toMatch(/Mémoire \/ RAM : \d/);
    expect(done.outputDigest).toBe(crypto.createHash('sha256').update(output, 'utf8').digest('hex'));
    const streamed = h.events.filter((e) => e.name === 'tools.output' && e.payload.runId === run.id).map((e) => e.payload.text).join('');
    expect(streamed).toBe(output);
    const { timeline } = await h.call('tickets.get', { id: ticketId });
    const entry = timeline.find((f: any) => f.kind === 'tool_run');
    expect(entry?.body).toContain('Informations système (Linux) — réussi (code 0)');
    expect(entry?.data).toMatchObject({ runId: run.id, status: 'succeeded', exitCode: 0, outputDigest: done.outputDigest });
    // Start and end are in the hash-chained audit log.
    const { rows: all } = await h.call('security.auditList', {});
    const rows: any[] = all.filter((r: any) => r.details?.runId === run.id);
    expect(rows.map((r: any) => r.action).sort()).toEqual(['tool.run.finished', 'tool.run.started']);
    expect(rows.find((r: any) => r.action === 'tool.run.finished').details).toMatchObject({ status: 'succeeded', outputDigest: done.outputDigest });
  });

  it('streams output as it is produced, stdout and stderr, and records a non-zero exit as failed', async () => {
    const { h } = setup();
    const { run } = await h.call('tools.run', { toolId: 'site-stream', target: local });
    // The first line arrives well before the tool finishes.
    await until(() => h.events.find((e) => e.name === 'tools.output' && e.payload.text.includes('ligne 1')), Boolean, 5000);
    expect(h.tools.runs.isActive(run.id)).toBe(true);
    const done = await h.tools.runs.wait(run.id);
    expect(done).toMatchObject({ status: 'failed', exitCode: 3 });
    expect(h.events.some((e) => e.name === 'tools.output' && e.payload.stream === 'stderr' && e.payload.text.includes('fin'))).toBe(true);
  });

  it.each(HOSTILE)('hostile value %j reaches the tool as inert data', async (value) => {
    const { h } = setup();
    const { run } = await h.call('tools.run', { toolId: 'site-echo', target: local, params: { Text: value } });
    const done = await h.tools.runs.wait(run.id);
    expect(done.status).toBe('succeeded');
    expect((await h.call('tools.get', { runId: run.id })).output).toBe(value);
  });

  it('refuses NUL and out-of-type values before anything runs', async () => {
    const { h } = setup();
    await expect(h.call('tools.run', { toolId: 'site-echo', target: local, params: { Text: 'a\u0000b' } })).rejects.toMatchObject({ code: 'TOOL_PARAM_INVALID' });
    await expect(h.call('tools.run', { toolId: 'linux-dns', target: local, params: { Name: 'x;id' } })).rejects.toMatchObject({ code: 'TOOL_PARAM_INVALID', messages: { fr: expect.stringContaining('nom de machine') } });
    await expect(h.call('tools.run', { toolId: 'linux-dns', target: local, params: { Nmae: 'x' } })).rejects.toMatchObject({ code: 'TOOL_PARAM_UNKNOWN' });
    expect((await h.call('tools.runs', {})).runs).toHaveLength(0);
  });

  it('a timeout kills the whole process group', async () => {
    const { h } = setup();
    const marker = String(100000 + Math.floor(Math.random() * 899999));
    const { run } = await h.call('tools.run', { toolId: 'site-sleep', target: local, params: { Marker: Number(marker) }, timeoutSeconds: 1 });
    await until(() => processesWith(marker), (p) => p.length >= 3, 5000);
    const done = await h.tools.runs.wait(run.id);
    expect(done.status).toBe('timeout');
    expect(done.error?.fr).toMatch(/Délai dépassé/);
    await until(() => processesWith(marker), (p) => p.length === 0, 5000);
  });

  it('cancel stops the run and every process it started', async () => {
    const { h } = setup();
    const marker = String(100000 + Math.floor(Math.random() * 899999));
    const { run } = await h.call('tools.run', { toolId: 'site-sleep', target: local, params: { Marker: Number(marker) } });
    await until(() => processesWith(marker), (p) => p.length >= 3, 5000);
    expect(await h.call('tools.cancel', { runId: run.id })).toEqual({ cancelled: true });
    expect((await h.call('tools.get', { runId: run.id })).run.status).toBe('cancelled');
    expect(await processesWith(marker)).toEqual([]);
    expect(await h.call('tools.cancel', { runId: run.id })).toEqual({ cancelled: false });
  });

  it('elevation is asked for, never assumed', async () => {
    const { h } = setup();
    await expect(h.call('tools.run', { toolId: 'site-whoami', target: local })).rejects.toMatchObject({ code: 'TOOL_ELEVATION_CONFIRM' });
    const { run } = await h.call('tools.run', { toolId: 'site-whoami', target: local, elevationConfirmed: true });
    const done = await h.tools.runs.wait(run.id);
    expect(done).toMatchObject({ status: 'succeeded', elevated: true });
    expect((await h.call('tools.get', { runId: run.id })).output).toBe('uid=0\n');

    const { h: h2 } = setup({ elevationCheck: () => 'unavailable' });
    await expect(h2.call('tools.run', { toolId: 'site-whoami', target: local, elevationConfirmed: true })).rejects.toMatchObject({
      code: 'TOOL_ELEVATION_UNAVAILABLE',
      messages: { fr: expect.stringContaining('Élévation requise'), en: expect.stringContaining('Elevation required') },
    });
  });

  it('refuses a Windows tool on this Linux PC with a message saying what to do', async () => {
    const { h } = setup();
    await expect(h.call('tools.run', { toolId: 'win-flush-dns', target: local })).rejects.toMatchObject({ code: 'TOOL_OS_MISMATCH', messages: { fr: expect.stringContaining('poste distant') } });
  });

  it('collects logs into an archive and brings it back', async () => {
    const { h, dir } = setup();
    const { run } = await h.call('tools.run', { toolId: 'linux-collect-logs', target: local, params: { Hours: 1 } });
    const done = await h.tools.runs.wait(run.id);
    expect(done.status).toBe('succeeded');
    expect(done.artifact?.name).toMatch(/^journaux-.*\.tar\.gz$/);
    const { output } = await h.call('tools.get', { runId: run.id });
    expect(output).toContain('[archive reçue / archive received');
    expect(output).not.toContain('BEGIN RELAIS ARTIFACT');
    const art = await h.call('tools.artifact', { runId: run.id });
    expect(art.mime).toBe('application/gzip');
    const file = path.join(dir, art.name);
    fs.writeFileSync(file, Buffer.from(art.base64, 'base64'));
    const list = spawnSync('tar', ['-tzf', file], { encoding: 'utf8' });
    expect(list.stdout.split('\n')).toEqual(expect.arrayContaining(['journal.txt', 'uname.txt', 'os-release.txt']));
  });

  it('lists the catalog with the administrator folder and its problems', async () => {
    const { h, dir } = setup();
    fs.writeFileSync(path.join(dir, 'admin-tools', 'oops.json'), '{"id": "oops"}');
    const cat = await h.call('tools.catalog', {});
    expect(cat.localOs).toBe('linux');
    expect(cat.tools.find((t) => t.id === 'site-echo')?.source).toBe('admin');
    expect(cat.errors).toEqual([expect.objectContaining({ path: path.join(dir, 'admin-tools', 'oops.json') })]);
    expect(cat.tools.length).toBeGreaterThanOrEqual(19);
  });
});
