import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPayment, receivePayment } from '../../lib/collections/payments';
import { postEntries } from '../../lib/ledger/post';
import { Big } from '../../lib/money';
import { issueStatement, listStatements } from '../../lib/statements';
import { statementDrift } from '../../lib/statements/drift';
import { aClient, aDebtor, aFundedInvoice, aTeam, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';

let t: TestDatabase;
let team: Team;
beforeAll(async () => {
  t = await createTestDatabase();
  team = await aTeam(t.database);
});
afterAll(async () => t?.drop());

const NAYA = { advanceRate: '0.80', reserveRate: '0.20', fees: { kind: 'daily_rate', rate: '0.12', dayCount: 'actual/360', base: 'face' } } as const;

describe('stored statements against a ledger that changed since', () => {
  it('flags a statement whose period received a backdated posting, naming the two figures', async () => {
    const client = await aClient(t.database, team, { agreement: NAYA });
    const debtor = await aDebtor(t.database, team);
    const inv = await aFundedInvoice(t.database, team, { client, debtor, faceValue: '10000.00', fundingDate: '2026-01-01' });
    const p = await t.database.transaction((x) => receivePayment(x, { amount: '10000.00', currency: 'USD', receivedDate: '2026-01-31' }, team.collections));
    await t.database.transaction((x) => applyPayment(x, Number(p.id), { allocations: [{ invoiceId: inv.id, amount: '10000.00' }] }, team.collections));
    const id = Number(client.id);
    await issueStatement(t.database, { clientId: id, from: '2026-01-01', to: '2026-01-31' }, team.controller, { today: '2026-02-02' });
    await issueStatement(t.database, { clientId: id, from: '2025-12-01', to: '2025-12-31' }, team.controller, { today: '2026-02-02' });
    expect(await statementDrift(t.database, id, await listStatements(t.database, id, team.controller))).toEqual(new Map());

    // a correction dated inside January, posted afterwards: 25.00 more withheld
    await t.database.transaction((x) =>
      postEntries(
        x,
        [
          {
            effectiveDate: '2026-01-20',
            kind: 'adjustment',
            idempotencyKey: `drift-${id}`,
            clientId: id,
            memo: 'Backdated correction',
            lines: [
              { account: 'cash', currency: 'USD', amount: new Big('25.00') },
              { account: 'reserve', currency: 'USD', clientId: id, amount: new Big('-25.00') },
            ],
          },
        ],
        team.controller,
      ),
    );
    const statements = await listStatements(t.database, id, team.controller);
    const drift = await statementDrift(t.database, id, statements);
    const january = statements.find((s) => s.from === '2026-01-01')!;
    expect([...drift.keys()]).toEqual([january.id]); // December is untouched
    expect(drift.get(january.id)).toEqual([{ currency: 'USD', statement: '1900.00', ledger: '1925.00' }]);
  });
});
