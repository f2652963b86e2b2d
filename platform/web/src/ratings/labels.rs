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
};

/// The labels in `lang`.
pub(crate) fn labels(lang: Lang) -> &'static RatingLabels {
    lang.pick(&VI, &EN)
}
