'use client';

import { useActionState, useId, useState } from 'react';
import { Cancelled, ConfirmStep, useConfirmableAction, type ConfirmableState } from '@/app/_components/confirm-step';
import { initialActionState, typedValue, type ActionState } from '@/lib/http/action-state';
import { IBAN_HINT, ROUTING_HINT } from '@/lib/validation/bank';
import { cancelPayoutAccountChangeAction, decidePayoutAccountChangeAction, requestPayoutAccountChangeAction } from '../actions';
import { Feedback, SelectInput, TextInput, primaryButton, secondaryButton, submitWith } from '../form-kit';

const PAYOUT_PLACED = new Set(['kind', 'holderName', 'routing', 'account', 'accountType', 'iban', 'bic']);

/**
 * Issue 14: asks for a change of the client's payout account (underwriters and admins): a US
 * account (routing and account number) or an IBAN account (IBAN and BIC). Only the chosen kind's
 * fields are shown and sent. It takes effect when someone else approves it.
 */
export function PayoutAccountForm({
  clientId,
  currency,
  current,
  waiting,
}: {
  clientId: string;
  currency: string;
  current: { kind: 'aba' | 'iban'; holderName: string; routing?: string; accountType?: string; bic?: string } | null;
  /** a change waits for approval: no form, only what the last request answered */
  waiting: boolean;
}) {
  const [state, dispatch, pending] = useActionState<ActionState, FormData>(requestPayoutAccountChangeAction, initialActionState);
  const ibanOnly = currency === 'EUR';
  const [kind, setKind] = useState<string>(typedValue(state, 'kind', ibanOnly ? 'iban' : (current?.kind ?? 'aba')));
  if (waiting) return <Feedback state={state} />;
  return (
    <form onSubmit={submitWith(dispatch)} aria-label="Request a payout account change" className="grid gap-3 sm:grid-cols-4">
      <input type="hidden" name="clientId" value={clientId} />
      {ibanOnly ? (
        <input type="hidden" name="kind" value="iban" />
      ) : (
        <SelectInput
          state={state}
          name="kind"
          label="Kind of account"
          fallback={kind}
          onChange={setKind}
          options={[
            ['aba', 'US bank account (routing number)'],
            ['iban', 'IBAN account'],
          ]}
        />
      )}
      <TextInput state={state} name="holderName" label="Account holder" required fallback={current?.holderName ?? ''} />
      {kind === 'iban' ? (
        <>
          <TextInput
            state={state}
            name="iban"
            label="IBAN"
            required
            autoComplete="off"
            hint={current?.kind === 'iban' ? `Enter the whole IBAN. ${IBAN_HINT}` : IBAN_HINT}
          />
          <TextInput
            state={state}
            name="bic"
            label="BIC (SWIFT code)"
            required
            fallback={current?.bic ?? ''}
            hint="8 or 11 letters and digits, e.g. DEUTDEFF"
          />
        </>
      ) : (
        <>
          <TextInput
            state={state}
            name="routing"
            label="Routing number (ABA)"
            required
            inputMode="numeric"
            fallback={current?.routing ?? ''}
            hint={ROUTING_HINT}
          />
          <TextInput
            state={state}
            name="account"
            label="Account number"
            required
            autoComplete="off"
            hint={current ? 'Enter the whole account number, also to change only the holder' : undefined}
          />
          <SelectInput
            state={state}
            name="accountType"
            label="Account type"
            fallback={current?.accountType ?? 'checking'}
            options={[
              ['checking', 'checking'],
              ['savings', 'savings'],
            ]}
          />
        </>
      )}
      <div className="sm:col-span-4">
        <p className="mb-2 text-xs text-slate-600">
          A second person approves the change before rebates are paid to the new account; the client&apos;s contacts are then emailed.
        </p>
        <button type="submit" disabled={pending} className={primaryButton}>
          Request account change
        </button>
        <Feedback state={state} placed={PAYOUT_PLACED} />
      </div>
    </form>
  );
}

const initialDecision: ConfirmableState = { ok: false, message: '' };
type Act = (prev: ConfirmableState, form: FormData) => Promise<ConfirmableState>;

/** Approve (after confirming the masked account) or reject with a reason — for someone other than the requester. */
export function PayoutChangeDecision({ changeId, label }: { changeId: string; label: string }) {
  const { state, pending, onSubmit, asking, confirm, cancel, cancelled } = useConfirmableAction(decidePayoutAccountChangeAction as Act, initialDecision);
  const reasonId = useId();
  if (state.ok && !state.confirm) {
    return (
      <p role="status" className="text-sm text-emerald-800">
        {state.message}
      </p>
    );
  }
  const err = state.ok ? {} : (state.errors ?? {});
  return (
    <form onSubmit={onSubmit} aria-label={`Decide ${label}`} className="flex flex-wrap items-end gap-2">
      <input type="hidden" name="changeId" value={changeId} />
      <button type="submit" name="decision" value="approve" disabled={pending} className={primaryButton}>
        Approve account change
      </button>
      <div>
        <label htmlFor={reasonId} className="sr-only">
          Reason for rejecting {label}
        </label>
        <input
          id={reasonId}
          name="reason"
          placeholder="Reason (to reject)"
          defaultValue={typedValue(state, 'reason')}
          aria-invalid={err.reason ? true : undefined}
          aria-describedby={err.reason ? `${reasonId}-error` : undefined}
          className="rounded-md border border-slate-300 px-2 py-2 text-sm"
        />
        {err.reason ? (
          <p id={`${reasonId}-error`} className="mt-1 text-xs text-red-700">
            {err.reason}
          </p>
        ) : null}
      </div>
      <button type="submit" name="decision" value="reject" disabled={pending} className="rounded-md border border-red-300 px-3 py-2 text-sm text-red-800">
        Reject
      </button>
      <div className="w-full">
        <ConfirmStep request={asking} onConfirm={confirm} onCancel={cancel} pending={pending} />
        <Cancelled show={cancelled} what="nothing was approved." />
      </div>
      {state.message && !state.ok ? (
        <p role="alert" className="w-full text-sm text-red-800">
          {state.message}
        </p>
      ) : null}
    </form>
  );
}

/** Withdraws the waiting request (it was typed wrong, or asked for by mistake). */
export function WithdrawPayoutChange({ changeId }: { changeId: string }) {
  const [state, dispatch, pending] = useActionState<ActionState, FormData>(cancelPayoutAccountChangeAction, initialActionState);
  return (
    <form onSubmit={submitWith(dispatch)} aria-label="Withdraw the payout account change" className="mt-2">
      <input type="hidden" name="changeId" value={changeId} />
      <button type="submit" disabled={pending || state.ok} className={secondaryButton}>
        Withdraw request
      </button>
      <Feedback state={state} />
    </form>
  );
}
