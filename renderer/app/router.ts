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
  | { page: 'settings'; section?: string }
  | { page: 'incidents' }
  | { page: 'seats' }
  | { page: 'loans' }
  /** query: the dashboard's period and filters (`period=30d&org=…`), so a link reopens the same view. */
  | { page: 'dashboard'; query?: string };

export function parseRoute(hash: string): Route {
  const [path = '', query] = hash.replace(/^#\/?/, '').split('?');
  const [page = '', id] = path.split('/').map(decodeURIComponent);
  switch (page) {
    case 'dashboard':
      return query ? { page: 'dashboard', query } : { page: 'dashboard' };
    case 'call':
      return id ? { page: 'call', id } : { page: 'call' };
    case 'ticket':
      return id ? { page: 'ticket', id } : { page: 'queue' };
    case 'remote':
      return id ? { page: 'remote', id } : { page: 'remote' };
    case 'tools':
      return id ? { page: 'tools', id } : { page: 'tools' };
    case 'incidents':
      return { page: 'incidents' };
    case 'seats':
      return { page: 'seats' };
    case 'loans':
      return { page: 'loans' };
    case 'settings':
      return id ? { page: 'settings', section: id } : { page: 'settings' };
    default:
      return { page: 'queue' };
  }
}

export function routeHref(route: Route): string {
  const id = 'id' in route && route.id ? `/${encodeURIComponent(route.id)}` : 'section' in route && route.section ? `/${route.section}` : '';
  const query = 'query' in route && route.query ? `?${route.query}` : '';
  return `#/${route.page}${id}${query}`;
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
