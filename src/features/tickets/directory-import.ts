import { parse } from 'csv-parse/sync';
import { v7 as uuidv7 } from 'uuid';
import type Database from 'better-sqlite3';
import type { Db } from '../../platform/db';
import { RelaisError, type LocalizedText } from '../../base/errors';
import { localize } from '../../base/messages';
import { foldText } from '../../domain/tickets';
import type { ImportKind, ImportLineError, ImportPreview } from '../../domain/directory';
import { assetSearchKey, findPersonByNameOrEmail, insertAsset, insertPerson, personSearchKey } from './repos/directory';
import { stmt } from '../../platform/statements';

/**
 * CSV import of the directory: people (nom, prénom, service/direction, téléphone, e-mail,
 * site) and PCs (nom, numéro de série, utilisateur, IP, OS). Every line is checked first;
 * the commit refuses the whole file while any line is wrong, and writes all lines in one
 * transaction, so the directory is never half-imported.
 */
type Field = 'lastName' | 'firstName' | 'department' | 'phone' | 'email' | 'site' | 'name' | 'serial' | 'user' | 'ip' | 'os'
  | 'organisation' | 'direction' | 'service' | 'tier' | 'archived';
type Values = Partial<Record<Field, string>>;

/**
 * The organisation feature's side of the import (given by the composition root): it checks
 * and writes the organisation tree, and resolves a person's organisation + service.
 */
export interface ImportOrgPort {
  /** A person's service from its organisation, (direction) and service cells, or why not. */
  resolveService(v: Values): { serviceId: string | null } | { error: LocalizedText };
  checkServiceLine(v: Values): LocalizedText | null;
  writeServiceLine(v: Values): void;
}
const ORG_HEADERS: Record<string, Field> = { organisation: 'organisation', organisme: 'organisation', entite: 'organisation', entity: 'organisation', organization: 'organisation' };

const HEADERS: Record<ImportKind, Record<string, Field>> = {
  people: {
    nom: 'lastName', 'last name': 'lastName', lastname: 'lastName',
    prenom: 'firstName', 'first name': 'firstName', firstname: 'firstName',
    service: 'department', direction: 'department', 'service/direction': 'department', 'service / direction': 'department', department: 'department',
    telephone: 'phone', tel: 'phone', phone: 'phone',
    'e-mail': 'email', email: 'email', mail: 'email', courriel: 'email',
    site: 'site',
    ...ORG_HEADERS,
  },
  services: {
    ...ORG_HEADERS,
    direction: 'direction', directorate: 'direction',
    service: 'service', department: 'service',
    tier: 'tier', criticite: 'tier', niveau: 'tier', 'niveau de criticite': 'tier',
    archive: 'archived', archived: 'archived',
  },
  assets: {
    nom: 'name', name: 'name', poste: 'name',
    'numero de serie': 'serial', serie: 'serial', serial: 'serial', 'serial number': 'serial',
    utilisateur: 'user', user: 'user',
    ip: 'ip', 'adresse ip': 'ip',
    os: 'os', 'systeme': 'os', "systeme d'exploitation": 'os',
  },
};
const REQUIRED: Record<ImportKind, Field> = { people: 'lastName', assets: 'name', services: 'service' };

type Parsed = { line: number; values: Partial<Record<Field, string>> };
const err = (line: number, reason: LocalizedText): ImportLineError => ({ line, reason });

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^[0-9+().\s-]{2,30}$/;
const PC_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:]{2,39}$/;

function readCsv(kind: ImportKind, csv: string): { columns: string[]; rows: Parsed[]; errors: ImportLineError[] } {
  const text = csv.replace(/^\uFEFF/, '');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  // French spreadsheets export with ';'; others with ','.
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) >= (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: string[][];
  try {
    records = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true, bom: true }) as string[][];
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? 1;
    return { columns: [], rows: [], errors: [err(line, localize('DIR_IMPORT_CSV_UNREADABLE', { line }))] };
  }
  if (records.length === 0) return { columns: [], rows: [], errors: [err(1, localize('DIR_IMPORT_EMPTY'))] };
  const header = records[0]!;
  let map = header.map((h) => HEADERS[kind][foldText(h).trim()]);
  // A people file naming the organisation places each agent in a service of the tree;
  // without it, "service"/"direction" stay the free-text department.
  if (kind === 'people' && map.includes('organisation')) {
    map = header.map((h, i) => (['service', 'direction'].includes(foldText(h).trim()) ? (foldText(h).trim() as Field) : map[i]));
  }
  const columns = header.filter((_, i) => map[i]);
  if (!map.includes(REQUIRED[kind])) {
    if (kind === 'services') return { columns, rows: [], errors: [err(1, localize('DIR_IMPORT_NO_SERVICE_COLUMN'))] };
    return {
      columns,
      rows: [],
      errors: [err(1, localize('DIR_IMPORT_NO_NAME_COLUMN'))],
    };
  }
  const rows = records.slice(1).map((rec, i) => {
    const values: Partial<Record<Field, string>> = {};
    rec.forEach((v, j) => {
      const f = map[j];
      if (f) values[f] = v;
    });
    return { line: i + 2, values };
  });
  return { columns, rows, errors: [] };
}

