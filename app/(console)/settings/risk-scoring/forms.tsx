'use client';

import { useActionState } from 'react';
import { CheckboxInput, Feedback, TextInput, primaryButton, submitWith } from '@/app/(console)/clients/form-kit';
import { initialActionState, type ActionState } from '@/lib/http/action-state';
import { RISK_PARTS, RISK_PART_LABELS, type RiskScoring } from '@/lib/risk/score';
import { Big } from '@/lib/money';
import { saveRiskScoringAction } from './actions';

const pct = (fraction: string) => `${new Big(fraction).times(100).toFixed()}%`;
const PLACED = new Set(['lookbackDays', 'autoApply', ...RISK_PARTS.flatMap((p) => [`weight_${p}`, `ceiling_${p}`])]);

/** The risk score's formula: the window, each part's weight and ceiling, and automatic band changes. */
export function RiskScoringForm({ current, canEdit }: { current: RiskScoring; canEdit: boolean }) {
  const [state, dispatch, pending] = useActionState<ActionState, FormData>(saveRiskScoringAction, initialActionState);
  return (
    <form onSubmit={submitWith(dispatch)} aria-label="Risk scoring" className="grid gap-3 sm:grid-cols-2">
      <TextInput
        state={state}
        name="lookbackDays"
        label="Lookback window (days)"
        inputMode="numeric"
        fallback={String(current.lookbackDays)}
        disabled={!canEdit}
        hint="How far back each score looks; the trend compares it with the window before."
      />
      <div className="flex items-end">
        <CheckboxInput state={state} name="autoApply" label="Apply band changes automatically" fallback={current.autoApply} disabled={!canEdit} />
      </div>
      {RISK_PARTS.map((p) => (
        <fieldset key={p} className="rounded-md border border-slate-200 p-3 sm:col-span-2">
          <legend className="px-1 text-sm font-medium">{RISK_PART_LABELS[p]}</legend>
          <div className="grid gap-3 sm:grid-cols-2">
            <TextInput state={state} name={`weight_${p}`} label={`${RISK_PART_LABELS[p]} weight`} fallback={pct(current.weights[p])} disabled={!canEdit} />
            <TextInput
              state={state}
              name={`ceiling_${p}`}
              label={p === 'daysBeyondTerms' ? 'Days beyond terms ceiling (days)' : `${RISK_PART_LABELS[p]} ceiling`}
              fallback={p === 'daysBeyondTerms' ? current.ceilings[p] : pct(current.ceilings[p])}
              disabled={!canEdit}
              hint="The measured value at which this part counts in full (100)."
            />
          </div>
        </fieldset>
      ))}
      {canEdit ? (
        <div className="sm:col-span-2">
          <button type="submit" disabled={pending} className={primaryButton}>
            Save risk scoring
          </button>
        </div>
      ) : null}
      <div className="sm:col-span-2">
        <Feedback state={state} placed={PLACED} />
      </div>
    </form>
  );
}
