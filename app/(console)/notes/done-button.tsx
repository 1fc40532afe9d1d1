'use client';

import { useActionState } from 'react';
import { initialActionState, type ActionState } from '@/lib/http/action-state';
import { markFollowUpDoneAction } from './actions';

/** Marks a note's follow-up done (an event of its own: who and when are kept; the note is not changed). */
export function DoneButton({ noteId, what }: { noteId: string; what: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(markFollowUpDoneAction, initialActionState);
  return (
    <form action={action} className="inline-flex flex-wrap items-center gap-2">
      <input type="hidden" name="noteId" value={noteId} />
      <button
        type="submit"
        disabled={pending}
        title={`Mark the follow-up on ${what} done`}
        className="rounded-md border border-slate-300 px-2 py-0.5 text-xs font-medium disabled:opacity-60"
      >
        {pending ? 'Saving…' : 'Done'}
      </button>
      {state.message && !state.ok ? (
        <span role="alert" className="text-xs text-red-800">
          {state.message}
        </span>
      ) : null}
    </form>
  );
}
