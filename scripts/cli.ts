import { eq } from 'drizzle-orm';
import { adminDatabaseUrl, closeDatabase, getDatabase } from '../db/client';
import { ensureDatabase, migrateDatabase } from '../db/migrate';
import { users } from '../db/schema';
import { systemActor } from '../lib/auth/actor';
import { DomainError } from '../lib/errors';
import { createApiKey, createUser, setPassword } from '../lib/users';
import { parseArgs } from './args';

const USAGE = `Holdback command line

  npm run cli -- create-user --email EMAIL --role ROLE [--client CLIENT_ID] [--name NAME] [--password PASSWORD] [--api-key]
      Creates the user (or reuses an existing one with the same role and client). With --api-key,
      issues a new API key and prints it alone on the last line.
  npm run cli -- set-password --email EMAIL --password PASSWORD
  npm run cli -- risk-scores [--as-of YYYY-MM-DD]
      Scores every active client now (the nightly risk-scores job, in this process); once per client and date.

Roles: admin, underwriter, funding, collections, approver, controller, auditor, client (needs --client).`;

function flag(flags: Record<string, string | true>, name: string): string | undefined {
  const v = flags[name];
  if (v === true) throw new DomainError('invalid_input', `--${name} needs a value`, { status: 400 });
  return v;
}

async function main(): Promise<number> {
  const { positional, flags } = parseArgs(process.argv.slice(2));
  const command = positional[0];
  if (!command || command === 'help' || flags.help) {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  const url = adminDatabaseUrl();
  await ensureDatabase(url);
  await migrateDatabase(url);
  const database = getDatabase();
  const actor = systemActor('cli', 'cli');
  if (command === 'create-user') {
    const clientFlag = flag(flags, 'client');
    const { user, created } = await database.transaction((tx) =>
      createUser(
        tx,
        {
          email: flag(flags, 'email') ?? '',
          role: (flag(flags, 'role') ?? '') as never,
          name: flag(flags, 'name'),
          clientId: clientFlag === undefined ? undefined : (clientFlag as never),
          password: flag(flags, 'password'),
        },
        actor,
        { reuse: true },
      ),
    );
    console.log(`${created ? 'created' : 'reusing'} user ${user.email} (${user.role}${user.clientId ? `, client ${user.clientId}` : ''}), id ${user.id}`);
    if (!created && flag(flags, 'password')) {
      await database.transaction((tx) => setPassword(tx, Number(user.id), flag(flags, 'password')!, actor));
      console.log('password updated');
    }
    if (flags['api-key']) {
      const key = await database.transaction((tx) => createApiKey(tx, Number(user.id), 'cli', actor));
      console.log(`API key (shown once; keep it secret):`);
      console.log(key.key);
    }
    return 0;
  }
  if (command === 'set-password') {
    const email = (flag(flags, 'email') ?? '').toLowerCase();
    const [user] = await database.db.select().from(users).where(eq(users.email, email));
    if (!user) throw new DomainError('not_found', `No user with email ${email}`, { status: 404 });
    await database.transaction((tx) => setPassword(tx, user.id, flag(flags, 'password') ?? '', actor));
    console.log(`password set for ${email}`);
    return 0;
  }
  if (command === 'risk-scores') {
    const { runRiskScores } = await import('../lib/risk/run');
    const { todayIn, parseBusinessDate } = await import('../lib/dates');
    const asOf = flags['as-of'] === undefined ? todayIn() : parseBusinessDate(flag(flags, 'as-of'), 'as-of');
    const result = await runRiskScores(database, { asOf, by: systemActor('job:risk-scores', 'cli') });
    console.log(`risk scores on ${asOf}: ${result.scored} clients scored, ${result.proposed} band changes proposed, ${result.applied} applied`);
    return 0;
  }
  console.error(`Unknown command "${command}".\n\n${USAGE}`);
  return 1;
}

main()
  .then(async (code) => {
    await closeDatabase();
    process.exit(code);
  })
  .catch(async (error) => {
    console.error(error instanceof DomainError ? `error: ${error.message}` : error);
    await closeDatabase().catch(() => {});
    process.exit(1);
  });
