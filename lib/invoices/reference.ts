import type { Tx } from '../../db/client';
import type { Actor } from '../auth/actor';
import { isClientUser } from '../auth/permissions';
import { DomainError } from '../errors';

/** How a person names an invoice on a form: its number, and the client when two clients use it. */
export interface InvoiceRef {
  number: string;
  clientId?: number;
}

export interface InvoiceRefFields {
  /** the form field of the number (errors are keyed by it); default `invoiceNumber` */
  field?: string;
  /** the form field of the client select; default `clientId` */
  clientField?: string;
}

/**
 * The number names invoices of two or more clients (or twice at one client, for two debtors):
 * the form asks for the client. `clients` are the candidates, for the form's client select.
 */
export class AmbiguousInvoiceError extends DomainError {
  readonly clients: { id: string; name: string }[];

  constructor(message: string, details: Record<string, unknown>, clients: { id: string; name: string }[]) {
    super('ambiguous_invoice', message, { status: 422, details });
    this.name = 'AmbiguousInvoiceError';
    this.clients = clients;
  }
}

function names(list: string[]): string {
  return list.length <= 1 ? (list[0] ?? '') : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}

type Match = { id: string; number: string; client_id: string; client_name: string; debtor_name: string };

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
 * client" — both with details keyed by the form's field, so the message shows under it.
 */
export async function resolveInvoiceRef(tx: Tx, ref: InvoiceRef, actor: Actor, fields: InvoiceRefFields = {}): Promise<number> {
  return (await resolveInvoice(tx, ref, actor, fields)).id;
}

/** resolveInvoiceRef, answering the invoice's number and client as well. */
export async function resolveInvoice(tx: Tx, ref: InvoiceRef, actor: Actor, fields: InvoiceRefFields = {}): Promise<ResolvedInvoice> {
  const field = fields.field ?? 'invoiceNumber';
  const clientField = fields.clientField ?? 'clientId';
  const number = ref.number.trim();
  // A client user is scoped to its own client, whatever the form sent (API.md Conventions).
  const scope = isClientUser(actor) ? (actor.clientId ?? -1) : (ref.clientId ?? null);
  if (isClientUser(actor) && ref.clientId !== undefined && ref.clientId !== actor.clientId) return unknown(number, field);
  const find = (exact: boolean) => tx.sql<Match[]>`
    select i.id, i.number, i.client_id, c.name as client_name, d.name as debtor_name
      from invoices i join clients c on c.id = i.client_id join debtors d on d.id = i.debtor_id
     where ${exact ? tx.sql`i.number = ${number}` : tx.sql`upper(i.number) = upper(${number})`}
       and (${scope}::bigint is null or i.client_id = ${scope})
     order by c.name, i.id
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
  if (clients.length > 1) {
    const message = `Invoice number ${number} exists for ${names(clients.map((c) => c.name))}: choose the client`;
    throw new AmbiguousInvoiceError(message, { [field]: message, [clientField]: 'choose the client' }, clients);
  }
  // One client, two debtors (numbers are unique per client and debtor): the client does not tell them apart.
  const message = `Invoice number ${number} exists twice for ${clients[0]!.name} (debtors ${names(matches.map((m) => m.debtor_name))}): open the invoice from the invoice list`;
  throw new DomainError('ambiguous_invoice', message, { status: 422, details: { [field]: message } });
}

function unknown(number: string, field: string): never {
  const message = `No invoice numbered ${number}`;
  throw new DomainError('unknown_invoice', message, { status: 422, details: { [field]: message } });
}
