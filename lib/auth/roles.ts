/** SPEC 1: who does what. Pure data; no Next imports. */
export const ROLES = ['admin', 'underwriter', 'funding', 'collections', 'approver', 'controller', 'auditor', 'client'] as const;
export type Role = (typeof ROLES)[number];

export const STAFF_ROLES = ['admin', 'underwriter', 'funding', 'collections', 'approver', 'controller', 'auditor'] as const satisfies readonly Role[];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  admin: 'Administrator',
  underwriter: 'Underwriter',
  funding: 'Funding',
  collections: 'Collections',
  approver: 'Approver',
  controller: 'Controller',
  auditor: 'Auditor',
  client: 'Client user',
};

/**
 * The screens of SPEC 8. Who may open each is the permission table's (`section.<name>` in
 * lib/auth/permissions.ts; `canOpen(actor, section)`), so it is written in one place.
 */
export type Section =
  'dashboard' | 'clients' | 'debtors' | 'invoices' | 'fundings' | 'collections' | 'approvals' | 'releases' | 'reports' | 'audit' | 'settings' | 'portal';

export const NAVIGATION: readonly { section: Exclude<Section, 'portal'>; label: string; href: string }[] = [
  { section: 'dashboard', label: 'Dashboard', href: '/dashboard' },
  { section: 'clients', label: 'Clients', href: '/clients' },
  { section: 'debtors', label: 'Debtors', href: '/debtors' },
  { section: 'invoices', label: 'Invoices', href: '/invoices' },
  { section: 'fundings', label: 'Fundings', href: '/fundings' },
  { section: 'collections', label: 'Collections', href: '/collections' },
  { section: 'approvals', label: 'Approvals', href: '/approvals' },
  { section: 'releases', label: 'Releases', href: '/releases' },
  { section: 'releases', label: 'Payouts', href: '/payouts' },
  { section: 'reports', label: 'Reports', href: '/reports' },
  { section: 'audit', label: 'Audit', href: '/audit' },
  { section: 'settings', label: 'Settings', href: '/settings' },
];
