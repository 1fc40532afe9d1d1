'use server';

import { revalidatePath } from 'next/cache';
import { formAction } from '@/lib/http/form-action';
import { GL_MAPPING_FORM, saveGlMapping } from '@/lib/reports/gl-export';
import { mappingFromForm } from '@/lib/reports/gl-mapping';

/**
 * Issue 16 item 7: the general-ledger mapping, one GL code and name per Holdback account and
 * currency (`code__<account>__<currency>`, `name__…`; blank rows are unmapped). Admins and
 * controllers; audited (lib/reports/gl-export.ts saveGlMapping).
 */
export const saveGlMappingAction = formAction('gl.mapping', GL_MAPPING_FORM, async ({ tx, input, actor }) => {
  const saved = await saveGlMapping(tx, mappingFromForm(input), actor);
  revalidatePath('/settings/gl-accounts');
  return { message: `Saved: ${saved.length} ${saved.length === 1 ? 'account is' : 'accounts are'} mapped to general-ledger codes.` };
});
