'use client';

import Link from 'next/link';
import { Cancelled, ConfirmStep, useConfirmableAction } from '@/app/_components/confirm-step';
import type { FundableInvoice } from '@/lib/funding';
import { typedChecked, typedValue } from '@/lib/http/action-state';
import type { FlagBadge } from '@/lib/intake/rules';
import { displayMoney } from '@/lib/money';
import { OUTCOME_SHORT, isPositiveOutcome } from '@/lib/verifications/labels';
import { builderAction, type BuilderState } from './actions';

const initial: BuilderState = { ok: false, message: '' };

export function BatchBuilder({
  clientId,
  clientName,
  invoices,
  flags = {},
  today,
}: {
  clientId: string;
  clientName: string;
  invoices: FundableInvoice[];
  /** issue 16 item 5: open intake flags by invoice id ("Held: …" holds funding, "Flag: …" is shown only) */
  flags?: Record<string, FlagBadge[]>;
  today: string;
}) {
  const { state, pending, onSubmit, asking, confirm, cancel, cancelled } = useConfirmableAction(
    builderAction as (prev: BuilderState, form: FormData) => Promise<BuilderState>,
    initial,
  );
  const batch = state.batch;
  const funded = batch && batch.id !== null;
  const err = state.ok ? {} : (state.errors ?? {});
  const money = (amount: string) => displayMoney(amount, batch?.currency ?? 'USD');
  return (
    <form onSubmit={onSubmit} aria-label="Funding batch" className="mt-4 rounded-lg border border-slate-200 bg-white p-4">
      <input type="hidden" name="clientId" value={clientId} />
      <div className="flex flex-wrap items-end gap-4">
        <div>
          <label htmlFor="funding-date" className="text-sm font-medium">
            Funding date
          </label>
          <input
            id="funding-date"
            name="fundingDate"
            type="date"
            defaultValue={typedValue(state, 'fundingDate', today)}
            required
            aria-invalid={err.fundingDate ? true : undefined}
            aria-describedby={err.fundingDate ? 'funding-date-error' : undefined}
            className="mt-1 block rounded-md border border-slate-300 px-3 py-2 text-sm"
          />
          {err.fundingDate ? (
            <p id="funding-date-error" className="mt-1 text-xs text-red-700">
              {err.fundingDate}
            </p>
          ) : null}
        </div>
        <button type="submit" name="intent" value="preview" disabled={pending} className="rounded-md border border-slate-300 px-4 py-2 text-sm">
          Preview
        </button>
        <button
          type="submit"
          name="intent"
          value="fund"
          disabled={pending}
          className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60"
        >
          Fund batch
        </button>
      </div>
      <ConfirmStep request={asking} onConfirm={confirm} onCancel={cancel} pending={pending} />
      <Cancelled show={cancelled} what="nothing was funded." />
      {invoices.length === 0 ? <p className="mt-4 text-sm text-slate-600">{clientName} has no verified invoices waiting to be funded.</p> : null}
      {err.invoiceIds ? (
        <p id="funding-invoices-error" className="mt-3 text-sm text-red-700">
          {err.invoiceIds}
        </p>
      ) : null}
      <div className="mt-4 overflow-x-auto">
        <table className="min-w-full text-sm" aria-describedby={err.invoiceIds ? 'funding-invoices-error' : undefined}>
          <caption className="sr-only">Verified invoices</caption>
          <thead className="bg-slate-50 text-left text-xs uppercase text-slate-500">
            <tr>
              <th className="px-3 py-2">Include</th>
              <th className="px-3 py-2">Number</th>
              <th className="px-3 py-2">Debtor</th>
              <th className="px-3 py-2 text-right">Face value</th>
              <th className="px-3 py-2">Issued</th>
              <th className="px-3 py-2">Due</th>
              <th className="px-3 py-2">Verification</th>
              <th className="px-3 py-2">Intake flags</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {invoices.map((i) => (
              <tr key={i.id}>
                <td className="px-3 py-2">
                  <input
                    type="checkbox"
                    name="invoiceIds"
                    value={i.id}
                    defaultChecked={typedChecked(state, 'invoiceIds', i.id, true)}
                    aria-label={`Include invoice ${i.number}`}
                  />
                </td>
                <td className="px-3 py-2">{i.number}</td>
                <td className="px-3 py-2">{i.debtorName}</td>
                <td className="num px-3 py-2 text-right">{displayMoney(i.faceValue, i.currency)}</td>
                <td className="px-3 py-2">{i.issueDate}</td>
                <td className="px-3 py-2">{i.dueDate}</td>
                <td className="px-3 py-2">
                  {i.verification ? OUTCOME_SHORT[i.verification] : 'none recorded'}
                  {i.verificationRequired && !isPositiveOutcome(i.verification) ? <span className="text-amber-800"> · required before funding</span> : null}
                </td>
                <td className="px-3 py-2">
                  <FlagList badges={flags[i.id]} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {state.message ? (
        <div
          role={state.ok ? 'status' : 'alert'}
          className={`mt-4 rounded-md px-3 py-2 text-sm ${state.ok ? 'bg-emerald-50 text-emerald-900' : 'bg-red-50 text-red-800'}`}
        >
          {state.message}
          {funded ? (
            <>
              {' '}
              <Link className="underline" href={`/fundings/${batch.id}`}>
                Open batch {batch.id}
              </Link>
            </>
          ) : null}
        </div>
      ) : null}
      {batch ? (
        <section className="mt-4" aria-label={funded ? 'Funded batch' : 'Batch preview'}>
          {batch.holds.length > 0 ? (
            <ul className="mb-3 list-disc rounded-md bg-amber-50 py-2 pl-8 pr-3 text-sm text-amber-900" aria-label="Holds">
              {batch.holds.map((h) => (
                <li key={`${h.code}-${h.message}`}>{h.message}</li>
              ))}
            </ul>
          ) : null}
          {batch.warnings.length > 0 ? (
            <ul className="mb-3 list-disc rounded-md bg-slate-100 py-2 pl-8 pr-3 text-sm text-slate-700" aria-label="Warnings">
              {batch.warnings.map((w) => (
                <li key={w.code}>{w.message}</li>
              ))}
            </ul>
          ) : null}
          <table className="min-w-full text-sm">
            <caption className="sr-only">{funded ? 'Funded invoices' : 'Advance, reserve and fees per invoice'}</caption>
            <thead className="bg-slate-50 text-left text-xs uppercase text-slate-500">
              <tr>
                <th className="px-3 py-2">Invoice</th>
                <th className="px-3 py-2 text-right">Face</th>
                <th className="px-3 py-2 text-right">Advance</th>
                <th className="px-3 py-2 text-right">Reserve</th>
                <th className="px-3 py-2 text-right">Fees</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {batch.invoices.map((i) => (
                <tr key={i.invoiceId}>
                  <td className="px-3 py-2">{i.number}</td>
                  <td className="num px-3 py-2 text-right">{money(i.face)}</td>
                  <td className="num px-3 py-2 text-right">{money(i.advance)}</td>
                  <td className="num px-3 py-2 text-right">{money(i.reserve)}</td>
                  <td className="num px-3 py-2 text-right">{money(i.fees)}</td>
                </tr>
              ))}
              <tr className="font-semibold">
                <td className="px-3 py-2">Total</td>
                <td className="num px-3 py-2 text-right">{money(batch.totalFace)}</td>
                <td className="num px-3 py-2 text-right">{money(batch.totalAdvance)}</td>
                <td className="num px-3 py-2 text-right">{money(batch.totalReserve)}</td>
                <td className="num px-3 py-2 text-right">{money(batch.totalFees)}</td>
              </tr>
            </tbody>
          </table>
        </section>
      ) : null}
    </form>
  );
}

/** An invoice's open intake flags: those that hold funding in amber, the others plain. */
function FlagList({ badges }: { badges: FlagBadge[] | undefined }) {
  if (!badges || badges.length === 0) return <span className="text-slate-500">none</span>;
  return (
    <ul className="space-y-0.5">
      {badges.map((b) => (
        <li key={b.kind} className={b.holding ? 'font-medium text-amber-800' : 'text-slate-700'}>
          {b.text}
        </li>
      ))}
    </ul>
  );
}
