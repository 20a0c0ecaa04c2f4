/** Texts of the incidents page: Vietnamese first, English must have the same shape. */
export const vi = {
  incidents: {
    nav: 'Sự cố',
    title: 'Sự cố của quy trình',
    intro:
      'Hồ sơ đang dừng vì máy chủ quy trình gặp lỗi (điều kiện không tính được, tác vụ hết số lần thử, biểu thức sai). Quản trị viên sửa biến và cho chạy lại.',
    none: 'Không có sự cố nào đang mở.',
    case: 'Hồ sơ',
    process: 'Quy trình',
    element: 'Bước',
    reason: 'Nguyên nhân',
    since: 'Từ lúc',
    fix: 'Sửa và chạy lại',
    variables: 'Biến cần đặt (JSON)',
    note: 'Ghi chú (lưu vào nhật ký)',
    fixSubmit: 'Xác nhận sửa',
    invalidJson: 'Biến phải là một đối tượng JSON, ví dụ {"soTien": 500}.',
    fixed: 'Đã xử lý sự cố {{key}}; hồ sơ tiếp tục chạy.',
  },
};

export const en: typeof vi = {
  incidents: {
    nav: 'Incidents',
    title: 'Process incidents',
    intro:
      'Cases held up because the engine hit an error (a condition it could not evaluate, a job out of retries, a bad expression). Administrators correct the variables and retry.',
    none: 'No open incident.',
    case: 'Case',
    process: 'Process',
    element: 'Step',
    reason: 'Reason',
    since: 'Since',
    fix: 'Fix and retry',
    variables: 'Variables to set (JSON)',
    note: 'Note (kept in the audit log)',
    fixSubmit: 'Confirm the fix',
    invalidJson: 'Variables must be a JSON object, e.g. {"soTien": 500}.',
    fixed: 'Incident {{key}} resolved; the case goes on.',
  },
};
