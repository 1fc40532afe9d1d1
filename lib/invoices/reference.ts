import type { Tx } from '../../db/client';
import type { Actor } from '../auth/actor';
import { isClientUser } from '../auth/permissions';
import { DomainError } from '../errors';
import { moneyOut } from '../money';

/**
 * How a person names an invoice on a form: its number, and the client when two clients use it —
 * or the invoice chosen from the number's suggestions (the typeahead, or the "which one" choice
 * after an ambiguous number), which the server takes only if it still has that number.
 */
export interface InvoiceRef {
  number: string;
  clientId?: number;
  /** the invoice picked for this number: re-checked against the number (and the client, and the actor's scope) */
  invoiceId?: number;
}

export interface InvoiceRefFields {
  /** the form field of the number (errors are keyed by it); default `invoiceNumber` */
  field?: string;
  /** the form field of the client select; default `clientId` */
  clientField?: string;
  /** the form field of the chosen invoice; default `invoiceId` */
  idField?: string;
}

/** One invoice a number names, as a form offers it to choose from (client and debtor tell them apart). */
export interface InvoiceChoice {
  id: string;
  number: string;
  clientId: string;
  clientName: string;
  debtorName: string;
  currency: string;
  faceValue: string;
  status: string;
}

/**
 * The number names invoices of two or more clients (or twice at one client, for two debtors).
 * `clients` are the clients that use it (for the form's client select; empty when it is one
 * client), `invoices` every invoice it names (for the form's "which one" choice, which sends the
 * chosen invoice's id with the number).
 */
export class AmbiguousInvoiceError extends DomainError {
  readonly clients: { id: string; name: string }[];
  readonly invoices: InvoiceChoice[];

  constructor(message: string, details: Record<string, unknown>, clients: { id: string; name: string }[], invoices: InvoiceChoice[] = []) {
    super('ambiguous_invoice', message, { status: 422, details });
    this.name = 'AmbiguousInvoiceError';
    this.clients = clients;
    this.invoices = invoices;
  }
}

function names(list: string[]): string {
  return list.length <= 1 ? (list[0] ?? '') : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}

type Match = {
  id: string;
  number: string;
  client_id: string;
  client_name: string;
  debtor_name: string;
  currency: string;
  face_value: string;
  status: string;
};

const choiceOf = (m: Match): InvoiceChoice => ({
  id: String(m.id),
  number: m.number,
  clientId: String(m.client_id),
  clientName: m.client_name,
  debtorName: m.debtor_name,
  currency: m.currency,
  faceValue: moneyOut(m.face_value, m.currency),
  status: m.status,
});

/** The invoice a reference named, with its client (for the questions and messages that name it). */
export interface ResolvedInvoice {
  id: number;
  number: string;
  clientId: number;
  clientName: string;
}

/**
 * An invoice as people name it (issue 12): by its number — people do not know ids — with the
 * client when the same number exists at two clients. Exact first; a number typed in another
 * case still finds the one invoice it can only mean. A client user finds only its own.
 *
 * Unknown: 422 `unknown_invoice` "No invoice numbered NW-1003"; more than one:
 * 422 `ambiguous_invoice` "Invoice number 1001 exists for Northwind and Globex: choose the
 * client" (or, at one client for two debtors, "… exists twice for Northwind (debtors Acme and
 * Initech): choose which one", with the invoices to choose from) — all with details keyed by the
 * form's field, so the message shows under it. An invoice picked for the number (`invoiceId`)
 * settles it, if it still has that number and is the actor's to name; otherwise 422
 * `invoice_choice_changed`. Read through upper(number) collate "C" (invoices_number_sort_idx), never a scan.
 */
export async function resolveInvoiceRef(tx: Tx, ref: InvoiceRef, actor: Actor, fields: InvoiceRefFields = {}): Promise<number> {
  return (await resolveInvoice(tx, ref, actor, fields)).id;
}

