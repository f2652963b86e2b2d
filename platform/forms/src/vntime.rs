//! Times and dates as the forms print them, in Vietnam time.
//!
//! Inputs are `DateTime<Utc>`, as the rest of the platform stores them; they are shown at UTC+7,
//! Vietnam's only offset since 1975 (no daylight saving), so a fixed offset is exact.
//!
//! Rules kept (Decree 30/2020/NĐ-CP on official documents, Appendix I): in the place-and-date
//! line a day below 10 and the months 1 and 2 take a leading zero ("ngày 05 tháng 02 năm 2026",
//! "ngày 15 tháng 3 năm 2026"), so that nobody can add a digit by hand. Elsewhere dates are
//! `dd/mm/yyyy` and clock times `hh giờ mm phút`, 24-hour.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike, Utc};

/// Vietnam's offset from UTC.
const VIETNAM: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+7 is a valid offset"),
};

fn local(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&VIETNAM)
}

/// "08 giờ 30 phút, ngày 02/01/2026": the clock time and date of the Circular's time lines.
pub(crate) fn clock_and_date(t: DateTime<Utc>) -> String {
    let t = local(t);
    format!(
        "{:02} giờ {:02} phút, ngày {}",
        t.hour(),
        t.minute(),
        date(t.date_naive())
    )
}

/// "02/01/2026 08:30": a time in a table cell.
pub(crate) fn short(t: DateTime<Utc>) -> String {
    let t = local(t);
    format!("{} {:02}:{:02}", date(t.date_naive()), t.hour(), t.minute())
}

/// "02/01/2026".
pub(crate) fn date(d: NaiveDate) -> String {
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

/// The date of `t` in Vietnam.
pub(crate) fn local_date(t: DateTime<Utc>) -> NaiveDate {
    local(t).date_naive()
}

/// "Thanh Hóa, ngày 05 tháng 02 năm 2026": the place-and-date line under the national motto.
pub(crate) fn place_and_date(place: &str, d: NaiveDate) -> String {
    let month = if d.month() <= 2 {
        format!("{:02}", d.month())
    } else {
        d.month().to_string()
    };
    format!(
        "{place}, ngày {:02} tháng {month} năm {}",
        d.day(),
        d.year()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_are_shown_in_vietnam() {
        // 17:45 UTC is 00:45 the next day in Vietnam.
        let t = Utc.with_ymd_and_hms(2026, 1, 1, 17, 45, 0).unwrap();
        assert_eq!(clock_and_date(t), "00 giờ 45 phút, ngày 02/01/2026");
        assert_eq!(short(t), "02/01/2026 00:45");
        assert_eq!(local_date(t), NaiveDate::from_ymd_opt(2026, 1, 2).unwrap());
    }

    #[test]
    fn the_date_line_pads_small_days_and_the_first_two_months() {
        let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert_eq!(
            place_and_date("Huế", d(2, 5)),
            "Huế, ngày 05 tháng 02 năm 2026"
        );
        assert_eq!(
            place_and_date("Huế", d(3, 15)),
            "Huế, ngày 15 tháng 3 năm 2026"
        );
        assert_eq!(
            place_and_date("Huế", d(12, 1)),
            "Huế, ngày 01 tháng 12 năm 2026"
        );
    }
}
