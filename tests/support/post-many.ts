/**
 * A separate process for the concurrency test: posts N entries against one client's accounts
 * and the shared cash and fee accounts, each in its own transaction, as fast as it can.
 */
import { createDatabase } from '../../db/client';
import { systemActor } from '../../lib/auth/actor';
import { post } from '../../lib/ledger';
import { Big } from '../../lib/money';

const [url, clientIdText, worker, countText] = process.argv.slice(2);
const clientId = Number(clientIdText);
const database = createDatabase(url!, { max: 4 });
const actor = systemActor(`test-worker-${worker}`);
let posted = 0;
const work = Array.from({ length: 4 }, async (_, lane) => {
  for (let i = lane; i < Number(countText); i += 4) {
    await database.transaction((tx) =>
      post(
        tx,
        {
          effectiveDate: '2026-01-01',
          kind: 'concurrency_test',
          idempotencyKey: `conc-${clientId}-${worker}-${i}`,
          clientId,
          lines: [
            { account: 'client_due', currency: 'USD', clientId, amount: new Big('1.51') },
            { account: 'reserve', currency: 'USD', clientId, amount: new Big('-0.50') },
            { account: 'fee_income', currency: 'USD', amount: new Big('-0.50') },
            { account: 'cash', currency: 'USD', amount: new Big('-0.51') },
          ],
        },
        actor,
      ),
    );
    posted += 1;
  }
});
await Promise.all(work);
console.log(`posted ${posted}`);
await database.close();
