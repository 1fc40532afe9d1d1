import { z } from 'zod';
import type { Tx } from '../../db/client';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { DomainError } from '../errors';
import { parseInput } from '../validation';
import { choice, currency, optional, text } from '../validation/fields';
import { AMOUNT_FORMATS, DATE_FORMATS, type BankCsvMapping, type Delimiter } from './bank-files/mapping';

/**
 * Issue 15 item 6: bank profiles — a bank's CSV layout (lib/collections/bank-files/mapping.ts) saved
 * under a name, so its next file imports without mapping it again. Who imports bank files keeps
 * them (`payment.apply`); every save is audited with what the profile was before.
 */

/** The column separator as a form and the API name it (a tab would not survive a trimmed form field). */
export const DELIMITER_NAMES = ['comma', 'semicolon', 'tab'] as const;
export type DelimiterName = (typeof DELIMITER_NAMES)[number];
export const DELIMITER_OF: Record<DelimiterName, Delimiter> = { comma: ',', semicolon: ';', tab: '\t' };
export const delimiterName = (d: Delimiter): DelimiterName => (d === ';' ? 'semicolon' : d === '\t' ? 'tab' : 'comma');

const column = (label: string) => optional(text(label, { max: 200 }));

/**
 * A mapping as a form or an API body gives it, flat: the column of each field by its header name,
 * the file's one currency (when no column gives it), the date and amount formats, the separator.
 */
export const mappingFields = {
  delimiter: choice('Column separator', DELIMITER_NAMES),
  dateColumn: text('Date column', { max: 200 }),
  amountColumn: text('Amount column', { max: 200 }),
  referenceColumn: column('Reference column'),
  payerColumn: column('Payer column'),
  currencyColumn: column('Currency column'),
  bankReferenceColumn: column('Bank reference column'),
  currency: optional(currency('Currency of the file')),
  dateFormat: choice('Date format', DATE_FORMATS),
  amountFormat: choice('Amounts written like', AMOUNT_FORMATS),
};

const COLUMN_LABELS = {
  dateColumn: 'the date',
  amountColumn: 'the amount',
  currencyColumn: 'the currency',
} as const;

/** The rules across fields: date, amount and currency from three different columns; a currency from somewhere. */
export function checkMapping(v: Partial<MappingInput>, ctx: z.RefinementCtx): void {
  const seen = new Map<string, string>();
  for (const key of ['dateColumn', 'amountColumn', 'currencyColumn'] as const) {
    const name = v[key]?.trim().toLowerCase();
    if (!name) continue;
    const before = seen.get(name);
    if (before) {
      const label = key === 'amountColumn' ? 'Amount column' : key === 'currencyColumn' ? 'Currency column' : 'Date column';
      ctx.addIssue({ code: 'custom', path: [key], message: `${label}: "${v[key]}" already gives ${before}; choose another column` });
    } else seen.set(name, COLUMN_LABELS[key]);
  }
  if (!v.currencyColumn && !v.currency) {
    ctx.addIssue({ code: 'custom', path: ['currency'], message: 'Currency of the file is required when no column gives the currency' });
  }
}

export const mappingSchema = z.object(mappingFields).superRefine(checkMapping);
type MappingInput = z.output<typeof mappingSchema>;

/** The stored mapping of checked fields. */
export function mappingOf(v: MappingInput): BankCsvMapping {
  return {
    delimiter: DELIMITER_OF[v.delimiter],
    columns: {
      date: v.dateColumn,
      amount: v.amountColumn,
      ...(v.referenceColumn ? { reference: v.referenceColumn } : {}),
      ...(v.payerColumn ? { payer: v.payerColumn } : {}),
      ...(v.currencyColumn ? { currency: v.currencyColumn } : {}),
      ...(v.bankReferenceColumn ? { bankReference: v.bankReferenceColumn } : {}),
    },
    ...(v.currency ? { currency: v.currency } : {}),
    dateFormat: v.dateFormat,
    amountFormat: v.amountFormat,
  };
}

