import { queryOptions } from '@tanstack/react-query';
import type { OwnerUnit } from '../../../../api/schemas/procedures.js';
import type { Endpoint } from '../../api/endpoints.js';
import { request } from '../../api/request.js';

/** Every unit of the organisation, for the step owner picker of the modeler. */
const ownerUnitsEndpoint = (): Endpoint<{ items: OwnerUnit[] }> => ({ method: 'GET', path: '/api/procedures/owner-units' });

export const ownerUnitsQuery = () =>
  queryOptions({
    queryKey: ['procedures', 'owner-units'] as const,
    queryFn: ({ signal }) => request(ownerUnitsEndpoint(), signal),
    staleTime: 5 * 60_000,
  });
