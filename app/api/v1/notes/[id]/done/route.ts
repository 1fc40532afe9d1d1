import { apiRoute, pathId } from '@/lib/http/api';
import { markFollowUpDone } from '@/lib/notes';

export const dynamic = 'force-dynamic';

/**
 * Issue 15 item 3: POST /notes/{id}/done → 200 the note, its follow-up marked done (who, when;
 * audited as `follow_up.done`). No body. Unknown note 404; a note without a follow-up 422
 * `no_follow_up`; done already 409 `already_done`.
 */
export const POST = apiRoute('note.write', async ({ tx, actor, params }) => ({
  status: 200,
  body: await markFollowUpDone(tx, pathId(params.id, 'Note'), actor),
}));
