//! The words of the statistics page, in Vietnamese and English.

use motcua_core::lang::Lang;

/// The labels of the statistics page.
#[derive(Debug)]
pub(crate) struct StatisticsLabels {
    /// The page's title.
    pub(crate) title: &'static str,
    /// What the figures are.
    pub(crate) intro: &'static str,
    /// Before the period.
    pub(crate) period: &'static str,
    /// The first month's field.
    pub(crate) from: &'static str,
    /// The last month's field.
    pub(crate) to: &'static str,
    /// The fields' hint.
    pub(crate) month_hint: &'static str,
    /// The button.
    pub(crate) show: &'static str,
    /// The divisions' section.
    pub(crate) divisions: &'static str,
    /// The procedures' section.
    pub(crate) procedures: &'static str,
    /// A division's column.
    pub(crate) division: &'static str,
    /// A procedure's column.
    pub(crate) procedure: &'static str,
    /// Received.
    pub(crate) received: &'static str,
    /// Online rate.
    pub(crate) online: &'static str,
    /// A level-3 procedure whose online rate allows it to move to level 4 (Art. 21.1.c).
    pub(crate) ready_for_level_4: &'static str,
    /// Finished.
    pub(crate) finished: &'static str,
    /// Finished on time.
    pub(crate) on_time: &'static str,
    /// On-time rate.
    pub(crate) on_time_rate: &'static str,
    /// Satisfaction.
    pub(crate) satisfaction: &'static str,
    /// Ratings.
    pub(crate) ratings: &'static str,
    /// The on-time chart's title.
    pub(crate) chart_on_time: &'static str,
    /// The satisfaction chart's title.
    pub(crate) chart_satisfaction: &'static str,
    /// What the charts are.
    pub(crate) chart_note: &'static str,
    /// Dossiers of no known division.
    pub(crate) other: &'static str,
    /// How the figures are counted.
    pub(crate) method: &'static str,
    /// The JSON API's link.
    pub(crate) data: &'static str,
}

const VI: StatisticsLabels = StatisticsLabels {
    title: "Thống kê giải quyết thủ tục hành chính",
    intro: "Số liệu công khai về việc tiếp nhận, giải quyết hồ sơ và mức độ hài lòng của người dân, theo cơ quan và theo thủ tục.",
    period: "Kỳ thống kê",
    from: "Từ tháng",
    to: "Đến tháng",
    month_hint: "Dạng năm-tháng, ví dụ 2026-01.",
    show: "Xem thống kê",
    divisions: "Theo cơ quan, đơn vị",
    procedures: "Theo thủ tục hành chính",
    division: "Cơ quan, đơn vị",
    procedure: "Thủ tục",
    received: "Hồ sơ tiếp nhận",
    online: "Tỷ lệ nộp trực tuyến",
    ready_for_level_4: "Đủ điều kiện nâng lên mức độ 4 (từ 30 % hồ sơ nộp trực tuyến)",
    finished: "Đã giải quyết",
    on_time: "Giải quyết đúng hạn",
    on_time_rate: "Tỷ lệ đúng hạn",
    satisfaction: "Tỷ lệ hài lòng",
    ratings: "Lượt đánh giá",
    chart_on_time: "Tỷ lệ giải quyết đúng hạn",
    chart_satisfaction: "Tỷ lệ hài lòng",
    chart_note: "Biểu đồ minh họa số liệu của bảng trên.",
    other: "Khác",
    method: "Hồ sơ tiếp nhận tính theo ngày tiếp nhận trong kỳ; hồ sơ đã giải quyết là hồ sơ đã trả kết quả trong kỳ, đúng hạn gồm trước hạn và đúng hạn; tỷ lệ hài lòng là tỷ lệ đánh giá chung “rất hài lòng” hoặc “hài lòng”.",
    data: "Dữ liệu dạng JSON",
};

const EN: StatisticsLabels = StatisticsLabels {
    title: "Statistics of administrative procedures",
    intro: "Public figures on dossiers received and resolved and on citizens' satisfaction, by agency and by procedure.",
    period: "Period",
    from: "From month",
    to: "To month",
    month_hint: "Year-month, for example 2026-01.",
    show: "Show statistics",
    divisions: "By agency",
    procedures: "By procedure",
    division: "Agency",
    procedure: "Procedure",
    received: "Dossiers received",
    online: "Online rate",
    ready_for_level_4: "May move to level 4 (at least 30% of dossiers online)",
    finished: "Resolved",
    on_time: "Resolved on time",
    on_time_rate: "On-time rate",
    satisfaction: "Satisfaction",
    ratings: "Ratings",
    chart_on_time: "Rate resolved on time",
    chart_satisfaction: "Satisfaction rate",
    chart_note: "The chart shows the figures of the table above.",
    other: "Other",
    method: "Dossiers received count by their date of receipt in the period; resolved dossiers are those whose result was returned in the period, on time including early; satisfaction is the share of overall ratings “very satisfied” or “satisfied”.",
    data: "Data as JSON",
};

/// The labels in `lang`.
pub(crate) fn labels(lang: Lang) -> &'static StatisticsLabels {
    lang.pick(&VI, &EN)
}
