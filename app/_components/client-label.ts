import { idFromLabel } from '@/lib/clients/pick';

/**
 * How a picked client is written in the client typeahead (app/_components/client-picker.tsx) and
 * read back — shared by the picker (browser) and the pages that read a GET form's `clientLabel`
 * on the server when the browser ran no script (the hidden id is then empty).
 */
export interface PickedClient {
  id: string;
  name: string;
  currency: string;
  status: string;
}

export const clientLabel = (c: PickedClient) => `${c.name} (#${c.id}, ${c.currency}${c.status === 'active' ? '' : `, ${c.status.replace('_', ' ')}`})`;

export { idFromLabel };
