import { z } from 'zod';
import type { Tx } from '../../db/client';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { DomainError } from '../errors';
import type { NachaOriginator } from '../releases/nacha';
import type { Pain001Account } from '../releases/pain001';
import { SETTINGS, readSetting, type AchOriginatorSetting, type SepaDebtorSetting } from '../settings';
import { parseInput } from '../validation';
import { bic, iban, isValidBic, isValidIban, maskAccount, normalizeBic, normalizeIban, routingNumber } from '../validation/bank';
import { described, optional, text } from '../validation/fields';

/**
 * Issue 14, item 4: the factor's own bank, as the payout files name it — the ACH originator of a
 * NACHA file (its bank's routing number, the receiving point, its ACH company ID and name) and
 * the debtor account of a pain.001 credit transfer (its IBAN, BIC and name). Kept in Settings →
 * Payout bank (settings keys `payout.ach_originator`, `payout.sepa_debtor`), edited by admins
 * (`settings.edit`), seen masked by whoever holds `payout_bank.read`; every change audited with
 * the before and after masked. Before issue 14 the NACHA originator came from the environment
 * (NACHA_ORIGIN_ROUTING, …): a deployment that has not filled in the settings still uses it.
 */

/** Where people fill it in, as messages say it. */
export const PAYOUT_BANK_PLACE = 'Settings → Payout bank';

/** The form's and the API's labels, so messages and the page use the same words. */
export const ACH_LABELS = {
  originRouting: 'Origin routing number',
  destinationRouting: 'Receiving point routing number',
  destinationName: 'Bank name',
  companyId: 'Company ID',
  companyName: 'Company name',
} as const satisfies Record<keyof AchOriginatorSetting, string>;

export const SEPA_LABELS = {
  name: 'Account holder',
  iban: 'IBAN',
  bic: 'BIC',
} as const satisfies Record<keyof SepaDebtorSetting, string>;

/** Plain ASCII (the ACH file carries nothing else), at most `max` characters. */
function achText(label: string, max: number) {
  return text(label, { max }).refine((v) => /^[\x20-\x7E]+$/.test(v), {
    error: `${label} may hold only letters, digits, spaces and plain punctuation (an ACH file is plain ASCII)`,
  });
}

/** A Company ID as typed: spaces dropped, upper case. */
function companyId(label: string) {
  return described(
    z.preprocess(
      (v) => (typeof v === 'string' ? v.replace(/\s+/g, '').toUpperCase() : v),
      text(label, { max: 40 }).refine((v) => /^[0-9A-Z]{1,10}$/.test(v), {
        error: `${label} must be up to 10 letters or digits, e.g. 1 followed by the 9-digit EIN (1123456789)`,
      }),
    ),
    { kind: 'text', label, max: 40 },
  );
}

/**
 * The ACH originator form: every field but the Company ID is required. A blank Company ID keeps
 * the one saved (the page shows it masked, so it is not typed again to change the rest); the
 * receiving point and bank name default to the origin's routing number and "ODFI".
 */
export const achOriginatorSchema = z.object({
  originRouting: routingNumber(ACH_LABELS.originRouting),
  destinationRouting: optional(routingNumber(ACH_LABELS.destinationRouting)),
  destinationName: optional(achText(ACH_LABELS.destinationName, 23)),
  companyId: optional(companyId(ACH_LABELS.companyId)),
  // the batch header holds 16 characters of it
  companyName: achText(ACH_LABELS.companyName, 16),
});

/** The SEPA account form: a blank IBAN keeps the one saved (shown masked). */
export const sepaDebtorSchema = z.object({
  name: text(SEPA_LABELS.name, { max: 70 }),
  iban: optional(iban(SEPA_LABELS.iban)),
  bic: bic(SEPA_LABELS.bic),
});

/** What people see of the ACH originator: the Company ID masked ("••••7890"). */
export interface AchOriginatorView extends AchOriginatorSetting {
  /** where it comes from: Settings, or (until an admin fills them in) the environment */
  source: 'settings' | 'environment';
}

/** What people see of the SEPA account: the IBAN masked ("DE89 •••• •••• •••• 3000"). */
export interface SepaDebtorView extends SepaDebtorSetting {
  source: 'settings';
}

