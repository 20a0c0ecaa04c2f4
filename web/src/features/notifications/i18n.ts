/** Texts of the notification bell: Vietnamese first, English must have the same shape. */
export const vi = {
  notifications: {
    bell: 'Thông báo',
    unread: '{{count}} chưa đọc',
    title: 'Thông báo của tôi',
    empty: 'Chưa có thông báo nào.',
    markRead: 'Đánh dấu đã đọc',
    markAllRead: 'Đọc tất cả',
    open: 'Mở công việc',
    close: 'Đóng',
  },
};

export const en: typeof vi = {
  notifications: {
    bell: 'Notifications',
    unread: '{{count}} unread',
    title: 'My notifications',
    empty: 'No notifications yet.',
    markRead: 'Mark read',
    markAllRead: 'Mark all read',
    open: 'Open the task',
    close: 'Close',
  },
};
