'use client';

import { useActionState } from 'react';
import { Feedback, fieldClass, fieldError, primaryButton, submitWith } from '@/app/(console)/clients/form-kit';
import { initialActionState, typedValue, type ActionState } from '@/lib/http/action-state';
import { ANY_CURRENCY, mappingFieldName, mappingLabel } from '@/lib/reports/gl-mapping';
import type { AccountCode } from '@/lib/ledger/accounts';
import { saveGlMappingAction } from './actions';

export interface MappingFormRow {
  account: AccountCode;
  label: string;
  currency: string;
  code: string;
  name: string;
  inUse: boolean;
  /** what the export writes for it now */
  resolvedCode: string;
  mapped: boolean;
}

/** The mapping: a row per Holdback account and currency (and "any currency"), its GL code and name. */
export function GlMappingForm({ rows, canEdit }: { rows: MappingFormRow[]; canEdit: boolean }) {
  const [state, dispatch, pending] = useActionState<ActionState, FormData>(saveGlMappingAction, initialActionState);
  const placed = new Set(rows.flatMap((r) => [mappingFieldName(r.account, r.currency, 'code'), mappingFieldName(r.account, r.currency, 'name')]));
  return (
    <form onSubmit={submitWith(dispatch)} aria-label="General-ledger mapping">
      <div className="overflow-x-auto">
        <table className="w-full min-w-[40rem] text-sm">
          <caption className="sr-only">Holdback accounts and their general-ledger codes</caption>
          <thead>
            <tr className="border-b border-slate-200 text-left text-slate-600">
              <th scope="col" className="py-2 pr-3 font-medium">
                Holdback account
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                Currency
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                GL code
              </th>
              <th scope="col" className="py-2 pr-3 font-medium">
                GL account name
              </th>
              <th scope="col" className="py-2 font-medium">
                Exported as
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const codeName = mappingFieldName(r.account, r.currency, 'code');
              const nameName = mappingFieldName(r.account, r.currency, 'name');
              const codeError = fieldError(state, codeName);
              const nameError = fieldError(state, nameName);
              const any = r.currency === ANY_CURRENCY;
              return (
                <tr key={`${r.account}-${r.currency}`} className="border-b border-slate-100 align-top">
                  <th scope="row" className="py-2 pr-3 text-left font-normal">
                    {r.label}
                    <span className="block text-xs text-slate-500">{r.account}</span>
                  </th>
                  <td className="py-2 pr-3">{any ? 'Any currency' : r.currency}</td>
                  <td className="py-2 pr-3">
                    <input
                      name={codeName}
                      aria-label={mappingLabel(r.account, r.currency, 'code')}
                      defaultValue={typedValue(state, codeName, r.code)}
                      disabled={!canEdit}
                      aria-invalid={codeError ? true : undefined}
                      className={fieldClass}
                    />
                    {codeError ? <p className="mt-1 text-xs text-red-700">{codeError}</p> : null}
                  </td>
                  <td className="py-2 pr-3">
                    <input
                      name={nameName}
                      aria-label={mappingLabel(r.account, r.currency, 'name')}
                      defaultValue={typedValue(state, nameName, r.name)}
                      disabled={!canEdit}
                      aria-invalid={nameError ? true : undefined}
                      className={fieldClass}
                    />
                    {nameError ? <p className="mt-1 text-xs text-red-700">{nameError}</p> : null}
                  </td>
                  <td className="py-2 text-xs">
                    {any ? (
                      <span className="text-slate-500">{r.code ? `Default for this account: ${r.code}` : 'No default'}</span>
                    ) : r.mapped ? (
                      r.resolvedCode
                    ) : (
                      <span className="rounded bg-amber-100 px-1.5 py-0.5 font-medium text-amber-900">
                        Not mapped{r.inUse ? ' (in use)' : ''}: {r.resolvedCode}
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {canEdit ? (
        <div className="mt-3">
          <button type="submit" disabled={pending} className={primaryButton}>
            Save mapping
          </button>
        </div>
      ) : null}
      <Feedback state={state} placed={placed} />
    </form>
  );
}
