import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { hash, verify } from '@node-rs/argon2';
import { upsertUnit } from '../domain/org/users.js';
import type { Role } from './schemas/auth.js';

/** The demo organisation: a province, one of its departments with two divisions, and a commune. */
export const DEMO_UNITS = [
  { code: 'TINH', name: 'Ủy ban nhân dân tỉnh Demo', kind: 'province' },
  { code: 'SNNMT', name: 'Sở Nông nghiệp và Môi trường', kind: 'department', parentCode: 'TINH' },
  { code: 'SNNMT-VP', name: 'Văn phòng Sở (Bộ phận một cửa)', kind: 'division', parentCode: 'SNNMT' },
  { code: 'SNNMT-QLDD', name: 'Phòng Quản lý đất đai', kind: 'division', parentCode: 'SNNMT' },
  { code: 'XA-TANPHU', name: 'Ủy ban nhân dân xã Tân Phú', kind: 'commune', parentCode: 'TINH' },
  // One-stop procedures (processes/mc-*.bpmn, processes/onestop-catalogue.json): desks, specialist divisions, agencies.
  { code: 'XA-TANPHU-TTPV', name: 'Trung tâm Phục vụ hành chính công xã Tân Phú (Bộ phận một cửa)', kind: 'division', parentCode: 'XA-TANPHU' },
  { code: 'XA-TANPHU-KT', name: 'Phòng Kinh tế xã Tân Phú', kind: 'division', parentCode: 'XA-TANPHU' },
  { code: 'XA-TANPHU-VP', name: 'Văn phòng HĐND và UBND xã Tân Phú (Tư pháp - hộ tịch)', kind: 'division', parentCode: 'XA-TANPHU' },
  // A second commune offering the commune procedures (birth registration): its desk and civil-status office.
  { code: 'XA-TANTHANH', name: 'Ủy ban nhân dân xã Tân Thạnh', kind: 'commune', parentCode: 'TINH' },
  { code: 'XA-TANTHANH-TTPV', name: 'Trung tâm Phục vụ hành chính công xã Tân Thạnh (Bộ phận một cửa)', kind: 'division', parentCode: 'XA-TANTHANH' },
  { code: 'XA-TANTHANH-VP', name: 'Văn phòng HĐND và UBND xã Tân Thạnh (Tư pháp - hộ tịch)', kind: 'division', parentCode: 'XA-TANTHANH' },
  { code: 'TINH-TTPVHCC', name: 'Trung tâm Phục vụ hành chính công tỉnh', kind: 'department', parentCode: 'TINH' },
  { code: 'STP', name: 'Sở Tư pháp', kind: 'department', parentCode: 'TINH' },
  { code: 'STP-HCTP', name: 'Phòng Hành chính tư pháp', kind: 'division', parentCode: 'STP' },
  { code: 'SYT', name: 'Sở Y tế', kind: 'department', parentCode: 'TINH' },
  { code: 'SYT-NVD', name: 'Phòng Nghiệp vụ Dược', kind: 'division', parentCode: 'SYT' },
  { code: 'CAT', name: 'Công an tỉnh', kind: 'department', parentCode: 'TINH' },
  { code: 'CAT-PV06', name: 'Phòng Hồ sơ nghiệp vụ (PV06), Công an tỉnh', kind: 'division', parentCode: 'CAT' },
  // ISO: officers are ISO secretaries, its leader is the quality leader / management representative.
  { code: 'SNNMT-ISO', name: 'Tổ thư ký ISO (Ban ISO)', kind: 'division', parentCode: 'SNNMT' },
  // A second agency with its own quality system (issue 17, item 5): Sở Tư pháp's ISO secretariat and Office.
  { code: 'STP-ISO', name: 'Tổ thư ký ISO Sở Tư pháp', kind: 'division', parentCode: 'STP' },
  { code: 'STP-VP', name: 'Văn phòng Sở Tư pháp', kind: 'division', parentCode: 'STP' },
];

/**
 * Who holds the ISO roles of each agency's quality system (domain/iso/agencies.ts): Sở Nông nghiệp và
 * Môi trường (also seeded by its migration) and Sở Tư pháp. Other agencies: their own unit holds them.
 */
export const DEMO_ISO_SYSTEMS = [
  { agencyCode: 'SNNMT', secretariatUnitCode: 'SNNMT-ISO', officeUnitCode: 'SNNMT-VP' },
  { agencyCode: 'STP', secretariatUnitCode: 'STP-ISO', officeUnitCode: 'STP-VP' },
];