function checkPerson(r: Parsed, seenEmails: Map<string, number>): ImportLineError | null {
  const v = r.values;
  if (!v.lastName) return err(r.line, localize('DIR_IMPORT_MISSING_LAST_NAME'));
  for (const [f, max] of [['lastName', 100], ['firstName', 100], ['department', 120], ['site', 120], ['email', 200]] as const) {
    if ((v[f] ?? '').length > max) return err(r.line, localize('DIR_IMPORT_FIELD_TOO_LONG', { field: f, max }));
  }
  if (v.email && !EMAIL.test(v.email)) return err(r.line, localize('DIR_IMPORT_BAD_EMAIL', { value: v.email.slice(0, 80) }));
  if (v.phone && !PHONE.test(v.phone)) return err(r.line, localize('DIR_IMPORT_BAD_PHONE', { value: v.phone.slice(0, 40) }));
  if (v.email) {
    const key = v.email.toLowerCase();
    const prev = seenEmails.get(key);
    if (prev) return err(r.line, localize('DIR_IMPORT_EMAIL_TWICE', { line: prev }));
    seenEmails.set(key, r.line);
  }
  return null;
}

/**
 * The directory as the import needs it, loaded once (one scan per table) into maps: each
 * line is then checked and linked in constant time. Per-line SQL look-ups (an e-mail
 * `COLLATE NOCASE` query plus a LIKE scan) made a 100k-line import quadratic.
 */
export class DirectoryIndex {
  private readonly byEmail = new Map<string, string>();
  private readonly byName = new Map<string, string>();
  private readonly assetByName = new Map<string, string>();

  static load(db: Db, kind: ImportKind): DirectoryIndex {
    const ix = new DirectoryIndex();
    for (const r of db.prepare('SELECT id, last_name, first_name, email FROM people').iterate() as IterableIterator<{ id: string; last_name: string; first_name: string; email: string }>) ix.addPerson(r.id, r.last_name, r.first_name, r.email);
    if (kind === 'assets') for (const r of db.prepare('SELECT id, name FROM assets').iterate() as IterableIterator<{ id: string; name: string }>) ix.assetByName.set(r.name.toLowerCase(), r.id);
    return ix;
  }

  addPerson(id: string, lastName: string, firstName: string, email: string): void {
    if (email && !this.byEmail.has(email.toLowerCase())) this.byEmail.set(email.toLowerCase(), id);
    for (const key of [nameKey(`${lastName} ${firstName}`), nameKey(`${firstName} ${lastName}`)]) if (!this.byName.has(key)) this.byName.set(key, id);
  }

  /** By e-mail (case ignored), else by "nom prénom" or "prénom nom" (accents and case ignored). */
  person(value: string): string | undefined {
    const v = value.trim();
    if (!v) return undefined;
    return this.byEmail.get(v.toLowerCase()) ?? this.byName.get(nameKey(v));
  }
  personByEmail(email: string): string | undefined {
    return this.byEmail.get(email.toLowerCase());
  }
  asset(name: string): string | undefined {
    return this.assetByName.get(name.toLowerCase());
  }
}
const nameKey = (s: string) => foldText(s).replace(/\s+/g, ' ').trim();

