import type { Metadata } from 'next';
import { Coming } from '@/app/_components/page-header';
import { requireSection } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Approvals' };
export const dynamic = 'force-dynamic';

export default async function Page() {
  await requireSection('approvals');
  return <Coming title="Approvals" what={['Funding holds, releases and agreement changes waiting for a second person', 'Maker-checker: whoever requested an action never approves it', ]} />;
}
