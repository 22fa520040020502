import { useEffect, useState } from 'react';
import type { Template } from '../../../src/domain/templates';
import { api } from '../../api/client';

/** Solution and answer templates (Settings › Modèles), loaded when a screen needs them. */
export function useTemplates(): Template[] {
  const [list, setList] = useState<Template[]>([]);
  useEffect(() => {
    let live = true;
    api.call('templates.list').then((r) => live && setList(r.templates), () => {});
    return () => {
      live = false;
    };
  }, []);
  return list;
}
