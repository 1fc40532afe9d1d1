import { DomainError } from '../errors';
import type { Actor } from './actor';
import { ROLES, ROLE_LABELS, STAFF_ROLES, type Role, type Section } from './roles';

/**
 * SPEC 1: who may do what — the one permission table. Server actions (`formAction`), API routes
 * (`apiRoute`), pages (`can`, to decide which buttons show) and `lib` commands
 * (`requirePermission`) all read it; no role list or role comparison lives anywhere else
 * (tests/unit/permissions-usage.test.ts walks app/ and lib/ and fails on one). README's role ×
 * permission matrix is generated from it (`npm run permissions:matrix`).
 *
 * Separation of duties (the maker never approves their own request, large amounts need a
 * controller) is a rule of the command, in lib/approvals, not a permission.
 */
const STAFF: readonly Role[] = STAFF_ROLES;
const EVERYONE: readonly Role[] = ROLES;
const APPROVERS: readonly Role[] = ['approver', 'controller'];

export const PERMISSIONS = {
  // screens (SPEC 8): who may open each section of the console, and the portal; the navigation
  // shows a section's link only to those who may open it (lib/auth/roles.ts NAVIGATION)
  'section.dashboard': { roles: STAFF, label: 'Open the dashboard' },
  'section.clients': { roles: STAFF, label: 'Open Clients' },
  'section.debtors': { roles: STAFF, label: 'Open Debtors' },
  'section.invoices': { roles: STAFF, label: 'Open Invoices' },
  'section.fundings': { roles: ['admin', 'underwriter', 'funding', 'approver', 'controller', 'auditor'], label: 'Open Fundings' },
  'section.collections': { roles: ['admin', 'collections', 'controller', 'auditor'], label: 'Open Collections' },
  'section.approvals': { roles: ['admin', 'approver', 'controller', 'auditor'], label: 'Open Approvals' },
  'section.releases': { roles: ['admin', 'underwriter', 'approver', 'controller', 'auditor'], label: 'Open Releases' },
  'section.reports': { roles: STAFF, label: 'Open Reports' },
  'section.audit': { roles: ['admin', 'controller', 'auditor'], label: 'Open the audit log' },
  'section.settings': { roles: ['admin', 'auditor'], label: 'Open Settings (an auditor reads them)' },
  'section.portal': { roles: ['client'], label: 'Open the client portal' },
  // reading
  'staff.read': { roles: STAFF, label: 'Read the console (staff)' },
  'portfolio.read': { roles: EVERYONE, label: 'Read clients, invoices, releases and statements (a client user: its own)' },
  // clients and agreements (SPEC 2)
  'client.create': { roles: ['underwriter'], label: 'Create a client (a prospect with its first agreement)' },
  'client.onboard': { roles: ['underwriter'], label: 'Work the KYB checklist, submit for review, suspend or close' },
  'client.activate': { roles: ['underwriter'], label: 'Review a client another underwriter entered and activate it' },
  'client.contacts': { roles: ['underwriter', 'admin'], label: "Set a client's contacts' email preferences" },
  'client.own_contacts': { roles: ['underwriter', 'admin', 'client'], label: 'Set contact email preferences (a client user: its own)' },
  'client.payout_account': { roles: ['underwriter', 'admin'], label: "Request a change of a client's payout bank account (someone else approves it)" },
  'client.payout_account_approve': {
    roles: ['underwriter', 'approver', 'controller'],
    label: "Approve or reject a change of a client's payout bank account someone else requested",
  },
  'agreement.propose': { roles: ['underwriter'], label: 'Propose a new agreement version' },
  'agreement.approve': { roles: APPROVERS, label: 'Approve or reject an agreement version' },
  // debtors
  'debtor.edit': { roles: ['underwriter'], label: 'Create and edit debtors, credit limits and notices of assignment' },
  // issue 16 items 4 and 5: client–debtor limits, their overrides, and intake flags
  'pair_limit.set': { roles: ['underwriter'], label: 'Set or remove a client–debtor limit' },
  'pair_limit.override': { roles: APPROVERS, label: 'Authorise a client–debtor limit override until a date, or revoke one early' },
  'invoice_flag.clear': { roles: ['underwriter', 'approver', 'controller'], label: 'Clear an intake flag (a likely duplicate or fraud sign) with a reason' },
  'debtor.approval': { roles: ['funding', 'underwriter'], label: "Record a debtor's approval of an invoice (reverse factoring)" },
  'debtor.merge_request': { roles: ['underwriter', 'collections'], label: 'Propose merging a duplicate debtor into another' },
  'debtor.merge_approve': { roles: ['underwriter', 'approver', 'controller'], label: 'Approve or reject a debtor merge someone else proposed' },
  // notes, the call log and follow-ups (issue 15 item 3): the factor's own working notes — never a client user's
  'note.read': { roles: STAFF, label: 'Read notes, the call log, follow-ups and promises to pay on clients, debtors and invoices' },
  'note.write': {
    roles: ['admin', 'underwriter', 'funding', 'collections', 'approver', 'controller'],
    label: 'Add notes and follow-ups (and promises to pay on invoices), own follow-ups, mark them done',
  },
  'follow_up.dashboard': {
    roles: ['collections'],
    label: 'See “My follow-ups today” on the dashboard even when nothing is due (others see it when they have follow-ups)',
  },
  // issue 15 item 4: debtor statements and reminders
  'debtor.contact': {
    roles: ['underwriter', 'collections'],
    label: "Set a debtor's accounts-payable contact (where its statements and reminders are emailed)",
  },
  'debtor.statement_send': { roles: ['collections', 'underwriter'], label: 'Email a debtor its statement of open invoices' },
  // invoices and funding (SPEC 3)
  'invoice.create': { roles: ['funding'], label: 'Submit and import invoices' },
  'invoice.verify': { roles: ['funding'], label: 'Verify invoices' },
  'funding.preview': { roles: ['funding', 'approver', 'controller'], label: 'Preview a funding batch' },
  'funding.fund': { roles: ['funding'], label: 'Build and fund a funding batch' },
  'funding.approve': { roles: APPROVERS, label: 'Approve or reject a held funding batch' },
  // collections (SPEC 4, 5)
  'payment.apply': { roles: ['collections'], label: 'Receive, import, apply and refund payments' },
  'dispute.open': { roles: ['collections'], label: 'Open and resolve disputes' },
  'invoice.chargeback': { roles: ['collections', 'controller'], label: 'Charge back or write off an invoice' },
  // fees
  'accrual.run': { roles: ['controller', 'admin'], label: 'Run the fee accrual' },
  // releases (SPEC 6)
  'release.run_cycle': { roles: ['controller', 'approver', 'admin'], label: 'Run or resume a release cycle' },
  'release.approve': { roles: APPROVERS, label: 'Approve or reject a release' },
  'release.approve_large': { roles: ['controller'], label: 'Approve a release above the controller threshold' },
  'payout.download': { roles: ['controller', 'admin', 'approver', 'auditor'], label: 'Read payout batches and download their files once generated' },
  // issue 14 (SPEC 5.3): the payout lifecycle — batch, generate the file (freezes it), sent, settled
  'payout.batch': { roles: ['controller', 'admin'], label: 'Create payout batches, generate their files, mark them sent and settled' },
  'payout.return': { roles: ['controller', 'admin'], label: 'Record a payout the bank returned (ACH return, rejected SEPA credit)' },
  // statements (SPEC 7)
  'statement.read': { roles: EVERYONE, label: 'Read and download statements (a client user: its own)' },
  'statement.issue': { roles: ['admin', 'controller'], label: "Issue a client's statement for a period" },
  'statement.run': { roles: ['admin', 'controller'], label: 'Run the statement job for many clients' },
  'statement.issue_own': { roles: ['client'], label: 'Issue its own statement in the portal' },
  // issue 15 item 2: documents (invoice images, proofs of delivery, schedules, signed agreements)
  'document.read': { roles: EVERYONE, label: "Read and download documents (a client user: its own client's)" },
  'document.upload': {
    roles: ['admin', 'underwriter', 'funding', 'collections', 'client'],
    label: 'Upload documents to invoices, schedules, clients and debtors (a client user: to its own schedules)',
  },
  // issue 16 item 7: the general-ledger export and its chart-of-accounts mapping
  'gl.export': { roles: ['admin', 'controller', 'auditor'], label: 'Download the general-ledger journal export (summary or detail CSV)' },
  'gl.mapping': { roles: ['admin', 'controller'], label: "Map Holdback's accounts to the factor's general-ledger codes (Settings → General ledger)" },
  // audit, settings, users
  'audit.verify': { roles: ['admin', 'controller', 'auditor'], label: 'Verify the ledger and the audit chain' },
  'settings.edit': { roles: ['admin'], label: 'Edit settings' },
  'payout_bank.read': { roles: ['admin', 'controller', 'auditor'], label: "See the factor's payout bank details, masked (Settings → Payout bank)" },
  'user.manage': { roles: ['admin'], label: 'Invite, edit and disable users; issue API keys' },
  'outbox.manage': { roles: ['admin'], label: 'Retry or cancel emails in the outbox' },
} as const satisfies Record<string, { roles: readonly Role[]; label: string }>;

