import type { Db } from '../../platform/db';
import { stmt } from '../../platform/statements';
import { callDraftFormSchema, type CallDraft, type CallDraftForm } from '../../domain/call-drafts';

interface DraftRow {
  id: string;
  author: string;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  form: string;
}

function toDraft(r: DraftRow): CallDraft {
  // A draft written by an older form may lack a field: defaults fill it rather than losing the call.
  const parsed = callDraftFormSchema.safeParse(safeJson(r.form));
  return {
    id: r.id,
    author: r.author,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    startedAt: r.started_at,
    form: parsed.success ? parsed.data : callDraftFormSchema.parse({}),
  };
}
const safeJson = (s: string): unknown => {
  try {
    return JSON.parse(s);
  } catch {
    return {};
  }
};

/** Call drafts of this console, most recently touched first. */
export function listDrafts(db: Db): CallDraft[] {
  return (stmt(db, 'SELECT * FROM call_drafts ORDER BY updated_at DESC, id').all() as DraftRow[]).map(toDraft);
}

export function getDraft(db: Db, id: string): CallDraft | undefined {
  const r = stmt(db, 'SELECT * FROM call_drafts WHERE id = ?').get(id) as DraftRow | undefined;
  return r ? toDraft(r) : undefined;
}

/**
 * Creates or replaces a draft. Its pick-up time, once set, is kept: a save that arrives
 * late from the form never restarts the timer.
 */
export function saveDraft(db: Db, d: { id: string; startedAt: string | null; form: CallDraftForm }, ctx: { at: string; author: string }): CallDraft {
  stmt(
    db,
    `INSERT INTO call_drafts (id, author, created_at, updated_at, started_at, form) VALUES (@id, @author, @at, @at, @startedAt, @form)
     ON CONFLICT(id) DO UPDATE SET updated_at = excluded.updated_at, form = excluded.form,
       started_at = COALESCE(call_drafts.started_at, excluded.started_at)`,
  ).run({ id: d.id, author: ctx.author, at: ctx.at, startedAt: d.startedAt, form: JSON.stringify(d.form) });
  return getDraft(db, d.id)!;
}

export function deleteDraft(db: Db, id: string): boolean {
  return stmt(db, 'DELETE FROM call_drafts WHERE id = ?').run(id).changes > 0;
}
