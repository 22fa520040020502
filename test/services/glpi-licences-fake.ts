/**
 * Software licences in the GLPI test double (test/services/glpi-fake.ts calls `handle` before
 * its generic routes). What it reproduces, from GLPI's source (`SoftwareLicense`,
 * `Item_SoftwareLicense`, `SoftwareLicense_User`) and ../shared/GLPI-OBSERVED.md:
 *
 * - `SoftwareLicense` is a tree dropdown: `softwarelicenses_id` is the parent licence (0: none),
 *   `completename` is "Parent > Child", `level` its depth. `number` is the seat count (-1
 *   unlimited); a licence created without `number` gets 1 (a child licence, GLPI's default).
 * - `is_valid` is GLPI's indicator: 0 when `number >= 0` and the licence has more
 *   `Item_SoftwareLicense` rows than `number`, else 1. Recomputed after a row is added or
 *   deleted and when `number` changes (`SoftwareLicense::updateValidityIndicator`).
 * - The API does **not** enforce `number`: assigning past it is accepted (201), only
 *   `is_valid` drops to 0 (observed on GLPI 10.0.18; GLPI's UI alone hides the "add" form).
 * - Seats: `Item_SoftwareLicense` (`itemtype`, `items_id`, `softwarelicenses_id`); on GLPI 11
 *   also `SoftwareLicense_User` (`users_id`, `softwarelicenses_id`), which GLPI 10 does not know.
 * - `GET /SoftwareLicense/:id/<Itemtype>` lists the rows whose `softwarelicenses_id` is `id`
 *   (child licences, seats), as GLPI's API does for any table with the parent's foreign key.
 *
 * For the over-quota race, `gateAssignments(n)` holds the next `n` seat creations until all
 * `n` have arrived, then commits them in arrival order and answers each: two consoles have
 * then both read a free seat before either write landed, and both writes succeed.
 */

type Row = Record<string, unknown> & { id: number };

export interface LicenceFakeContext {
  version: string;
  table(itemtype: string): Map<number, Row>;
  insert(itemtype: string, fields: Record<string, unknown>): Row;
  rows(itemtype: string): Row[];
  now(): string;
  sanitize(input: Record<string, unknown>): Record<string, unknown>;
}

export interface LicenceRequest {
  method: string;
  path: string;
  input: Record<string, unknown>;
  send(status: number, data: unknown, headers?: Record<string, string>): void;
  err(status: number, code: string, message: string): void;
  created(itemtype: string, id: number): void;
  sendList(list: Row[], itemtype: string): void;
}

const SEAT_TYPES = ['Item_SoftwareLicense', 'SoftwareLicense_User'] as const;

