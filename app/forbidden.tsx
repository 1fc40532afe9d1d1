import Link from 'next/link';

export default function Forbidden() {
  return (
    <main className="mx-auto max-w-xl p-10">
      <p className="text-sm font-semibold text-red-700">403</p>
      <h1 className="mt-1 text-2xl font-semibold">You do not have access to this page</h1>
      <p className="mt-3 text-slate-600">Your role does not include this part of Holdback. If you need it, ask an administrator.</p>
      <Link href="/" className="mt-6 inline-block text-brand-700 underline">
        Back to your start page
      </Link>
    </main>
  );
}