export type Permission = keyof typeof PERMISSIONS;

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && Object.hasOwn(PERMISSIONS, value);
}

/** The roles that hold a permission (for messages and the README matrix). */
export function rolesWith(permission: Permission): readonly Role[] {
  return PERMISSIONS[permission].roles;
}

/** Whether a role holds a permission — for tests and the matrix; code asks with `can(actor, …)`. */
export function roleCan(role: Role | 'system', permission: Permission): boolean {
  return role === 'system' || (PERMISSIONS[permission].roles as readonly string[]).includes(role);
}

/** Pages ask this to decide what to show. Jobs and the command line (`system`) may do anything. */
export function can(actor: Pick<Actor, 'role'> | null | undefined, permission: Permission): boolean {
  return !!actor && roleCan(actor.role, permission);
}

/** Whether the actor may open a section of the console (or the portal): its `section.<name>` permission. */
export function canOpen(actor: Pick<Actor, 'role'> | null | undefined, section: Section): boolean {
  return can(actor, sectionPermission(section));
}

export function sectionPermission(section: Section): Permission {
  return `section.${section}`;
}

/** Where a person lands after signing in: a client user in the portal, staff on the dashboard. */
export function homeFor(actor: Pick<Actor, 'role'>): string {
  return isClientUser(actor) ? '/portal' : '/dashboard';
}

