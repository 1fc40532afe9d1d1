import type { Role } from '../auth/roles';

/** The sign-ins of the demo portfolio (README lists them). */
export const DEMO_PASSWORD = 'holdback-demo';
export const DEMO_USERS: { email: string; role: Role; name: string }[] = [
  { email: 'admin@holdback.demo', role: 'admin', name: 'Avery Admin' },
  { email: 'underwriter@holdback.demo', role: 'underwriter', name: 'Uma Underwriter' },
  { email: 'funding@holdback.demo', role: 'funding', name: 'Felix Funding' },
  { email: 'collections@holdback.demo', role: 'collections', name: 'Cora Collections' },
  { email: 'approver@holdback.demo', role: 'approver', name: 'April Approver' },
  { email: 'controller@holdback.demo', role: 'controller', name: 'Conrad Controller' },
  { email: 'auditor@holdback.demo', role: 'auditor', name: 'Audrey Auditor' },
  { email: 'client@holdback.demo', role: 'client', name: 'Carl Client (Acme Freight)' },
];
