//! The words of the pages and messages, in Vietnamese and English.
//!
//! One struct per language, checked by the compiler: a label missing in one language does not
//! build. Tenant-provided texts (names, procedures) come from their manifests instead.

use motcua_core::lang::Lang;

/// A message in both languages, chosen when the response is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Msg {
    /// Vietnamese.
    pub vi: String,
    /// English.
    pub en: String,
}

impl Msg {
    /// A message from its two texts.
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.vi, &self.en)
    }
}

/// The labels of the pages.
#[derive(Debug)]
pub struct Labels {
    pub portal: &'static str,
    pub other_language: &'static str,
    pub skip_to_content: &'static str,
    pub procedures: &'static str,
    pub procedures_intro: &'static str,
    pub no_procedures: &'static str,
    pub code: &'static str,
    pub sector: &'static str,
    pub level: &'static str,
    pub time: &'static str,
    pub online_level: [&'static str; 4],
    pub working_days: &'static str,
    pub working_hours: &'static str,
    pub days: &'static str,
    pub lookup: &'static str,
    pub lookup_intro: &'static str,
    pub lookup_label: &'static str,
    pub lookup_button: &'static str,
    pub lookup_result: &'static str,
    pub status: &'static str,
    pub stage: &'static str,
    pub procedure: &'static str,
    pub received_at: &'static str,
    pub due_at: &'static str,
    pub not_found_title: &'static str,
    pub contact: &'static str,
    pub phone: &'static str,
    pub email: &'static str,
    pub suspended: &'static str,
    pub back_home: &'static str,
    pub error_title: &'static str,
    pub sign_in: &'static str,
}

const VI: Labels = Labels {
    portal: "Cổng Dịch vụ công",
    other_language: "English",
    skip_to_content: "Bỏ qua, đến nội dung chính",
    procedures: "Thủ tục hành chính",
    procedures_intro: "Các thủ tục hành chính đang được cung cấp.",
    no_procedures: "Chưa có thủ tục nào được công bố.",
    code: "Mã thủ tục",
    sector: "Lĩnh vực",
    level: "Mức độ",
    time: "Thời hạn giải quyết",
    online_level: [
        "Mức 1 — cung cấp thông tin",
        "Mức 2 — tải biểu mẫu",
        "Mức 3 — dịch vụ công trực tuyến một phần",
        "Mức 4 — dịch vụ công trực tuyến toàn trình",
    ],
    working_days: "ngày làm việc",
    working_hours: "giờ làm việc",
    days: "ngày",
    lookup: "Tra cứu hồ sơ",
    lookup_intro: "Nhập mã hồ sơ ghi trên giấy tiếp nhận để xem tiến độ giải quyết.",
    lookup_label: "Mã hồ sơ",
    lookup_button: "Tra cứu",
    lookup_result: "Kết quả tra cứu",
    status: "Trạng thái",
    stage: "Đang ở bước",
    procedure: "Thủ tục",
    received_at: "Ngày tiếp nhận",
    due_at: "Ngày hẹn trả kết quả",
    not_found_title: "Không tìm thấy",
    contact: "Liên hệ",
    phone: "Điện thoại",
    email: "Thư điện tử",
    suspended: "Cổng dịch vụ công này đang tạm dừng hoạt động.",
    back_home: "Về trang chủ",
    error_title: "Đã có lỗi",
    sign_in: "Đăng nhập",
};

const EN: Labels = Labels {
    portal: "Public Service Portal",
    other_language: "Tiếng Việt",
    skip_to_content: "Skip to main content",
    procedures: "Administrative procedures",
    procedures_intro: "The administrative procedures currently offered.",
    no_procedures: "No procedure has been published yet.",
    code: "Procedure code",
    sector: "Sector",
    level: "Level",
    time: "Processing time",
    online_level: [
        "Level 1 — information",
        "Level 2 — downloadable forms",
        "Level 3 — partly online",
        "Level 4 — fully online",
    ],
    working_days: "working days",
    working_hours: "working hours",
    days: "days",
    lookup: "Track a dossier",
    lookup_intro: "Enter the dossier code printed on your receipt to see how far it has got.",
    lookup_label: "Dossier code",
    lookup_button: "Track",
    lookup_result: "Dossier progress",
    status: "Status",
    stage: "Current stage",
    procedure: "Procedure",
    received_at: "Received",
    due_at: "Result due",
    not_found_title: "Not found",
    contact: "Contact",
    phone: "Telephone",
    email: "E-mail",
    suspended: "This public service portal is temporarily suspended.",
    back_home: "Back to the home page",
    error_title: "Something went wrong",
    sign_in: "Sign in",
};

/// The labels in `lang`.
pub fn labels(lang: Lang) -> &'static Labels {
    lang.pick(&VI, &EN)
}
