import { apiRoute } from '@/lib/http/api';
import { listAnswer } from '@/lib/lists/answer';
import { parseListRequest } from '@/lib/lists/keyset';
import { todayIn } from '@/lib/dates';
import { FOLLOW_UPS_LIST, NOTE_CSV, followUpsQuery, noteItem } from '@/lib/notes/queries';

export const dynamic = 'force-dynamic';

/**
 * Issue 15 item 3: GET /follow-ups — open follow-ups (not done), soonest due first, as notes with
 * their `followUp`: `owner` (a user id), `dueFrom`/`dueTo` (business dates). The dashboard's
 * "My follow-ups today" is `?owner=<me>&dueTo=<today>`. Staff.
 */
export const GET = apiRoute(
  'note.read',
  async ({ tx, url }) => {
    const request = parseListRequest(FOLLOW_UPS_LIST, url.searchParams);
    return listAnswer(tx.sql, url, FOLLOW_UPS_LIST, request, followUpsQuery(tx.sql, request), {
      csv: NOTE_CSV,
      file: 'follow-ups',
      map: noteItem(todayIn()),
    });
  },
  { session: true },
);
