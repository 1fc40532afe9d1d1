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
