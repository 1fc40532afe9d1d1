import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="mx-auto max-w-xl p-10">
      <p className="text-sm font-semibold text-slate-500">404</p>
      <h1 className="mt-1 text-2xl font-semibold">Not found</h1>
      <p className="mt-3 text-slate-600">There is nothing here, or it is not yours to see.</p>
      <Link href="/" className="mt-6 inline-block text-brand-700 underline">
        Back to your start page
      </Link>
    </main>
  );
}
