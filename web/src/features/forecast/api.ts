import { queryOptions } from '@tanstack/react-query';
import type { ForecastList, ForecastQuery } from '../../../../api/schemas/forecast.js';
import type { Endpoint } from '../../api/endpoints.js';
import { request } from '../../api/request.js';
import { queryString } from '../../api/query-string.js';

/** Endpoint factories of the lateness forecast. */
export const forecastEndpoints = {
  dossiers: (q: ForecastQuery): Endpoint<ForecastList> => ({ method: 'GET', path: `/api/forecast/dossiers${queryString(q)}` }),
};

export const forecastKeys = {
  all: () => ['forecast'] as const,
  dossiers: (q: ForecastQuery) => [...forecastKeys.all(), 'dossiers', q] as const,
};

export const forecastQuery = (q: ForecastQuery) =>
  queryOptions({ queryKey: forecastKeys.dossiers(q), queryFn: ({ signal }) => request(forecastEndpoints.dossiers(q), signal) });
