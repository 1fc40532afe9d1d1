'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { formAction } from '@/lib/http/form-action';
import { displayMoney } from '@/lib/money';
import { addNote, checkNoteFields, markFollowUpDone } from '@/lib/notes';
import { NOTE_KINDS, NOTE_KIND_LABELS, NOTE_MAX_CHARACTERS, NOTE_SUBJECTS, subjectHref } from '@/lib/notes/rules';
import { businessDate, choice, formMoney, id, optional, text } from '@/lib/validation/fields';

/**
 * Issue 15 item 3: the "Notes and follow-ups" section of the client, debtor and invoice pages and
 * the dashboard's "My follow-ups today" — the same commands as POST /api/v1/notes and
 * POST /api/v1/notes/{id}/done (lib/notes), with the form's labels.
 */
const noteForm = z
  .object({
    subjectType: choice('Subject type', NOTE_SUBJECTS),
    subjectId: id('Subject'),
    kind: optional(choice('Kind', NOTE_KINDS, NOTE_KIND_LABELS)),
    text: text('Note', { max: NOTE_MAX_CHARACTERS }),
    followUpOn: optional(businessDate('Follow-up date')),
    followUpOwner: optional(id('Follow-up owner')),
    promisedOn: optional(businessDate('Promised date')),
    promisedAmount: optional(formMoney('Promised amount', { allowZero: false })),
  })
  .superRefine(checkNoteFields);

export const addNoteAction = formAction('note.write', noteForm, async ({ tx, input, actor }) => {
  const note = await addNote(tx, input, actor);
  revalidatePath(subjectHref(note.subjectType, note.subjectId));
  revalidatePath('/dashboard');
  const parts = [
    note.followUp ? `follow-up on ${note.followUp.dueOn} for ${note.followUp.owner.name || note.followUp.owner.email}` : null,
    note.promise ? `promise of ${displayMoney(note.promise.amount, note.promise.currency)} by ${note.promise.promisedOn}` : null,
  ].filter(Boolean);
  return { message: `${NOTE_KIND_LABELS[note.kind]} added${parts.length > 0 ? ` with a ${parts.join(' and a ')}` : ''}.` };
});

const doneForm = z.object({ noteId: id('Follow-up') });

export const markFollowUpDoneAction = formAction('note.write', doneForm, async ({ tx, input, actor }) => {
  const note = await markFollowUpDone(tx, input.noteId, actor);
  revalidatePath(subjectHref(note.subjectType, note.subjectId));
  revalidatePath('/dashboard');
  return { message: `Done: the follow-up on ${note.subjectLabel} (due ${note.followUp!.dueOn}).` };
});
