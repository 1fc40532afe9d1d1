import { redirect } from 'next/navigation';
import { currentActor } from '@/lib/auth/session';
import { homeFor } from '@/lib/auth/roles';

export const dynamic = 'force-dynamic';

/** The front door: the sign-in page, or the signed-in person's home. */
export default async function Home() {
  const actor = await currentActor();
  if (!actor || actor.role === 'system') redirect('/signin');
  redirect(homeFor(actor.role));
}
