import type { Metadata } from 'next';
import { Coming } from '@/app/_components/page-header';
import { requireSection } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Reports' };
export const dynamic = 'force-dynamic';

export default async function Page() {
  await requireSection('reports');
  return <Coming title="Reports" what={['Fee income by client and by month', 'Aging by debtor and client; reserve statements', ]} />;
}
