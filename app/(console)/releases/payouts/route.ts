import { currentActor } from '@/lib/auth/session';
import { payoutsByDateRetired } from '@/lib/releases/payouts';

export const dynamic = 'force-dynamic';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The console's old "payout file of a date range" (issue 14 retired it: payout batches pay each
 * release once, by one frozen file). A bookmark or an old page still lands here: a short page
 * saying where payouts are now, with the way back.
 */
export async function GET(request: Request) {
  const actor = await currentActor();
  if (!actor) return Response.redirect(new URL('/signin', request.url), 303);
  const { message } = payoutsByDateRetired();
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Payout files come from payout batches</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #0f172a">
<main><h1 style="font-size: 1.25rem">Payout files come from payout batches</h1><p role="alert">${escape(message)}</p><p><a href="/releases">Back to releases</a></p></main></body></html>`;
  return new Response(html, { status: 422, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
}
