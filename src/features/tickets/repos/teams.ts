import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../../platform/db';
import type { Category, Team } from '../../../domain/tickets';
import { stmt } from '../../../platform/statements';
import { allRows, oneRow } from '../../../platform/rows';

/** Teams and the category tree, owned by the tickets feature; other features read them through `ReferentialsPort`. */
export function listTeams(db: Db): Team[] {
  const rows = stmt(db, 'SELECT id, name, position, active FROM teams ORDER BY position, name').all() as { id: string; name: string; position: number; active: number }[];
  return rows.map((r) => ({ id: r.id, name: r.name, position: r.position, active: r.active === 1 }));
}

export function findTeam(db: Db, id: string): Team | undefined {
  return listTeams(db).find((t) => t.id === id);
}

export function findTeamByName(db: Db, name: string): Team | undefined {
  return listTeams(db).find((t) => t.name.toLowerCase() === name.toLowerCase());
}

export function addTeam(db: Db, name: string): Team {
  const position = (stmt(db, 'SELECT COALESCE(MAX(position), -1) + 1 AS p FROM teams').get() as { p: number }).p;
  const id = uuidv7();
  stmt(db, 'INSERT INTO teams (id, name, position) VALUES (?, ?, ?)').run(id, name, position);
  return { id, name, position, active: true };
}

export function renameTeamRow(db: Db, id: string, name: string): void {
  stmt(db, 'UPDATE teams SET name = ? WHERE id = ?').run(name, id);
}

export function setTeamActive(db: Db, id: string, active: boolean): void {
  stmt(db, 'UPDATE teams SET active = ? WHERE id = ?').run(active ? 1 : 0, id);
}

type CategoryRow = { id: string; parent_id: string | null; name: string; full_name: string; active: number };
const toCategory = (r: CategoryRow): Category => ({ id: r.id, parentId: r.parent_id, name: r.name, fullName: r.full_name, active: r.active === 1 });
const SELECT_CATEGORY = 'SELECT id, parent_id, name, full_name, active FROM categories';

export function listCategories(db: Db): Category[] {
  return allRows(db, `${SELECT_CATEGORY} ORDER BY full_name`, toCategory);
}

export function findCategoryByFullName(db: Db, fullName: string): Category | undefined {
  return oneRow(db, `${SELECT_CATEGORY} WHERE full_name = ?`, toCategory, fullName);
}

export function findCategory(db: Db, id: string): Category | undefined {
  return oneRow(db, `${SELECT_CATEGORY} WHERE id = ?`, toCategory, id);
}

export function insertCategory(db: Db, parent: Category | null, name: string): Category {
  const id = uuidv7();
  const fullName = parent ? `${parent.fullName} > ${name}` : name;
  stmt(db, 'INSERT INTO categories (id, parent_id, name, full_name, active) VALUES (?, ?, ?, ?, 1)').run(id, parent?.id ?? null, name, fullName);
  return { id, parentId: parent?.id ?? null, name, fullName, active: true };
}

/** Renames a category; the full names of everything below it follow. */
export function renameCategoryRow(db: Db, id: string, name: string): void {
  const cat = findCategory(db, id);
  if (!cat) return;
  const parent = cat.parentId ? findCategory(db, cat.parentId) : undefined;
  const fullName = parent ? `${parent.fullName} > ${name}` : name;
  stmt(db, 'UPDATE categories SET name = ?, full_name = ? WHERE id = ?').run(name, fullName, id);
  const update = stmt(db, 'UPDATE categories SET full_name = ? WHERE id = ?');
  const walk = (parentId: string, parentFull: string) => {
    for (const child of listCategories(db).filter((c) => c.parentId === parentId)) {
      const full = `${parentFull} > ${child.name}`;
      update.run(full, child.id);
      walk(child.id, full);
    }
  };
  walk(id, fullName);
}

export function setCategoryActive(db: Db, ids: readonly string[], active: boolean): void {
  const update = stmt(db, 'UPDATE categories SET active = ? WHERE id = ?');
  for (const id of ids) update.run(active ? 1 : 0, id);
}
