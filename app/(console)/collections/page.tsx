import type { Metadata } from 'next';
import { Coming } from '@/app/_components/page-header';
import { requireSection } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Collections' };
export const dynamic = 'force-dynamic';

export default async function Page() {
  await requireSection('collections');
  return <Coming title="Collections" what={['Inbox of unapplied payments with match suggestions', 'Bank file import (CSV, camt.053, BAI2), short pays, disputes and aging', ]} />;
}
