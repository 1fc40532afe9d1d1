import { getDatabase } from '@/db/client';
import { canOpen } from '@/lib/auth/roles';
import { currentActor } from '@/lib/auth/session';
import { isBusinessDate } from '@/lib/dates';
import { DomainError } from '@/lib/errors';
import { payoutCsv } from '@/lib/releases';
import { payoutNacha } from '@/lib/releases/payouts';

export const dynamic = 'force-dynamic';

/** The payout file from the console (same CSV as GET /api/v1/payouts), for a signed-in person. */
export async function GET(request: Request) {
  const actor = await currentActor();
  if (!actor) return new Response('Sign in first', { status: 401 });
  if (actor.role === 'system' || !['controller', 'admin', 'approver', 'auditor'].includes(actor.role) || !canOpen(actor.role, 'releases')) return new Response('Forbidden', { status: 403 });
  const url = new URL(request.url);
  const from = url.searchParams.get('from');
  const to = url.searchParams.get('to');
  if (!isBusinessDate(from) || !isBusinessDate(to)) return new Response('from and to must be dates written YYYY-MM-DD', { status: 400 });
  if (from > to) return new Response('from must not be after to', { status: 400 });
  if (url.searchParams.get('format') === 'nacha') {
    try {
      const nacha = await payoutNacha(getDatabase(), { from, to });
      return new Response(nacha.file, { headers: { 'content-type': 'text/plain; charset=us-ascii', 'content-disposition': `attachment; filename="payouts-${from}-${to}.ach"` } });
    } catch (error) {
      if (error instanceof DomainError) return new Response(error.message, { status: error.status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
      throw error;
    }
  }
  const csv = await payoutCsv(getDatabase(), { from, to });
  return new Response(csv, { headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="payouts-${from}-${to}.csv"` } });
}
