'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { formAction } from '@/lib/http/form-action';
import { saveGlMapping } from '@/lib/reports/gl-export';
import { mappingFromForm } from '@/lib/reports/gl-mapping';

/**
 * Issue 16 item 7: the general-ledger mapping, one GL code and name per Holdback account and
 * currency (`code__<account>__<currency>`, `name__…`; blank rows are unmapped). Admins and
 * controllers; audited (lib/reports/gl-export.ts saveGlMapping).
 */
export const saveGlMappingAction = formAction(
  'gl.mapping',
  z.record(z.string().max(80), z.union([z.string().max(200), z.array(z.string().max(200)).max(2)])),
  async ({ tx, input, actor }) => {
    const saved = await saveGlMapping(tx, mappingFromForm(input), actor);
    revalidatePath('/settings/gl-accounts');
    return { message: `Saved: ${saved.length} ${saved.length === 1 ? 'account is' : 'accounts are'} mapped to general-ledger codes.` };
  },
);
