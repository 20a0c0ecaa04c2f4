/**
 * Every continuation of the engine outbox (engine/outbox.ts), loaded by the runtime so that its relay
 * can finish a command queued by any process: a case started through the API (audit entry), a
 * one-stop reception (instance on the dossier, case clock), an ISO record (instance key).
 */
import './case-start.js';
import './onestop/reception.js';
import './iso/start.js';
