import type { Knex } from 'knex';
import type { CurrentUser } from '../../api/schemas/auth.js';
import type { AgencyRow, ProcedureRow } from './catalogue.js';
import { insertEvent, type DossierRow } from './dossiers.js';
import { assertDeskOfficer, ReceptionError, unitAndAncestors } from './reception.js';

type Db = Knex | Knex.Transaction;

/**
 * Many agencies, one procedure; any desk in the province (issue 17 item 10).
 *
 * A national procedure code is offered by every competent agency (every commune, for a commune
 * procedure), each with its desk, its e-ID (the first segment of its dossier codes) and possibly its own
 * process, whose steps name that agency's units (catalogue `agencies`, table onestop_procedure_agencies).
 *
 * NĐ 118/2025/NĐ-CP (Art. 15; vn-rules.md §3.1 and §4, sources S21, S24): the provincial and commune
 * public administration service centres receive dossiers "không phụ thuộc vào địa giới hành chính trong
 * phạm vi cấp tỉnh", and the dossier goes to the competent body (route by competence, not by place of
 * submission). So an officer of ANY desk of the province receives a dossier for any procedure and any
 * competent agency: the dossier is coded with the competent agency's e-ID, its case runs in that
 * agency's units, and the receiving desk is recorded on it (received_desk_code).
 */

/**
 * The procedure as the competent agency `agencyCode` offers it: the row with that agency's code, name,
 * desk, e-ID and (if it has one) process in place of the procedure's own. Everything downstream (the
 * dossier's code, its agency and desk, the process started) then follows the agency. Without an agency:
 * the procedure's own (first) one, as before. An agency not offering it: 400 AGENCY_NOT_OFFERING.
 */
export async function procedureForAgency(db: Db, p: ProcedureRow, agencyCode?: string | null): Promise<ProcedureRow> {
  if (!agencyCode || agencyCode === p.agency_code) return p;
  const a = (p.agencies?.find((x) => x.agency_code === agencyCode) ??
    (await db('onestop_procedure_agencies').where({ procedure_code: p.code, agency_code: agencyCode }).first())) as AgencyRow | undefined;
  if (!a)
    throw new ReceptionError(
      400,
      `Cơ quan ${agencyCode} không giải quyết thủ tục ${p.code} / Agency ${agencyCode} does not offer procedure ${p.code}`,
      'AGENCY_NOT_OFFERING',
      undefined,
      { agency: agencyCode, code: p.code },
    );
  return {
    ...p,
    agency_code: a.agency_code,
    agency_name: a.agency_name,
    desk_unit_code: a.desk_unit_code,
    agency_eid: a.agency_eid,
    ...(a.bpmn_process_id ? { bpmn_process_id: a.bpmn_process_id, process_version: a.process_version } : {}),
  };
}

/**
 * The procedure as the dossier's competent agency offers it (the process its desk starts on acceptance).
 * A dossier of an agency the catalogue no longer lists keeps the procedure's own process.
 */
export async function procedureOfDossier(db: Db, p: ProcedureRow, d: Pick<DossierRow, 'agency_code'>): Promise<ProcedureRow> {
  return procedureForAgency(db, p, d.agency_code).catch((err) => {
    if (err instanceof ReceptionError && err.code === 'AGENCY_NOT_OFFERING') return p;
    throw err;
  });
}

/** The name of the procedure's agency `agencyCode` as the catalogue writes it (the procedure's own otherwise). */
export function agencyNameIn(p: Pick<ProcedureRow, 'agency_name' | 'agency_code' | 'agencies'>, agencyCode: string): string {
  if (agencyCode === p.agency_code) return p.agency_name;
  return p.agencies?.find((a) => a.agency_code === agencyCode)?.agency_name ?? p.agency_name;
}

/** The one-stop desks: every unit some procedure's agency names as its desk. */
export async function deskUnitCodes(db: Db): Promise<Set<string>> {
  return new Set<string>(await db('onestop_procedure_agencies').distinct('desk_unit_code').pluck('desk_unit_code'));
}

/** The province a unit belongs to: the top of its chain of parents. */
async function provinceOf(db: Db, unitCode: string): Promise<string | undefined> {
  const chain = await unitAndAncestors(db, unitCode);
  return chain[chain.length - 1];
}

/**
 * The desk at which `user` receives a dossier of the (agency's) procedure `p`: the agency's own desk when
 * the user works there (as before), else the nearest one-stop desk among the user's unit and the units
 * above it, provided it lies in the same province as the competent agency. An administrator without a
 * desk receives for the agency's desk. Anyone else: 403 NOT_DESK_OFFICER (naming the agency's desk), or
 * 403 DESK_OTHER_PROVINCE.
 */
