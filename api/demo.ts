import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { hash } from '@node-rs/argon2';
import { insertUser, upsertUnit } from './repositories/users.js';
import type { Role } from './schemas/auth.js';

/** The demo organisation: a province, one of its departments with two divisions, and a commune. */
export const DEMO_UNITS = [
  { code: 'TINH', name: 'Ủy ban nhân dân tỉnh Demo', kind: 'province' },
  { code: 'SNNMT', name: 'Sở Nông nghiệp và Môi trường', kind: 'department', parentCode: 'TINH' },
  { code: 'SNNMT-VP', name: 'Văn phòng Sở (Bộ phận một cửa)', kind: 'division', parentCode: 'SNNMT' },
  { code: 'SNNMT-QLDD', name: 'Phòng Quản lý đất đai', kind: 'division', parentCode: 'SNNMT' },
  { code: 'XA-TANPHU', name: 'Ủy ban nhân dân xã Tân Phú', kind: 'commune', parentCode: 'TINH' },
  // ISO: officers are ISO secretaries, its leader is the quality leader / management representative.
  { code: 'SNNMT-ISO', name: 'Tổ thư ký ISO (Ban ISO)', kind: 'division', parentCode: 'SNNMT' },
];

export const DEMO_USERS: { username: string; fullName: string; unitCode: string; roles: Role[] }[] = [
  { username: 'quantri', fullName: 'Nguyễn Văn Quản', unitCode: 'SNNMT', roles: ['admin'] },
  { username: 'thietke', fullName: 'Trần Thị Thiết', unitCode: 'SNNMT', roles: ['designer'] },
  { username: 'motcua', fullName: 'Lê Thị Một Cửa', unitCode: 'SNNMT-VP', roles: ['officer'] },
  { username: 'chuyenvien', fullName: 'Phạm Văn Chuyên', unitCode: 'SNNMT-QLDD', roles: ['officer'] },
  { username: 'lanhdao', fullName: 'Hoàng Văn Lãnh', unitCode: 'SNNMT', roles: ['leader'] },
  { username: 'kiemtra', fullName: 'Vũ Thị Kiểm', unitCode: 'TINH', roles: ['auditor'] },
  { username: 'thukyiso', fullName: 'Đỗ Thị Thư', unitCode: 'SNNMT-ISO', roles: ['officer'] },
  { username: 'daidienld', fullName: 'Bùi Văn Đại', unitCode: 'SNNMT-ISO', roles: ['leader'] },
  { username: 'truongphong', fullName: 'Ngô Văn Trưởng', unitCode: 'SNNMT-QLDD', roles: ['leader'] },
];

/**
 * Creates the demo organisation and one user per role (idempotent). Passwords are random per data
 * folder, kept in <dataDir>/demo-credentials.json so a restart prints the same ones.
 */
export async function seedDemo(db: Knex, dataDir: string): Promise<{ username: string; password: string; roles: Role[]; unit: string }[]> {
  for (const u of DEMO_UNITS) await upsertUnit(db, u);
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'demo-credentials.json');
  const saved: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const out = [];
  for (const u of DEMO_USERS) {
    const password = saved[u.username] ?? `Demo-${randomBytes(4).toString('hex')}`;
    saved[u.username] = password;
    await insertUser(db, { ...u, passwordHash: await hash(password) });
    out.push({ username: u.username, password, roles: u.roles, unit: u.unitCode });
  }
  writeFileSync(file, JSON.stringify(saved, null, 2), { mode: 0o600 });
  return out;
}
