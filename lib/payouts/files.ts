import { createHash } from 'node:crypto';
import type { Tx } from '../../db/client';
import type { AbaPayoutAccount, PayoutAccount } from '../../db/schema';
import { recordAudit } from '../audit';
import type { Actor } from '../auth/actor';
import { requirePermission } from '../auth/permissions';
import { toCsv } from '../csv';
import { DomainError, conflict, refused } from '../errors';
import { moneyOut } from '../money';
import { nachaFile } from '../releases/nacha';
import { pain001File } from '../releases/pain001';
import { isValidBic, isValidIban, normalizeBic, normalizeIban } from '../validation/bank';
import { lockBatch, sumAmounts } from './batches';
import { loadOriginator } from './originator';

export const FILE_FORMATS = ['nacha', 'pain001', 'csv'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

export interface BatchFile {
  format: FileFormat;
  fileName: string;
  contentType: string;
  bytes: Uint8Array;
  sha256: string;
  /** false when the file had been generated before: these are its stored bytes */
  generated: boolean;
}

const CONTENT_TYPES: Record<FileFormat, string> = {
  nacha: 'text/plain; charset=us-ascii',
  pain001: 'application/xml; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};
const EXTENSIONS: Record<FileFormat, string> = { nacha: 'ach', pain001: 'xml', csv: 'csv' };

type ItemRow = { id: string; release_id: string; client_id: string; name: string; amount: string; reference: string; payout_account: PayoutAccount | null };

/** A US (ABA) account with its routing and account number (an IBAN account, or an old row with empty ones, is not). */
const abaOf = (a: PayoutAccount | null): AbaPayoutAccount | null => (a && a.kind !== 'iban' && a.routing && a.account ? a : null);
const hasAba = (a: PayoutAccount | null) => abaOf(a) !== null;
const hasIban = (a: PayoutAccount | null) => Boolean(a?.iban && isValidIban(normalizeIban(a.iban)));

function clientsRefused(code: string, what: string, rows: ItemRow[]): DomainError {
  const named = [...new Map(rows.map((r) => [r.client_id, r.name])).entries()];
  return new DomainError(code, `${what}: ${named.map(([id, name]) => `${name} (client ${id})`).join(', ')}`, {
    status: 422,
    details: { clients: named.map(([id]) => id) },
  });
}

/**
 * The bank file of a payout batch (issue 14 item 3). The FIRST download generates it and freezes
 * the batch (`generated`): its bytes, SHA-256, file name and format are stored (a trigger refuses
 * any change to them), and every later download returns exactly those bytes. The format is frozen
 * with them: a batch is paid by one file, so asking a generated batch for another format is
 * 409 `batch_file_frozen` (two files of one batch sent to the bank would pay it twice).
 *   nacha   — USD, every client an ABA account: one CCD batch; each item keeps its trace number;
 *   pain001 — ISO 20022 credit transfer, every client an IBAN account (EUR: SEPA);
 *   csv     — the bank details a bank upload needs (holder, routing/account or IBAN/BIC, amount, reference).
 * Generating needs `payout.batch`; reading a generated file `payout.download`. `generate: false`
 * only reads (the console's download link: a link followed in a browser never freezes a batch).
 */
export async function batchFile(tx: Tx, batchId: number, format: FileFormat, actor: Actor, options: { generate?: boolean } = {}): Promise<BatchFile> {
  requirePermission(actor, 'payout.download');
  const batch = await lockBatch(tx, batchId);
  if (batch.file_bytes !== null) {
    if (batch.format !== format) {
      throw conflict('batch_file_frozen', `Payout batch ${batchId}'s file was generated as ${batch.format}; download that file (a batch is paid by one file)`, {
        format: batch.format,
      });
    }
    const bytes = new Uint8Array(batch.file_bytes);
    return { format, fileName: batch.file_name!, contentType: CONTENT_TYPES[format], bytes, sha256: batch.file_sha256!, generated: false };
  }
  if (options.generate === false) {
    throw conflict(
      'file_not_generated',
      `Payout batch ${batchId} has no file yet: generate it on the batch's page (Payouts → batch ${batchId}), which asks first`,
    );
  }
  requirePermission(actor, 'payout.batch');
  const items = await tx.sql<ItemRow[]>`
    select i.id::text as id, i.release_id::text as release_id, i.client_id::text as client_id, c.name, i.amount::text as amount, i.reference, c.payout_account
      from payout_batch_items i join clients c on c.id = i.client_id
     where i.batch_id = ${batchId} and i.status = 'live' order by i.id`;
  if (items.length === 0) throw refused('nothing_to_pay', `Payout batch ${batchId} has no release left to pay`);
  const missing = items.filter((i) => !i.payout_account);
  if (missing.length > 0) throw clientsRefused('payout_accounts_missing', 'Record a payout bank account first for', missing);
  const c = batch.currency;
  const now = new Date();
  let text: string;
  let traces: string[] = [];
  if (format === 'nacha') {
    if (c !== 'USD') throw refused('format_not_for_currency', `A NACHA file carries US dollars only; batch ${batchId} is in ${c} (use pain001 or csv)`);
    const notAba = items.filter((i) => !hasAba(i.payout_account));
    if (notAba.length > 0) throw clientsRefused('payout_accounts_not_aba', 'A NACHA file needs an ABA routing and account number for', notAba);
    const originator = await loadOriginator(tx, 'nacha');
    text = nachaFile({
      originator,
      effectiveDate: batch.value_date,
      createdAt: now,
      entries: items.map((i) => {
        const a = abaOf(i.payout_account)!;
        return {
          routing: a.routing,
          account: a.account,
          accountType: a.accountType,
          amount: moneyOut(i.amount, 'USD'),
          name: a.holderName || i.name,
          id: i.reference,
        };
      }),
    });
    // The trace number of each entry: the ODFI's 8 digits and the entry's sequence (nacha.ts writes them so).
    const odfi = originator.originRouting.slice(0, 8);
    traces = items.map((_, n) => `${odfi}${String(n + 1).padStart(7, '0')}`);
  } else if (format === 'pain001') {
    const notIban = items.filter((i) => !hasIban(i.payout_account));
    if (notIban.length > 0) throw clientsRefused('payout_accounts_not_iban', 'A pain.001 file needs an IBAN for', notIban);
    const debtor = await loadOriginator(tx, 'sepa');
    text = pain001File({
      messageId: `HOLDBACK-PAYOUT-${batchId}`,
      createdAt: `${now.toISOString().slice(0, 19)}Z`,
      debtor,
      batch: { id: `PAYOUT-${batchId}`, valueDate: batch.value_date, currency: c },
      payments: items.map((i) => {
        const a = i.payout_account!;
        const bic = a.bic ? normalizeBic(a.bic) : undefined;
        return {
          endToEndId: i.reference,
          amount: moneyOut(i.amount, c),
          creditor: { name: a.holderName || i.name, iban: normalizeIban(a.iban!), ...(bic && isValidBic(bic) ? { bic } : {}) },
          remittance: `Rebate release ${i.release_id}`,
        };
      }),
    });
  } else {
    text = toCsv(
      [
        'batch_id',
        'release_id',
        'reference',
        'value_date',
        'client_id',
        'client_name',
        'account_holder',
        'routing',
        'account',
        'account_type',
        'iban',
        'bic',
        'currency',
        'amount',
      ],
      items.map((i) => {
        const a = i.payout_account!;
        return [
          String(batchId),
          i.release_id,
          i.reference,
          batch.value_date,
          i.client_id,
          i.name,
          a.holderName || i.name,
          a.iban ? '' : (abaOf(a)?.routing ?? ''),
          a.iban ? '' : (abaOf(a)?.account ?? ''),
          a.iban ? '' : (abaOf(a)?.accountType ?? ''),
          a.iban ? normalizeIban(a.iban) : '',
          a.bic ? normalizeBic(a.bic) : '',
          c,
          moneyOut(i.amount, c),
        ];
      }),
    );
  }
  const bytes = new TextEncoder().encode(text);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const fileName = `payout-batch-${batchId}-${c}-${batch.value_date}.${EXTENSIONS[format]}`;
  await tx.sql`
    update payout_batches set status = 'generated', format = ${format}, file_name = ${fileName}, file_bytes = ${Buffer.from(bytes)},
           file_sha256 = ${sha256}, generated_at = now(), generated_by = ${actor.userId}
     where id = ${batchId}`;
  if (traces.length > 0) {
    await tx.sql`
      update payout_batch_items i set trace_number = u.trace
        from unnest(${items.map((i) => i.id)}::bigint[], ${traces}::text[]) as u(id, trace) where i.id = u.id`;
  }
  await recordAudit(tx, actor, {
    action: 'payout.batch_file',
    targetType: 'payout_batch',
    targetId: batchId,
    before: { status: batch.status },
    after: { status: 'generated', format, fileName, sha256, releases: items.length, total: moneyOut(sumAmounts(items), c) },
  });
  return { format, fileName, contentType: CONTENT_TYPES[format], bytes, sha256, generated: true };
}
