import { kickConcentration } from './queues';

/**
 * Work that follows a committed command, outside its transaction: a Redis hiccup here must not
 * undo or fail what was committed (the hourly schedule catches up anyway).
 */
export async function afterFunding(): Promise<void> {
  await kickConcentration();
}
