import { z } from 'zod';
import type { Tx } from '../../db/client';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { DomainError } from '../errors';
import { SETTINGS, readSetting } from '../settings';
import { parseInput } from '../validation';
import { accountNumber, bic, iban, routingNumber } from '../validation/bank';
import { optional, text } from '../validation/fields';
import { DEBTOR_STATEMENTS_PLACE, DEFAULT_REMINDER_STEPS, STEP_BOUNDS, formatSteps } from './labels';
import type { RemittanceInstructions } from './model';

/**
 * Issue 15, item 4: Settings → Debtor statements — the reminder steps (days from the due date the
 * daily job emails a reminder at) and the factor's remittance instructions printed on every
 * statement and reminder. Admins edit them (`settings.edit`); every change is audited with the
 * before and after. Changing where debtors are told to pay is what a fraudster would do, so the
 * audit event carries the whole of both.
 */

/** The form's and the API's labels. */
export const REMITTANCE_LABELS = {
  payee: 'Pay to',
  bankName: 'Bank name',
  routing: 'Routing number (ABA)',
  account: 'Account number',
  iban: 'IBAN',
  bic: 'BIC',
  address: 'Cheques to (address)',
  note: 'Reference to quote',
} as const satisfies Record<keyof RemittanceInstructions, string>;

export const STEPS_LABEL = 'Reminder steps';

const L = REMITTANCE_LABELS;

/**
 * The remittance instructions: the payee and at least one way to pay — a routing and account
 * number (both), an IBAN (a BIC optional), or an address for cheques.
 */
export const remittanceSchema = z
  .object({
    payee: text(L.payee, { max: 140 }),
    bankName: optional(text(L.bankName, { max: 140 })),
    routing: optional(routingNumber(L.routing)),
    account: optional(accountNumber(L.account)),
    iban: optional(iban(L.iban)),
    bic: optional(bic(L.bic)),
    address: optional(text(L.address, { max: 500 })),
    note: optional(text(L.note, { max: 200 })),
  })
  .superRefine((v, ctx) => {
    if (v.routing && !v.account) ctx.addIssue({ code: 'custom', path: ['account'], message: `${L.account} is required with a routing number` });
    if (v.account && !v.routing) ctx.addIssue({ code: 'custom', path: ['routing'], message: `${L.routing} is required with an account number` });
    if (v.bic && !v.iban) ctx.addIssue({ code: 'custom', path: ['iban'], message: `${L.iban} is required with a BIC` });
    if (!v.routing && !v.account && !v.iban && !v.address)
      ctx.addIssue({
        code: 'custom',
        path: ['routing'],
        message: `Give debtors a way to pay: a ${L.routing.toLowerCase()} and account number, an IBAN, or an address for cheques`,
      });
  });

/** Steps as an admin types them ("-7, 0, 15, 30") or the API sends them ([-7, 0, 15, 30]); blank: no reminders. */
export function parseReminderSteps(input: unknown): number[] {
  const parts: unknown[] = Array.isArray(input)
    ? input
    : typeof input === 'string'
      ? input
          .split(/[\s,;]+/)
          .map((p) => p.trim())
          .filter(Boolean)
      : input === null || input === undefined
        ? []
        : [input];
  const invalid = (message: string) => new DomainError('invalid_input', message, { status: 400, details: { steps: message } });
  if (parts.length > STEP_BOUNDS.count) throw invalid(`${STEPS_LABEL} may be at most ${STEP_BOUNDS.count} steps`);
  const steps: number[] = [];
  for (const p of parts) {
    const textValue = typeof p === 'number' ? String(p) : typeof p === 'string' ? p.replace(/^\+/, '') : '';
    if (!/^-?\d{1,4}$/.test(textValue))
      throw invalid(
        `${STEPS_LABEL} must be whole numbers of days from the due date, separated by commas, such as -7, 0, 15, 30 (got "${String(p).slice(0, 20)}")`,
      );
    const n = Number(textValue);
    if (n < STEP_BOUNDS.min || n > STEP_BOUNDS.max)
      throw invalid(`${STEPS_LABEL} must be between ${STEP_BOUNDS.min} (days before the due date) and ${STEP_BOUNDS.max} (days after it); ${n} is not`);
    if (steps.includes(n)) throw invalid(`${STEPS_LABEL} name ${n} twice`);
    steps.push(n === 0 ? 0 : n);
  }
  return steps.sort((a, b) => a - b);
}

