import { useEffect, useState } from 'react';

/**
 * Hash routes (`#/queue`, `#/ticket/<id>`): the console is one page served from a custom
 * protocol or 127.0.0.1, so the hash is the simplest history that survives a reload.
 */
export type Route =
  | { page: 'queue' }
  | { page: 'call'; id?: string }
  | { page: 'ticket'; id: string }
  | { page: 'remote'; id?: string }
  | { page: 'tools'; id?: string }
  | { page: 'settings'; section?: string };

export function parseRoute(hash: string): Route {
  const [page = '', id] = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  switch (page) {
    case 'call':
      return id ? { page: 'call', id } : { page: 'call' };
    case 'ticket':
      return id ? { page: 'ticket', id } : { page: 'queue' };
    case 'remote':
      return id ? { page: 'remote', id } : { page: 'remote' };
    case 'tools':
      return id ? { page: 'tools', id } : { page: 'tools' };
    case 'settings':
      return id ? { page: 'settings', section: id } : { page: 'settings' };
    default:
      return { page: 'queue' };
  }
}

export function routeHref(route: Route): string {
  const id = 'id' in route && route.id ? `/${encodeURIComponent(route.id)}` : 'section' in route && route.section ? `/${route.section}` : '';
  return `#/${route.page}${id}`;
}

export function navigate(route: Route): void {
  location.hash = routeHref(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** Like navigate(), without a history entry (a redirect, e.g. to a new call draft). */
export function replaceRoute(route: Route): void {
  location.replace(routeHref(route));
}
