import { randomUUID } from 'node:crypto';
import { DomainError } from '../errors';
import { isClientUser } from './permissions';
import type { Role } from './roles';

/** Who is doing something, from where. Every command takes one and audits it. */
export interface Actor {
  userId: number | null;
  /** email for people, `job:<name>` for jobs, `cli` for the command line */
  label: string;
  role: Role | 'system';
  /** set for `client` users: the only client they may see */
  clientId: number | null;
  source: 'console' | 'api' | 'job' | 'cli' | 'seed';
  requestId: string;
  ip: string | null;
}

export function systemActor(label: string, source: Actor['source'] = 'job'): Actor {
  return { userId: null, label, role: 'system', clientId: null, source, requestId: randomUUID(), ip: null };
}

/**
 * A client user sees only its own client: anything else is "not found", never someone
 * else's data (API.md Conventions).
 */
export function assertClientScope(actor: Actor, clientId: number, what = 'Client'): void {
  if (isClientUser(actor) && actor.clientId !== clientId) {
    throw new DomainError('not_found', `${what} not found`, { status: 404 });
  }
}