export interface PayoutBankView {
  ach: AchOriginatorView | null;
  sepa: SepaDebtorView | null;
}

export function maskAchOriginator(o: AchOriginatorSetting): AchOriginatorSetting {
  return { ...o, companyId: maskAccount(o.companyId) };
}

export function maskSepaDebtor(d: SepaDebtorSetting): SepaDebtorSetting {
  return { ...d, iban: maskAccount(d.iban) };
}

/**
 * The NACHA originator the environment gives (NACHA_ORIGIN_ROUTING, NACHA_COMPANY_ID,
 * NACHA_COMPANY_NAME, optional NACHA_DESTINATION_ROUTING and NACHA_DESTINATION_NAME), or null
 * when any of the three required is unset.
 */
export function achOriginatorFromEnv(env: Record<string, string | undefined> = process.env): AchOriginatorSetting | null {
  const need = ['NACHA_ORIGIN_ROUTING', 'NACHA_COMPANY_ID', 'NACHA_COMPANY_NAME'] as const;
  if (need.some((k) => !env[k]?.trim())) return null;
  return {
    originRouting: env.NACHA_ORIGIN_ROUTING!.trim(),
    destinationRouting: (env.NACHA_DESTINATION_ROUTING?.trim() || env.NACHA_ORIGIN_ROUTING!).trim(),
    destinationName: (env.NACHA_DESTINATION_NAME?.trim() || 'ODFI').trim(),
    companyId: env.NACHA_COMPANY_ID!.trim(),
    companyName: env.NACHA_COMPANY_NAME!.trim(),
  };
}

/**
 * The SEPA account the environment gives (SEPA_DEBTOR_NAME, SEPA_DEBTOR_IBAN, optional
 * SEPA_DEBTOR_BIC — what the payout lifecycle branch reads), or null when it is unset or invalid.
 */
export function sepaDebtorFromEnv(env: Record<string, string | undefined> = process.env): Pain001Account | null {
  const name = env.SEPA_DEBTOR_NAME?.trim();
  const account = env.SEPA_DEBTOR_IBAN ? normalizeIban(env.SEPA_DEBTOR_IBAN) : '';
  if (!name || !isValidIban(account)) return null;
  const code = env.SEPA_DEBTOR_BIC?.trim() ? normalizeBic(env.SEPA_DEBTOR_BIC) : undefined;
  if (code !== undefined && !isValidBic(code)) return null;
  return { name, iban: account, ...(code ? { bic: code } : {}) };
}

function notConfigured(kind: 'nacha' | 'sepa'): DomainError {
  if (kind === 'nacha') {
    const fields = [ACH_LABELS.originRouting, ACH_LABELS.companyId, ACH_LABELS.companyName];
    return new DomainError(
      'originator_not_configured',
      `The NACHA file needs the factor's originating bank: an admin fills in ${PAYOUT_BANK_PLACE}, "ACH originator" (${fields.join(', ')})`,
      { status: 422, details: { kind, where: PAYOUT_BANK_PLACE, missing: fields } },
    );
  }
  const fields = [SEPA_LABELS.name, SEPA_LABELS.iban, SEPA_LABELS.bic];
  return new DomainError(
    'originator_not_configured',
    `The pain.001 (SEPA) file needs the factor's own IBAN account: an admin fills in ${PAYOUT_BANK_PLACE}, "SEPA account" (${fields.join(', ')})`,
    { status: 422, details: { kind, where: PAYOUT_BANK_PLACE, missing: fields } },
  );
}

/**
 * The factor's bank for a payout file: the ACH originator of a NACHA file (Settings, else the
 * environment), or the debtor account of a pain.001 file (Settings, else SEPA_DEBTOR_*). Neither set: 422
 * `originator_not_configured`, naming what to fill in and where.
 */
export async function loadOriginator(tx: Pick<Tx, 'sql'>, kind: 'nacha'): Promise<NachaOriginator>;
export async function loadOriginator(tx: Pick<Tx, 'sql'>, kind: 'sepa'): Promise<Pain001Account>;
export async function loadOriginator(tx: Pick<Tx, 'sql'>, kind: 'nacha' | 'sepa'): Promise<NachaOriginator | Pain001Account> {
  if (kind === 'nacha') {
    const found = (await readSetting(tx, SETTINGS.achOriginator)) ?? achOriginatorFromEnv();
    if (!found) throw notConfigured('nacha');
    return { ...found };
  }
  const found = (await readSetting(tx, SETTINGS.sepaDebtor)) ?? sepaDebtorFromEnv();
  if (!found) throw notConfigured('sepa');
  return { name: found.name, iban: found.iban, ...(found.bic ? { bic: found.bic } : {}) };
}