export function createLicenceFake(ctx: LicenceFakeContext) {
  const isGlpi11 = Number(ctx.version.split('.')[0]) >= 11;
  let gate: { size: number; waiting: (() => void)[] } | null = null;

  const licence = (id: unknown) => ctx.table('SoftwareLicense').get(Number(id));
  /** GLPI's `computeValidityIndicator`: only `Item_SoftwareLicense` rows count. */
  const refreshValidity = (id: number) => {
    const l = licence(id);
    if (!l) return;
    const used = ctx.rows('Item_SoftwareLicense').filter((r) => r.softwarelicenses_id === id && !r.is_deleted).length;
    const number = Number(l.number);
    l.is_valid = number >= 0 && number < used ? 0 : 1;
  };

  function addLicence(r: LicenceRequest) {
    const { input } = r;
    if (!input.name) return r.err(400, 'ERROR_GLPI_ADD', 'Nom : champ obligatoire manquant');
    const parentId = Number(input.softwarelicenses_id ?? 0);
    const parent = parentId ? licence(parentId) : undefined;
    if (parentId && !parent) return r.err(400, 'ERROR_GLPI_ADD', 'Licence parente introuvable');
    const s = ctx.sanitize(input);
    const row = ctx.insert('SoftwareLicense', {
      entities_id: 0,
      is_recursive: 0,
      softwares_id: 0,
      allow_overquota: 0,
      is_deleted: 0,
      ...s,
      // GLPI: "number is not defined when creating a child licence; and it cannot be 0".
      number: input.number === undefined ? 1 : Number(input.number),
      softwarelicenses_id: parentId,
      completename: parent ? `${String(parent.completename)} &#62; ${String(s.name)}` : s.name,
      level: parent ? Number(parent.level) + 1 : 1,
      is_valid: 1,
    });
    return r.created('SoftwareLicense', row.id);
  }

  function addSeat(itemtype: (typeof SEAT_TYPES)[number], r: LicenceRequest) {
    const { input } = r;
    const l = licence(input.softwarelicenses_id);
    if (!l) return r.err(400, 'ERROR_GLPI_ADD', 'Licence introuvable');
    const target = itemtype === 'SoftwareLicense_User' ? { itemtype: 'User', id: input.users_id } : { itemtype: String(input.itemtype ?? ''), id: input.items_id };
    if (!ctx.table(target.itemtype).has(Number(target.id))) return r.err(400, 'ERROR_GLPI_ADD', 'Élément introuvable');
    const commit = () => {
      // No seat count check: GLPI's API accepts a seat past `number`.
      const fields =
        itemtype === 'SoftwareLicense_User'
          ? { softwarelicenses_id: l.id, users_id: Number(target.id) }
          : { softwarelicenses_id: l.id, itemtype: target.itemtype, items_id: Number(target.id), is_deleted: 0, is_deleted_item: 0, is_dynamic: 0 };
      const row = ctx.insert(itemtype, fields);
      refreshValidity(l.id);
      r.created(itemtype, row.id);
    };
    if (!gate) return commit();
    const g = gate;
    g.waiting.push(commit);
    if (g.waiting.length >= g.size) {
      gate = null;
      for (const c of g.waiting) c();
    }
  }

  return {
    /** Answers the licence routes; false: not one of them (the generic routes apply). */
    handle(r: LicenceRequest): boolean {
      const { method, path, input } = r;
      if (!isGlpi11 && /^\/SoftwareLicense_User(\/|$)/.test(path)) {
        r.err(400, 'ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM', 'resource not found or not an instance of CommonDBTM');
        return true;
      }
      if (path === '/SoftwareLicense' && method === 'POST') return addLicence(r), true;
      for (const t of SEAT_TYPES) if (path === `/${t}` && method === 'POST') return addSeat(t, r), true;

      let m = /^\/SoftwareLicense\/(\d+)\/(SoftwareLicense|Item_SoftwareLicense|SoftwareLicense_User)$/.exec(path);
      if (m && method === 'GET') {
        if (!licence(m[1])) return r.err(404, 'ERROR_ITEM_NOT_FOUND', 'Élément introuvable'), true;
        const list = ctx.rows(m[2]!).filter((x) => x.softwarelicenses_id === Number(m![1]) && !x.is_deleted);
        return r.sendList(list.sort((a, b) => a.id - b.id), m[2]!), true;
      }
      m = /^\/SoftwareLicense\/(\d+)$/.exec(path);
      if (m && method === 'PUT' && input.number !== undefined) {
        const l = licence(m[1]);
        if (!l) return r.err(404, 'ERROR_ITEM_NOT_FOUND', 'Élément introuvable'), true;
        Object.assign(l, ctx.sanitize(input), { id: l.id, number: Number(input.number), date_mod: ctx.now() });
        refreshValidity(l.id);
        return r.send(200, [{ [l.id]: true, message: '' }]), true;
      }
      m = /^\/(Item_SoftwareLicense|SoftwareLicense_User)\/(\d+)$/.exec(path);
      if (m && method === 'DELETE') {
        const row = ctx.table(m[1]!).get(Number(m[2]));
        if (!row) return r.err(404, 'ERROR_ITEM_NOT_FOUND', 'Élément introuvable'), true;
        ctx.table(m[1]!).delete(row.id);
        refreshValidity(Number(row.softwarelicenses_id));
        return r.send(200, [{ [row.id]: true, message: '' }]), true;
      }
      return false;
    },

    /** The next `n` seat creations wait for each other, then all commit (see the header). */
    gateAssignments: (n: number) => void (gate = n > 1 ? { size: n, waiting: [] } : null),
    /** Seat rows of a licence (both tables), oldest first. */
    seatsOf: (licenceId: number) => SEAT_TYPES.flatMap((t) => ctx.rows(t).filter((x) => x.softwarelicenses_id === licenceId)).sort((a, b) => a.id - b.id),
    licences: () => ctx.rows('SoftwareLicense').sort((a, b) => a.id - b.id),
    /** What a technician does in GLPI's web interface: assign a seat to a user (no count check either). */
    assignInUi: (licenceId: number, userId: number) => {
      const row = ctx.insert(isGlpi11 ? 'SoftwareLicense_User' : 'Item_SoftwareLicense', isGlpi11 ? { softwarelicenses_id: licenceId, users_id: userId } : { softwarelicenses_id: licenceId, itemtype: 'User', items_id: userId, is_deleted: 0 });
      refreshValidity(licenceId);
      return row.id;
    },
  };
}
