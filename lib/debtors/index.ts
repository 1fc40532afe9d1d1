import { z } from 'zod';
import type { Tx } from '../../db/client';
import { debtors } from '../../db/schema';
import { moneyString } from '../agreements/terms';
import { recordAudit } from '../audit';
import { requireRole, type Actor } from '../auth/actor';
import { moneyOut } from '../money';
import { parseInput } from '../validation';

export const createDebtorSchema = z.object({
  name: z.string({ error: 'is required' }).trim().min(1, { error: 'is required' }).max(200),
  creditLimit: moneyString('250000.00'),
  riskRating: z.string().trim().max(40).optional(),
});

export interface DebtorView {
  id: string;
  name: string;
  creditLimit: string;
  riskRating: string;
}

export async function createDebtor(tx: Tx, input: z.input<typeof createDebtorSchema>, actor: Actor): Promise<DebtorView> {
  requireRole(actor, 'underwriter');
  const data = parseInput(createDebtorSchema, input);
  const [row] = await tx.db.insert(debtors).values({ name: data.name, creditLimit: data.creditLimit, riskRating: data.riskRating ?? 'unrated' }).returning();
  const view = { id: String(row!.id), name: row!.name, creditLimit: moneyOut(row!.creditLimit, 'USD'), riskRating: row!.riskRating };
  await recordAudit(tx, actor, { action: 'debtor.create', targetType: 'debtor', targetId: row!.id, after: view });
  return view;
}

export interface DebtorSummary extends DebtorView {
  openInvoices: number;
  clients: number;
}

export async function listDebtors(tx: Tx): Promise<DebtorSummary[]> {
  const rows = await tx.sql<{ id: string; name: string; credit_limit: string; risk_rating: string; open: number; clients: number }[]>`
    select d.id, d.name, d.credit_limit, d.risk_rating,
           count(i.id) filter (where i.status in ('funded', 'disputed'))::int as open,
           count(distinct i.client_id)::int as clients
      from debtors d left join invoices i on i.debtor_id = d.id
     group by d.id order by d.name`;
  return rows.map((r) => ({ id: r.id, name: r.name, creditLimit: moneyOut(r.credit_limit, 'USD'), riskRating: r.risk_rating, openInvoices: r.open, clients: r.clients }));
}
