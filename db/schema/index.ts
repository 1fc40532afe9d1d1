export * from './users';
export * from './clients';
export * from './invoices';
export * from './ledger';
export * from './audit';
export * from './system';
export * from './funding';
export * from './fees';
