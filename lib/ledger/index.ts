export * from './accounts';
export * from './post';
export * from './balances';
