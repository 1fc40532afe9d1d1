'use client';

import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { Field, fieldClass, primaryButton } from '@/app/(console)/clients/form-kit';
import { useConfirmableAction } from '@/app/_components/confirm-step';
import { ImportAnswer, readUploadedText } from '@/app/_components/file-import';
import {
  AMOUNT_FORMATS,
  AMOUNT_FORMAT_LABELS,
  DATE_FORMATS,
  DATE_FORMAT_LABELS,
  DELIMITERS,
  DELIMITER_LABELS,
  MAPPED_FIELDS,
  MAPPED_FIELD_LABELS,
  guessMapping,
  looksLikeCsv,
  previewCsv,
  readPreview,
  type BankCsvMapping,
  type CsvPreview,
  type Delimiter,
  type MappedField,
  type MappingGuess,
} from '@/lib/collections/bank-files/mapping';
import { typedValue } from '@/lib/http/action-state';
import { displayMoney } from '@/lib/money';
import { importBankFileAction, type ImportState } from './actions';
import { invalid } from './form-parts';

/** A saved bank profile as the form offers it. */
export interface ProfileOption {
  id: string;
  name: string;
  mapping: BankCsvMapping;
  /** the mapping in a sentence (lib/collections/bank-files/mapping.ts describeMapping) */
  summary: string;
}

const initial: ImportState = { ok: false, message: '' };
const DELIMITER_NAME: Record<Delimiter, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };
const FIELD_NAME: Record<MappedField, string> = {
  date: 'dateColumn',
  amount: 'amountColumn',
  reference: 'referenceColumn',
  payer: 'payerColumn',
  currency: 'currencyColumn',
  bankReference: 'bankReferenceColumn',
};

interface Chosen {
  text: string;
  fileName: string;
  preview: CsvPreview;
}

/** A mapping being made as the complete mapping the preview reads with (unchosen columns read nothing). */
function asMapping(m: MappingGuess, currency: string): BankCsvMapping {
  return {
    ...m,
    columns: { ...m.columns, date: m.columns.date ?? '', amount: m.columns.amount ?? '' },
    ...(currency.trim() ? { currency: currency.trim().toUpperCase() } : {}),
  };
}

/**
 * Collections → Import a bank file. camt.053 and BAI2 are read as they are; a CSV is read through a
 * saved bank profile, or — none chosen — its first lines are shown with the columns to map (first
 * guessed from their names and values), the date and amount formats, and what each line becomes,
 * and the mapping can be saved as a profile for the bank's next file (issue 15 item 6). The browser
 * reads the file and sends its text.
 */
