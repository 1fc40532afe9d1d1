'use client';

import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { fieldClass, primaryButton, secondaryButton } from '@/app/(console)/clients/form-kit';
import { useConfirmableAction } from '@/app/_components/confirm-step';
import { InvoiceNumberInput } from '@/app/_components/invoice-number-input';
import type { InvoiceChoice } from '@/lib/invoices/reference';
import { typedValue } from '@/lib/http/action-state';
import { Big, displayMoney } from '@/lib/money';
import { inboxAction, type CollectionsState } from './actions';
import { ConfirmArea, invalid, RowError, RowField, smallField } from './form-parts';
import type { InboxCard } from './suggestions';

const initial: CollectionsState = { ok: false, message: '' };

export function Answer({ state }: { state: CollectionsState }) {
  if (!state.message) return null;
  return (
    <div
      role={state.ok ? 'status' : 'alert'}
      className={`mt-3 rounded-md px-3 py-2 text-sm ${state.ok ? 'bg-emerald-50 text-emerald-900' : 'bg-red-50 text-red-800'}`}
    >
      <p>{state.message}</p>
      {state.lines && state.lines.length > 0 ? (
        <ul className="mt-1 list-disc pl-5">
          {state.lines.map((l, i) => (
            <li key={i}>{l}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/**
 * The collections inbox: payments with money left to apply, each with its suggestions. One action
 * state for the whole list, so the answer stays on screen when an applied payment leaves the list;
 * a refund, or a short pay charged back, asks first beside its payment, naming the amount.
 */
export function Inbox({ payments, canAct, today }: { payments: InboxCard[]; canAct: boolean; today: string }) {
  const form = useConfirmableAction(inboxAction as (prev: CollectionsState, form: FormData) => Promise<CollectionsState>, initial);
  const { state } = form;
  // The payment the answer is about: named by the command, or — a refused form — by what was sent back.
  const about = state.paymentId ?? typedValue(state, 'paymentId');
  const listed = payments.some((p) => p.id === about);
  const confirmArea = <ConfirmArea form={form} what="nothing was applied or refunded." />;
  return (
    <div>
      {!listed ? confirmArea : null}
      {!listed && !state.confirm ? <Answer state={state} /> : null}
      {payments.length === 0 ? (
        <p className="mt-4 rounded-lg border border-slate-200 bg-white px-4 py-6 text-sm text-slate-500">Every payment is applied: the inbox is empty.</p>
      ) : null}
      <div className="mt-4 space-y-4">
        {payments.map((p) => (
          <PaymentCard
            key={p.id}
            payment={p}
            canAct={canAct}
            today={today}
            submit={form.onSubmit}
            pending={form.pending}
            state={p.id === about ? state : null}
            confirmArea={p.id === about ? confirmArea : null}
          />
        ))}
      </div>
    </div>
  );
}

type Submit = (event: FormEvent<HTMLFormElement>) => void;

function PaymentCard({
  payment: p,
  canAct,
  today,
  submit,
  pending,
  state,
  confirmArea,
}: {
  payment: InboxCard;
  canAct: boolean;
  today: string;
  submit: Submit;
  pending: boolean;
  state: CollectionsState | null;
  confirmArea: ReactNode;
}) {
  const headingId = useId();
  const errors = state && !state.ok ? (state.errors ?? {}) : {};
  const intent = state ? typedValue(state, 'intent') : '';
  return (
    <article aria-labelledby={headingId} className="rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id={headingId} className="font-semibold">
          Payment {p.id} · <span className="num">{displayMoney(p.amount, p.currency)}</span>
        </h3>
        <p className="text-sm text-slate-600">
          Unapplied <span className="num font-medium text-slate-900">{displayMoney(p.unapplied, p.currency)}</span>
        </p>
      </div>
      <dl className="mt-2 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2 lg:grid-cols-4">
        <div>
          <dt className="inline text-slate-500">Received </dt>
          <dd className="inline">{p.receivedDate}</dd>
        </div>
        <div>
          <dt className="inline text-slate-500">Payer </dt>
          <dd className="inline">{p.payerName || '—'}</dd>
        </div>
        <div className="sm:col-span-2">
          <dt className="inline text-slate-500">Reference </dt>
          <dd className="inline break-all">{p.reference || '—'}</dd>
        </div>
        <div>
          <dt className="inline text-slate-500">Source </dt>
          <dd className="inline">{p.source}</dd>
        </div>
      </dl>
      {p.unappliedReason ? (
        <p className="mt-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          <span className="font-medium">Not applied on import: </span>
          {p.unappliedReason}
        </p>
      ) : null}
      {confirmArea}
      {state && !state.confirm ? <Answer state={state} /> : null}
      <Suggestions payment={p} canAct={canAct} submit={submit} pending={pending} />
      {canAct ? (
        <div className="mt-4 grid gap-4 lg:grid-cols-3">
          <div className="lg:col-span-2">
            {/* Re-mounted when the unapplied amount changes, so a partly applied payment starts a fresh split. */}
            <SplitForm
              key={p.unapplied}
              payment={p}
              submit={submit}
              pending={pending}
              errors={intent === 'refund' ? {} : errors}
              choices={state?.choices}
              invoiceChoices={state?.invoiceChoices}
            />
          </div>
          <RefundForm
            payment={p}
            today={today}
            submit={submit}
            pending={pending}
            errors={intent === 'refund' ? errors : {}}
            state={intent === 'refund' ? state : null}
          />
        </div>
      ) : null}
    </article>
  );
}

function Suggestions({ payment: p, canAct, submit, pending }: { payment: InboxCard; canAct: boolean; submit: Submit; pending: boolean }) {
  const money = (amount: string) => displayMoney(amount, p.currency);
  if (p.groups.length === 0)
    return <p className="mt-3 text-sm text-slate-600">No suggestions: nothing open matches this payment. Apply it by hand below, or refund it.</p>;
  return (
    <div className="mt-3 overflow-x-auto">
      <table className="min-w-full text-sm">
        <caption className="py-1 text-left text-sm font-medium">Suggestions for payment {p.id}</caption>
        <thead className="bg-slate-50 text-left text-xs uppercase text-slate-500">
          <tr>
            <th scope="col" className="px-3 py-2">
              Invoice
            </th>
            <th scope="col" className="px-3 py-2">
              Debtor
            </th>
            <th scope="col" className="px-3 py-2">
              Client
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Outstanding
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Suggested
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Confidence
            </th>
            <th scope="col" className="px-3 py-2">
              Why
            </th>
            {canAct ? (
              <th scope="col" className="px-3 py-2">
                Apply
              </th>
            ) : null}
          </tr>
        </thead>
        {p.groups.map((g) => {
          const numbers = g.rows.map((r) => r.number).join(', ');
          return (
            <tbody key={g.key} className="border-t border-slate-200">
              {g.rows.map((r, i) => (
                <tr key={r.invoiceId}>
                  <td className="px-3 py-2">
                    <a className="text-brand-700 underline" href={`/invoices/${r.invoiceId}`}>
                      {r.number}
                    </a>
                  </td>
                  <td className="px-3 py-2">{r.debtorName}</td>
                  <td className="px-3 py-2">{r.clientName}</td>
                  <td className="num px-3 py-2 text-right">{money(r.outstanding)}</td>
                  <td className="num px-3 py-2 text-right">{money(r.amount)}</td>
                  {i === 0 ? (
                    <>
                      <td rowSpan={g.rows.length} className="num px-3 py-2 text-right align-top">
                        {g.confidence}
                      </td>
                      <td rowSpan={g.rows.length} className="px-3 py-2 align-top text-slate-600">
                        {g.reason}
                      </td>
                      {canAct ? (
                        <td rowSpan={g.rows.length} className="px-3 py-2 align-top">
                          <form onSubmit={submit} aria-label={`Confirm ${numbers} for payment ${p.id}`}>
                            <input type="hidden" name="intent" value="confirm" />
                            <input type="hidden" name="paymentId" value={p.id} />
                            {g.rows.map((row) => (
                              <span key={row.invoiceId}>
                                <input type="hidden" name="invoiceId" value={row.invoiceId} />
                                <input type="hidden" name="amount" value={row.amount} />
                              </span>
                            ))}
                            <button
                              type="submit"
                              disabled={pending}
                              className="rounded-md bg-brand-700 px-3 py-1 text-sm font-medium text-white disabled:opacity-60"
                            >
                              Confirm
                            </button>
                          </form>
                        </td>
                      ) : null}
                    </>
                  ) : null}
                </tr>
              ))}
            </tbody>
          );
        })}
      </table>
    </div>
  );
}

interface Row {
  key: number;
  /** an invoice id from the suggestions, or 'other' (typed by number below) */
  choice: string;
  typedNumber: string;
  /** the invoice chosen from the typed number's suggestions (sent with the number, re-checked by the server) */
  picked: string;
  clientId: string;
  amount: string;
}

function totalOf(rows: Row[]): Big | null {
  try {
    return rows.reduce((s, r) => (r.amount.trim() === '' ? s : s.plus(new Big(r.amount.trim().replace(/,/g, '')))), new Big(0));
  } catch {
    return null;
  }
}

/**
 * Allocations by hand: invoice + amount rows, and what to do with an invoice left short. An
 * invoice not among the suggestions is typed by its number (with its client when two clients use
 * the number). Every row sends all four fields, so the action reads them as parallel lists.
 */
function SplitForm({
  payment: p,
  submit,
  pending,
  errors,
  choices,
  invoiceChoices,
}: {
  payment: InboxCard;
  submit: Submit;
  pending: boolean;
  errors: Record<string, string>;
  choices?: { id: string; name: string }[];
  invoiceChoices?: InvoiceChoice[];
}) {
  const base = useId();
  const best = p.groups[0];
  const [rows, setRows] = useState<Row[]>(() =>
    best
      ? best.rows.map((r, i) => ({ key: i, choice: r.invoiceId, typedNumber: '', picked: '', clientId: '', amount: r.amount }))
      : [{ key: 0, choice: p.invoices[0]?.invoiceId ?? 'other', typedNumber: '', picked: '', clientId: '', amount: p.unapplied }],
  );
  const [next, setNext] = useState(rows.length);
  const update = (key: number, change: Partial<Row>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...change } : r)));
  const total = totalOf(rows);
  return (
    <form onSubmit={submit} aria-label={`Split payment ${p.id}`} className="rounded-md border border-slate-200 p-3">
      <p className="text-sm font-medium">Apply by hand</p>
      <input type="hidden" name="intent" value="apply" />
      <input type="hidden" name="paymentId" value={p.id} />
      <div className="mt-2 space-y-2">
        {rows.map((r, i) => {
          const n = i + 1;
          const other = r.choice === 'other' || p.invoices.length === 0;
          const err = (name: string) => errors[`${name}.${i}`];
          const askClient = other && (err('invoiceClientId') !== undefined || r.clientId !== '') && (choices?.length ?? 0) > 0;
          return (
            <div key={r.key} className="flex flex-wrap items-end gap-2">
              <input type="hidden" name="invoiceId" value={other ? r.picked : r.choice} />
              {p.invoices.length > 0 ? (
                <RowField id={`${base}-pick-${r.key}`} label="Invoice" row={n} error={other ? undefined : err('invoiceId')}>
                  <select
                    id={`${base}-pick-${r.key}`}
                    value={r.choice}
                    onChange={(e) => update(r.key, { choice: e.target.value })}
                    className={smallField}
                    {...invalid(`${base}-pick-${r.key}-error`, err('invoiceId'))}
                  >
                    {p.invoices.map((inv) => (
                      <option key={inv.invoiceId} value={inv.invoiceId}>
                        {inv.number} · {inv.debtorName} · owes {displayMoney(inv.outstanding, p.currency)}
                      </option>
                    ))}
                    <option value="other">Another invoice (type its number)</option>
                  </select>
                </RowField>
              ) : null}
              {other ? (
                <RowField id={`${base}-number-${r.key}`} label="Invoice number" row={n} error={err('invoiceNumber') ?? (other ? err('invoiceId') : undefined)}>
                  <div className="w-56 max-w-full">
                    <InvoiceNumberInput
                      id={`${base}-number-${r.key}`}
                      idName={null}
                      value={r.typedNumber}
                      onValueChange={(typedNumber) => update(r.key, { typedNumber })}
                      picked={r.picked}
                      onPickedChange={(picked) => update(r.key, { picked })}
                      choices={err('invoiceNumber') ? invoiceChoices : undefined}
                      error={err('invoiceNumber') ?? err('invoiceId')}
                      idError={err('invoiceId')}
                      inputClassName={`${smallField} w-full`}
                    />
                  </div>
                </RowField>
              ) : (
                <input type="hidden" name="invoiceNumber" value="" />
              )}
              {askClient ? (
                <RowField id={`${base}-client-${r.key}`} label="Client" row={n} error={err('invoiceClientId')}>
                  <select
                    id={`${base}-client-${r.key}`}
                    name="invoiceClientId"
                    value={r.clientId}
                    onChange={(e) => update(r.key, { clientId: e.target.value })}
                    className={smallField}
                    {...invalid(`${base}-client-${r.key}-error`, err('invoiceClientId'))}
                  >
                    <option value="">Choose the client</option>
                    {(choices ?? []).map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.name}
                      </option>
                    ))}
                  </select>
                </RowField>
              ) : (
                <input type="hidden" name="invoiceClientId" value={other ? r.clientId : ''} />
              )}
              <RowField id={`${base}-amount-${r.key}`} label="Amount" row={n} error={err('amount')}>
                <input
                  id={`${base}-amount-${r.key}`}
                  name="amount"
                  inputMode="decimal"
                  value={r.amount}
                  onChange={(e) => update(r.key, { amount: e.target.value })}
                  className={`${smallField} num w-32`}
                  {...invalid(`${base}-amount-${r.key}-error`, err('amount'))}
                />
              </RowField>
              {rows.length > 1 ? (
                <button
                  type="button"
                  onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}
                  className={secondaryButton}
                  aria-label={`Remove row ${n}`}
                >
                  Remove
                </button>
              ) : null}
            </div>
          );
        })}
      </div>
      <RowError id={`${base}-allocations-error`} message={errors.allocations} />
      <p className="mt-2 text-xs text-slate-600" aria-live="polite">
        {total ? `Total ${displayMoney(total, p.currency)} of ${displayMoney(p.unapplied, p.currency)} unapplied` : 'Write amounts like 950.00'}
      </p>
      <div className="mt-2 flex flex-wrap items-end gap-2">
        <button
          type="button"
          onClick={() => {
            setRows((rs) => [...rs, { key: next, choice: p.invoices[0]?.invoiceId ?? 'other', typedNumber: '', picked: '', clientId: '', amount: '' }]);
            setNext((k) => k + 1);
          }}
          className={secondaryButton}
        >
          Add a row
        </button>
        <RowField id={`${base}-short`} label="If an invoice is left short" error={errors.shortPay}>
          <select id={`${base}-short`} name="shortPay" defaultValue="" className={smallField} {...invalid(`${base}-short-error`, errors.shortPay)}>
            <option value="">none: leave it open</option>
            <option value="accept">accept (within tolerance)</option>
            <option value="dispute">dispute</option>
            <option value="chargeback">chargeback</option>
          </select>
        </RowField>
        <button type="submit" disabled={pending} className={primaryButton}>
          Apply
        </button>
      </div>
    </form>
  );
}

