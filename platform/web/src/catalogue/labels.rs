//! The words of the catalogue and procedure pages, in Vietnamese and English.

use motcua_core::dossier::{ApplicantKind, Channel};
use motcua_core::lang::Lang;
use motcua_core::procedure::DocumentForm;

/// The catalogue's and the procedure page's labels.
#[derive(Debug)]
pub(crate) struct CatalogueLabels {
    pub(crate) catalogue: &'static str,
    pub(crate) catalogue_intro: &'static str,
    pub(crate) search_label: &'static str,
    pub(crate) search_hint: &'static str,
    pub(crate) search_button: &'static str,
    pub(crate) browse: &'static str,
    pub(crate) filters: &'static str,
    pub(crate) sector: &'static str,
    pub(crate) agency: &'static str,
    pub(crate) online_level: &'static str,
    pub(crate) all: &'static str,
    pub(crate) results: &'static str,
    pub(crate) no_results: &'static str,
    pub(crate) clear: &'static str,
    pub(crate) pages: &'static str,
    pub(crate) previous: &'static str,
    pub(crate) next: &'static str,
    pub(crate) code: &'static str,
    pub(crate) local_code: &'static str,
    pub(crate) time: &'static str,
    pub(crate) steps: &'static str,
    pub(crate) documents: &'static str,
    pub(crate) case: &'static str,
    pub(crate) optional: &'static str,
    pub(crate) template: &'static str,
    pub(crate) fees: &'static str,
    pub(crate) no_fees: &'static str,
    pub(crate) free: &'static str,
    pub(crate) eligibility: &'static str,
    pub(crate) applicants: &'static str,
    pub(crate) outcomes: &'static str,
    pub(crate) legal_basis: &'static str,
    pub(crate) channels: &'static str,
    pub(crate) desk: &'static str,
    pub(crate) division: &'static str,
    pub(crate) apply: &'static str,
    pub(crate) apply_intro: &'static str,
    pub(crate) not_online: &'static str,
    pub(crate) back: &'static str,
    pub(crate) summary: &'static str,
}

const VI: CatalogueLabels = CatalogueLabels {
    catalogue: "Danh mục thủ tục hành chính",
    catalogue_intro: "Tìm thủ tục theo tên, mã hoặc từ khóa, có dấu hay không dấu đều được; lọc theo lĩnh vực, cơ quan thực hiện và mức độ trực tuyến.",
    search_label: "Tìm thủ tục",
    search_hint: "Ví dụ: đăng ký khai sinh, dang ky khai sinh, 1.001193",
    search_button: "Tìm kiếm",
    browse: "Xem tất cả thủ tục",
    filters: "Lọc thủ tục",
    sector: "Lĩnh vực",
    agency: "Cơ quan thực hiện",
    online_level: "Mức độ trực tuyến",
    all: "Tất cả",
    results: "Kết quả",
    no_results: "Không có thủ tục nào phù hợp với từ khóa và bộ lọc đã chọn.",
    clear: "Xóa từ khóa và bộ lọc để xem tất cả thủ tục",
    pages: "Phân trang",
    previous: "Trang trước",
    next: "Trang sau",
    code: "Mã thủ tục",
    local_code: "Mã thủ tục tại địa phương",
    time: "Thời hạn giải quyết",
    steps: "Trình tự thực hiện",
    documents: "Thành phần hồ sơ",
    case: "Trường hợp",
    optional: "không bắt buộc",
    template: "Mẫu đơn, tờ khai",
    fees: "Phí, lệ phí",
    no_fees: "Không thu phí, lệ phí.",
    free: "Miễn phí",
    eligibility: "Yêu cầu, điều kiện thực hiện",
    applicants: "Đối tượng thực hiện",
    outcomes: "Kết quả thực hiện",
    legal_basis: "Căn cứ pháp lý",
    channels: "Cách thức nộp hồ sơ",
    desk: "Nơi tiếp nhận hồ sơ",
    division: "Đơn vị giải quyết",
    apply: "Nộp hồ sơ trực tuyến",
    apply_intro: "Thủ tục này nhận hồ sơ trực tuyến trên Cổng.",
    not_online: "Thủ tục này chưa nhận hồ sơ trực tuyến trên Cổng; vui lòng nộp theo các cách dưới đây.",
    back: "Về danh mục thủ tục",
    summary: "Thông tin chung",
};

