import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../../platform/db';
import type { Category, Team } from '../../../domain/tickets';
import { stmt } from '../../../platform/statements';

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

export function listCategories(db: Db): Category[] {
  const rows = stmt(db, 'SELECT id, parent_id, name, full_name FROM categories ORDER BY full_name').all() as { id: string; parent_id: string | null; name: string; full_name: string }[];
  return rows.map((r) => ({ id: r.id, parentId: r.parent_id, name: r.name, fullName: r.full_name }));
}

export function findCategory(db: Db, id: string): Category | undefined {
  const r = stmt(db, 'SELECT id, parent_id, name, full_name FROM categories WHERE id = ?').get(id) as { id: string; parent_id: string | null; name: string; full_name: string } | undefined;
  return r && { id: r.id, parentId: r.parent_id, name: r.name, fullName: r.full_name };
}
