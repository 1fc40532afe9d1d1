import type { RawSql } from '../../db/client';

/**
 * SQL (a subquery of ids, for `in (…)`): the debtor and every debtor merged into it, merges followed (B into A,
 * A into C: C, A and B). Notes and documents are append-only (0030, 0031), so a debtor merge
 * cannot move them (lib/debtors/merge.ts moves invoices, payments and notices); the survivor's
 * page reads them where they were written. A handful of rows by `debtors.merged_into_id`.
 */
export function debtorAndMerged(sql: RawSql, debtorId: number) {
  return sql`(with recursive m(id) as (
      select ${debtorId}::bigint
      union all
      select d.id from debtors d join m on d.merged_into_id = m.id
    ) select id from m)`;
}
