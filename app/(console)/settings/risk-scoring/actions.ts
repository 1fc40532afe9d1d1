'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { formAction } from '@/lib/http/form-action';
import { RISK_PARTS, RISK_PART_LABELS, type RiskPart } from '@/lib/risk/score';
import { updateRiskScoring } from '@/lib/risk/settings';
import { checkbox, days, formRate } from '@/lib/validation/fields';

const PAGE = '/settings/risk-scoring';

/** The form's fields: weights and ceilings typed as percentages ("25%"), the days ceiling in days. */
const riskScoringForm = z.object({
  lookbackDays: days('Lookback window', { min: 7, max: 1825 }),
  ...(Object.fromEntries(RISK_PARTS.map((p) => [`weight_${p}`, formRate(`${RISK_PART_LABELS[p]} weight`, { min: '0', max: '1' })])) as Record<
    `weight_${RiskPart}`,
    ReturnType<typeof formRate>
  >),
  ceiling_dilution: formRate('Dilution ceiling', { min: '0.0001', max: '1' }),
  ceiling_daysBeyondTerms: days('Days beyond terms ceiling', { min: 1, max: 3650 }),
  ceiling_disputes: formRate('Dispute rate ceiling', { min: '0.0001', max: '1' }),
  ceiling_chargebacks: formRate('Charge-back rate ceiling', { min: '0.0001', max: '1' }),
  ceiling_concentration: formRate('Largest debtor share ceiling', { min: '0.0001', max: '1' }),
  ceiling_trend: formRate('Trend ceiling', { min: '0.0001', max: '1' }),
  autoApply: checkbox('Apply band changes automatically'),
});

/** Issue 16: the risk score's settings (admins, audited); lib/risk/settings.ts checks the weights add up to 100%. */
export const saveRiskScoringAction = formAction('settings.edit', riskScoringForm, async ({ tx, input, actor }) => {
  const f = input as Record<string, unknown>;
  const saved = await updateRiskScoring(
    tx,
    {
      lookbackDays: input.lookbackDays,
      weights: Object.fromEntries(RISK_PARTS.map((p) => [p, f[`weight_${p}`]])),
      ceilings: Object.fromEntries(RISK_PARTS.map((p) => [p, String(f[`ceiling_${p}`])])),
      autoApply: input.autoApply,
    },
    actor,
  );
  revalidatePath(PAGE);
  return {
    message: `Saved: a ${saved.lookbackDays}-day window; band changes are ${saved.autoApply ? 'applied automatically' : 'proposed to an approver'}.`,
  };
});
