'use client';

import { useActionState } from 'react';
import { Feedback, primaryButton, submitWith } from '@/app/(console)/clients/form-kit';
import { VerificationFields } from '@/app/(console)/invoices/[id]/verification-form';
import { recordVerificationAction } from '@/app/(console)/invoices/actions';
import { initialActionState, typedChecked, type ActionState } from '@/lib/http/action-state';
import { displayMoney } from '@/lib/money';
import type { AwaitingVerification } from '@/lib/verifications';
import { METHOD_LABELS, OUTCOME_SHORT } from '@/lib/verifications/labels';

const PLACED = new Set(['method', 'contact', 'outcome', 'note']);

/**
 * Issue 15, bulk verify: the client's invoices waiting for verification, all chosen to begin
 * with, and ONE record (say, one call to the debtor's AP) applied to each chosen invoice — one
 * record per invoice, the same details. A positive outcome moves them into the batch below.
 */
export function BulkVerify({ clientName, invoices }: { clientName: string; invoices: AwaitingVerification[] }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(recordVerificationAction, initialActionState);
  return (
    <form onSubmit={submitWith(action)} aria-label="Verify invoices" className="mt-4 rounded-lg border border-slate-200 bg-white p-4">
      <h3 className="font-semibold">Verify invoices</h3>
      {invoices.length === 0 ? (
        <p className="mt-1 text-sm text-slate-600">No invoice of {clientName} waits for verification.</p>
      ) : (
        <>
          <p className="mt-1 text-sm text-slate-600">
            One verification — a call, an email, the debtor’s portal or a document — recorded for every chosen invoice (one record each, the same details).
          </p>
          <div className="mt-3 overflow-x-auto">
            <table className="min-w-full text-sm">
              <caption className="sr-only">Invoices waiting for verification</caption>
              <thead className="bg-slate-50 text-left text-xs uppercase text-slate-500">
                <tr>
                  <th className="px-3 py-2">Verify</th>
                  <th className="px-3 py-2">Number</th>
                  <th className="px-3 py-2">Debtor</th>
                  <th className="px-3 py-2 text-right">Face value</th>
                  <th className="px-3 py-2">Issued</th>
                  <th className="px-3 py-2">Latest verification</th>
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
                        aria-label={`Verify invoice ${i.number}`}
                      />
                    </td>
                    <td className="px-3 py-2">{i.number}</td>
                    <td className="px-3 py-2">{i.debtorName}</td>
                    <td className="num px-3 py-2 text-right">{displayMoney(i.faceValue, i.currency)}</td>
                    <td className="px-3 py-2">{i.issueDate}</td>
                    <td className="px-3 py-2">
                      {i.latest ? `${OUTCOME_SHORT[i.latest.outcome]} (${METHOD_LABELS[i.latest.method].toLowerCase()}, ${i.latest.at.slice(0, 10)})` : 'none'}
                      {i.required ? <span className="text-amber-800"> · required above the threshold</span> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="mt-3">
            <VerificationFields state={state} idPrefix="bulk-verification" />
          </div>
          <button type="submit" disabled={pending} className={`mt-3 ${primaryButton}`}>
            {pending ? 'Recording…' : 'Record verification for the chosen invoices'}
          </button>
        </>
      )}
      <Feedback state={state} placed={PLACED} />
    </form>
  );
}