function checkAsset(index: DirectoryIndex, r: Parsed, seenNames: Map<string, number>): ImportLineError | null {
  const v = r.values;
  if (!v.name) return err(r.line, localize('DIR_IMPORT_MISSING_PC_NAME'));
  if (!PC_NAME.test(v.name)) return err(r.line, localize('DIR_IMPORT_BAD_PC_NAME', { value: v.name.slice(0, 80) }));
  const key = v.name.toLowerCase();
  const prev = seenNames.get(key);
  if (prev) return err(r.line, localize('DIR_IMPORT_PC_TWICE', { line: prev }));
  seenNames.set(key, r.line);
  if (v.ip && !IPV4.test(v.ip) && !(v.ip.includes(':') && IPV6.test(v.ip))) return err(r.line, localize('DIR_IMPORT_BAD_IP', { value: v.ip.slice(0, 60) }));
  if ((v.serial ?? '').length > 100 || (v.os ?? '').length > 100) return err(r.line, localize('DIR_IMPORT_SERIAL_TOO_LONG'));
  if (v.user && !index.person(v.user)) {
    return err(r.line, localize('DIR_IMPORT_UNKNOWN_USER', { value: v.user.slice(0, 80) }));
  }
  return null;
}

const noOrg = (line: number) => err(line, localize('DIR_IMPORT_NO_ORGANISATIONS'));

function lineError(kind: ImportKind, index: DirectoryIndex, r: Parsed, seen: Map<string, number>, org: ImportOrgPort | undefined): ImportLineError | null {
  if (kind === 'assets') return checkAsset(index, r, seen);
  if (kind === 'services') {
    if (!org) return noOrg(r.line);
    const why = org.checkServiceLine(r.values);
    return why ? { line: r.line, reason: why } : null;
  }
  const e = checkPerson(r, seen);
  if (e || r.values.organisation === undefined) return e;
  if (!org) return noOrg(r.line);
  const res = org.resolveService(r.values);
  return 'error' in res ? { line: r.line, reason: res.error } : null;
}

function validate(db: Db, kind: ImportKind, csv: string, org?: ImportOrgPort) {
  const { columns, rows, errors } = readCsv(kind, csv);
  const index = DirectoryIndex.load(db, kind);
  const seen = new Map<string, number>();
  const valid: Parsed[] = [];
  for (const r of rows) checkLine(kind, index, r, seen, valid, errors, org);
  return { columns, rows, valid, errors, index };
}

function checkLine(kind: ImportKind, index: DirectoryIndex, r: Parsed, seen: Map<string, number>, valid: Parsed[], errors: ImportLineError[], org?: ImportOrgPort): void {
  const e = lineError(kind, index, r, seen, org);
  if (e) errors.push(e);
  else valid.push(r);
}

const PREVIEW_FIELDS: Record<ImportKind, Field[]> = {
  people: ['lastName', 'firstName', 'department', 'phone', 'email', 'site', 'organisation', 'service'],
  assets: ['name', 'serial', 'user', 'ip', 'os'],
  services: ['organisation', 'direction', 'service', 'tier', 'archived'],
};

export function previewImport(db: Db, kind: ImportKind, csv: string, org?: ImportOrgPort): ImportPreview {
  const { columns, valid, errors } = validate(db, kind, csv, org);
  const fields = PREVIEW_FIELDS[kind];
  return {
    kind,
    columns,
    sample: valid.slice(0, 20).map((r) => fields.map((f) => r.values[f] ?? '')),
    valid: valid.length,
    errors: errors.slice(0, 500),
  };
}

export const importErrors = {
  hasErrors: (count: number, errors: ImportLineError[]) =>
    RelaisError.of('IMPORT_HAS_ERRORS', { count }, { errors: errors.slice(0, 100) }),
  cancelled: () =>
    RelaisError.of('IMPORT_CANCELLED'),
  empty: () =>
    RelaisError.of('IMPORT_EMPTY'),
};

export interface ImportProgress {
  phase: 'checking' | 'writing' | 'done';
  done: number;
  total: number;
}
export interface ImportOptions {
  onProgress?: (p: ImportProgress) => void;
  signal?: AbortSignal;
  /** Lines checked between two yields to the event loop. */
  chunk?: number;
}

/** All or nothing: refuses the file while any line is wrong; one transaction otherwise. */
export function commitImport(db: Db, kind: ImportKind, csv: string, org?: ImportOrgPort): number {
  return db.transaction(() => {
    // Validate inside the transaction so the checks and the writes see the same directory.
    const { valid, errors, index } = validate(db, kind, csv, org);
    if (errors.length) throw importErrors.hasErrors(errors.length, errors);
    if (valid.length === 0) throw importErrors.empty();
    if (placesInOrganisation(kind, valid)) writeOrgLines(db, kind, valid, org);
    else writeLines(db, kind, valid, index);
    return valid.length;
  }).immediate();
}

