import { mutationOptions, queryOptions, type QueryClient } from '@tanstack/react-query';
import type {
  CalendarEntry,
  ChangeList,
  ChangesQuery,
  CreateDayBody,
  DueQuery,
  DueReply,
  PutSettingsBody,
  SettingsReply,
  UpdateDayBody,
  YearView,
} from '../../../../api/schemas/calendar.js';
import type { OwnerUnit } from '../../../../api/schemas/procedures.js';
import type { Endpoint } from '../../api/endpoints.js';
import { request } from '../../api/request.js';

type Params = Record<string, string | number | undefined | null>;

function query(params: Params): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const qs = search.toString();
  return qs ? `?${qs}` : '';
}

/** Endpoint factories of the working-day calendar API. */
export const calendarEndpoints = {
  year: (year: number, unit?: string): Endpoint<YearView> => ({ method: 'GET', path: `/api/calendar/years/${year}${query({ unit })}` }),
  createDay: (body: CreateDayBody): Endpoint<CalendarEntry> => ({ method: 'POST', path: '/api/calendar/days', body }),
  updateDay: (id: number, body: UpdateDayBody): Endpoint<CalendarEntry> => ({ method: 'PUT', path: `/api/calendar/days/${id}`, body }),
  deleteDay: (id: number, reason: string): Endpoint<CalendarEntry> => ({ method: 'DELETE', path: `/api/calendar/days/${id}${query({ reason })}` }),
  settings: (unit?: string): Endpoint<SettingsReply> => ({ method: 'GET', path: `/api/calendar/settings${query({ unit })}` }),
  putSettings: (body: PutSettingsBody): Endpoint<SettingsReply> => ({ method: 'PUT', path: '/api/calendar/settings', body }),
  changes: (filters: ChangesQuery): Endpoint<ChangeList> => ({ method: 'GET', path: `/api/calendar/changes${query(filters)}` }),
  due: (q: DueQuery): Endpoint<DueReply> => ({ method: 'GET', path: `/api/calendar/due${query(q)}` }),
  units: (): Endpoint<{ items: OwnerUnit[] }> => ({ method: 'GET', path: '/api/procedures/owner-units' }),
};

export const calendarKeys = {
  all: () => ['calendar'] as const,
  year: (year: number, unit?: string) => [...calendarKeys.all(), 'year', year, unit ?? null] as const,
  settings: (unit?: string) => [...calendarKeys.all(), 'settings', unit ?? null] as const,
  changes: (filters: ChangesQuery) => [...calendarKeys.all(), 'changes', filters] as const,
  due: (q: DueQuery) => [...calendarKeys.all(), 'due', q] as const,
  units: () => [...calendarKeys.all(), 'units'] as const,
};

export const yearQuery = (year: number, unit?: string) =>
  queryOptions({ queryKey: calendarKeys.year(year, unit), queryFn: ({ signal }) => request(calendarEndpoints.year(year, unit), signal) });

export const settingsQuery = (unit?: string) =>
  queryOptions({ queryKey: calendarKeys.settings(unit), queryFn: ({ signal }) => request(calendarEndpoints.settings(unit), signal) });

export const changesQuery = (filters: ChangesQuery) =>
  queryOptions({ queryKey: calendarKeys.changes(filters), queryFn: ({ signal }) => request(calendarEndpoints.changes(filters), signal) });

export const dueQuery = (q: DueQuery) =>
  queryOptions({ queryKey: calendarKeys.due(q), queryFn: ({ signal }) => request(calendarEndpoints.due(q), signal), retry: false });

export const unitsQuery = () =>
  queryOptions({ queryKey: calendarKeys.units(), queryFn: ({ signal }) => request(calendarEndpoints.units(), signal), staleTime: 5 * 60_000 });

/** Every write changes the year views, the due dates and the history: invalidate the whole calendar. */
const invalidate = (client: QueryClient) => client.invalidateQueries({ queryKey: calendarKeys.all() });

export const calendarMutations = {
  createDay: (client: QueryClient) =>
    mutationOptions({ mutationFn: (body: CreateDayBody) => request(calendarEndpoints.createDay(body)), onSuccess: () => invalidate(client) }),
  updateDay: (client: QueryClient) =>
    mutationOptions({
      mutationFn: ({ id, body }: { id: number; body: UpdateDayBody }) => request(calendarEndpoints.updateDay(id, body)),
      onSuccess: () => invalidate(client),
    }),
  deleteDay: (client: QueryClient) =>
    mutationOptions({
      mutationFn: ({ id, reason }: { id: number; reason: string }) => request(calendarEndpoints.deleteDay(id, reason)),
      onSuccess: () => invalidate(client),
    }),
  putSettings: (client: QueryClient) =>
    mutationOptions({ mutationFn: (body: PutSettingsBody) => request(calendarEndpoints.putSettings(body)), onSuccess: () => invalidate(client) }),
};

/** "2026-02-17" → "17/02/2026". */
export const formatDate = (date: string): string => `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;

/** A local ISO instant with +07:00 ("2026-02-13T17:00:00+07:00") → "13/02/2026 17:00", read as written. */
export const formatLocal = (iso: string): string => `${formatDate(iso.slice(0, 10))} ${iso.slice(11, 16)}`;

/** Names are stored as "Tiếng Việt / English": the part in the current language. */
export function localName(name: string, lang: string): string {
  const parts = name.split(' / ');
  if (parts.length !== 2) return name;
  return lang === 'en' ? parts[1] : parts[0];
}
