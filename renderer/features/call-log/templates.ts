import { useEffect, useState } from 'react';
import type { Template } from '../../../src/domain/templates';
import { api } from '../../api/client';
import { reportBackgroundFailure } from '../../components/background-failure';

/** Solution and answer templates (Settings › Modèles), loaded when a screen needs them. */
export function useTemplates(): Template[] {
  const [list, setList] = useState<Template[]>([]);
  useEffect(() => {
    let live = true;
    api.call('templates.list').then((r) => live && setList(r.templates), reportBackgroundFailure);
    return () => {
      live = false;
    };
  }, []);
  return list;
}
