export * from './events';
export * from './signing';
export * from './outbox';
export * from './deliver';
export * from './subscriptions';
