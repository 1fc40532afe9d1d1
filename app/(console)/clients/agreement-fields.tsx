'use client';

import { useId, useState } from 'react';
import type { AgreementForm, AgreementFormField } from '@/lib/agreements/form';
import { Field, fieldClass } from './form-kit';

type Option = readonly [value: string, label: string];

const MODELS: Option[] = [
  ['recourse', 'Recourse'],
  ['non_recourse', 'Non-recourse'],
  ['invoice_discounting', 'Invoice discounting (confidential)'],
  ['reverse', 'Reverse (buyer-approved payables)'],
  ['export', 'Export (cross-border)'],
];
const FEE_KINDS: Option[] = [
  ['flat', 'Flat, taken at funding'],
  ['tiered', 'Tiered by days outstanding'],
  ['daily_rate', 'Daily rate (annual rate per day)'],
];
const DEDUCT_FROM: Option[] = [
  ['reserve', 'The reserve'],
  ['advance', 'The advance'],
];
const DAY_COUNTS: Option[] = [
  ['actual/360', 'actual/360'],
  ['actual/365', 'actual/365'],
];
const BASES: Option[] = [
  ['face', 'Face value'],
  ['advance', 'Advance'],
  ['outstanding', 'Outstanding (lowered by partial payments)'],
];
const POLICIES: Option[] = [
  ['per_invoice', 'Per invoice'],
  ['rolling', 'Rolling'],
  ['capped', 'Capped rolling'],
  ['fixed', 'Fixed target'],
  ['percent_of_open', 'Percent of open receivables'],
];
const CADENCES: Option[] = [
  ['weekly', 'Weekly'],
  ['biweekly', 'Every two weeks'],
  ['monthly', 'Monthly'],
  ['on_collection', 'On collection'],
];

/**
 * Every field of an agreement (SPEC 2), prefilled from `agreementToForm`; only the parameters
 * of the chosen fee kind and reserve policy are shown (and submitted). Field names are those
 * `agreementFromForm` reads; `errors` are keyed by them (`agreementErrorsByField`).
 */
