import { getDatabase } from '@/db/client';
import { requirePermission } from '@/lib/auth/permissions';
import { currentActor } from '@/lib/auth/session';
import { DomainError } from '@/lib/errors';
import { publicError } from '@/lib/http/errors';
import { payoutCsv } from '@/lib/releases';
import { payoutNacha } from '@/lib/releases/payouts';
import { payoutPeriodSchema } from '@/lib/releases/payout-period';
import { fieldErrors } from '@/lib/validation/fields';

export const dynamic = 'force-dynamic';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A refusal a person reads in the browser (they came from the Download button on /releases): a
 * short page saying what is wrong, with the way back — never a bare "Forbidden".
 */
function refusal(status: number, title: string, lines: string[]): Response {
  const items = lines.map((l) => `<li>${escape(l)}</li>`).join('');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #0f172a">
<main><h1 style="font-size: 1.25rem">${escape(title)}</h1><ul role="alert">${items}</ul><p><a href="/releases">Back to releases</a></p></main></body></html>`;
  return new Response(html, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
}

/**
 * The payout file from the console (the same file as GET /api/v1/payouts), for a signed-in person
 * holding `payout.download`; the period is read with the API's schema (lib/releases/payout-period).
 */
export async function GET(request: Request) {
  const actor = await currentActor();
  if (!actor) return Response.redirect(new URL('/signin', request.url), 303);
  try {
    requirePermission(actor, 'payout.download');
  } catch (error) {
    if (error instanceof DomainError) return refusal(error.status, 'You may not download payout files', [error.message]);
    throw error;
  }
  const url = new URL(request.url);
  const parsed = payoutPeriodSchema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) return refusal(400, 'The payout file needs a period', Object.values(fieldErrors(parsed.error)));
  const { from, to, format } = parsed.data;
  try {
    if (format === 'nacha') {
      const nacha = await payoutNacha(getDatabase(), { from, to });
      return new Response(nacha.file, {
        headers: { 'content-type': 'text/plain; charset=us-ascii', 'content-disposition': `attachment; filename="payouts-${from}-${to}.ach"` },
      });
    }
    const csv = await payoutCsv(getDatabase(), { from, to });
    return new Response(csv, {
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="payouts-${from}-${to}.csv"` },
    });
  } catch (error) {
    const known = publicError(error);
    if (known) return refusal(known.status, 'The payout file could not be made', [known.message]);
    throw error;
  }
}
