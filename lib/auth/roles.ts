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

/** The screens of SPEC 8 and who may open them. Admins and auditors see everything staff see. */
export type Section =
  | 'dashboard'
  | 'clients'
  | 'debtors'
  | 'invoices'
  | 'fundings'
  | 'collections'
  | 'approvals'
  | 'releases'
  | 'reports'
  | 'audit'
  | 'settings'
  | 'portal';

export const SECTION_ACCESS: Readonly<Record<Section, readonly Role[]>> = {
  dashboard: STAFF_ROLES,
  clients: STAFF_ROLES,
  debtors: STAFF_ROLES,
  invoices: STAFF_ROLES,
  fundings: ['admin', 'underwriter', 'funding', 'approver', 'controller', 'auditor'],
  collections: ['admin', 'collections', 'controller', 'auditor'],
  approvals: ['admin', 'approver', 'controller', 'auditor'],
  releases: ['admin', 'underwriter', 'approver', 'controller', 'auditor'],
  reports: STAFF_ROLES,
  audit: ['admin', 'controller', 'auditor'],
  settings: ['admin', 'auditor'],
  portal: ['client'],
};

export const NAVIGATION: readonly { section: Exclude<Section, 'portal'>; label: string; href: string }[] = [
  { section: 'dashboard', label: 'Dashboard', href: '/dashboard' },
  { section: 'clients', label: 'Clients', href: '/clients' },
  { section: 'debtors', label: 'Debtors', href: '/debtors' },
  { section: 'invoices', label: 'Invoices', href: '/invoices' },
  { section: 'fundings', label: 'Fundings', href: '/fundings' },
  { section: 'collections', label: 'Collections', href: '/collections' },
  { section: 'approvals', label: 'Approvals', href: '/approvals' },
  { section: 'releases', label: 'Releases', href: '/releases' },
  { section: 'reports', label: 'Reports', href: '/reports' },
  { section: 'audit', label: 'Audit', href: '/audit' },
  { section: 'settings', label: 'Settings', href: '/settings' },
];

export function canOpen(role: Role, section: Section): boolean {
  return SECTION_ACCESS[section].includes(role);
}

/** Where a role lands after signing in. */
export function homeFor(role: Role): string {
  return role === 'client' ? '/portal' : '/dashboard';
}