export function AgreementFields({ values, errors = {} }: { values: AgreementForm; errors?: Record<string, string> }) {
  const prefix = useId();
  const [form, setForm] = useState<AgreementForm>(values);

  const describedBy = (name: AgreementFormField, hint?: string) => [hint ? `${prefix}-${name}-hint` : '', errors[name] ? `${prefix}-${name}-error` : ''].filter(Boolean).join(' ') || undefined;

  const text = (name: AgreementFormField, label: string, options: { hint?: string; type?: 'text' | 'date'; placeholder?: string; numeric?: boolean } = {}) => {
    const id = `${prefix}-${name}`;
    return (
      <Field id={id} label={label} hint={options.hint} error={errors[name]}>
        <input
          id={id}
          name={name}
          type={options.type ?? 'text'}
          inputMode={options.type === 'date' ? undefined : options.numeric === false ? 'text' : 'decimal'}
          value={form[name]}
          placeholder={options.placeholder}
          onChange={(e) => setForm((f) => ({ ...f, [name]: e.target.value }))}
          aria-invalid={Boolean(errors[name])}
          aria-describedby={describedBy(name, options.hint)}
          className={fieldClass}
        />
      </Field>
    );
  };

  const select = (name: AgreementFormField, label: string, options: Option[], hint?: string) => {
    const id = `${prefix}-${name}`;
    return (
      <Field id={id} label={label} hint={hint} error={errors[name]}>
        <select
          id={id}
          name={name}
          value={form[name] || options[0]![0]}
          onChange={(e) => setForm((f) => ({ ...f, [name]: e.target.value }))}
          aria-invalid={Boolean(errors[name])}
          aria-describedby={describedBy(name, hint)}
          className={fieldClass}
        >
          {options.map(([value, optionLabel]) => (
            <option key={value} value={value}>
              {optionLabel}
            </option>
          ))}
        </select>
      </Field>
    );
  };

  const feeKind = form.feeKind || 'daily_rate';
  const policyKind = form.policyKind || 'per_invoice';
  const legend = 'text-sm font-semibold text-slate-700';
  const grid = 'mt-2 grid gap-3 sm:grid-cols-2 lg:grid-cols-4';

  return (
    <div className="space-y-4">
      <fieldset>
        <legend className={legend}>Terms</legend>
        <div className={grid}>
          {select('model', 'Model', MODELS)}
          {text('currencies', 'Funding currencies', { hint: 'Codes such as USD, EUR; empty: the home currency', numeric: false })}
          {text('advanceRate', 'Advance rate', { placeholder: '0.80' })}
          {text('reserveRate', 'Reserve rate', { placeholder: '0.20', hint: 'Advance + reserve = 1, or 1 less a flat fee' })}
        </div>
      </fieldset>
      <fieldset>
        <legend className={legend}>Fees</legend>
        <div className={grid}>
          {select('feeKind', 'Fee kind', FEE_KINDS)}
          {feeKind === 'flat' ? (
            <>
              {text('feeRate', 'Flat fee rate', { placeholder: '0.03', hint: 'Share of face value' })}
              {select('deductFrom', 'Flat fee taken from', DEDUCT_FROM)}
            </>
          ) : null}
          {feeKind === 'tiered' ? (
            <>
              {text('initialRate', 'Initial fee rate', { placeholder: '0.03' })}
              {text('initialDays', 'Initial period (days)', { placeholder: '30' })}
              {text('stepRate', 'Step fee rate', { placeholder: '0.01' })}
              {text('stepDays', 'Step period (days)', { placeholder: '15' })}
            </>
          ) : null}
          {feeKind === 'daily_rate' ? (
            <>
              {text('feeRate', 'Annual fee rate', { placeholder: '0.12' })}
              {select('dayCount', 'Day count', DAY_COUNTS)}
              {select('base', 'Fee base', BASES)}
            </>
          ) : null}
          {text('serviceFee', 'Service fee per invoice', { placeholder: '0.00', hint: 'Taken from the advance' })}
          {text('minimumFee', 'Minimum fee per invoice', { placeholder: '0.00' })}
        </div>
      </fieldset>
      <fieldset>
        <legend className={legend}>Reserve</legend>
        <div className={grid}>
          {select('policyKind', 'Reserve policy', POLICIES)}
          {policyKind === 'rolling' || policyKind === 'capped' ? text('holdDays', 'Holding period (days)', { placeholder: '180' }) : null}
          {policyKind === 'capped' ? text('cap', 'Reserve cap', { placeholder: '50000.00' }) : null}
          {policyKind === 'fixed' ? (
            <>
              {text('target', 'Reserve target', { placeholder: '50000.00' })}
              {text('buildRate', 'Build rate', { placeholder: '0.05', hint: 'Share of each funded face until the target is reached' })}
            </>
          ) : null}
          {policyKind === 'percent_of_open' ? text('policyRate', 'Share of open receivables', { placeholder: '0.10' }) : null}
          {text('minimumReserveBalance', 'Minimum reserve balance', { placeholder: '0.00' })}
        </div>
      </fieldset>
      <fieldset>
        <legend className={legend}>Releases</legend>
        <div className={grid}>
          {select('cadence', 'Release cadence', CADENCES)}
          {text('anchorDate', 'Release anchor date', { type: 'date' })}
          {text('releaseAutoApproveUpTo', 'Auto-approve releases up to', { placeholder: '0.00' })}
        </div>
      </fieldset>
      <fieldset>
        <legend className={legend}>Limits and risk</legend>
        <div className={grid}>
          {text('creditLimit', 'Credit limit', { placeholder: '1000000.00', hint: 'Maximum funds employed' })}
          {text('concentrationLimit', 'Concentration limit', { placeholder: '0.25', hint: 'Largest share one debtor may make up' })}
          {text('recourseDays', 'Recourse days', { placeholder: '90' })}
          {text('riskScore', 'Risk score (0–100)', { placeholder: 'unscored' })}
          {text('toleranceAmount', 'Short-pay tolerance amount', { placeholder: '0.00' })}
          {text('tolerancePercent', 'Short-pay tolerance percent', { placeholder: '0' })}
        </div>
      </fieldset>
    </div>
  );
}
