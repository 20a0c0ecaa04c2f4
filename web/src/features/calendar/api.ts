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
import type { Endpoint } from '../../api/endpoints.js';
import { request } from '../../api/request.js';
import { queryString } from '../../api/query-string.js';

/** Endpoint factories of the working-day calendar API. */
export const calendarEndpoints = {
  year: (year: number, unit?: string): Endpoint<YearView> => ({ method: 'GET', path: `/api/calendar/years/${year}${queryString({ unit })}` }),
  createDay: (body: CreateDayBody): Endpoint<CalendarEntry> => ({ method: 'POST', path: '/api/calendar/days', body }),
  updateDay: (id: number, body: UpdateDayBody): Endpoint<CalendarEntry> => ({ method: 'PUT', path: `/api/calendar/days/${id}`, body }),
  deleteDay: (id: number, reason: string): Endpoint<CalendarEntry> => ({ method: 'DELETE', path: `/api/calendar/days/${id}${queryString({ reason })}` }),
  settings: (unit?: string): Endpoint<SettingsReply> => ({ method: 'GET', path: `/api/calendar/settings${queryString({ unit })}` }),
  putSettings: (body: PutSettingsBody): Endpoint<SettingsReply> => ({ method: 'PUT', path: '/api/calendar/settings', body }),
  changes: (filters: ChangesQuery): Endpoint<ChangeList> => ({ method: 'GET', path: `/api/calendar/changes${queryString(filters)}` }),
  due: (q: DueQuery): Endpoint<DueReply> => ({ method: 'GET', path: `/api/calendar/due${queryString(q)}` }),
};

export const calendarKeys = {
  all: () => ['calendar'] as const,
  year: (year: number, unit?: string) => [...calendarKeys.all(), 'year', year, unit ?? null] as const,
  settings: (unit?: string) => [...calendarKeys.all(), 'settings', unit ?? null] as const,
  changes: (filters: ChangesQuery) => [...calendarKeys.all(), 'changes', filters] as const,
  due: (q: DueQuery) => [...calendarKeys.all(), 'due', q] as const,
};

export const yearQuery = (year: number, unit?: string) =>
  queryOptions({ queryKey: calendarKeys.year(year, unit), queryFn: ({ signal }) => request(calendarEndpoints.year(year, unit), signal) });

export const settingsQuery = (unit?: string) =>
  queryOptions({ queryKey: calendarKeys.settings(unit), queryFn: ({ signal }) => request(calendarEndpoints.settings(unit), signal) });

export const changesQuery = (filters: ChangesQuery) =>
  queryOptions({ queryKey: calendarKeys.changes(filters), queryFn: ({ signal }) => request(calendarEndpoints.changes(filters), signal) });

export const dueQuery = (q: DueQuery) =>
  queryOptions({ queryKey: calendarKeys.due(q), queryFn: ({ signal }) => request(calendarEndpoints.due(q), signal), retry: false });

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

/** Names are stored as "Tiếng Việt / English": the part in the current language. */
export function localName(name: string, lang: string): string {
  const parts = name.split(' / ');
  if (parts.length !== 2) return name;
  return lang === 'en' ? parts[1] : parts[0];
}
