import { useEffect, useState } from 'react';
import type { OrgTree } from '../../../src/domain/organisation';
import { api } from '../../api/client';

let cache: Promise<OrgTree> | null = null;

/** The organisations, directions/services and sites (loaded once, refreshed after an import). */
export function useOrgTree(): OrgTree | null {
  const [tree, setTree] = useState<OrgTree | null>(null);
  useEffect(() => {
    let live = true;
    const load = () => {
      cache ??= api.call('organisation.tree');
      cache.then((t) => live && setTree(t), () => (cache = null));
    };
    load();
    const off = api.on('directory.changed', () => {
      cache = null;
      load();
    });
    return () => {
      live = false;
      off();
    };
  }, []);
  return tree;
}
