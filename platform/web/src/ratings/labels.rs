//! The words of the rating form and of a rating given, in Vietnamese and English.

use motcua_core::lang::Lang;

/// The labels of the rating part of a dossier's page.
#[derive(Debug)]
pub(crate) struct RatingLabels {
    /// The section's title.
    pub(crate) title: &'static str,
    /// What the form is for.
    pub(crate) intro: &'static str,
    /// Overall satisfaction.
    pub(crate) overall: &'static str,
    /// Convenience.
    pub(crate) convenience: &'static str,
    /// Timeliness.
    pub(crate) timeliness: &'static str,
    /// Staff support.
    pub(crate) staff_support: &'static str,
    /// Very satisfied.
    pub(crate) very_satisfied: &'static str,
    /// Satisfied.
    pub(crate) satisfied: &'static str,
    /// Not satisfied.
    pub(crate) not_satisfied: &'static str,
    /// The comment's label.
    pub(crate) comment: &'static str,
    /// The comment's hint.
    pub(crate) comment_hint: &'static str,
    /// The button.
    pub(crate) send: &'static str,
    /// Before the time a rating was given.
    pub(crate) given_at: &'static str,
    /// The page's confirmation after rating.
    pub(crate) thanks: &'static str,
    /// Indicator 3 of the assessment: contacts with the desk.
    pub(crate) desk_contacts: &'static str,
    /// Its answers: none, once, more than once.
    pub(crate) desk_contacts_answers: [&'static str; 3],
    /// Indicator 4: agencies contacted.
    pub(crate) agencies_contacted: &'static str,
    /// Its answers: none, only the desk, more.
    pub(crate) agencies_contacted_answers: [&'static str; 3],
}

const VI: RatingLabels = RatingLabels {
    title: "Đánh giá mức độ hài lòng",
    intro: "Hồ sơ đã có kết quả. Mời bạn đánh giá việc giải quyết hồ sơ; mỗi hồ sơ được đánh giá một lần.",
    overall: "Mức độ hài lòng chung",
    convenience: "Sự thuận tiện khi nộp hồ sơ và nhận kết quả",
    timeliness: "Thời gian giải quyết",
    staff_support: "Sự hướng dẫn, hỗ trợ của cán bộ",
    very_satisfied: "Rất hài lòng",
    satisfied: "Hài lòng",
    not_satisfied: "Không hài lòng",
    comment: "Ý kiến góp ý (không bắt buộc)",
    comment_hint: "Tối đa 2000 ký tự.",
    send: "Gửi đánh giá",
    given_at: "Bạn đã đánh giá lúc",
    thanks: "Cảm ơn bạn đã đánh giá việc giải quyết hồ sơ.",
    desk_contacts: "Số lần bạn phải liên hệ với Bộ phận một cửa để hoàn thiện hồ sơ",
    desk_contacts_answers: ["Không lần nào", "Một lần", "Nhiều hơn một lần"],
    agencies_contacted: "Cơ quan, đơn vị bạn phải liên hệ trong quá trình giải quyết hồ sơ",
    agencies_contacted_answers: [
        "Không phải liên hệ (nộp và nhận kết quả trực tuyến hoặc qua bưu chính)",
        "Chỉ Bộ phận một cửa",
        "Bộ phận một cửa và cơ quan, đơn vị khác",
    ],
};

const EN: RatingLabels = RatingLabels {
    title: "Rate your satisfaction",
    intro: "The dossier is finished. Please rate how it was handled; a dossier is rated once.",
    overall: "Overall satisfaction",
    convenience: "Convenience of applying and receiving the result",
    timeliness: "Time taken",
    staff_support: "Guidance and support from officials",
    very_satisfied: "Very satisfied",
    satisfied: "Satisfied",
    not_satisfied: "Not satisfied",
    comment: "Comment (optional)",
    comment_hint: "At most 2000 characters.",
    send: "Send the rating",
    given_at: "You rated it at",
    thanks: "Thank you for rating how your dossier was handled.",
    desk_contacts: "How many times you had to contact the one-stop desk to complete the dossier",
    desk_contacts_answers: ["Not at all", "Once", "More than once"],
    agencies_contacted: "Agencies you had to contact while the dossier was handled",
    agencies_contacted_answers: [
        "None (applied and received the result online or by post)",
        "Only the one-stop desk",
        "The one-stop desk and other agencies or divisions",
    ],
};

/// The labels in `lang`.
pub(crate) fn labels(lang: Lang) -> &'static RatingLabels {
    lang.pick(&VI, &EN)
}
