/** Texts of the process list: Vietnamese first, English must have the same shape. */
export const vi = {
  processes: {
    nav: 'Phiên bản đã triển khai',
    title: 'Các phiên bản quy trình đã triển khai',
    intro: 'Mọi phiên bản đang có trên máy chủ quy trình, kể cả phiên bản triển khai bằng công cụ khác (zbctl, Camunda Modeler, SDK).',
    loading: 'Đang tải…',
    empty: 'Chưa có phiên bản nào.',
    name: 'Quy trình',
    version: 'Phiên bản',
    deployedBy: 'Người triển khai',
    deployedAt: 'Thời điểm',
    active: 'Hồ sơ đang chạy',
    external: 'Triển khai ngoài hệ thống',
    externalHint: 'Phiên bản này không được triển khai qua hệ thống; tên bước và biểu mẫu được đọc từ máy chủ quy trình.',
    warnings: 'Thiếu cho hộp công việc',
    ok: 'Đủ điều kiện',
  },
};

export const en: typeof vi = {
  processes: {
    nav: 'Deployed versions',
    title: 'Deployed process versions',
    intro: 'Every version on the process engine, those deployed with other tools (zbctl, Camunda Modeler, the SDK) included.',
    loading: 'Loading…',
    empty: 'No version yet.',
    name: 'Process',
    version: 'Version',
    deployedBy: 'Deployed by',
    deployedAt: 'At',
    active: 'Running cases',
    external: 'Deployed outside the platform',
    externalHint: 'This version was not deployed through the platform; step names and forms are read from the engine.',
    warnings: 'Missing for the inbox',
    ok: 'Ready',
  },
};