function RefundForm({
  payment: p,
  today,
  submit,
  pending,
  errors,
  state,
}: {
  payment: InboxCard;
  today: string;
  submit: Submit;
  pending: boolean;
  errors: Record<string, string>;
  state: CollectionsState | null;
}) {
  const base = useId();
  // A refused refund keeps what was typed (the form re-mounts when the unapplied amount changes).
  const typed = (name: string, fallback: string) => (state && !state.ok ? typedValue(state, name, fallback) : fallback);
  return (
    <form onSubmit={submit} aria-label={`Refund payment ${p.id}`} className="rounded-md border border-slate-200 p-3">
      <p className="text-sm font-medium">Give it back to the payer</p>
      <input type="hidden" name="intent" value="refund" />
      <input type="hidden" name="paymentId" value={p.id} />
      <div className="mt-2 grid gap-2">
        <RowField id={`${base}-amount`} label="Refund amount" error={errors.refundAmount}>
          <input
            id={`${base}-amount`}
            name="refundAmount"
            inputMode="decimal"
            defaultValue={typed('refundAmount', p.unapplied)}
            className={`${fieldClass} num`}
            {...invalid(`${base}-amount-error`, errors.refundAmount)}
          />
        </RowField>
        <RowField id={`${base}-date`} label="Refund date" error={errors.refundDate}>
          <input
            id={`${base}-date`}
            name="refundDate"
            type="date"
            defaultValue={typed('refundDate', today < p.receivedDate ? p.receivedDate : today)}
            className={fieldClass}
            {...invalid(`${base}-date-error`, errors.refundDate)}
          />
        </RowField>
      </div>
      <button type="submit" disabled={pending} className={`${secondaryButton} mt-2`}>
        Refund unapplied
      </button>
    </form>
  );
}