export interface DebtorStatementSettings {
  /** days from the due date; empty: no reminders are sent */
  reminderSteps: number[];
  /** whether the steps are an admin's or the default */
  stepsSource: 'settings' | 'default';
  /** null: not filled in (and no SEPA account to fall back on): statements cannot be sent */
  remittance: RemittanceInstructions | null;
  /** Settings → Debtor statements, or (until it is filled in) the factor's SEPA account of Settings → Payout bank */
  remittanceSource: 'settings' | 'payout_bank' | null;
}

/** The reminder steps in force (the default −7, 0, 15, 30 until an admin sets others). */
export async function reminderSteps(tx: Pick<Tx, 'sql'>): Promise<number[]> {
  return (await readSetting(tx, SETTINGS.reminderSteps)) ?? [...DEFAULT_REMINDER_STEPS];
}

/**
 * The remittance instructions in force: Settings → Debtor statements, else the factor's own
 * SEPA account (Settings → Payout bank: its name, IBAN and BIC), else null.
 */
export async function remittanceInstructions(
  tx: Pick<Tx, 'sql'>,
): Promise<{ remittance: RemittanceInstructions | null; source: 'settings' | 'payout_bank' | null }> {
  const saved = await readSetting(tx, SETTINGS.remittance);
  if (saved) return { remittance: saved, source: 'settings' };
  const sepa = await readSetting(tx, SETTINGS.sepaDebtor);
  if (sepa) return { remittance: { payee: sepa.name, iban: sepa.iban, bic: sepa.bic }, source: 'payout_bank' };
  return { remittance: null, source: null };
}

/** 422 `remittance_not_configured`: nothing tells a debtor where to pay. */
export function remittanceMissing(): DomainError {
  return new DomainError(
    'remittance_not_configured',
    `A statement tells the debtor where to pay: an admin fills in the remittance instructions in ${DEBTOR_STATEMENTS_PLACE} first`,
    { status: 422, details: { where: DEBTOR_STATEMENTS_PLACE } },
  );
}

/** The remittance instructions, or 422 `remittance_not_configured`. */
export async function requireRemittance(tx: Pick<Tx, 'sql'>): Promise<RemittanceInstructions> {
  const { remittance } = await remittanceInstructions(tx);
  if (!remittance) throw remittanceMissing();
  return remittance;
}

/** Settings → Debtor statements as the page shows it (staff who may open Settings). */
export async function debtorStatementSettings(tx: Pick<Tx, 'sql'>): Promise<DebtorStatementSettings> {
  const saved = await readSetting(tx, SETTINGS.reminderSteps);
  const { remittance, source } = await remittanceInstructions(tx);
  return {
    reminderSteps: saved ?? [...DEFAULT_REMINDER_STEPS],
    stepsSource: saved ? 'settings' : 'default',
    remittance,
    remittanceSource: source,
  };
}

async function save(tx: Tx, key: string, value: unknown, actor: Actor): Promise<void> {
  await tx.sql`
    insert into settings (key, value, updated_by, updated_at)
    values (${key}, ${JSON.stringify(value)}::jsonb, ${actor.userId}, now())
    on conflict (key) do update set value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`;
}

/**
 * Saves the reminder steps (blank or [] turns reminders off). Audited.
 *
 * Errors: 401, 403 (needs `settings.edit`); 400 `invalid_input` on `steps`.
 */
export async function updateReminderSteps(tx: Tx, input: unknown, actor: Actor): Promise<number[]> {
  requirePermission(actor, 'settings.edit');
  const steps = parseReminderSteps(input);
  const before = await readSetting(tx, SETTINGS.reminderSteps);
  await save(tx, SETTINGS.reminderSteps, steps, actor);
  await recordAudit(tx, actor, {
    action: 'settings.reminder_steps',
    targetType: 'settings',
    targetId: SETTINGS.reminderSteps,
    before: { steps: before === null ? `${formatSteps(DEFAULT_REMINDER_STEPS)} (default)` : formatSteps(before) },
    after: { steps: formatSteps(steps) },
  });
  return steps;
}

/**
 * Saves the remittance instructions. Audited with the whole before and after: where debtors are
 * told to pay is not a secret (every statement prints it), and a change of it must be traceable.
 *
 * Errors: 401, 403 (needs `settings.edit`); 400 `invalid_input` naming the field.
 */
export async function updateRemittance(tx: Tx, input: unknown, actor: Actor): Promise<RemittanceInstructions> {
  requirePermission(actor, 'settings.edit');
  const data = parseInput(remittanceSchema, input);
  const after: RemittanceInstructions = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined)) as unknown as RemittanceInstructions;
  const before = await readSetting(tx, SETTINGS.remittance);
  await save(tx, SETTINGS.remittance, after, actor);
  await recordAudit(tx, actor, { action: 'settings.remittance', targetType: 'settings', targetId: SETTINGS.remittance, before, after });
  return after;
}