export const DEMO_USERS: { username: string; fullName: string; unitCode: string; roles: Role[] }[] = [
  { username: 'quantri', fullName: 'Nguyễn Văn Quản', unitCode: 'SNNMT', roles: ['admin'] },
  { username: 'thietke', fullName: 'Trần Thị Thiết', unitCode: 'SNNMT', roles: ['designer'] },
  { username: 'motcua', fullName: 'Lê Thị Một Cửa', unitCode: 'SNNMT-VP', roles: ['officer'] },
  { username: 'chuyenvien', fullName: 'Phạm Văn Chuyên', unitCode: 'SNNMT-QLDD', roles: ['officer'] },
  { username: 'lanhdao', fullName: 'Hoàng Văn Lãnh', unitCode: 'SNNMT', roles: ['leader'] },
  { username: 'kiemtra', fullName: 'Vũ Thị Kiểm', unitCode: 'TINH', roles: ['auditor'] },
  // The desks, divisions and leaders of the bundled one-stop procedures (processes/README.md).
  { username: 'motcuaxa', fullName: 'Đặng Thị Tiếp', unitCode: 'XA-TANPHU-TTPV', roles: ['officer'] },
  { username: 'kinhtexa', fullName: 'Bùi Văn Kinh', unitCode: 'XA-TANPHU-KT', roles: ['officer'] },
  { username: 'truongphongkt', fullName: 'Ngô Thị Trưởng', unitCode: 'XA-TANPHU-KT', roles: ['leader'] },
  { username: 'hotich', fullName: 'Đinh Thị Hộ', unitCode: 'XA-TANPHU-VP', roles: ['officer'] },
  { username: 'chutichxa', fullName: 'Lý Văn Chủ', unitCode: 'XA-TANPHU', roles: ['leader'] },
  { username: 'motcuatinh', fullName: 'Mai Thị Phục', unitCode: 'TINH-TTPVHCC', roles: ['officer'] },
  { username: 'motcuaxa2', fullName: 'Phan Thị Thạnh', unitCode: 'XA-TANTHANH-TTPV', roles: ['officer'] },
  { username: 'hotich2', fullName: 'Châu Văn Tịch', unitCode: 'XA-TANTHANH-VP', roles: ['officer'] },
  { username: 'tuphap', fullName: 'Tạ Văn Tư', unitCode: 'STP-HCTP', roles: ['officer'] },
  { username: 'giamdocstp', fullName: 'Cao Văn Pháp', unitCode: 'STP', roles: ['leader'] },
  { username: 'congan', fullName: 'Quách Văn An', unitCode: 'CAT-PV06', roles: ['officer'] },
  { username: 'duocsi', fullName: 'Lương Thị Dược', unitCode: 'SYT-NVD', roles: ['officer'] },
  { username: 'truongphongduoc', fullName: 'Kiều Văn Hội', unitCode: 'SYT-NVD', roles: ['leader'] },
  { username: 'giamdocsyt', fullName: 'Trịnh Thị Y', unitCode: 'SYT', roles: ['leader'] },
  { username: 'thukyiso', fullName: 'Đỗ Thị Thư', unitCode: 'SNNMT-ISO', roles: ['officer'] },
  { username: 'daidienld', fullName: 'Bùi Văn Đại', unitCode: 'SNNMT-ISO', roles: ['leader'] },
  { username: 'truongphong', fullName: 'Ngô Văn Trưởng', unitCode: 'SNNMT-QLDD', roles: ['leader'] },
  // Sở Tư pháp's quality system: its ISO secretary, management representative and Office.
  { username: 'thukyisostp', fullName: 'Phan Thị Thư Pháp', unitCode: 'STP-ISO', roles: ['officer'] },
  { username: 'daidienstp', fullName: 'Lâm Văn Đại Pháp', unitCode: 'STP-ISO', roles: ['leader'] },
  { username: 'vanphongstp', fullName: 'Hà Thị Văn Pháp', unitCode: 'STP-VP', roles: ['officer'] },
];

/**
 * Creates the demo organisation and one user per role, for `npm start` (server.ts --demo) only; `npm run
 * serve` seeds nothing. An account that exists already is never changed (its password, roles and unit
 * stay as they are): only missing accounts are created. Passwords are random per data folder, kept in
 * <dataDir>/demo-credentials.json so a restart prints the same ones; an existing account's password is
 * printed only when the saved one still opens it (null otherwise).
 */
export async function seedDemo(
  db: Knex,
  dataDir: string,
): Promise<{ username: string; password: string | null; roles: Role[]; unit: string; created: boolean }[]> {
  for (const u of DEMO_UNITS) await upsertUnit(db, u);
  // An agency whose roles an administrator set already keeps them.
  for (const s of DEMO_ISO_SYSTEMS)
    await db('iso_systems')
      .insert({ agency_code: s.agencyCode, secretariat_unit_code: s.secretariatUnitCode, office_unit_code: s.officeUnitCode })
      .onConflict('agency_code')
      .ignore();
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'demo-credentials.json');
  const saved: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const out = [];
  for (const u of DEMO_USERS) {
    const existing = await db('users').where({ username: u.username }).first('password_hash');
    if (existing) {
      const known = saved[u.username];
      const opens = known ? await verify(existing.password_hash, known).catch(() => false) : false;
      out.push({ username: u.username, password: opens ? known : null, roles: u.roles, unit: u.unitCode, created: false });
      continue;
    }
    const password = `Demo-${randomBytes(6).toString('hex')}`;
    const unit = await db('org_units').where({ code: u.unitCode }).first('id');
    const inserted = await db('users')
      .insert({ username: u.username, password_hash: await hash(password), full_name: u.fullName, email: null, unit_id: unit.id, roles: u.roles })
      .onConflict('username')
      .ignore()
      .returning('id');
    if (inserted.length === 0) {
      out.push({ username: u.username, password: null, roles: u.roles, unit: u.unitCode, created: false }); // made meanwhile by another process
      continue;
    }
    saved[u.username] = password;
    out.push({ username: u.username, password, roles: u.roles, unit: u.unitCode, created: true });
  }
  writeFileSync(file, JSON.stringify(saved, null, 2), { mode: 0o600 });
  return out;
}
