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
/** Vietnamese: the default language. Its shape is the source of truth for every other language. */
export const vi = {
  app: {
    name: 'e-ISO',
    tagline: 'Quy trình ISO điện tử',
    loading: 'Đang tải…',
  },
  fileExport: {
    preparing: 'Đang chuẩn bị tệp…',
    received: '(đã nhận {{received}})',
    receivedOf: '(đã nhận {{received}} / {{total}})',
    failed: 'Không tải được tệp: {{reason}}',
  },
  stepClock: {
    short: '{{days}} ngày',
    full: 'Thời hạn của bước: {{days}} ngày làm việc',
  },
  header: {
    inbox: 'Hộp công việc',
    logout: 'Đăng xuất',
    changePassword: 'Đổi mật khẩu',
    language: 'Ngôn ngữ',
    mainNav: 'Điều hướng chính',
    procedures: 'Quy trình',
  },
  demo: {
    filling: 'Đang tạo dữ liệu demo: {{completed}}/{{total}}. Bạn có thể xem trước; các trang sẽ đầy dần.',
    playing: 'Đang diễn lại ngày {{date}} của năm qua.',
    failed: '{{failed}} phần không tạo được.',
  },
  lang: {
    vi: 'Tiếng Việt',
    en: 'English',
  },
  status: {
    open: 'Chờ xử lý',
    completing: 'Đang hoàn thành',
    completed: 'Đã hoàn thành',
    cancelled: 'Đã hủy',
  },
  formValidation: {
    required: 'Trường này là bắt buộc.',
    minLength: 'Cần ít nhất {{n}} ký tự.',
    maxLength: 'Không được quá {{n}} ký tự.',
    min: 'Giá trị nhỏ nhất là {{n}}.',
    max: 'Giá trị lớn nhất là {{n}}.',
    pattern: 'Giá trị không đúng định dạng ({{pattern}}).',
    email: 'Địa chỉ email không hợp lệ.',
    phone: 'Số điện thoại không hợp lệ (dạng quốc tế, ví dụ +84912345678).',
    number: 'Giá trị phải là số.',
  },
  variables: {
    title: 'Dữ liệu hồ sơ',
    empty: 'Chưa có dữ liệu.',
    name: 'Tên',
    value: 'Giá trị',
    toSend: 'Dữ liệu gửi khi hoàn thành',
    add: 'Thêm',
    remove: 'Xóa',
    hint: 'Giá trị viết theo JSON (số, true/false, "chuỗi") được gửi đúng kiểu; còn lại được gửi dạng văn bản.',
    invalidName: 'Tên chỉ gồm chữ cái không dấu, chữ số và dấu gạch dưới, không bắt đầu bằng chữ số.',
  },
  chart: {
    downloadPng: 'Tải PNG',
    table: 'Bảng số liệu: {{title}}',
    hours: 'giờ',
  },
  apiErrors: apiErrors.vi,
  date: {
    invalid: 'Ngày không hợp lệ: nhập theo dạng {{pattern}}, ví dụ 17/02/2026.',
    beforeMin: 'Ngày phải từ {{min}} trở đi.',
    afterMax: 'Ngày phải đến {{max}} trở về trước.',
  },
  errors: {
    network: 'Không kết nối được máy chủ. Vui lòng thử lại.',
    unknown: 'Đã có lỗi xảy ra (mã {{status}}).',
    sessionExpired: 'Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.',
    notFound: 'Không tìm thấy trang.',
    dismiss: 'Đóng',
  },
  // the features' own texts (web/src/features/<feature>/i18n.ts)
  ...auth.vi,
  ...onestop.vi,
  ...inbox.vi,
  ...task.vi,
  ...modeler.vi,
  ...audit.vi,
  ...notifications.vi,
  ...calendar.vi,
  ...iso.vi,
  ...onestopStats.vi,
  ...processes.vi,
  ...incidents.vi,
  ...legal.vi,
  ...forecast.vi,
};

export type Translations = typeof vi;
