import * as auth from '../features/auth/i18n.js';
import * as onestop from '../features/onestop/i18n.js';
import * as inbox from '../features/inbox/i18n.js';
import * as task from '../features/task/i18n.js';
import * as modeler from '../features/modeler/i18n.js';
import * as audit from '../features/audit/i18n.js';
import * as notifications from '../features/notifications/i18n.js';
import * as calendar from '../features/calendar/i18n.js';
import * as iso from '../features/iso/i18n.js';
import * as onestopStats from '../features/onestop-stats/i18n.js';
import * as processes from '../features/processes/i18n.js';
import * as incidents from '../features/incidents/i18n.js';
import * as legal from '../features/legal/i18n.js';
import * as forecast from '../features/forecast/i18n.js';
import * as apiErrors from './errors.js';
import type { Translations } from './vi.js';

/** English: the second language; must have every key Vietnamese has. */
export const en: Translations = {
  app: {
    name: 'e-ISO',
    tagline: 'Electronic ISO processes',
    loading: 'Loading…',
  },
  fileExport: {
    preparing: 'Preparing the file…',
    received: '({{received}} received)',
    receivedOf: '({{received}} of {{total}} received)',
    failed: 'The file could not be downloaded: {{reason}}',
  },
  stepClock: {
    short: '{{days}} d',
    full: 'Time limit of the step: {{days}} working days',
  },
  header: {
    inbox: 'Inbox',
    logout: 'Sign out',
    changePassword: 'Change password',
    language: 'Language',
    mainNav: 'Main navigation',
    procedures: 'Procedures',
  },
  demo: {
    filling: 'Making the demo data: {{completed}}/{{total}}. Look around meanwhile; the pages fill as it goes.',
    playing: 'Playing {{date}} of the past year.',
    failed: '{{failed}} pieces could not be made.',
  },
  lang: {
    vi: 'Tiếng Việt',
    en: 'English',
  },
  status: {
    open: 'Open',
    completing: 'Completing',
    completed: 'Completed',
    cancelled: 'Cancelled',
  },
  formValidation: {
    required: 'This field is required.',
    minLength: 'Use at least {{n}} characters.',
    maxLength: 'Use at most {{n}} characters.',
    min: 'The smallest allowed value is {{n}}.',
    max: 'The largest allowed value is {{n}}.',
    pattern: 'The value does not match the expected format ({{pattern}}).',
    email: 'Not a valid email address.',
    phone: 'Not a valid phone number (international form, e.g. +84912345678).',
    number: 'The value must be a number.',
  },
  variables: {
    title: 'Case data',
    empty: 'No data yet.',
    name: 'Name',
    value: 'Value',
    toSend: 'Data to send on completion',
    add: 'Add',
    remove: 'Remove',
    hint: 'Values written as JSON (numbers, true/false, "strings") are sent with their type; anything else is sent as text.',
    invalidName: 'Names use unaccented letters, digits and underscores, and do not start with a digit.',
  },
  chart: {
    downloadPng: 'Download PNG',
    table: 'Data table: {{title}}',
    hours: 'hours',
  },
  apiErrors: apiErrors.en,
  date: {
    invalid: 'Not a valid date: type it as {{pattern}}.',
    beforeMin: 'The date must be {{min}} or later.',
    afterMax: 'The date must be {{max}} or earlier.',
  },
  errors: {
    network: 'Cannot reach the server. Please try again.',
    unknown: 'Something went wrong (status {{status}}).',
    sessionExpired: 'Your session has expired. Please sign in again.',
    notFound: 'Page not found.',
    dismiss: 'Dismiss',
  },
  // the features' own texts (web/src/features/<feature>/i18n.ts)
  ...auth.en,
  ...onestop.en,
  ...inbox.en,
  ...task.en,
  ...modeler.en,
  ...audit.en,
  ...notifications.en,
  ...calendar.en,
  ...iso.en,
  ...onestopStats.en,
  ...processes.en,
  ...incidents.en,
  ...legal.en,
  ...forecast.en,
};
