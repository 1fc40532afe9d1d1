'use client';

import { useRouter } from 'next/navigation';
import { Typeahead } from './typeahead';

/**
 * The console header's search box: a GET form to /search?q= (so it works before hydration and
 * without suggestions), with suggestions as you type — invoices, payments, clients, debtors —
 * each opening its page; "All results" opens the results page.
 */
export function HeaderSearch({ defaultValue = '' }: { defaultValue?: string }) {
  const router = useRouter();
  return (
    <form
      action="/search"
      method="get"
      role="search"
      aria-label="Search the console"
      className="flex w-full min-w-0 items-center gap-2 sm:w-auto sm:flex-1 sm:max-w-xl"
    >
      <label htmlFor="console-search" className="sr-only">
        Search invoices, payments, clients and debtors
      </label>
      <div className="min-w-0 flex-1">
        <Typeahead
          id="console-search"
          name="q"
          defaultValue={defaultValue}
          minLength={2}
          maxLength={100}
          placeholder="Search: invoice number, payer, reference, client, debtor"
          listLabel="Search suggestions"
          inputClassName="w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm"
          onPick={(item) => {
            router.push(item.url);
            return false;
          }}
          footer={(text) =>
            text.length >= 2 ? { label: `All results for “${text}”`, onChoose: () => router.push(`/search?q=${encodeURIComponent(text)}`) } : null
          }
          renderItem={(item) => (
            <>
              <span className="block">
                <span className="mr-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">{item.type}</span>
                <span className="font-medium">{item.label}</span>
              </span>
              <span className="block text-xs text-slate-600">{item.detail}</span>
            </>
          )}
        />
      </div>
      <button type="submit" className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100">
        Search
      </button>
    </form>
  );
}
