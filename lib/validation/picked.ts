/**
 * Issue 13: a typeahead (app/_components/party-picker.tsx — clients, debtors) sends the chosen
 * party's id as `field` and what was typed as `${field}Label`. Text typed without choosing a
 * suggestion (or a name that is not one) sends no id, and the schema's "<Label> is required"
 * reads wrong beside a filled-in field: this says what happened instead, still naming the field.
 * Other errors are kept as they are.
 */
export function explainUnpicked(errors: Record<string, string>, raw: Record<string, string | string[]>): Record<string, string> {
  const out: Record<string, string> = { ...errors };
  for (const [field, message] of Object.entries(errors)) {
    const id = raw[field];
    const typed = raw[`${field}Label`];
    if (!message.endsWith(' is required') || (typeof id === 'string' && id.trim() !== '') || Array.isArray(id)) continue;
    if (typeof typed !== 'string' || typed.trim() === '') continue;
    const label = message.slice(0, -' is required'.length);
    out[field] = `${label}: nothing was chosen for “${typed.trim()}”. Type part of the name and choose one of the suggestions, or type the number.`;
  }
  return out;
}