/** Settings → Payout bank as people see it: masked; the ACH originator from the environment when Settings have none. */
export async function payoutBankSettings(tx: Pick<Tx, 'sql'>, actor: Actor): Promise<PayoutBankView> {
  requirePermission(actor, 'payout_bank.read');
  const saved = await readSetting(tx, SETTINGS.achOriginator);
  const env = saved ? null : achOriginatorFromEnv();
  const ach = saved ?? env;
  const sepa = await readSetting(tx, SETTINGS.sepaDebtor);
  // (the SEPA_DEBTOR_* environment is a fallback of the files only; the page shows Settings)
  return {
    ach: ach ? { ...maskAchOriginator(ach), source: saved ? 'settings' : 'environment' } : null,
    sepa: sepa ? { ...maskSepaDebtor(sepa), source: 'settings' } : null,
  };
}

function required(field: string, label: string): DomainError {
  const message = `${label} is required`;
  return new DomainError('invalid_input', message, { status: 400, details: { [field]: message } });
}

async function save(tx: Tx, key: string, value: unknown, actor: Actor): Promise<void> {
  await tx.sql`
    insert into settings (key, value, updated_by, updated_at)
    values (${key}, ${JSON.stringify(value)}::jsonb, ${actor.userId}, now())
    on conflict (key) do update set value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`;
}

/**
 * Saves the ACH originator (Settings → Payout bank). A blank Company ID keeps the saved one (or
 * the environment's, when Settings had none). Audited, the Company ID masked.
 *
 * Errors: 401, 403 (needs `settings.edit`); 400 `invalid_input` naming the field.
 */
export async function updateAchOriginator(tx: Tx, input: unknown, actor: Actor): Promise<AchOriginatorSetting> {
  requirePermission(actor, 'settings.edit');
  const data = parseInput(achOriginatorSchema, input);
  const before = (await readSetting(tx, SETTINGS.achOriginator)) ?? null;
  const kept = before ?? achOriginatorFromEnv();
  const companyIdValue = data.companyId ?? kept?.companyId;
  if (!companyIdValue) throw required('companyId', ACH_LABELS.companyId);
  const after: AchOriginatorSetting = {
    originRouting: data.originRouting,
    destinationRouting: data.destinationRouting ?? data.originRouting,
    destinationName: data.destinationName ?? 'ODFI',
    companyId: companyIdValue,
    companyName: data.companyName,
  };
  await save(tx, SETTINGS.achOriginator, after, actor);
  await recordAudit(tx, actor, {
    action: 'settings.payout_bank',
    targetType: 'settings',
    targetId: SETTINGS.achOriginator,
    before: before ? maskAchOriginator(before) : null,
    after: maskAchOriginator(after),
  });
  return after;
}

/**
 * Saves the factor's SEPA account (Settings → Payout bank). A blank IBAN keeps the saved one.
 * Audited, the IBAN masked.
 *
 * Errors: 401, 403 (needs `settings.edit`); 400 `invalid_input` naming the field.
 */
export async function updateSepaDebtor(tx: Tx, input: unknown, actor: Actor): Promise<SepaDebtorSetting> {
  requirePermission(actor, 'settings.edit');
  const data = parseInput(sepaDebtorSchema, input);
  const before = (await readSetting(tx, SETTINGS.sepaDebtor)) ?? null;
  const ibanValue = data.iban ?? before?.iban;
  if (!ibanValue) throw required('iban', SEPA_LABELS.iban);
  const after: SepaDebtorSetting = { name: data.name, iban: ibanValue, bic: data.bic };
  await save(tx, SETTINGS.sepaDebtor, after, actor);
  await recordAudit(tx, actor, {
    action: 'settings.payout_bank',
    targetType: 'settings',
    targetId: SETTINGS.sepaDebtor,
    before: before ? maskSepaDebtor(before) : null,
    after: maskSepaDebtor(after),
  });
  return after;
}
