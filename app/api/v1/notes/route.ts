import { apiRoute } from '@/lib/http/api';
import { listAnswer } from '@/lib/lists/answer';
import { parseListRequest } from '@/lib/lists/keyset';
import { todayIn } from '@/lib/dates';
import { addNote, noteBody } from '@/lib/notes';
import { NOTES_LIST, NOTE_CSV, noteItem, notesQuery } from '@/lib/notes/queries';

export const dynamic = 'force-dynamic';

/**
 * Issue 15 item 3: POST /notes `{"subjectType","subjectId","text","kind","followUpOn","followUpOwner",
 * "promisedOn","promisedAmount"}` → 201 the note (README "API beyond API.md"). Staff who may add
 * notes; a client user's key is 403 (notes are the factor's internal notes).
 */
export const POST = apiRoute('note.write', noteBody, async ({ tx, actor, input }) => ({
  status: 201,
  body: await addNote(tx, input, actor),
}));

/**
 * GET /notes?subjectType=invoice&subjectId=12 — a subject's notes newest first (without both: every
 * note), a list of API.md "Lists" (`limit`, `cursor`; `?format=csv` streams the whole set). Staff.
 */
export const GET = apiRoute(
  'note.read',
  async ({ tx, url }) => {
    const request = parseListRequest(NOTES_LIST, url.searchParams);
    return listAnswer(tx.sql, url, NOTES_LIST, request, notesQuery(tx.sql, request), { csv: NOTE_CSV, file: 'notes', map: noteItem(todayIn()) });
  },
  { session: true },
);
