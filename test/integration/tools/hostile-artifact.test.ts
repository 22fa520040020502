/**
 * Issue 18, item 2: the remote side of a run chooses the archive's name. A hostile server
 * printing `-----BEGIN RELAIS ARTIFACT ..-----` used to make the console write to
 * `artifacts/<id>/..` (EISDIR), crash on the unhandled rejection and leave the run 'running'.
 * Here a real process prints the markers (the extractor is the same for SSH and local runs).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../support/temp-dir';
import { startHarness, writeAdminFolder, type Harness } from './harness';
import { ArtifactExtractor, artifactPath } from '../../../src/features/tools/runs';

const open: Harness[] = [];
const temps: (() => void)[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
  temps.splice(0).forEach((c) => c());
});

const label = (fr: string) => ({ fr, en: fr });
const artifactTool = (id: string, script: string) => ({
  id,
  label: label(id),
  help: label('Renvoie une archive.'),
  category: 'diagnostic',
  os: 'linux',
  expectedSeconds: 1,
  returnsArtifact: true,
  script,
});
const send = (name: string, body = 'aGVsbG8=') => `printf '%s\\n' '-----BEGIN RELAIS ARTIFACT ${name}-----' '${body}' '-----END RELAIS ARTIFACT-----'`;

function setup(tools: Record<string, string>) {
  const { dir, cleanup } = makeTempDir('relais-artifact-');
  temps.push(cleanup);
  const policy = writeAdminFolder(dir);
  for (const [id, script] of Object.entries(tools)) fs.writeFileSync(path.join(dir, 'admin-tools', `${id}.json`), JSON.stringify(artifactTool(id, script)));
  const dataDir = path.join(dir, 'data');
  const h = startHarness(dataDir, policy);
  open.push(h);
  return { h, dataDir };
}

const HOSTILE_NAMES = ['..', '.', '.bashrc', '../../relais.db', 'a/b', 'a\\b', '..\\x', 'x/..', ''];

describe('archives sent back by the remote side', () => {
  it.each(HOSTILE_NAMES)('refuses the name %j: the run fails with the reason, nothing is written outside', async (name) => {
    const { h, dataDir } = setup({ 'site-hostile': send(name) });
    const { run } = await h.call('tools.run', { toolId: 'site-hostile', target: { kind: 'local' } });
    const done = await h.tools.runs.wait(run.id);
    expect(done.status).toBe('failed');
    expect(done.error?.fr).toContain('Archive refusée');
    expect(done.error?.en).toContain('Archive refused');
    expect(done.artifact).toBeNull();
    expect((await h.call('tools.get', { runId: run.id })).run.status).toBe('failed');
    expect(fs.readdirSync(dataDir).sort()).toEqual(expect.not.arrayContaining(['b', 'x', 'relais.db.bak']));
    expect(fs.existsSync(path.join(dataDir, 'artifacts', run.id))).toBe(false);
    // The console is still there and serves the next run normally.
    const ok = await h.call('tools.run', { toolId: 'site-echo', target: { kind: 'local' }, params: { Text: 'encore là' } });
    expect((await h.tools.runs.wait(ok.run.id)).status).toBe('succeeded');
  });

  it('refuses a second archive in the same run', async () => {
    const { h } = setup({ 'site-two': `${send('a.txt')}; ${send('b.txt')}` });
    const { run } = await h.call('tools.run', { toolId: 'site-two', target: { kind: 'local' } });
    const done = await h.tools.runs.wait(run.id);
    expect(done).toMatchObject({ status: 'failed', artifact: null });
    expect(done.error?.en).toContain('more than one');
  });

  it('still brings back a well-named archive', async () => {
    const { h } = setup({ 'site-good': send('journaux-pc1.tar.gz') });
    const { run } = await h.call('tools.run', { toolId: 'site-good', target: { kind: 'local' } });
    const done = await h.tools.runs.wait(run.id);
    expect(done).toMatchObject({ status: 'succeeded', artifact: { name: 'journaux-pc1.tar.gz', bytes: 5 } });
    const art = await h.call('tools.artifact', { runId: run.id });
    expect(Buffer.from(art.base64, 'base64').toString()).toBe('hello');
  });

  it('a run whose finishing fails is marked failed with the reason, never left running', async () => {
    const { h, dataDir } = setup({ 'site-good': send('journaux.tar.gz') });
    // The run's folder cannot be created: a file already sits where the artifacts folder goes.
    fs.writeFileSync(path.join(dataDir, 'artifacts'), 'in the way');
    const { run } = await h.call('tools.run', { toolId: 'site-good', target: { kind: 'local' } });
    const done = await h.tools.runs.wait(run.id);
    expect(done.status).toBe('failed');
    expect(done.error?.en).toMatch(/could not finish properly/);
  });

  it('the fault policy marks a run orphaned by an exception as failed', async () => {
    const { h } = setup({});
    h.core.db
      .prepare(`INSERT INTO tool_runs (id, tool_id, tool_label, target, params, status, started_at, technician, elevated) VALUES ('orphan', 'site-echo', '{"fr":"x","en":"x"}', '{"kind":"local"}', '{}', 'running', ?, 'moi', 0)`)
      .run(new Date().toISOString());
    expect(h.tools.runs.failOrphans({ fr: 'Erreur interne', en: 'Internal error' })).toBe(1);
    expect(h.tools.runs.get('orphan').run).toMatchObject({ status: 'failed', error: { en: 'Internal error' } });
  });
});

describe('artifact extractor limits', () => {
  it('refuses an archive larger than the limit and keeps nothing of it', () => {
    const x = new ArtifactExtractor(() => {}, 30);
    x.push(`-----BEGIN RELAIS ARTIFACT big.bin-----\n${Buffer.alloc(60).toString('base64')}\n-----END RELAIS ARTIFACT-----\n`, true);
    expect(x.result).toBeNull();
    expect(x.error?.en).toContain('larger than');
  });

  it('keeps the resolved path inside the run folder', () => {
    expect(artifactPath('/data', 'run1', 'ok.tgz')).toBe(path.resolve('/data/artifacts/run1/ok.tgz'));
    for (const bad of HOSTILE_NAMES) expect(() => artifactPath('/data', 'run1', bad)).toThrow(/refused/);
  });
});
