/** Texts of the sign-in and change-password pages: Vietnamese first, English must have the same shape. */
export const vi = {
  login: {
    title: 'Đăng nhập',
    intro: 'Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015 và một cửa điện tử.',
    username: 'Tên đăng nhập',
    password: 'Mật khẩu',
    submit: 'Đăng nhập',
    submitting: 'Đang đăng nhập…',
  },
  account: {
    passwordTitle: 'Đổi mật khẩu',
    passwordIntro:
      'Mật khẩu mới có ít nhất 10 ký tự, khác tên đăng nhập và không phải mật khẩu phổ biến. Sau khi đổi, các phiên đăng nhập khác của tài khoản (máy khác, trình duyệt khác) sẽ kết thúc.',
    currentPassword: 'Mật khẩu hiện tại',
    newPassword: 'Mật khẩu mới',
    confirmPassword: 'Nhập lại mật khẩu mới',
    mismatch: 'Hai lần nhập mật khẩu mới không khớp',
    submit: 'Đổi mật khẩu',
    submitting: 'Đang đổi…',
    changed: 'Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc.',
    sessionEnded: 'Phiên đăng nhập đã kết thúc (đăng xuất, đổi mật khẩu hoặc đổi quyền). Vui lòng đăng nhập lại.',
    everywhereTitle: 'Đăng xuất khỏi mọi thiết bị',
    everywhereIntro:
      'Kết thúc mọi phiên đăng nhập của tài khoản: trình duyệt này, các máy tính và điện thoại khác. Dùng khi quên đăng xuất ở máy dùng chung hoặc nghi bị lộ mật khẩu.',
    everywhere: 'Đăng xuất khỏi mọi thiết bị',
  },
};

export const en: typeof vi = {
  login: {
    title: 'Sign in',
    intro: 'Quality management under TCVN ISO 9001:2015 and the electronic one-stop shop.',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    submitting: 'Signing in…',
  },
  account: {
    passwordTitle: 'Change password',
    passwordIntro:
      "The new password has at least 10 characters, is not the username and not a common password. Once changed, the account's other sessions (other computers, other browsers) end.",
    currentPassword: 'Current password',
    newPassword: 'New password',
    confirmPassword: 'New password again',
    mismatch: 'The two new passwords differ',
    submit: 'Change password',
    submitting: 'Changing…',
    changed: 'Password changed. The other sessions have ended.',
    sessionEnded: 'The session has ended (signed out, password or rights changed). Please sign in again.',
    everywhereTitle: 'Sign out everywhere',
    everywhereIntro:
      'Ends every session of the account: this browser, other computers and phones. Use it after forgetting to sign out on a shared computer or when the password may be known.',
    everywhere: 'Sign out everywhere',
  },
};