/**
 * The same import for the hosts: lines are checked, then staged, in chunks, yielding to the
 * event loop between them (other calls are served meanwhile), with progress and cancel;
 * the directory changes in one final transaction (all or nothing; nothing if cancelled).
 */
export async function importDirectory(db: Db, kind: ImportKind, csv: string, options: ImportOptions = {}, org?: ImportOrgPort): Promise<number> {
  const chunk = options.chunk ?? 5000;
  const report = (phase: ImportProgress['phase'], done: number, total: number) => options.onProgress?.({ phase, done, total });
  const { rows, errors } = readCsv(kind, csv);
  const total = rows.length;
  const seen = new Map<string, number>();
  const valid: Parsed[] = [];
  const index = DirectoryIndex.load(db, kind);
  for (let i = 0; i < rows.length; i++) {
    checkLine(kind, index, rows[i]!, seen, valid, errors, org);
    if ((i + 1) % chunk === 0) {
      report('checking', i + 1, total);
      await yieldToOthers();
      if (options.signal?.aborted) throw importErrors.cancelled();
    }
  }
  report('checking', total, total);
  if (errors.length) throw importErrors.hasErrors(errors.length, errors);
  if (valid.length === 0) throw importErrors.empty();
  if (options.signal?.aborted) throw importErrors.cancelled();
  if (placesInOrganisation(kind, valid)) {
    // The organisation's checks and writes go line by line, in one transaction.
    const n = commitImport(db, kind, csv, org);
    report('done', n, n);
    return n;
  }
  report('writing', 0, valid.length);
  // Staged in chunks (a TEMP table only this connection sees, each chunk its own short
  // transaction, yielding between them), then moved in one INSERT … SELECT: all or nothing,
  // and the only long block left is SQLite copying rows, not JavaScript building them.
  const stage = new Stage(db, kind);
  try {
    for (let i = 0; i < valid.length; i += chunk) {
      db.transaction(() => stage.add(valid.slice(i, i + chunk), index))();
      report('writing', Math.min(i + chunk, valid.length), valid.length);
      await yieldToOthers();
      if (options.signal?.aborted) throw importErrors.cancelled();
    }
    db.transaction(() => stage.commit()).immediate();
  } finally {
    stage.drop();
  }
  report('done', valid.length, valid.length);
  return valid.length;
}

