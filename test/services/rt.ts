/**
 * A real Request Tracker 5 server for sync tests (see shared/RECIPES.md): the Debian
 * `rt5-standalone` server on 127.0.0.1 at a free port, with its own SQLite database and
 * site config in a temp dir. A pristine database (schema + initial data + the `relais`
 * privileged user, the five teams as queues, the custom fields the connector uses and an
 * auth token) is built once per machine and copied for each instance, which takes a few ms
 * instead of ~4 s. Stopped by PID (the server's process group) and reaped by this process.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../support/ports';
import { poll } from '../support/poll';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);
const RT_LIB = '/usr/share/request-tracker5/lib';
const RT_SERVER = '/usr/share/request-tracker5/libexec/rt-server';
const PRISTINE_VERSION = 'v5';

export const RT_TEAMS = ['Hotline', 'Interventions', 'Applications', 'SIG', 'Infrastructure technique'];
export const RT_CUSTOM_FIELDS = ['RelaisOpId', 'Urgency', 'Impact', 'Type', 'Category', 'Requester', 'Asset', 'RelaisStatus', 'Organisation'];
/** One queue per organisation, for the "organisation → queue" mapping (ASCII: set through Perl). */
export const RT_ORG_QUEUES = ['Metropole', 'Ville'];
export const RT_USER = 'relais';

export interface RtHandle {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  dir: string;
  token: string;
  pid(): number | undefined;
  running(): boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Runs a Perl snippet with RT loaded (`$RT::SystemUser` etc.); returns stdout. */
  perl(code: string): Promise<string>;
  /** Deletes every auth token of the relais user (REST2 then answers 401). */
  revokeTokens(): Promise<void>;
  /** Makes a fresh auth token for the relais user. */
  newToken(): Promise<string>;
  /** Runs SQL directly on RT's SQLite database (to plant bad data). */
  sql(statement: string): Promise<string>;
  log(): string;
}

export function isRtInstalled(): boolean {
  return fs.existsSync(RT_SERVER) && fs.existsSync('/usr/sbin/rt-setup-database');
}

function siteConfig(dbFile: string, port: number): string {
  return `Set($rtname,'rt.test'); Set($Organization,'test.local');
Set($CorrespondAddress,'rt@test.local'); Set($CommentAddress,'rt-comment@test.local');
Set($WebDomain,'127.0.0.1'); Set($WebPort,${port}); Set($WebPath,'');
Set($WebBaseURL,'http://127.0.0.1:${port}');
Set($DatabaseType,'SQLite'); Set($DatabaseName,'${dbFile}');
Set($LogToSyslog,undef); Set($LogToSTDERR,'error');
Set($MailCommand,'mbox'); Set($Timezone,'UTC'); Set($BcryptCost,4);
Set($RestrictReferrer, 0);
1;
`;
}

/**
 * What an RT instance starts with:
 * - 'prepared' (default): the team queues and the custom fields exist (what most tests need);
 * - 'fresh': a stock RT as a new administrator has it (only the "General" queue, no custom
 *   field), the relais account with the ticket rights plus the rights to create queues and
 *   custom fields ("Préparer le serveur" can do it);
 * - 'fresh-limited': the same, without those admin rights (the test must list what is missing).
 */
export type RtVariant = 'prepared' | 'fresh' | 'fresh-limited';

const setupPl = (variant: RtVariant) => `
my $u = RT::User->new(RT->SystemUser);
my ($ok, $msg) = $u->Create(Name => '${RT_USER}', EmailAddress => 'relais@test.local', Privileged => 1, Password => 'relais-pass-not-used');
die "user: $msg" unless $ok;
my @queues = (${(variant === 'prepared' ? [...RT_TEAMS, ...RT_ORG_QUEUES] : []).map((t) => `'${t}'`).join(', ')});
for my $qn (@queues) {
  my $q = RT::Queue->new(RT->SystemUser); my ($qok, $qm) = $q->Create(Name => $qn); die "queue: $qm" unless $qok;
}
for my $r (qw(SeeQueue ShowTicket CreateTicket ModifyTicket ReplyToTicket CommentOnTicket OwnTicket ShowTicketComments SeeCustomField ModifyCustomField DeleteTicket ${variant === 'fresh' ? 'AdminQueue AdminCustomField AssignCustomFields' : ''})) {
  my ($gok, $gm) = $u->PrincipalObj->GrantRight(Right => $r, Object => $RT::System); die "right $r: $gm" unless $gok;
}
my @fields = (${(variant === 'prepared' ? RT_CUSTOM_FIELDS : []).map((t) => `'${t}'`).join(', ')});
for my $cfn (@fields) {
  my $cf = RT::CustomField->new(RT->SystemUser);
  my ($cok, $cm) = $cf->Create(Name => $cfn, Type => 'FreeformSingle', LookupType => 'RT::Queue-RT::Ticket');
  die "cf: $cm" unless $cok;
  my ($aok, $am) = $cf->AddToObject(RT::Queue->new(RT->SystemUser)); die "cf apply: $am" unless $aok;
}
my $t = RT::AuthToken->new(RT->SystemUser);
my ($tok, $tmsg, $token) = $t->Create(Owner => $u->id, Description => 'relais tests');
die "token: $tmsg" unless $tok;
print "TOKEN=$token\\n";
`;

