import type { Metadata } from 'next';
import { Coming } from '@/app/_components/page-header';
import { requireSection } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Fundings' };
export const dynamic = 'force-dynamic';

export default async function Page() {
  await requireSection('fundings');
  return <Coming title="Fundings" what={['Funding batch builder: verified invoices with advance, reserve and fees per invoice before submitting', 'Credit, debtor and concentration limit checks; breaches go to the approval queue', ]} />;
}
