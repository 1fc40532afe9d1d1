import type { Tx } from '../../db/client';
import { DomainError } from '../errors';
import type { NachaOriginator } from '../releases/nacha';
import { nachaOriginatorFromEnv } from '../releases/payouts';
import { isValidBic, isValidIban, normalizeBic, normalizeIban } from '../validation/bank';

/** The factor's account a SEPA / ISO 20022 credit transfer is debited from (pain.001's Dbtr). */
export interface SepaOriginator {
  name: string;
  iban: string;
  bic?: string;
}

export type OriginatorKind = 'nacha' | 'sepa';
export type Originator<K extends OriginatorKind> = K extends 'nacha' ? NachaOriginator : SepaOriginator;

/**
 * The SEPA debtor from the environment: SEPA_DEBTOR_NAME, SEPA_DEBTOR_IBAN and (optional)
 * SEPA_DEBTOR_BIC — the analogue of nachaOriginatorFromEnv. Unset or invalid: 422 naming what to set.
 */
export function sepaOriginatorFromEnv(env: Record<string, string | undefined> = process.env): SepaOriginator {
  const missing = (['SEPA_DEBTOR_NAME', 'SEPA_DEBTOR_IBAN'] as const).filter((k) => !env[k]?.trim());
  if (missing.length > 0) {
    throw new DomainError(
      'sepa_not_configured',
      `The pain.001 file needs the factor's bank account: set ${missing.join(', ')} in the environment (README → Configuration)`,
      { status: 422, details: { missing } },
    );
  }
  const iban = normalizeIban(env.SEPA_DEBTOR_IBAN!);
  if (!isValidIban(iban))
    throw new DomainError('sepa_not_configured', 'SEPA_DEBTOR_IBAN is not a valid IBAN', { status: 422, details: { invalid: ['SEPA_DEBTOR_IBAN'] } });
  const bic = env.SEPA_DEBTOR_BIC?.trim() ? normalizeBic(env.SEPA_DEBTOR_BIC) : undefined;
  if (bic !== undefined && !isValidBic(bic)) {
    throw new DomainError('sepa_not_configured', 'SEPA_DEBTOR_BIC is not a valid BIC', { status: 422, details: { invalid: ['SEPA_DEBTOR_BIC'] } });
  }
  return { name: env.SEPA_DEBTOR_NAME!.trim(), iban, ...(bic ? { bic } : {}) };
}

/**
 * The factor's originating bank for a payout file. THE one place it is looked up: today the
 * environment (NACHA_*, SEPA_DEBTOR_*); issue 14 item 4 moves it into Settings, which changes
 * this function only (it already receives the transaction for that).
 */
export async function loadOriginator<K extends OriginatorKind>(_tx: Tx, kind: K): Promise<Originator<K>> {
  return (kind === 'nacha' ? nachaOriginatorFromEnv() : sepaOriginatorFromEnv()) as Originator<K>;
}
