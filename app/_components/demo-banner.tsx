import { getDatabase } from '@/db/client';
import { demoSignInsExist } from '@/lib/demo/banner';

export const DEMO_BANNER_TEXT = 'Demo data — sign-ins with published passwords exist';

/**
 * On every console and portal page while a demo user is enabled: the demo's passwords are in
 * the README, so nobody should mistake this instance for a real one (or leave it that way).
 */
export async function DemoBanner({ hint }: { hint: string }) {
  if (!(await demoSignInsExist(getDatabase().sql))) return null;
  return (
    <div role="note" aria-label="Demo data" className="border-b border-amber-300 bg-amber-100 px-6 py-2 text-sm text-amber-900">
      <strong className="font-semibold">{DEMO_BANNER_TEXT}.</strong> {hint}
    </div>
  );
}
