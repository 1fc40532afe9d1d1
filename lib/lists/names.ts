import type { Database, Tx } from '../../db/client';

/**
 * The name behind an id a list was filtered by through a link (`?clientId=12`), for the filter form
 * to show; null when there is no such record (the list is then simply empty).
 */
export async function clientNameOf(db: Database | Tx, id: string | number | undefined): Promise<string | null> {
  if (id === undefined || !/^[1-9]\d{0,15}$/.test(String(id))) return null;
  const [row] = await db.sql<{ name: string }[]>`select name from clients where id = ${String(id)}::bigint`;
  return row?.name ?? null;
}

export async function debtorNameOf(db: Database | Tx, id: string | number | undefined): Promise<string | null> {
  if (id === undefined || !/^[1-9]\d{0,15}$/.test(String(id))) return null;
  const [row] = await db.sql<{ name: string }[]>`select name from debtors where id = ${String(id)}::bigint`;
  return row?.name ?? null;
}
