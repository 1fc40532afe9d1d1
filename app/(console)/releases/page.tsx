import type { Metadata } from 'next';
import { Coming } from '@/app/_components/page-header';
import { requireSection } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Releases' };
export const dynamic = 'force-dynamic';

export default async function Page() {
  await requireSection('releases');
  return <Coming title="Releases" what={['Release cycles on each client cadence, with their batches and status', 'Release detail with the breakdown behind each amount; payout files', ]} />;
}
