import { redirect } from 'next/navigation';
import { currentActor } from '@/lib/auth/session';
import { homeFor, isSystem } from '@/lib/auth/permissions';

export const dynamic = 'force-dynamic';

/** The front door: the sign-in page, or the signed-in person's home. */
export default async function Home() {
  const actor = await currentActor();
  if (!actor || isSystem(actor)) redirect('/signin');
  redirect(homeFor(actor));
}
