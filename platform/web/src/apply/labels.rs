//! The words of the online submission's pages (form, review, receipt), in Vietnamese and
//! English.

use motcua_core::lang::Lang;

/// The online submission's labels.
#[derive(Debug)]
pub(crate) struct ApplyLabels {
    pub(crate) title: &'static str,
    pub(crate) intro: &'static str,
    pub(crate) back: &'static str,
    pub(crate) saved: &'static str,
    pub(crate) resumed: &'static str,
    pub(crate) problems: &'static str,
    pub(crate) applicant: &'static str,
    pub(crate) name: &'static str,
    pub(crate) citizen_id: &'static str,
    pub(crate) from_sign_in: &'static str,
    pub(crate) phone: &'static str,
    pub(crate) email: &'static str,
    pub(crate) address: &'static str,
    pub(crate) case: &'static str,
    pub(crate) choose_case: &'static str,
    pub(crate) form: &'static str,
    pub(crate) form_hint: &'static str,
    pub(crate) documents: &'static str,
    pub(crate) documents_hint: &'static str,
    pub(crate) optional: &'static str,
    pub(crate) required: &'static str,
    pub(crate) uploaded: &'static str,
    pub(crate) replace_file: &'static str,
    pub(crate) save: &'static str,
    pub(crate) next: &'static str,
    pub(crate) review_title: &'static str,
    pub(crate) review_intro: &'static str,
    pub(crate) edit: &'static str,
    pub(crate) submit: &'static str,
    pub(crate) nothing: &'static str,
    pub(crate) no_file: &'static str,
    pub(crate) receipt_title: &'static str,
    pub(crate) receipt_intro: &'static str,
    pub(crate) code: &'static str,
    pub(crate) procedure: &'static str,
    pub(crate) received_at: &'static str,
    pub(crate) due_at: &'static str,
    pub(crate) status: &'static str,
    pub(crate) lookup: &'static str,
    pub(crate) qr_hint: &'static str,
    pub(crate) fees: &'static str,
    pub(crate) my_dossier: &'static str,
}

const VI: ApplyLabels = ApplyLabels {
    title: "Nộp hồ sơ trực tuyến",
    intro: "Điền tờ khai và đính kèm giấy tờ. Có thể lưu nháp để làm tiếp sau; hồ sơ chỉ được gửi khi bạn bấm “Nộp hồ sơ” ở bước xem lại.",
    back: "← Về trang thủ tục",
    saved: "Đã lưu nháp. Bạn có thể quay lại trang này để làm tiếp bất cứ lúc nào.",
    resumed: "Đang tiếp tục bản nháp đã lưu lúc",
    problems: "Hồ sơ chưa hợp lệ: vui lòng sửa các mục sau",
    applicant: "Người nộp hồ sơ",
    name: "Họ và tên",
    citizen_id: "Số định danh cá nhân",
    from_sign_in: "Theo thông tin đăng nhập qua Cổng Dịch vụ công quốc gia.",
    phone: "Số điện thoại",
    email: "Thư điện tử",
    address: "Địa chỉ liên hệ",
    case: "Trường hợp",
    choose_case: "Chọn trường hợp này",
    form: "Tờ khai",
    form_hint: "Mục có dấu * là bắt buộc. Mục ghi “Chỉ điền khi …” chỉ cần điền khi điều kiện đó đúng.",
    documents: "Thành phần hồ sơ",
    documents_hint: "Đính kèm bản điện tử của từng giấy tờ",
    optional: "Không bắt buộc",
    required: "Bắt buộc",
    uploaded: "Đã tải lên",
    replace_file: "Chọn tệp khác để thay",
    save: "Lưu nháp",
    next: "Tiếp tục",
    review_title: "Xem lại hồ sơ trước khi nộp",
    review_intro: "Kiểm tra lại thông tin. Bấm “Sửa” để thay đổi, hoặc “Nộp hồ sơ” để gửi hồ sơ đến cơ quan giải quyết.",
    edit: "Sửa",
    submit: "Nộp hồ sơ",
    nothing: "(không điền)",
    no_file: "(chưa đính kèm)",
    receipt_title: "Biên nhận hồ sơ nộp trực tuyến",
    receipt_intro: "Hồ sơ của bạn đã được tiếp nhận trên Cổng. Hãy ghi lại mã hồ sơ để tra cứu.",
    code: "Mã hồ sơ",
    procedure: "Thủ tục",
    received_at: "Thời điểm tiếp nhận",
    due_at: "Ngày hẹn trả kết quả",
    status: "Tình trạng",
    lookup: "Tra cứu tình trạng hồ sơ",
    qr_hint: "Quét mã QR để tra cứu tình trạng hồ sơ.",
    fees: "Phí, lệ phí",
    my_dossier: "Xem hồ sơ của tôi",
};

const EN: ApplyLabels = ApplyLabels {
    title: "Apply online",
    intro: "Fill in the form and attach the documents. You can save a draft and come back later; the dossier is sent only when you press “Submit” on the review step.",
    back: "← Back to the procedure",
    saved: "Draft saved. You can come back to this page to continue at any time.",
    resumed: "Continuing the draft saved at",
    problems: "The application is not complete yet: please correct the following",
    applicant: "Applicant",
    name: "Full name",
    citizen_id: "Citizen identity number",
    from_sign_in: "As given by your sign-in through the national public service portal.",
    phone: "Telephone",
    email: "E-mail",
    address: "Contact address",
    case: "Case",
    choose_case: "Use this case",
    form: "Application form",
    form_hint: "Fields marked * are required. Fields marked “Fill in only when …” are needed only when that holds.",
    documents: "Documents",
    documents_hint: "Attach an electronic copy of each document",
    optional: "Optional",
    required: "Required",
    uploaded: "Uploaded",
    replace_file: "Choose another file to replace it",
    save: "Save draft",
    next: "Continue",
    review_title: "Review your application before submitting",
    review_intro: "Check the information. Press “Edit” to change it, or “Submit” to send the dossier to the competent agency.",
    edit: "Edit",
    submit: "Submit",
    nothing: "(not filled in)",
    no_file: "(not attached)",
    receipt_title: "Receipt of your online dossier",
    receipt_intro: "Your dossier has been received on the portal. Keep its code to look it up.",
    code: "Dossier code",
    procedure: "Procedure",
    received_at: "Received",
    due_at: "Result due",
    status: "Status",
    lookup: "Look up the dossier's status",
    qr_hint: "Scan the QR code to look up the dossier's status.",
    fees: "Fees and charges",
    my_dossier: "View my dossier",
};

/// The labels in `lang`.
pub(crate) fn apply_labels(lang: Lang) -> &'static ApplyLabels {
    lang.pick(&VI, &EN)
}

/// An amount in đồng, grouped in thousands as the language writes them.
pub(crate) fn money(lang: Lang, amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(lang.pick('.', ','));
        }
        out.push(c);
    }
    lang.pick(format!("{out} đồng"), format!("{out} VND"))
}

/// A file size in words.
pub(crate) fn size(bytes: u64) -> String {
    motcua_workflow::schema::FileSize(bytes).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_grouped_in_thousands() {
        assert_eq!(money(Lang::Vi, 200_000), "200.000 đồng");
        assert_eq!(money(Lang::En, 1_234_567), "1,234,567 VND");
        assert_eq!(money(Lang::En, 500), "500 VND");
    }
}