/** The staging table of one import (see importDirectory). */
class Stage {
  private readonly table: string;
  private readonly insert: Database.Statement;
  constructor(
    private readonly db: Db,
    private readonly kind: ImportKind,
  ) {
    this.table = kind === 'people' ? 'temp.import_people' : 'temp.import_assets';
    db.exec(
      kind === 'people'
        ? `CREATE TEMP TABLE IF NOT EXISTS import_people (id TEXT PRIMARY KEY, existing INTEGER, last_name TEXT, first_name TEXT, department TEXT, phone TEXT, email TEXT, site TEXT, search_key TEXT); DELETE FROM temp.import_people;`
        : `CREATE TEMP TABLE IF NOT EXISTS import_assets (id TEXT PRIMARY KEY, existing INTEGER, name TEXT, serial TEXT, person_id TEXT, ip TEXT, os TEXT, search_key TEXT); DELETE FROM temp.import_assets;`,
    );
    this.insert =
      kind === 'people'
        ? db.prepare('INSERT OR REPLACE INTO temp.import_people VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        : db.prepare('INSERT OR REPLACE INTO temp.import_assets VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  }

  add(lines: Parsed[], index: DirectoryIndex): void {
    for (const { values: v } of lines) {
      if (this.kind === 'people') {
        const p = { lastName: v.lastName!, firstName: v.firstName ?? '', department: v.department ?? '', phone: v.phone ?? '', email: v.email ?? '', site: v.site ?? '' };
        const existing = p.email ? index.personByEmail(p.email) : undefined;
        this.insert.run(existing ?? uuidv7(), existing ? 1 : 0, p.lastName, p.firstName, p.department, p.phone, p.email, p.site, personSearchKey(p));
      } else {
        const a = { name: v.name!, serial: v.serial ?? '', personId: (v.user ? index.person(v.user) : undefined) ?? null, ip: v.ip ?? '', os: v.os ?? '' };
        const existing = index.asset(a.name);
        this.insert.run(existing ?? uuidv7(), existing ? 1 : 0, a.name, a.serial, a.personId, a.ip, a.os, assetSearchKey(a));
      }
    }
  }

  commit(): void {
    if (this.kind === 'people') {
      this.db.exec(`INSERT INTO people (id, last_name, first_name, department, phone, email, site, search_key)
        SELECT id, last_name, first_name, department, phone, email, site, search_key FROM ${this.table} WHERE existing = 0`);
      this.db.exec(`UPDATE people SET last_name = s.last_name, first_name = s.first_name, department = s.department, phone = s.phone, email = s.email, site = s.site, search_key = s.search_key
        FROM ${this.table} AS s WHERE s.existing = 1 AND people.id = s.id`);
    } else {
      this.db.exec(`INSERT INTO assets (id, name, serial, person_id, ip, os, search_key)
        SELECT id, name, serial, person_id, ip, os, search_key FROM ${this.table} WHERE existing = 0`);
      this.db.exec(`UPDATE assets SET name = s.name, serial = s.serial, person_id = s.person_id, ip = s.ip, os = s.os, search_key = s.search_key
        FROM ${this.table} AS s WHERE s.existing = 1 AND assets.id = s.id`);
    }
  }

  drop(): void {
    try {
      this.db.exec(`DELETE FROM ${this.table}`);
    } catch {
      // The connection is closing: the TEMP table goes with it.
    }
  }
}

const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

function writeLines(db: Db, kind: ImportKind, valid: Parsed[], index: DirectoryIndex): void {
  const updatePerson = db.prepare('UPDATE people SET last_name=?, first_name=?, department=?, phone=?, email=?, site=?, search_key=? WHERE id=?');
  const updateAsset = db.prepare('UPDATE assets SET name=?, serial=?, person_id=?, ip=?, os=?, search_key=? WHERE id=?');
  for (const { values: v } of valid) {
    if (kind === 'people') {
      const p = { lastName: v.lastName!, firstName: v.firstName ?? '', department: v.department ?? '', phone: v.phone ?? '', email: v.email ?? '', site: v.site ?? '' };
      const existing = p.email ? index.personByEmail(p.email) : undefined;
      if (existing) updatePerson.run(p.lastName, p.firstName, p.department, p.phone, p.email, p.site, personSearchKey(p), existing);
      else index.addPerson(insertPerson(db, p).id, p.lastName, p.firstName, p.email);
    } else {
      const a = { name: v.name!, serial: v.serial ?? '', personId: (v.user ? index.person(v.user) : undefined) ?? null, ip: v.ip ?? '', os: v.os ?? '' };
      const existing = index.asset(a.name);
      if (existing) updateAsset.run(a.name, a.serial, a.personId, a.ip, a.os, assetSearchKey(a), existing);
      else insertAsset(db, a);
    }
  }
}

const placesInOrganisation = (kind: ImportKind, valid: Parsed[]) => kind === 'services' || (kind === 'people' && valid.some((l) => l.values.organisation !== undefined));

/** Lines that touch the organisation tree (services, people placed in a service): written one by one. */
function writeOrgLines(db: Db, kind: ImportKind, valid: Parsed[], org: ImportOrgPort | undefined): void {
  for (const { values: v } of valid) {
    if (kind === 'services') org!.writeServiceLine(v);
    else {
      const placed = v.organisation !== undefined && org ? org.resolveService(v) : null;
      const serviceId = placed && 'serviceId' in placed ? placed.serviceId : undefined;
      const department = v.department ?? (v.service ? [v.service, v.direction].filter(Boolean).join(' — ') : '');
      const p = { lastName: v.lastName!, firstName: v.firstName ?? '', department, phone: v.phone ?? '', email: v.email ?? '', site: v.site ?? '' };
      const existing = p.email ? findPersonByNameOrEmail(db, p.email) : undefined;
      if (existing) {
        stmt(db, 'UPDATE people SET last_name=?, first_name=?, department=?, phone=?, email=?, site=?, search_key=? WHERE id=?').run(
          p.lastName, p.firstName, p.department, p.phone, p.email, p.site, personSearchKey(p), existing.id,
        );
        if (serviceId !== undefined) stmt(db, 'UPDATE people SET service_id = ? WHERE id = ?').run(serviceId, existing.id);
      } else insertPerson(db, { ...p, serviceId });
    }
  }
}
