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
  const list = (root: string, sep: string, colon: string) =>
    err.issues
      .slice(0, 5)
      .map((i) => `${i.path.map(String).join('.') || root}${colon}${i.message}`)
      .join(sep);
  return { fr: `Schéma non respecté : ${list('(racine)', ' ; ', ' : ')}`, en: `Schema not met: ${list('(root)', '; ', ': ')}` };
}

function readJsonFiles(dir: string, errors: CatalogError[]): { file: string; data: unknown }[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.json')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') errors.push({ path: dir, reason: { fr: `dossier illisible : ${(err as Error).message}`, en: `unreadable folder: ${(err as Error).message}` } });
    return [];
  }
  const out: { file: string; data: unknown }[] = [];
  for (const name of entries) {
    const file = path.join(dir, name);
    try {
      const st = fs.statSync(file);
      if (!st.isFile()) continue;
      if (st.size > MAX_FILE_BYTES) {
        errors.push({ path: file, reason: { fr: `fichier trop gros (${st.size} octets, max ${MAX_FILE_BYTES})`, en: `file too large (${st.size} bytes, max ${MAX_FILE_BYTES})` } });
        continue;
      }
      out.push({ file, data: JSON.parse(fs.readFileSync(file, 'utf8')) });
    } catch (err) {
      errors.push({ path: file, reason: { fr: `JSON invalide : ${(err as Error).message}`, en: `invalid JSON: ${(err as Error).message}` } });
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
        errors.push({ path: file, reason: { fr: `identifiant « ${parsed.data.id} » déjà utilisé par ${existing.file} : fichier ignoré`, en: `id "${parsed.data.id}" already used by ${existing.file}: file ignored` } });
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
        errors.push({ path: file, reason: { fr: `identifiant « ${parsed.data.id} » déjà utilisé : fichier ignoré`, en: `id "${parsed.data.id}" already used: file ignored` } });
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
    if (!tool) return { fr: `steps.${i} : outil inconnu « ${step.toolId} »`, en: `steps.${i}: unknown tool "${step.toolId}"` };
    if (tool.os !== c.os) return { fr: `steps.${i} : l'outil ${tool.id} vise ${tool.os}, la liste ${c.os}`, en: `steps.${i}: the tool ${tool.id} targets ${tool.os}, the checklist ${c.os}` };
    // Presets must be valid; parameters left out are asked when the step runs.
    for (const [name, value] of Object.entries(step.params)) {
      const param = tool.params.find((p) => p.name === name);
      if (!param) return { fr: `steps.${i} : l'outil ${tool.id} n'a pas de paramètre « ${name} »`, en: `steps.${i}: the tool ${tool.id} has no parameter "${name}"` };
      try {
        validateParam(param, value);
      } catch (err) {
        return { fr: `steps.${i} : ${(err as Error).message}`, en: `steps.${i}: ${(err as Error).message}` };
      }
    }
  }
  return null;
}
