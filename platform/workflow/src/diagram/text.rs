//! The words of the diagram: XML escaping, width estimates, wrapping, and how deadlines, timers
//! and join modes read in each language.
//!
//! Rules: every piece of text from a procedure file goes through [`escape`] on its way into the
//! SVG, which also replaces characters XML 1.0 forbids, so a stray control character in a name
//! cannot make the document unreadable. There are no font metrics here: widths are a per-size
//! estimate from the number of characters, generous enough for Vietnamese diacritics.

use motcua_core::lang::Lang;
use motcua_core::procedure::{ProcessingTime, TimeUnit};

use crate::schema::{JoinMode, Recipient, Timer};

/// Estimated advance of one character of the 13 px bold step names.
pub(super) const NAME_PX: f64 = 7.4;
/// Estimated advance of one character at the 12 px of the lines under a name.
pub(super) const META_PX: f64 = 6.8;
/// Estimated advance of one character at the 11 px of edge labels and timers.
pub(super) const SMALL_PX: f64 = 6.2;

/// Appends `s` escaped for XML text or a double-quoted attribute.
pub(super) fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Line breaks would be collapsed by SVG anyway; other controls are not XML at all.
            c if u32::from(c) < 0x20 => out.push(' '),
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// `s` escaped for XML.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s);
    out
}

/// Characters that take horizontal room: combining marks (decomposed Vietnamese) do not.
pub(super) fn chars(s: &str) -> usize {
    s.chars()
        .filter(|c| !('\u{0300}'..='\u{036F}').contains(c))
        .count()
}

/// Estimated width of `s` at `px` per character.
pub(super) fn width(s: &str, px: f64) -> f64 {
    chars(s) as f64 * px
}

