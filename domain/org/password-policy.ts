/**
 * The password policy for a new password: at least 10 characters, not the username (nor the username
 * with a few characters around it), not one of the most common passwords. Returns the Vietnamese /
 * English reason, or null when the password is acceptable.
 */
export const MIN_PASSWORD_LENGTH = 10;

/** Common passwords (and the demo password), compared without case, spaces or separators. */
const COMMON = new Set(
  [
    '123456789',
    '1234567890',
    '12345678910',
    '0123456789',
    '987654321',
    '9876543210',
    '1111111111',
    '0000000000',
    'password',
    'password1',
    'password12',
    'password123',
    'password1234',
    'passw0rd',
    'p@ssw0rd',
    'p@ssword123',
    'qwertyuiop',
    'qwerty123',
    'qwerty1234',
    '1q2w3e4r5t',
    '1qaz2wsx3edc',
    'zaq12wsx',
    'abc1234567',
    'abcd123456',
    'abcdefghij',
    'iloveyou',
    'iloveyou123',
    'admin12345',
    'administrator',
    'welcome123',
    'letmein123',
    'changeme',
    'changeme123',
    'matkhau',
    'matkhau123',
    'matkhau1234',
    'matkhaumoi',
    'anhyeuem',
    'anhyeuem123',
    'emyeuanh',
    'vietnam',
    'vietnam123',
    'vietnam1234',
    'hanoi12345',
    'saigon1234',
    'quantri123',
    'quantri1234',
    'eiso123456',
    'eiso@123456',
    'demo@123',
    'demo123456',
    '12345678',
    '123456',
    '1234567',
    'abc123',
    'qwerty',
    'football',
    'monkey',
    'dragon',
    'sunshine',
    'princess',
  ].map((p) => normalise(p)),
);

function normalise(s: string): string {
  return s
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\s._-]+/g, '');
}

/** Why a password is refused: a code (lib/errors.ts, texts in web/src/i18n/errors.ts) and the server's message. */
export interface PasswordProblem {
  code: 'PASSWORD_TOO_SHORT' | 'PASSWORD_IS_USERNAME' | 'PASSWORD_TOO_COMMON';
  params: { min?: number };
  message: string;
}

export function passwordProblem(password: string, username: string): PasswordProblem | null {
  if ([...password].length < MIN_PASSWORD_LENGTH)
    return {
      code: 'PASSWORD_TOO_SHORT',
      params: { min: MIN_PASSWORD_LENGTH },
      message: `Mật khẩu phải có ít nhất ${MIN_PASSWORD_LENGTH} ký tự / The password must have at least ${MIN_PASSWORD_LENGTH} characters`,
    };
  const p = normalise(password);
  const u = normalise(username);
  if (u && (p === u || (p.includes(u) && p.length - u.length <= 4)))
    return { code: 'PASSWORD_IS_USERNAME', params: {}, message: 'Mật khẩu không được là tên đăng nhập / The password must not be the username' };
  if (COMMON.has(p) || /^(.)\1+$/.test(p) || /^(?:0123456789|1234567890)+$/.test(p))
    return {
      code: 'PASSWORD_TOO_COMMON',
      params: {},
      message: 'Mật khẩu quá phổ biến, dễ đoán; hãy chọn mật khẩu khác / The password is too common; choose another one',
    };
  return null;
}