export async function receivingDesk(db: Db, user: CurrentUser, p: Pick<ProcedureRow, 'desk_unit_code' | 'agency_code'>): Promise<string> {
  const staff = user.roles.includes('officer') || user.roles.includes('leader');
  const chain = await unitAndAncestors(db, user.unit.code);
  if (staff && chain.includes(p.desk_unit_code)) return p.desk_unit_code;
  const desks = await deskUnitCodes(db);
  const own = staff ? chain.find((u) => desks.has(u)) : undefined;
  if (!own) {
    await assertDeskOfficer(db, user, p.desk_unit_code); // administrators pass; anyone else gets the desk's 403
    return p.desk_unit_code;
  }
  const [mine, theirs] = await Promise.all([provinceOf(db, own), provinceOf(db, p.agency_code)]);
  if (mine !== theirs)
    throw new ReceptionError(
      403,
      `Bộ phận một cửa ${own} chỉ tiếp nhận hồ sơ của các cơ quan trong tỉnh / The desk ${own} receives for agencies of its own province only`,
      'DESK_OTHER_PROVINCE',
      undefined,
      { desk: own },
    );
  return own;
}

/** Whether `user` works at the desk that received the dossier (its unit is that desk or inside it). */
export async function atReceivingDesk(db: Db, user: CurrentUser, d: Pick<DossierRow, 'received_desk_code'>): Promise<boolean> {
  if (!d.received_desk_code || !(user.roles.includes('officer') || user.roles.includes('leader'))) return false;
  return (await unitAndAncestors(db, user.unit.code)).includes(d.received_desk_code);
}

/** Records the desk that received the dossier (in the receipt's transaction); the row after. */
export async function recordReceivingDesk(trx: Knex.Transaction, dossier: DossierRow, deskUnitCode: string): Promise<DossierRow> {
  const [row] = (await trx('dossiers')
    .where({ id: dossier.id })
    .update({ received_desk_code: deskUnitCode, updated_at: trx.raw('eiso_now()') })
    .returning('*')) as DossierRow[];
  return row ?? dossier;
}

/**
 * The receiving desk hands the paper dossier over to the competent agency's desk (NĐ 118/2025 Art. 18:
 * the desk transfers what it received to the competent body; the electronic dossier went at once). Once
 * per dossier (409 PAPER_ALREADY_HANDED_OVER), and only for a dossier received at another agency's desk
 * (409 PAPER_NOT_ELSEWHERE). The caller checked that the user works at the receiving desk.
 */
export async function handOverPaper(db: Knex, d: DossierRow, o: { actor: string; note: string | null }): Promise<void> {
  if (!d.received_desk_code || d.received_desk_code === d.desk_unit_code)
    throw new ReceptionError(
      409,
      'Hồ sơ được tiếp nhận tại chính bộ phận một cửa của cơ quan giải quyết, không có hồ sơ giấy phải chuyển / The dossier was received at its own desk: no paper to hand over',
      'PAPER_NOT_ELSEWHERE',
    );
  const units: { code: string; name: string }[] = await db('org_units').whereIn('code', [d.received_desk_code, d.desk_unit_code]).select('code', 'name');
  const name = (c: string) => units.find((x) => x.code === c)?.name ?? c;
  const text = `Chuyển hồ sơ giấy từ ${name(d.received_desk_code)} đến ${name(d.desk_unit_code)}`;
  const event = await insertEvent(db, String(d.id), {
    type: 'paper.handed_over',
    status: d.status,
    actor: o.actor,
    note: o.note ? `${text}. ${o.note}` : text,
    data: { from: d.received_desk_code, to: d.desk_unit_code },
    dedupeKey: 'paper-handover',
  });
  if (!event) throw new ReceptionError(409, 'Hồ sơ giấy đã được chuyển / The paper dossier has already been handed over', 'PAPER_ALREADY_HANDED_OVER');
}

/** Whether the paper of a dossier received at another agency's desk still waits to be handed over. */
export async function paperToHandOver(db: Db, d: Pick<DossierRow, 'id' | 'received_desk_code' | 'desk_unit_code' | 'channel'>): Promise<boolean> {
  if (d.channel === 'online' || !d.received_desk_code || d.received_desk_code === d.desk_unit_code) return false;
  return !(await db('dossier_events').where({ dossier_id: d.id, type: 'paper.handed_over' }).first('id'));
}
