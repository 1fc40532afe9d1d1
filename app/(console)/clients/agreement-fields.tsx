'use client';

import { useState } from 'react';
import { AGREEMENT_FIELD_LABELS, AGREEMENT_OPTIONS, type AgreementForm, type AgreementFormField } from '@/lib/agreements/form';
import type { ActionState } from '@/lib/http/action-state';
import { typedValue } from '@/lib/http/action-state';
import { MONEY_HINT, RATE_HINT } from '@/lib/validation/fields';
import { SelectInput, TextInput } from './form-kit';

/**
 * Every field of an agreement (SPEC 2), prefilled from `agreementToForm`; only the parameters
 * of the chosen fee kind and reserve policy are shown (and submitted). Field names are those of
 * `AGREEMENT_FORM_SHAPE` (lib/agreements/form.ts), so a refused submit shows each error under its
 * field and keeps what was typed (`typedValue`). Rates take 80, 80% or 0.80 (RATE_HINT), amounts
 * thousands separators (MONEY_HINT).
 */
export function AgreementFields({ values, state }: { values: AgreementForm; state: ActionState }) {
  const [feeKind, setFeeKind] = useState(() => typedValue(state, 'feeKind', values.feeKind || 'daily_rate'));
  const [policyKind, setPolicyKind] = useState(() => typedValue(state, 'policyKind', values.policyKind || 'per_invoice'));

  const label = (name: AgreementFormField) => AGREEMENT_FIELD_LABELS[name];
  const hint = (...parts: (string | undefined)[]) => parts.filter(Boolean).join(' ') || undefined;
  const rate = (name: AgreementFormField, extra?: string) => (
    <TextInput state={state} name={name} label={label(name)} fallback={values[name]} inputMode="decimal" hint={hint(extra, RATE_HINT)} />
  );
  const money = (name: AgreementFormField, extra?: string) => (
    <TextInput state={state} name={name} label={label(name)} fallback={values[name]} inputMode="decimal" hint={hint(extra, MONEY_HINT)} />
  );
  const count = (name: AgreementFormField, extra?: string) => (
    <TextInput state={state} name={name} label={label(name)} fallback={values[name]} inputMode="numeric" hint={extra} />
  );
  const select = (name: keyof typeof AGREEMENT_OPTIONS, onChange?: (value: string) => void) => (
    <SelectInput
      state={state}
      name={name}
      label={label(name)}
      options={AGREEMENT_OPTIONS[name]}
      fallback={values[name] || AGREEMENT_OPTIONS[name][0][0]}
      onChange={onChange}
    />
  );

  const legend = 'text-sm font-semibold text-slate-700';
  const grid = 'mt-2 grid gap-3 sm:grid-cols-2 lg:grid-cols-4';

  return (
    <div className="space-y-4">
      <fieldset>
        <legend className={legend}>Terms</legend>
        <div className={grid}>
          {select('model')}
          <TextInput
            state={state}
            name="currencies"
            label={label('currencies')}
            fallback={values.currencies}
            hint="Codes such as USD, EUR; empty: the home currency"
          />
          {rate('advanceRate')}
          {rate('reserveRate', 'Advance + reserve = 100%, or 100% less a flat fee.')}
        </div>
      </fieldset>
      <fieldset>
        <legend className={legend}>Fees</legend>
        <div className={grid}>
          {select('feeKind', setFeeKind)}
          {feeKind === 'flat' ? (
            <>
              {rate('flatRate', 'Share of face value.')}
              {select('deductFrom')}
            </>
          ) : null}
          {feeKind === 'tiered' ? (
            <>
              {rate('initialRate')}
              {count('initialDays')}
              {rate('stepRate')}
              {count('stepDays')}
            </>
          ) : null}
          {feeKind === 'daily_rate' ? (
            <>
              {rate('annualRate', 'A year’s rate, charged per day.')}
              {select('dayCount')}
              {select('base')}
            </>
          ) : null}
          {money('serviceFee', 'Taken from the advance.')}
          {money('minimumFee')}
        </div>
      </fieldset>
      <fieldset>
        <legend className={legend}>Reserve</legend>
        <div className={grid}>
          {select('policyKind', setPolicyKind)}
          {policyKind === 'rolling' || policyKind === 'capped' ? count('holdDays') : null}
          {policyKind === 'capped' ? money('cap') : null}
          {policyKind === 'fixed' ? (
            <>
              {money('target')}
              {rate('buildRate', 'Share of each funded face until the target is reached.')}
            </>
          ) : null}
          {policyKind === 'percent_of_open' ? rate('policyRate') : null}
          {policyKind === 'escrow' ? (
            <>
              {rate('escrowShare', 'Of each rebate, kept in the client’s escrow until the cap.')}
              {money('escrowCap', 'The most the escrow holds, in each currency; paid back at the end of the relationship or by approval.')}
            </>
          ) : null}
          {money('minimumReserveBalance')}
        </div>
      </fieldset>
      <fieldset>
        <legend className={legend}>Releases</legend>
        <div className={grid}>
          {select('cadence')}
          <TextInput state={state} name="anchorDate" label={label('anchorDate')} fallback={values.anchorDate} type="date" />
          {money('releaseAutoApproveUpTo')}
        </div>
      </fieldset>
      <fieldset>
        <legend className={legend}>Limits and risk</legend>
        <div className={grid}>
          {money('creditLimit', 'Maximum funds employed, in the home currency.')}
          {rate('concentrationLimit', 'Largest share one debtor may make up.')}
          {count('recourseDays')}
          <TextInput state={state} name="riskScore" label={label('riskScore')} fallback={values.riskScore} inputMode="numeric" placeholder="unscored" />
          {money('toleranceAmount')}
          {rate('tolerancePercent', 'Of the invoice’s face.')}
          {money('verificationThreshold', 'Invoices above this face value are funded only once a positive verification is recorded; empty: none.')}
        </div>
      </fieldset>
    </div>
  );
}