/** Whether the actor is a client user (whose reads are scoped to its own client). */
export function isClientUser(actor: Pick<Actor, 'role'> | null | undefined): boolean {
  return actor?.role === 'client';
}

/** Whether the actor is a person who may use the staff console (narrows `role` to a person's role). */
export function isStaff<A extends Pick<Actor, 'role'>>(actor: A | null | undefined): actor is A & { role: Role } {
  return !!actor && actor.role !== 'system' && (STAFF_ROLES as readonly string[]).includes(actor.role);
}

/** Whether the actor is a job or the command line rather than a person. */
export function isSystem(actor: Pick<Actor, 'role'> | null | undefined): boolean {
  return actor?.role === 'system';
}

/**
 * The one authorisation check: no actor → 401; an actor without the permission → 403 naming
 * what is needed in a person's words.
 */
export function requirePermission(actor: Actor | null | undefined, permission: Permission): Actor {
  if (!actor) throw new DomainError('unauthenticated', 'Sign in or send a valid API key', { status: 401 });
  if (roleCan(actor.role, permission)) return actor;
  const allowed = PERMISSIONS[permission].roles;
  const who = allowed.map((r) => ROLE_LABELS[r].toLowerCase()).join(' or ');
  const role = actor.role === 'system' ? actor.role : ROLE_LABELS[actor.role].toLowerCase();
  throw new DomainError(
    'forbidden',
    `The ${role} role may not ${PERMISSIONS[permission].label.charAt(0).toLowerCase()}${PERMISSIONS[permission].label.slice(1)} (needs ${who})`,
    {
      status: 403,
      details: { role: actor.role, permission, allowed: [...allowed] },
    },
  );
}