async function runPerl(configDir: string, code: string): Promise<string> {
  const script = `use strict; use warnings; use lib '${RT_LIB}'; use RT; RT::LoadConfig(); RT::Init();\n${code}\n`;
  const { stdout } = await execFileP('perl', ['-e', script], {
    env: { ...process.env, RT_SITE_CONFIG_DIR: configDir },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** Builds (once per machine, safe under parallel test files) the pristine database. */
async function pristine(variant: RtVariant): Promise<{ db: string; token: string }> {
  const root = path.join(os.tmpdir(), `relais-rt-pristine-${PRISTINE_VERSION}${variant === 'prepared' ? '' : `-${variant}`}`);
  const done = path.join(root, 'token');
  if (fs.existsSync(done)) return { db: path.join(root, 'rtdb'), token: fs.readFileSync(done, 'utf8').trim() };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-rt-build-'));
  try {
    const etc = path.join(work, 'etc');
    fs.mkdirSync(etc);
    const dbFile = path.join(work, 'rtdb');
    fs.writeFileSync(path.join(etc, '99-test.pm'), siteConfig(dbFile, 8080));
    await execFileP('/usr/sbin/rt-setup-database', ['--action', 'init', '--skip-create'], {
      env: { ...process.env, RT_SITE_CONFIG_DIR: etc },
    });
    const out = await runPerl(etc, setupPl(variant));
    const token = /TOKEN=(\S+)/.exec(out)?.[1];
    if (!token) throw new Error(`RT setup printed no token: ${out}`);
    fs.writeFileSync(path.join(work, 'token'), token);
    fs.rmSync(etc, { recursive: true, force: true });
    try {
      fs.renameSync(work, root);
    } catch {
      // Another test file won the race: use its copy.
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return { db: path.join(root, 'rtdb'), token: fs.readFileSync(done, 'utf8').trim() };
}

export async function startRt(options: { variant?: RtVariant } = {}): Promise<RtInstance> {
  if (!isRtInstalled()) throw new Error('Request Tracker 5 is not installed: run scripts/install-system-deps.sh');
  const base = await pristine(options.variant ?? 'prepared');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-rt-'));
  const etc = path.join(dir, 'etc');
  fs.mkdirSync(etc);
  const dbFile = path.join(dir, 'rtdb');
  fs.copyFileSync(base.db, dbFile);
  const port = await freePort();
  fs.writeFileSync(path.join(etc, '99-test.pm'), siteConfig(dbFile, port));
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let logText = '';
  let token = base.token;

  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) return;
    const proc = spawn(RT_SERVER, ['--port', String(port), '--host', '127.0.0.1', '--max-workers', '4'], {
      env: { ...process.env, RT_SITE_CONFIG_DIR: etc },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // own process group: stop() ends the master and its workers together
    });
    child = proc;
    // If the test process dies without teardown, do not leave the server behind.
    const onExit = () => {
      try {
        process.kill(-proc.pid!, 'SIGKILL');
      } catch {}
    };
    process.once('exit', onExit);
    proc.once('exit', () => process.off('exit', onExit));
    proc.stdout!.on('data', (d) => (logText = (logText + d).slice(-20_000)));
    proc.stderr!.on('data', (d) => (logText = (logText + d).slice(-20_000)));
    const answering = async () => {
      if (proc.exitCode !== null) throw new Error(`rt-server exited (${proc.exitCode}):\n${logText}`);
      return answers(url);
    };
    await poll(answering, Boolean, { timeoutMs: 30_000, everyMs: 100, what: `rt-server on ${url}` }).catch((err: Error) => {
      throw err.message.startsWith('rt-server exited') ? err : new Error(`${err.message}:\n${logText}`);
    });
  };

  const stop = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((res) => proc.once('exit', () => res()));
    try {
      process.kill(-proc.pid!, 'SIGTERM');
    } catch {}
    const t = setTimeout(() => {
      try {
        process.kill(-proc.pid!, 'SIGKILL');
      } catch {}
    }, 5_000);
    await exited;
    clearTimeout(t);
    // Workers of the group that outlived the master.
    try {
      process.kill(-proc.pid!, 'SIGKILL');
    } catch {}
  };

  await start();
  const handle: RtHandle = {
    url,
    port,
    dir,
    get token() {
      return token;
    },
    pid: () => child?.pid,
    running: () => !!child && child.exitCode === null && child.signalCode === null,
    start,
    async stop() {
      await stop();
    },
    perl: (code) => runPerl(etc, code),
    async revokeTokens() {
      await runPerl(
        etc,
        `my $u = RT::User->new(RT->SystemUser); $u->Load('${RT_USER}');
         my $ts = RT::AuthTokens->new(RT->SystemUser); $ts->LimitOwner(VALUE => $u->id);
         while (my $t = $ts->Next) { my ($ok, $m) = $t->Delete; die $m unless $ok; }`,
      );
    },
    async newToken() {
      const out = await runPerl(
        etc,
        `my $u = RT::User->new(RT->SystemUser); $u->Load('${RT_USER}');
         my $t = RT::AuthToken->new(RT->SystemUser);
         my ($ok, $m, $tok) = $t->Create(Owner => $u->id, Description => 'relais tests (new)');
         die $m unless $ok; print "TOKEN=$tok\\n";`,
      );
      token = /TOKEN=(\S+)/.exec(out)![1]!;
      return token;
    },
    async sql(statement) {
      const { stdout } = await execFileP('sqlite3', ['-cmd', '.timeout 5000', dbFile, statement]);
      return stdout;
    },
    log: () => logText,
  };
  const cleanup = async () => {
    await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return Object.assign(handle, { stop: handle.stop, dispose: cleanup }) as RtHandle & { dispose(): Promise<void> };
}

export type RtInstance = RtHandle & { dispose(): Promise<void> };

async function answers(url: string): Promise<boolean> {
  try {
    const ctrl = new AbortController();
    const t = setTimeout(() => ctrl.abort(), 1000);
    const res = await fetch(`${url}/REST/2.0/`, { signal: ctrl.signal });
    clearTimeout(t);
    return res.status > 0;
  } catch {
    return false;
  }
}