export function ImportBankFileForm({ profiles }: { profiles: ProfileOption[] }) {
  const form = useConfirmableAction<ImportState>(importBankFileAction as unknown as (prev: ImportState, form: FormData) => Promise<ImportState>, initial);
  const { state, pending, submit } = form;
  const ref = useRef<HTMLFormElement>(null);
  const [unreadable, setUnreadable] = useState<string | null>(null);
  const [chosen, setChosen] = useState<Chosen | null>(null);
  const [profileId, setProfileId] = useState('');
  const [format, setFormat] = useState('');
  const [mapping, setMapping] = useState<MappingGuess | null>(null);
  const [currency, setCurrency] = useState('');
  const [saveAs, setSaveAs] = useState('');
  const id = useId();
  const err = state.ok ? {} : (state.errors ?? {});
  const fileError = unreadable ?? err.content ?? err.fileName;
  const profile = profiles.find((p) => p.id === profileId) ?? null;
  const csv = chosen !== null && (format === 'csv' || (format === '' && looksLikeCsv(chosen.text)));
  const mapOn = csv && profile === null;

  useEffect(() => {
    if (state.ok) {
      ref.current?.reset();
      setChosen(null);
      setMapping(null);
      setSaveAs('');
    }
  }, [state]);

  const choose = async (file: File | undefined) => {
    setUnreadable(null);
    if (!file || file.size === 0) {
      setChosen(null);
      setMapping(null);
      return;
    }
    // Larger statements go to POST /api/v1/payments/import.
    const read = await readUploadedText(file, {
      tooLarge: 'send it to the API (POST /api/v1/payments/import)',
      notUtf8: 'export the statement as UTF-8 and import it again',
    });
    if ('error' in read) {
      setUnreadable(read.error);
      setChosen(null);
      return;
    }
    const preview = previewCsv(read.text);
    setChosen({ text: read.text, fileName: file.name, preview });
    setMapping(guessMapping(preview));
    setCurrency('');
  };

  const setDelimiter = (d: Delimiter) => {
    if (!chosen) return;
    const preview = previewCsv(chosen.text, { delimiter: d });
    setChosen({ ...chosen, preview });
    // Other separators, other columns: guessed again from the names they give.
    setMapping({ ...guessMapping(preview), dateFormat: mapping?.dateFormat ?? 'YYYY-MM-DD', amountFormat: mapping?.amountFormat ?? '8,000.00' });
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const typedIn = new FormData(event.currentTarget);
    const data = new FormData();
    for (const name of ['format', 'partial', 'profileId']) {
      const value = typedIn.get(name);
      if (typeof value === 'string') data.set(name, value);
    }
    let current = chosen;
    const file = typedIn.get('file');
    if (!current && file instanceof File && file.size > 0) {
      // The file was chosen a moment ago and not read yet: read it now.
      const read = await readUploadedText(file, {
        tooLarge: 'send it to the API (POST /api/v1/payments/import)',
        notUtf8: 'export the statement as UTF-8 and import it again',
      });
      if ('error' in read) {
        setUnreadable(read.error);
        return;
      }
      current = { text: read.text, fileName: file.name, preview: previewCsv(read.text) };
    }
    if (current) {
      data.set('content', current.text);
      data.set('fileName', current.fileName);
      const isCsv = format === 'csv' || (format === '' && looksLikeCsv(current.text));
      if (isCsv && !profile) {
        const m = mapping ?? guessMapping(current.preview);
        data.set('mapped', 'on');
        data.set('delimiter', DELIMITER_NAME[m.delimiter]);
        for (const field of MAPPED_FIELDS) data.set(FIELD_NAME[field], m.columns[field] ?? '');
        data.set('currency', currency);
        data.set('dateFormat', m.dateFormat);
        data.set('amountFormat', m.amountFormat);
        data.set('saveAs', saveAs);
      }
    }
    setUnreadable(null);
    submit(data);
  };

  return (
    <div>
      <form ref={ref} onSubmit={onSubmit} aria-label="Import a bank file" className="grid gap-3 sm:grid-cols-2">
        <Field id={`${id}-file`} label="Bank file" error={fileError}>
          <input
            id={`${id}-file`}
            name="file"
            type="file"
            accept=".csv,.txt,.xml,.bai,.bai2,text/csv,text/plain,application/xml,text/xml"
            onChange={(e) => void choose(e.currentTarget.files?.[0])}
            className={`${fieldClass} bg-white`}
            {...invalid(`${id}-file-error`, fileError)}
          />
        </Field>
        <Field
          id={`${id}-profile`}
          label="Bank profile"
          hint={profile ? `Reads the CSV as saved: ${profile.summary}.` : 'A CSV without a profile: map its columns below.'}
          error={err.profileId}
        >
          <select
            id={`${id}-profile`}
            name="profileId"
            value={profileId}
            onChange={(e) => setProfileId(e.currentTarget.value)}
            className={fieldClass}
            {...invalid(`${id}-profile-error`, err.profileId)}
          >
            <option value="">No profile (map a CSV’s columns)</option>
            {profiles.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id={`${id}-format`} label="Format" error={err.format}>
          <select
            id={`${id}-format`}
            name="format"
            value={format}
            onChange={(e) => setFormat(e.currentTarget.value)}
            className={fieldClass}
            {...invalid(`${id}-format-error`, err.format)}
          >
            <option value="">Detect from the file</option>
            <option value="csv">CSV</option>
            <option value="camt053">camt.053 (ISO 20022 XML)</option>
            <option value="bai2">BAI2</option>
          </select>
        </Field>
        <div className="flex items-end gap-2">
          <input id={`${id}-partial`} name="partial" type="checkbox" defaultChecked={typedValue(state, 'partial') === 'on'} className="mb-2" />
          <label htmlFor={`${id}-partial`} className="mb-1 text-sm">
            Import the good lines even if some have errors
          </label>
        </div>
        <div className="text-xs text-slate-600 sm:col-span-2">
          <p>
            camt.053 and BAI2 files are read as they are. A CSV needs a header row; choose the column that gives each of: <strong>date</strong> and{' '}
            <strong>amount</strong> (required; money in positive, money out negative), <strong>reference</strong> (invoice numbers in it are matched),{' '}
            <strong>payer</strong>, <strong>currency</strong> (or one currency for the whole file) and <strong>bank reference</strong>. Dates may be written
            YYYY-MM-DD, MM/DD/YYYY, DD/MM/YYYY or DD.MM.YYYY; amounts 8,000.00 or 8.000,00 and the like.
          </p>
          <p className="mt-1">
            Each credit becomes a payment and is matched at once; one that cannot be applied waits in the inbox with the reason. Each debit that is a sent
            payout batch settles it. Importing the same file again adds nothing (each payment keeps the bank&apos;s reference).
          </p>
        </div>
        {chosen && csv && mapOn && mapping ? (
          <MappingPanel
            id={id}
            chosen={chosen}
            mapping={mapping}
            setMapping={setMapping}
            setDelimiter={setDelimiter}
            currency={currency}
            setCurrency={setCurrency}
            saveAs={saveAs}
            setSaveAs={setSaveAs}
            errors={err}
          />
        ) : null}
        {chosen && csv && profile ? <ReadLines preview={previewCsv(chosen.text, { delimiter: profile.mapping.delimiter })} mapping={profile.mapping} /> : null}
        <div className="flex items-end sm:col-span-2">
          <button type="submit" disabled={pending} className={primaryButton}>
            {pending ? 'Importing…' : 'Import bank file'}
          </button>
        </div>
      </form>
      {state.message && !unreadable ? (
        <ImportAnswer state={state}>
          {state.unapplied && state.unapplied.length > 0 ? <UnappliedLines unapplied={state.unapplied} /> : null}
          {state.outgoing ? <OutgoingLines outgoing={state.outgoing} /> : null}
        </ImportAnswer>
      ) : null}
    </div>
  );
}

function MappingPanel({
  id,
  chosen,
  mapping,
  setMapping,
  setDelimiter,
  currency,
  setCurrency,
  saveAs,
  setSaveAs,
  errors,
}: {
  id: string;
  chosen: Chosen;
  mapping: MappingGuess;
  setMapping: (m: MappingGuess) => void;
  setDelimiter: (d: Delimiter) => void;
  currency: string;
  setCurrency: (c: string) => void;
  saveAs: string;
  setSaveAs: (s: string) => void;
  errors: Record<string, string>;
}) {
  const { preview } = chosen;
  const names = preview.header?.names ?? [];
  const width = Math.max(names.length, ...preview.rows.map((r) => r.fields.length));
  const complete = useMemo(() => asMapping(mapping, currency), [mapping, currency]);
  const column = (field: MappedField) => {
    const fid = `${id}-map-${field}`;
    const info = MAPPED_FIELD_LABELS[field];
    const error = errors[FIELD_NAME[field]];
    return (
      <Field key={field} id={fid} label={`${info.label} column${info.required ? '' : ' (optional)'}`} hint={info.hint} error={error}>
        <select
          id={fid}
          value={mapping.columns[field] ?? ''}
          onChange={(e) => {
            const value = e.currentTarget.value;
            const columns = { ...mapping.columns };
            if (value === '') delete columns[field];
            else columns[field] = value;
            setMapping({ ...mapping, columns });
          }}
          className={fieldClass}
          aria-describedby={error ? `${fid}-error` : `${fid}-hint`}
          aria-invalid={error ? true : undefined}
        >
          <option value="">{info.required ? 'Choose a column' : 'None'}</option>
          {names.map((n, i) => (
            <option key={`${i}-${n}`} value={n}>
              {n || `(column ${i + 1}, no name)`}
            </option>
          ))}
        </select>
      </Field>
    );
  };
  return (
    <fieldset className="min-w-0 rounded-md border border-slate-200 p-3 sm:col-span-2">
      <legend className="px-1 text-sm font-semibold">Map the columns of {chosen.fileName}</legend>
      {preview.error ? (
        <p role="alert" className="text-sm text-red-800">
          {preview.error}
        </p>
      ) : (
        <div className="overflow-x-auto">
          <table className="min-w-full text-xs">
            <caption className="py-1 text-left text-sm font-medium">First lines of the file</caption>
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                <th scope="col" className="px-2 py-1">
                  Line
                </th>
                {Array.from({ length: width }, (_, i) => (
                  <th key={i} scope="col" className="px-2 py-1 font-semibold">
                    {names[i] ?? ''}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((r) => (
                <tr key={r.line} className="border-t border-slate-100">
                  <td className="px-2 py-1 text-slate-500">{r.line}</td>
                  {Array.from({ length: width }, (_, i) => (
                    <td key={i} className="max-w-[14rem] truncate px-2 py-1" title={r.fields[i] ?? ''}>
                      {r.fields[i] ?? ''}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="mt-3 grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {MAPPED_FIELDS.map(column)}
        <Field
          id={`${id}-map-currency-fixed`}
          label={mapping.columns.currency ? 'Currency when the column is empty (optional)' : 'Currency of the file'}
          hint="A code such as USD"
          error={errors.currency}
        >
          <input
            id={`${id}-map-currency-fixed`}
            value={currency}
            maxLength={3}
            placeholder="USD"
            onChange={(e) => setCurrency(e.currentTarget.value)}
            className={fieldClass}
            {...invalid(`${id}-map-currency-fixed-error`, errors.currency)}
          />
        </Field>
        <Field id={`${id}-map-date-format`} label="Date format" error={errors.dateFormat}>
          <select
            id={`${id}-map-date-format`}
            value={mapping.dateFormat}
            onChange={(e) => setMapping({ ...mapping, dateFormat: e.currentTarget.value as MappingGuess['dateFormat'] })}
            className={fieldClass}
          >
            {DATE_FORMATS.map((f) => (
              <option key={f} value={f}>
                {DATE_FORMAT_LABELS[f]}
              </option>
            ))}
          </select>
        </Field>
        <Field id={`${id}-map-amount-format`} label="Amounts written like" error={errors.amountFormat}>
          <select
            id={`${id}-map-amount-format`}
            value={mapping.amountFormat}
            onChange={(e) => setMapping({ ...mapping, amountFormat: e.currentTarget.value as MappingGuess['amountFormat'] })}
            className={fieldClass}
          >
            {AMOUNT_FORMATS.map((f) => (
              <option key={f} value={f}>
                {AMOUNT_FORMAT_LABELS[f]}
              </option>
            ))}
          </select>
        </Field>
        <Field id={`${id}-map-delimiter`} label="Column separator" error={errors.delimiter}>
          <select
            id={`${id}-map-delimiter`}
            value={mapping.delimiter}
            onChange={(e) => setDelimiter(e.currentTarget.value as Delimiter)}
            className={fieldClass}
          >
            {DELIMITERS.map((d) => (
              <option key={d} value={d}>
                {DELIMITER_LABELS[d]}
              </option>
            ))}
          </select>
        </Field>
        <Field
          id={`${id}-map-save`}
          label="Save as bank profile (optional)"
          hint="Name it after the bank: its next file imports with the profile, no mapping"
          error={errors.saveAs}
        >
          <input
            id={`${id}-map-save`}
            value={saveAs}
            maxLength={100}
            placeholder="First Federal"
            onChange={(e) => setSaveAs(e.currentTarget.value)}
            className={fieldClass}
            {...invalid(`${id}-map-save-error`, errors.saveAs)}
          />
        </Field>
      </div>
      <ReadLines preview={preview} mapping={complete} />
    </fieldset>
  );
}

/** What the mapping reads from the first lines: date, amount, currency, in or out — or each line's problems, as the import would say them. */
function ReadLines({ preview, mapping }: { preview: CsvPreview; mapping: BankCsvMapping }) {
  const unchosen = !mapping.columns.date || !mapping.columns.amount;
  const read = unchosen ? null : readPreview(preview, mapping);
  return (
    <div className="mt-3 overflow-x-auto sm:col-span-2">
      {unchosen ? (
        <p className="text-sm text-slate-600">Choose the date and the amount columns to see how the lines are read.</p>
      ) : read && read.headerProblems.length > 0 ? (
        <ul aria-label="Mapping problems" className="list-disc pl-5 text-sm text-red-800">
          {read.headerProblems.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
      ) : (
        <table className="min-w-full text-xs">
          <caption className="py-1 text-left text-sm font-medium">How the first lines are read</caption>
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr>
              <th scope="col" className="px-2 py-1">
                Line
              </th>
              <th scope="col" className="px-2 py-1">
                Date
              </th>
              <th scope="col" className="px-2 py-1 text-right">
                Amount
              </th>
              <th scope="col" className="px-2 py-1">
                In or out
              </th>
              <th scope="col" className="px-2 py-1">
                Problem
              </th>
            </tr>
          </thead>
          <tbody>
            {read?.rows.map((r) => (
              <tr key={r.line} className="border-t border-slate-100">
                <td className="px-2 py-1 text-slate-500">{r.line}</td>
                <td className="px-2 py-1">{r.date ?? '—'}</td>
                <td className="num px-2 py-1 text-right">{r.amount && r.currency ? displayMoney(r.amount, r.currency) : '—'}</td>
                <td className="px-2 py-1">{r.debit === undefined ? '' : r.debit ? 'money out' : 'payment in'}</td>
                <td className="px-2 py-1 text-red-800">{r.problems.join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Issue 15: the payments of the file left in the inbox, each with why. */
function UnappliedLines({ unapplied }: { unapplied: NonNullable<ImportState['unapplied']> }) {
  return (
    <div className="mt-2">
      <p>{unapplied.length === 1 ? '1 payment waits' : `${unapplied.length} payments wait`} in the inbox (imported, not applied):</p>
      <ul aria-label="Payments left in the inbox" className="mt-1 max-h-64 list-none space-y-1 overflow-y-auto">
        {unapplied.map((u) => (
          <li key={u.paymentId}>
            <span className="font-medium">
              Line {u.line} (payment {u.paymentId}, {displayMoney(u.amount, u.currency)}):
            </span>{' '}
            {u.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Issue 14: "N outgoing lines: M payout batches settled (#7 …), K not matched" with each line's reason. */
function OutgoingLines({ outgoing }: { outgoing: NonNullable<ImportState['outgoing']> }) {
  const { settled, unmatched } = outgoing;
  const n = settled.length + unmatched.length;
  const plural = (k: number, one: string, many: string) => `${k} ${k === 1 ? one : many}`;
  return (
    <div className="mt-2" aria-label="Outgoing lines">
      <p>
        {plural(n, 'outgoing line', 'outgoing lines')}: {plural(settled.length, 'payout batch', 'payout batches')} settled
        {settled.length > 0 ? ' (' : null}
        {settled.map((s, i) => (
          <span key={s.batchId}>
            {i > 0 ? ', ' : null}
            <a href={`/payouts/${s.batchId}`} className="font-medium underline">
              #{s.batchId}
            </a>{' '}
            on {s.date}, line {s.line}
          </span>
        ))}
        {settled.length > 0 ? ')' : null}, {unmatched.length} not matched{unmatched.length > 0 ? ':' : '.'}
      </p>
      {unmatched.length > 0 ? (
        <ul aria-label="Outgoing lines not matched" className="mt-1 max-h-64 list-none space-y-1 overflow-y-auto">
          {unmatched.map((u, i) => (
            <li key={i}>
              <span className="font-medium">Line {u.line}:</span> {u.reason}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
