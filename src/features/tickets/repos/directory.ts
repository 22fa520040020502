import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../../platform/db';
import { foldText, type Asset, type Person } from '../../../domain/tickets';
import { stmt } from '../../../platform/statements';
import { allRows, oneRow } from '../../../platform/rows';

/**
 * The requester directory (people) and their PCs (assets). Look-ups match on a folded
 * search key (no accents, lower case, phone digits without spaces) so "dupre", "DUPRÉ",
 * "01 45" and "pc-eau-00" all find what the agent means.
 */
export type PersonInput = Omit<Person, 'id' | 'serviceId'> & { id?: string; serviceId?: string | null };
export type AssetInput = Omit<Asset, 'id'> & { id?: string };

const digits = (s: string) => s.replace(/\D/g, '');

export function personSearchKey(p: Omit<Person, 'id' | 'serviceId'>): string {
  return foldText([p.lastName, p.firstName, p.firstName, p.lastName, p.department, p.site, p.email, p.phone, digits(p.phone)].join(' '));
}
export function assetSearchKey(a: Omit<Asset, 'id'>): string {
  return foldText([a.name, a.serial, a.ip].join(' '));
}

type PersonRow = { id: string; last_name: string; first_name: string; department: string; phone: string; email: string; site: string; service_id: string | null };
const toPerson = (r: PersonRow): Person => ({ id: r.id, lastName: r.last_name, firstName: r.first_name, department: r.department, phone: r.phone, email: r.email, site: r.site, serviceId: r.service_id ?? null });
type AssetRow = { id: string; name: string; serial: string; person_id: string | null; ip: string; os: string };
const toAsset = (r: AssetRow): Asset => ({ id: r.id, name: r.name, serial: r.serial, personId: r.person_id, ip: r.ip, os: r.os });

export function insertPerson(db: Db, p: PersonInput): Person {
  const id = p.id ?? uuidv7();
  stmt(db, 'INSERT INTO people (id, last_name, first_name, department, phone, email, site, search_key, service_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    id, p.lastName, p.firstName, p.department, p.phone, p.email, p.site, personSearchKey(p), p.serviceId ?? null,
  );
  return { ...p, id, serviceId: p.serviceId ?? null };
}

export function insertAsset(db: Db, a: AssetInput): Asset {
  const id = a.id ?? uuidv7();
  stmt(db, 'INSERT INTO assets (id, name, serial, person_id, ip, os, search_key) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    id, a.name, a.serial, a.personId, a.ip, a.os, assetSearchKey(a),
  );
  return { ...a, id };
}

export function getPerson(db: Db, id: string): Person | undefined {
  return oneRow(db, 'SELECT * FROM people WHERE id = ?', toPerson, id);
}
export function getAsset(db: Db, id: string): Asset | undefined {
  return oneRow(db, 'SELECT * FROM assets WHERE id = ?', toAsset, id);
}
export function findAssetByName(db: Db, name: string): Asset | undefined {
  return oneRow(db, 'SELECT * FROM assets WHERE name = ? COLLATE NOCASE', toAsset, name);
}
export function assetsOfPerson(db: Db, personId: string): Asset[] {
  return allRows(db, 'SELECT * FROM assets WHERE person_id = ? ORDER BY name', toAsset, personId);
}
export function countPeople(db: Db): number {
  return (stmt(db, 'SELECT COUNT(*) AS n FROM people').get() as { n: number }).n;
}
/** People keyed by folded "nom prénom" and by e-mail, to link imported PCs to their user. */
export function findPersonByNameOrEmail(db: Db, value: string): Person | undefined {
  const v = value.trim();
  if (!v) return undefined;
  const byMail = oneRow(db, 'SELECT * FROM people WHERE email = ? COLLATE NOCASE LIMIT 1', toPerson, v);
  if (byMail) return byMail;
  const folded = foldText(v).replace(/\s+/g, ' ');
  const rows = stmt(db, "SELECT * FROM people WHERE search_key LIKE ? ESCAPE '\\' LIMIT 50").all(`%${escapeLike(folded.split(' ')[0] ?? '')}%`) as PersonRow[];
  const hit = rows.find((r) => {
    const a = foldText(`${r.last_name} ${r.first_name}`);
    const b = foldText(`${r.first_name} ${r.last_name}`);
    return a === folded || b === folded;
  });
  return hit && toPerson(hit);
}

export interface DirectoryHit {
  person: Person | null;
  asset: Asset | null;
  personAssets: Asset[];
}

/** Suggestions for the call form: people by name/phone/e-mail, PCs by name/serial/IP (with their user). */
export function searchDirectory(db: Db, query: string, limit = 10): DirectoryHit[] {
  const terms = foldText(query).split(/\s+/).filter(Boolean);
  if (terms.length === 0) return [];
  // Digits typed with spaces ("01 45 67") are one phone number.
  const asPhone = digits(query);
  const effective = /^[\d\s.+-]+$/.test(query.trim()) && asPhone.length >= 2 ? [asPhone] : terms;
  const cond = effective.map(() => 'search_key LIKE ? ESCAPE \'\\\'').join(' AND ');
  const args = effective.map((t) => `%${escapeLike(t)}%`);
  const people = db.prepare(`SELECT * FROM people WHERE ${cond} ORDER BY last_name, first_name LIMIT ?`).all(...args, limit) as PersonRow[];
  const assets = db.prepare(`SELECT * FROM assets WHERE ${cond} ORDER BY name LIMIT ?`).all(...args, limit) as AssetRow[];
  const hits: DirectoryHit[] = people.map((r) => ({ person: toPerson(r), asset: null, personAssets: assetsOfPerson(db, r.id) }));
  for (const a of assets) {
    const owner = a.person_id ? getPerson(db, a.person_id) ?? null : null;
    hits.push({ person: owner, asset: toAsset(a), personAssets: owner ? assetsOfPerson(db, owner.id) : [] });
  }
  // Names that start with the query first: "dup" ranks Dupré before Lafdupont.
  const first = terms[0]!;
  const score = (h: DirectoryHit) => {
    const name = foldText(h.asset ? h.asset.name : `${h.person!.lastName} ${h.person!.firstName}`);
    return name.startsWith(first) || name.includes(` ${first}`) ? 0 : 1;
  };
  return hits.map((h, i) => ({ h, i, s: score(h) })).sort((a, b) => a.s - b.s || a.i - b.i).slice(0, limit).map((x) => x.h);
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