/** resolveInvoiceRef, answering the invoice's number and client as well. */
export async function resolveInvoice(tx: Tx, ref: InvoiceRef, actor: Actor, fields: InvoiceRefFields = {}): Promise<ResolvedInvoice> {
  const field = fields.field ?? 'invoiceNumber';
  const clientField = fields.clientField ?? 'clientId';
  const idField = fields.idField ?? 'invoiceId';
  const number = ref.number.trim();
  // A client user is scoped to its own client, whatever the form sent (API.md Conventions).
  const scope = isClientUser(actor) ? (actor.clientId ?? -1) : (ref.clientId ?? null);
  if (isClientUser(actor) && ref.clientId !== undefined && ref.clientId !== actor.clientId) return unknown(number, field);
  const select = tx.sql`
    select i.id, i.number, i.client_id, c.name as client_name, d.name as debtor_name, i.currency, i.face_value, i.status
      from invoices i join clients c on c.id = i.client_id join debtors d on d.id = i.debtor_id`;
  if (ref.invoiceId !== undefined) {
    // The invoice picked for this number: taken only while it still has the number typed beside
    // it (a pick is never trusted on its own: a stale or forged one names something else).
    const [picked] = await tx.sql<Match[]>`
      ${select}
       where i.id = ${ref.invoiceId} and upper(i.number) collate "C" = upper(${number})
         and (${scope}::bigint is null or i.client_id = ${scope})`;
    if (picked) return { id: Number(picked.id), number: picked.number, clientId: Number(picked.client_id), clientName: picked.client_name };
    const message = `The invoice chosen is not invoice ${number}: choose ${number} again from the suggestions`;
    throw new DomainError('invoice_choice_changed', message, { status: 422, details: { [field]: message, [idField]: 'choose the invoice again' } });
  }
  const find = (exact: boolean) => tx.sql<Match[]>`
    ${select}
     where upper(i.number) collate "C" = upper(${number}) ${exact ? tx.sql`and i.number = ${number}` : tx.sql``}
       and (${scope}::bigint is null or i.client_id = ${scope})
     order by c.name, d.name, i.id
     limit 20`;
  let matches = await find(true);
  if (matches.length === 0) matches = await find(false);
  if (matches.length === 0) {
    if (scope !== null && !isClientUser(actor)) {
      const [client] = await tx.sql<{ name: string }[]>`select name from clients where id = ${scope}`;
      if (client) {
        const message = `No invoice numbered ${number} for ${client.name}`;
        throw new DomainError('unknown_invoice', message, { status: 422, details: { [field]: message } });
      }
    }
    return unknown(number, field);
  }
  if (matches.length === 1) {
    const m = matches[0]!;
    return { id: Number(m.id), number: m.number, clientId: Number(m.client_id), clientName: m.client_name };
  }
  const clients = [...new Map(matches.map((m) => [m.client_id, m.client_name])).entries()].map(([id, name]) => ({ id, name }));
  const choices = matches.map(choiceOf);
  if (clients.length > 1) {
    const message = `Invoice number ${number} exists for ${names(clients.map((c) => c.name))}: choose the client`;
    throw new AmbiguousInvoiceError(message, { [field]: message, [clientField]: 'choose the client' }, clients, choices);
  }
  // One client, two debtors (numbers are unique per client and debtor): the client does not tell
  // them apart, the debtor does — the form offers the invoices to choose from (each by its id).
  const message = `Invoice number ${number} exists ${matches.length === 2 ? 'twice' : `${matches.length} times`} for ${clients[0]!.name} (debtors ${names(matches.map((m) => m.debtor_name))}): choose which one`;
  throw new AmbiguousInvoiceError(message, { [field]: message, [idField]: 'choose which invoice' }, [], choices);
}

function unknown(number: string, field: string): never {
  const message = `No invoice numbered ${number}`;
  throw new DomainError('unknown_invoice', message, { status: 422, details: { [field]: message } });
}
