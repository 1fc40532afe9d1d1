'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { formAction } from '@/lib/http/form-action';
import { saveGlMapping } from '@/lib/reports/gl-export';
import { ACCOUNT_CODES } from '@/lib/ledger/accounts';
import { ANY_CURRENCY, GL_CODE_MAX, GL_NAME_MAX, mappingFieldName, mappingFromForm, mappingLabel } from '@/lib/reports/gl-mapping';
import { optional, text } from '@/lib/validation/fields';

/**
 * Issue 16 item 7: the general-ledger mapping, one GL code and name per Holdback account and
 * currency (`code__<account>__<currency>`, `name__…`; blank rows are unmapped). Admins and
 * controllers; audited (lib/reports/gl-export.ts saveGlMapping).
 */
export const saveGlMappingAction = formAction(
  'gl.mapping',
  // The "any currency" row of each account by name (labelled fields); a currency's own rows (`code__reserve__USD`) by the catch-all.
  z
    .object(
      Object.fromEntries(
        ACCOUNT_CODES.flatMap((account) => [
          [mappingFieldName(account, ANY_CURRENCY, 'code'), optional(text(mappingLabel(account, ANY_CURRENCY, 'code'), { max: GL_CODE_MAX }))],
          [mappingFieldName(account, ANY_CURRENCY, 'name'), optional(text(mappingLabel(account, ANY_CURRENCY, 'name'), { max: GL_NAME_MAX }))],
        ]),
      ),
    )
    .catchall(z.string().max(200)),
  async ({ tx, input, actor }) => {
    const saved = await saveGlMapping(tx, mappingFromForm(input), actor);
    revalidatePath('/settings/gl-accounts');
    return { message: `Saved: ${saved.length} ${saved.length === 1 ? 'account is' : 'accounts are'} mapped to general-ledger codes.` };
  },
);
