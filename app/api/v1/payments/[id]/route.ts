import { paymentView } from '@/lib/collections/payments';
import { apiRoute, pathId } from '@/lib/http/api';

export const dynamic = 'force-dynamic';

export const GET = apiRoute('staff.read', async ({ tx, params }) => ({ status: 200, body: await paymentView(tx, pathId(params.id, 'Payment')) }));