/// `s` cut to at most `max` characters, ending with `…` when cut.
pub(super) fn truncate(s: &str, max: usize) -> String {
    if chars(s) <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// `s` on at most `lines` lines of at most `max` characters, broken between words where it
/// can; what still does not fit ends the last line with `…`.
pub(super) fn wrap(s: &str, max: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in s.split_whitespace() {
        let needed = chars(&current) + usize::from(!current.is_empty()) + chars(word);
        if !current.is_empty() && needed > max {
            out.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() || out.is_empty() {
        out.push(current);
    }
    if out.len() == 2
        && lines >= 2
        && let Some(even) = balanced(s, max)
    {
        return even;
    }
    if out.len() > lines {
        let rest = out.split_off(lines - 1).join(" ");
        out.push(rest);
    }
    out.iter().map(|line| truncate(line, max)).collect()
}

/// `s` on two lines of at most `max` characters, as even as its words allow, so that no word
/// is left alone on the second line.
fn balanced(s: &str, max: usize) -> Option<Vec<String>> {
    let words: Vec<&str> = s.split_whitespace().collect();
    (1..words.len())
        .map(|k| (words[..k].join(" "), words[k..].join(" ")))
        .filter(|(a, b)| chars(a) <= max && chars(b) <= max)
        .min_by_key(|(a, b)| chars(a).max(chars(b)))
        .map(|(a, b)| vec![a, b])
}

/// A length of time: `5 ngày làm việc`, `5 working days`.
pub(super) fn duration(time: ProcessingTime, lang: Lang) -> String {
    match lang {
        Lang::En => time.to_string(),
        Lang::Vi => {
            let unit = match time.unit {
                TimeUnit::WorkingDays => "ngày làm việc",
                TimeUnit::WorkingHours => "giờ làm việc",
                TimeUnit::Days => "ngày",
            };
            format!("{} {unit}", time.value)
        }
    }
}

/// A step's deadline: `≤ 5 ngày làm việc`.
pub(super) fn deadline(time: ProcessingTime, lang: Lang) -> String {
    format!("≤ {}", duration(time, lang))
}

/// When a timer fires: `+3 ngày làm việc`, `4 working hours before due`.
pub(super) fn timer_when(timer: &Timer, lang: Lang) -> String {
    match (timer.after, timer.before_due) {
        (Some(after), _) => format!("+{}", duration(after, lang)),
        (None, Some(before)) => {
            let d = duration(before, lang);
            lang.pick(format!("{d} trước hạn"), format!("{d} before due"))
        }
        (None, None) => "?".to_owned(),
    }
}

/// A timer, as one line on its step: `+1 ngày: nhắc người xử lý`, `… : goto → dung-xu-ly`.
pub(super) fn timer(timer: &Timer, lang: Lang) -> String {
    let mut what = Vec::new();
    if !timer.remind.is_empty() {
        let who: Vec<&str> = timer.remind.iter().map(|r| recipient(*r, lang)).collect();
        what.push(format!(
            "{} {}",
            lang.pick("nhắc", "remind"),
            who.join(", ")
        ));
    }
    if let Some(role) = &timer.escalate_to {
        what.push(lang.pick(format!("chuyển lên {role}"), format!("escalate to {role}")));
    }
    if let Some(step) = &timer.goto {
        what.push(lang.pick(format!("chuyển → {step}"), format!("goto → {step}")));
    }
    if what.is_empty() {
        what.push(lang.pick("không làm gì", "does nothing").to_owned());
    }
    format!("{}: {}", timer_when(timer, lang), what.join("; "))
}

fn recipient(r: Recipient, lang: Lang) -> &'static str {
    match r {
        Recipient::Applicant => lang.pick("người nộp", "applicant"),
        Recipient::Assignee => lang.pick("người xử lý", "assignee"),
        Recipient::Candidates => lang.pick("nhóm xử lý", "candidates"),
    }
}

/// How many branches a join waits for: `all`, `any`, `2 of 3` (`≥ 2` when the number of
/// branches is unknown).
pub(super) fn join_mode(mode: JoinMode, branches: Option<usize>, lang: Lang) -> String {
    match (mode, branches) {
        (JoinMode::All, _) => lang.pick("chờ tất cả", "all").to_owned(),
        (JoinMode::Any, _) => lang.pick("chờ bất kỳ", "any").to_owned(),
        (JoinMode::AtLeast(n), Some(total)) => {
            lang.pick(format!("{n} trong {total}"), format!("{n} of {total}"))
        }
        (JoinMode::AtLeast(n), None) => format!("≥ {n}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_what_xml_forbids() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{1}\u{FFFF}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt; \u{FFFD}"
        );
    }

    #[test]
    fn wraps_on_words_and_marks_what_is_cut() {
        assert_eq!(wrap("Tiếp nhận", 20, 2), ["Tiếp nhận"]);
        assert_eq!(
            wrap("Thẩm định hồ sơ cấp giấy phép xây dựng nhà ở", 20, 2),
            ["Thẩm định hồ sơ cấp", "giấy phép xây dựng…"]
        );
        assert_eq!(
            wrap("Thẩm định hồ sơ thiết kế xây dựng", 30, 2),
            ["Thẩm định hồ sơ", "thiết kế xây dựng"]
        );
        assert_eq!(wrap("a bcdefghijklmnop", 8, 2), ["a", "bcdefgh…"]);
        assert_eq!(wrap("", 20, 2), [""]);
        assert_eq!(
            truncate("form.area > 250.0 && form.floors > 3", 12),
            "form.area >…"
        );
        assert_eq!(chars("Tie\u{0302}\u{0301}p"), 4);
    }

    #[test]
    fn durations_read_naturally() {
        let five = ProcessingTime {
            value: 5,
            unit: TimeUnit::WorkingDays,
        };
        assert_eq!(deadline(five, Lang::Vi), "≤ 5 ngày làm việc");
        assert_eq!(deadline(five, Lang::En), "≤ 5 working days");
        assert_eq!(join_mode(JoinMode::AtLeast(2), Some(3), Lang::En), "2 of 3");
    }
}