const EN: CatalogueLabels = CatalogueLabels {
    catalogue: "Procedure catalogue",
    catalogue_intro: "Find a procedure by name, code or key words, with or without Vietnamese accents; filter by sector, agency and online level.",
    search_label: "Search procedures",
    search_hint: "For example: birth registration, dang ky khai sinh, 1.001193",
    search_button: "Search",
    browse: "See every procedure",
    filters: "Filter procedures",
    sector: "Sector",
    agency: "Implementing agency",
    online_level: "Online level",
    all: "All",
    results: "Results",
    no_results: "No procedure matches the search and the filters chosen.",
    clear: "Clear the search and the filters to see every procedure",
    pages: "Pages",
    previous: "Previous page",
    next: "Next page",
    code: "Procedure code",
    local_code: "Local procedure code",
    time: "Processing time",
    steps: "Steps",
    documents: "Documents to supply",
    case: "Case",
    optional: "optional",
    template: "Template form",
    fees: "Fees and charges",
    no_fees: "No fee or charge.",
    free: "Free",
    eligibility: "Requirements and conditions",
    applicants: "Who may apply",
    outcomes: "Results",
    legal_basis: "Legal basis",
    channels: "How to submit",
    desk: "Where dossiers are received",
    division: "Handling division",
    apply: "Apply online",
    apply_intro: "This procedure accepts dossiers online on this portal.",
    not_online: "This procedure does not accept dossiers online on this portal yet; please submit in one of the ways below.",
    back: "Back to the catalogue",
    summary: "Overview",
};

/// The labels in `lang`.
pub(crate) fn catalogue_labels(lang: Lang) -> &'static CatalogueLabels {
    lang.pick(&VI, &EN)
}

/// How a channel reads.
pub(crate) fn channel(lang: Lang, c: Channel) -> &'static str {
    match c {
        Channel::Desk => lang.pick(
            "Trực tiếp tại Bộ phận Một cửa",
            "In person at the one-stop desk",
        ),
        Channel::Post => lang.pick("Qua dịch vụ bưu chính", "By post"),
        Channel::Online => lang.pick(
            "Trực tuyến trên Cổng Dịch vụ công này",
            "Online on this public service portal",
        ),
        Channel::NationalPortal => lang.pick(
            "Trực tuyến trên Cổng Dịch vụ công quốc gia",
            "Online on the National Public Service Portal",
        ),
    }
}

/// How a kind of applicant reads.
pub(crate) fn applicant(lang: Lang, a: ApplicantKind) -> &'static str {
    match a {
        ApplicantKind::Citizen => lang.pick("Công dân", "Citizens"),
        ApplicantKind::Business => lang.pick("Doanh nghiệp", "Businesses"),
        ApplicantKind::StateAgency => lang.pick("Cơ quan nhà nước", "State agencies"),
        ApplicantKind::Other => {
            lang.pick("Tổ chức, cá nhân khác", "Other organisations and persons")
        }
    }
}

/// How the form of a document reads.
pub(crate) fn document_form(lang: Lang, f: DocumentForm) -> &'static str {
    match f {
        DocumentForm::Original => lang.pick("Bản chính", "Original"),
        DocumentForm::CertifiedCopy => lang.pick("Bản sao có chứng thực", "Certified copy"),
        DocumentForm::Copy => lang.pick("Bản sao hoặc bản chụp", "Copy"),
        DocumentForm::OriginalForInspection => lang.pick(
            "Bản chính để đối chiếu, nộp bản sao",
            "Original shown for comparison, copy kept",
        ),
    }
}

/// "2 bản" / "2 copies".
pub(crate) fn copies(lang: Lang, n: u32) -> String {
    match lang {
        Lang::Vi => format!("{n} bản"),
        Lang::En if n == 1 => "1 copy".to_owned(),
        Lang::En => format!("{n} copies"),
    }
}

/// An amount in đồng: `200.000 đồng` / `200,000 VND`.
pub(crate) fn money(lang: Lang, amount: u64) -> String {
    let digits = amount.to_string();
    let sep = lang.pick('.', ',');
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(d);
    }
    lang.pick(format!("{out} đồng"), format!("{out} VND"))
}

/// "Tìm thấy 3 thủ tục" / "3 procedures found".
pub(crate) fn found(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Vi => format!("Tìm thấy {n} thủ tục."),
        Lang::En if n == 1 => "1 procedure found.".to_owned(),
        Lang::En => format!("{n} procedures found."),
    }
}

/// "Trang 2 / 5" / "Page 2 of 5".
pub(crate) fn page_of(lang: Lang, page: usize, pages: usize) -> String {
    lang.pick(
        format!("Trang {page} / {pages}"),
        format!("Page {page} of {pages}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_grouped_by_thousands() {
        assert_eq!(money(Lang::Vi, 200000), "200.000 đồng");
        assert_eq!(money(Lang::En, 1234567), "1,234,567 VND");
        assert_eq!(money(Lang::Vi, 500), "500 đồng");
        assert_eq!(money(Lang::En, 0), "0 VND");
    }
}