/** A stored mapping as the flat fields a form shows (and the API's POST takes). */
export function fieldsOf(m: BankCsvMapping): Record<keyof typeof mappingFields, string> {
  return {
    delimiter: delimiterName(m.delimiter),
    dateColumn: m.columns.date,
    amountColumn: m.columns.amount,
    referenceColumn: m.columns.reference ?? '',
    payerColumn: m.columns.payer ?? '',
    currencyColumn: m.columns.currency ?? '',
    bankReferenceColumn: m.columns.bankReference ?? '',
    currency: m.currency ?? '',
    dateFormat: m.dateFormat,
    amountFormat: m.amountFormat,
  };
}

export const profileSchema = z.object({ name: text('Profile name', { max: 100 }), ...mappingFields }).superRefine(checkMapping);

export interface BankProfile {
  id: string;
  name: string;
  mapping: BankCsvMapping;
  createdAt: string;
  updatedAt: string | null;
}

type ProfileRow = { id: string; name: string; mapping: BankCsvMapping; created_at: Date | string; updated_at: Date | string | null };

const profileOf = (r: ProfileRow): BankProfile => ({
  id: String(r.id),
  name: r.name,
  mapping: r.mapping,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: r.updated_at ? new Date(r.updated_at).toISOString() : null,
});

/**
 * Saves a bank profile: a new name is a new profile; the name of one that exists (in any case)
 * replaces its mapping — the bank changed its export — audited with the mapping it had.
 */
export async function saveBankProfile(tx: Tx, input: unknown, actor: Actor): Promise<BankProfile & { created: boolean }> {
  requirePermission(actor, 'payment.apply');
  const data = parseInput(profileSchema, input);
  const mapping = mappingOf(data);
  const [before] = await tx.sql<ProfileRow[]>`select * from bank_profiles where lower(name) = lower(${data.name}) for update`;
  const json = JSON.stringify(mapping);
  const rows = before
    ? await tx.sql<ProfileRow[]>`
        update bank_profiles set name = ${data.name}, mapping = ${json}::jsonb, updated_by = ${actor.userId}, updated_at = now()
         where id = ${before.id} returning *`
    : // Two people saving one new name at once: the second waits on the unique index, then updates it instead.
      await tx.sql<ProfileRow[]>`
        insert into bank_profiles (name, mapping, created_by) values (${data.name}, ${json}::jsonb, ${actor.userId})
        on conflict ((lower(name))) do update set mapping = excluded.mapping, updated_by = ${actor.userId}, updated_at = now()
        returning *`;
  const row = rows[0]!;
  await recordAudit(tx, actor, {
    action: before ? 'bank_profile.update' : 'bank_profile.create',
    targetType: 'bank_profile',
    targetId: row.id,
    before: before ? { name: before.name, mapping: before.mapping } : undefined,
    after: { name: row.name, mapping },
  });
  return { ...profileOf(row), created: !before };
}

/** Every bank profile, by name (a factor banks with a handful of banks: at most 500 are listed). */
export async function listBankProfiles(tx: Tx): Promise<BankProfile[]> {
  const rows = await tx.sql<ProfileRow[]>`select * from bank_profiles order by lower(name), id limit 500`;
  return rows.map(profileOf);
}

/** A profile by its id (digits) or its name (any case); unknown → 422 naming `profile`. */
export async function findBankProfile(tx: Tx, nameOrId: string): Promise<BankProfile> {
  const key = nameOrId.trim();
  const rows = /^[1-9]\d{0,15}$/.test(key)
    ? await tx.sql<
        ProfileRow[]
      >`select * from bank_profiles where id = ${Number(key)} or lower(name) = lower(${key}) order by (id = ${Number(key)}) desc limit 1`
    : await tx.sql<ProfileRow[]>`select * from bank_profiles where lower(name) = lower(${key})`;
  if (rows.length === 0) {
    throw new DomainError('unknown_bank_profile', `No bank profile is named ${JSON.stringify(key)}; save the mapping as a profile first`, {
      status: 422,
      details: { profile: 'no such bank profile' },
    });
  }
  return profileOf(rows[0]!);
}
