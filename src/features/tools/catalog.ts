/**
 * Loads the tool catalog and the checklists: the built-in files in `assets/tools/` and
 * `assets/checklists/`, then the administrator's folder named by the policy file
 * (`toolsDir`, with checklists in its `checklists/` subfolder). Every file is validated
 * with the zod schema; a malformed file is reported with its path and the reason, and
 * everything else still loads.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import {
  checklistDefinitionSchema,
  toolDefinitionSchema,
  type ChecklistDefinition,
  type ToolDefinition,
} from '../../domain/tools';
import { validateParam } from './params';
import { formatMessage, localize, type Lang } from '../../base/messages';

export interface LoadedTool extends ToolDefinition {
  source: 'builtin' | 'admin';
  file: string;
}
export interface CatalogError {
  path: string;
  reason: LocalizedReason;
}
export interface Catalog {
  tools: Map<string, LoadedTool>;
  checklists: Map<string, ChecklistDefinition & { file: string }>;
  errors: CatalogError[];
}

const MAX_FILE_BYTES = 256 * 1024;

export function defaultAssetsDir(): string {
  if (process.env.RELAIS_ASSETS_DIR) return path.resolve(process.env.RELAIS_ASSETS_DIR);
  // The nearest `assets/` above this module: the repository in development, the app's
  // resources folder once bundled, whatever the depth of either.
  for (let dir = import.meta.dirname ?? process.cwd(); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'assets', 'tools'))) return path.join(dir, 'assets');
    if (path.dirname(dir) === dir) return path.resolve('assets');
  }
}

/** Why a file was refused, in each language (one at a time on screen, never both mixed). */
type LocalizedReason = { fr: string; en: string };

function issuesText(err: z.ZodError): LocalizedReason {
  const list = (lang: Lang) =>
    err.issues
      .slice(0, 5)
      .map((i) => formatMessage(lang, 'TOOL_FILE_ISSUE', { path: i.path.map(String).join('.') || formatMessage(lang, 'TOOL_FILE_ROOT'), message: i.message }))
      .join(formatMessage(lang, 'ISSUES_SEPARATOR'));
  return localize('TOOL_FILE_SCHEMA', { issues: { fr: list('fr'), en: list('en') } });
}

function readJsonFiles(dir: string, errors: CatalogError[]): { file: string; data: unknown }[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.json')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') errors.push({ path: dir, reason: localize('TOOL_FILE_DIR_UNREADABLE', { message: (err as Error).message }) });
    return [];
  }
  const out: { file: string; data: unknown }[] = [];
  for (const name of entries) {
    const file = path.join(dir, name);
    try {
      const st = fs.statSync(file);
      if (!st.isFile()) continue;
      if (st.size > MAX_FILE_BYTES) {
        errors.push({ path: file, reason: localize('TOOL_FILE_TOO_LARGE', { size: st.size, max: MAX_FILE_BYTES }) });
        continue;
      }
      out.push({ file, data: JSON.parse(fs.readFileSync(file, 'utf8')) });
    } catch (err) {
      errors.push({ path: file, reason: localize('TOOL_FILE_BAD_JSON', { message: (err as Error).message }) });
    }
  }
  return out;
}

export function loadCatalog(options: { assetsDir?: string; adminDir?: string | null } = {}): Catalog {
  const assets = options.assetsDir ?? defaultAssetsDir();
  const errors: CatalogError[] = [];
  const tools = new Map<string, LoadedTool>();
  const checklists = new Map<string, ChecklistDefinition & { file: string }>();

  const sources: { dir: string; source: 'builtin' | 'admin' }[] = [{ dir: path.join(assets, 'tools'), source: 'builtin' }];
  if (options.adminDir) sources.push({ dir: path.resolve(options.adminDir), source: 'admin' });
  for (const { dir, source } of sources) {
    for (const { file, data } of readJsonFiles(dir, errors)) {
      const parsed = toolDefinitionSchema.safeParse(data);
      if (!parsed.success) {
        errors.push({ path: file, reason: issuesText(parsed.error) });
        continue;
      }
      const existing = tools.get(parsed.data.id);
      if (existing) {
        errors.push({ path: file, reason: localize('TOOL_FILE_ID_TAKEN_BY', { id: parsed.data.id, file: existing.file }) });
        continue;
      }
      tools.set(parsed.data.id, { ...parsed.data, source, file });
    }
  }

  const checklistDirs = [path.join(assets, 'checklists')];
  if (options.adminDir) checklistDirs.push(path.join(path.resolve(options.adminDir), 'checklists'));
  for (const dir of checklistDirs) {
    for (const { file, data } of readJsonFiles(dir, errors)) {
      const parsed = checklistDefinitionSchema.safeParse(data);
      if (!parsed.success) {
        errors.push({ path: file, reason: issuesText(parsed.error) });
        continue;
      }
      const problem = checkChecklist(parsed.data, tools);
      if (problem) {
        errors.push({ path: file, reason: problem });
        continue;
      }
      if (checklists.has(parsed.data.id)) {
        errors.push({ path: file, reason: localize('TOOL_FILE_ID_TAKEN', { id: parsed.data.id }) });
        continue;
      }
      checklists.set(parsed.data.id, { ...parsed.data, file });
    }
  }
  return { tools, checklists, errors };
}

/** A checklist may only name existing tools of its OS, with presets that validate. */
function checkChecklist(c: ChecklistDefinition, tools: Map<string, LoadedTool>): LocalizedReason | null {
  for (const [i, step] of c.steps.entries()) {
    if (step.kind !== 'tool') continue;
    const tool = tools.get(step.toolId);
    if (!tool) return localize('CHECKLIST_STEP_UNKNOWN_TOOL', { step: i, tool: step.toolId });
    if (tool.os !== c.os) return localize('CHECKLIST_STEP_OTHER_OS', { step: i, tool: tool.id, toolOs: tool.os, os: c.os });
    // Presets must be valid; parameters left out are asked when the step runs.
    for (const [name, value] of Object.entries(step.params)) {
      const param = tool.params.find((p) => p.name === name);
      if (!param) return localize('CHECKLIST_STEP_NO_PARAM', { step: i, tool: tool.id, name });
      try {
        validateParam(param, value);
      } catch (err) {
        return localize('CHECKLIST_STEP_INVALID', { step: i, message: (err as Error).message });
      }
    }
  }
  return null;
}
