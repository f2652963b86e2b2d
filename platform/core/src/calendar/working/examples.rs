//! Worked examples with the default calendar (07:00–11:30 and 13:30–17:00, Saturday and Sunday
//! off, cutoff 15:00), each computed by hand; they are also the documentation of the rules.
//!
//! 2026: Tết is Monday 16 to Friday 20 February; Hùng Kings' day is Sunday 26 April, so Monday
//! 27 April is off in lieu; 30 April and 1 May are Thursday and Friday; the National Day is
//! Tuesday 1 and Wednesday 2 September.

use chrono::{FixedOffset, TimeZone};

use super::*;
use crate::calendar::spec::DeclaredDay;

use WorkingDuration::{Days, Hours, Minutes};

/// A Vietnam-time instant.
fn vn(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    let zone = FixedOffset::east_opt(7 * 3600).unwrap();
    zone.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap().to_utc()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn calendar() -> WorkingCalendar {
    WorkingCalendar::new(&CalendarSpec::default()).unwrap()
}

#[test]
fn three_days_across_tet() {
    let cal = calendar();
    // Thursday 14:00, before the cutoff: 3 working days are Thursday's last 3 hours, Friday,
    // Monday 23 and Tuesday 24 until 14:00 (Tết closes 16–20 February).
    assert_eq!(
        cal.due(vn(2026, 2, 12, 14, 0), Days(3)),
        vn(2026, 2, 24, 14, 0)
    );
    // Received at 16:00, after the cutoff: it counts from Friday 07:00, and three full working
    // days end with Tuesday.
    assert_eq!(
        cal.intake_start(vn(2026, 2, 12, 16, 0)),
        vn(2026, 2, 13, 7, 0)
    );
    assert_eq!(
        cal.due(vn(2026, 2, 12, 16, 0), Days(3)),
        vn(2026, 2, 24, 17, 0)
    );
    // Exactly 15:00 is not after the cutoff.
    assert_eq!(
        cal.due(vn(2026, 2, 12, 15, 0), Days(3)),
        vn(2026, 2, 24, 15, 0)
    );
    let just_after = vn(2026, 2, 12, 15, 0) + TimeDelta::seconds(1);
    assert_eq!(cal.due(just_after, Days(3)), vn(2026, 2, 24, 17, 0));
}

#[test]
fn a_day_from_the_opening_ends_at_the_close() {
    let cal = calendar();
    let monday = |h, m| vn(2026, 3, 2, h, m);
    assert_eq!(cal.add(monday(7, 0), Days(1)), monday(17, 0));
    assert_eq!(cal.add(monday(9, 0), Days(1)), vn(2026, 3, 3, 9, 0));
    assert_eq!(cal.add(monday(7, 0), Hours(8)), monday(17, 0));
    assert_eq!(cal.add(monday(7, 0), Days(5)), vn(2026, 3, 6, 17, 0));
    // Before opening counts from the opening.
    assert_eq!(cal.add(monday(6, 0), Days(1)), monday(17, 0));
}

#[test]
fn hours_skip_the_lunch_break_and_the_weekend() {
    let cal = calendar();
    // 10:00–11:30 is 1.5 hours; the other 2.5 run from 13:30.
    assert_eq!(
        cal.add(vn(2026, 3, 2, 10, 0), Hours(4)),
        vn(2026, 3, 2, 16, 0)
    );
    // Landing on the start of the break gives 11:30, not 13:30.
    assert_eq!(
        cal.add(vn(2026, 3, 2, 7, 0), Minutes(270)),
        vn(2026, 3, 2, 11, 30)
    );
    // A start during the break counts from 13:30.
    assert_eq!(
        cal.add(vn(2026, 3, 2, 12, 15), Hours(1)),
        vn(2026, 3, 2, 14, 30)
    );
    // Friday 14:00 + 8 hours: 3 on Friday, 4.5 on Monday morning, 0.5 after lunch.
    assert_eq!(
        cal.add(vn(2026, 3, 6, 14, 0), Hours(8)),
        vn(2026, 3, 9, 14, 0)
    );
    assert_eq!(
        cal.add(vn(2026, 3, 6, 14, 0), Days(1)),
        vn(2026, 3, 9, 14, 0)
    );
}

#[test]
fn intake_outside_working_hours() {
    let cal = calendar();
    // Saturday: Monday's opening.
    assert_eq!(cal.intake_start(vn(2026, 3, 7, 9, 0)), vn(2026, 3, 9, 7, 0));
    assert_eq!(
        cal.due(vn(2026, 3, 7, 9, 0), Days(2)),
        vn(2026, 3, 10, 17, 0)
    );
    // Lunch break before the cutoff: the afternoon of the same day.
    assert_eq!(
        cal.intake_start(vn(2026, 3, 9, 12, 0)),
        vn(2026, 3, 9, 13, 30)
    );
    // Before opening: the same day's opening.
    assert_eq!(cal.intake_start(vn(2026, 3, 9, 6, 0)), vn(2026, 3, 9, 7, 0));
    // During working hours before the cutoff: unchanged.
    assert_eq!(
        cal.intake_start(vn(2026, 3, 9, 10, 17)),
        vn(2026, 3, 9, 10, 17)
    );
    // Evening of the day before Tết: after the holiday.
    assert_eq!(
        cal.intake_start(vn(2026, 2, 13, 20, 0)),
        vn(2026, 2, 23, 7, 0)
    );
}

#[test]
fn holidays_of_spring_and_september_2026() {
    let cal = calendar();
    // 30 April and 1 May (Thursday, Friday), then the weekend.
    assert_eq!(
        cal.due(vn(2026, 4, 29, 10, 0), Days(1)),
        vn(2026, 5, 4, 10, 0)
    );
    // Hùng Kings' day on Sunday 26 April: Monday 27 is off in lieu.
    assert_eq!(
        cal.due(vn(2026, 4, 24, 10, 0), Days(1)),
        vn(2026, 4, 28, 10, 0)
    );
    // 1 and 2 September (Tuesday, Wednesday).
    assert_eq!(
        cal.due(vn(2026, 8, 31, 10, 0), Days(1)),
        vn(2026, 9, 3, 10, 0)
    );
    assert!(!cal.is_working_day(date(2026, 4, 27)));
    assert!(!cal.is_working_day(date(2026, 9, 1)));
    assert!(cal.is_working_day(date(2026, 9, 3)));
    assert_eq!(
        cal.next_working_day(date(2026, 2, 13)),
        Some(date(2026, 2, 23))
    );
}

#[test]
fn declared_days_off_and_swapped_working_days() {
    let spec = CalendarSpec {
        days_off: vec![DeclaredDay {
            date: date(2026, 1, 2),
            name: "Nghỉ bù".into(),
        }],
        working_days: vec![DeclaredDay {
            date: date(2026, 1, 10),
            name: "Làm bù".into(),
        }],
        ..CalendarSpec::default()
    };
    let cal = WorkingCalendar::new(&spec).unwrap();
    // 1 January, the declared Friday 2nd, and the weekend.
    assert_eq!(
        cal.due(vn(2025, 12, 31, 10, 0), Days(1)),
        vn(2026, 1, 5, 10, 0)
    );
    // Saturday 10 January is worked.
    assert_eq!(
        cal.due(vn(2026, 1, 8, 10, 0), Days(2)),
        vn(2026, 1, 10, 10, 0)
    );
    assert!(cal.is_working_day(date(2026, 1, 10)));
    assert_eq!(cal.declared_working_days(2026).len(), 1);
    assert!(cal.declared_working_days(2025).is_empty());
    let days_off = cal.days_off(2026).unwrap();
    assert_eq!(days_off[1].date, date(2026, 1, 2));
}

#[test]
fn working_time_between_instants() {
    let cal = calendar();
    let day = TimeDelta::hours(8);
    assert_eq!(
        cal.working_time_between(vn(2026, 2, 12, 14, 0), vn(2026, 2, 24, 14, 0)),
        day * 3
    );
    assert_eq!(
        cal.working_time_between(vn(2026, 3, 6, 17, 0), vn(2026, 3, 9, 7, 0)),
        TimeDelta::zero()
    );
    assert_eq!(
        cal.working_time_between(vn(2026, 3, 9, 12, 0), vn(2026, 3, 9, 14, 0)),
        TimeDelta::minutes(30)
    );
    assert_eq!(
        cal.working_time_between(vn(2026, 3, 9, 14, 0), vn(2026, 3, 9, 12, 0)),
        TimeDelta::zero()
    );
    // 261 weekdays in 2026, 11 of them off (1 Jan, 5 of Tết, 27 Apr, 30 Apr, 1 May, 1–2 Sep).
    assert_eq!(
        cal.working_time_between(vn(2026, 1, 1, 0, 0), vn(2027, 1, 1, 0, 0)),
        day * 250
    );
}

#[test]
fn a_pause_pushes_the_deadline_by_the_time_waited() {
    let cal = calendar();
    let due = vn(2026, 2, 24, 14, 0);
    // Paused Friday 13 at 10:00 with 18 working hours left (5 on Friday, 8 on Monday 23, 5 on
    // Tuesday 24); resumed Wednesday 25 at 09:00: 6 that day, 8 on Thursday, 4 on Friday.
    assert_eq!(
        cal.extend_for_pause(due, vn(2026, 2, 13, 10, 0), vn(2026, 2, 25, 9, 0)),
        vn(2026, 2, 27, 11, 0)
    );
    // Paused after the deadline: nothing remained, the deadline stays.
    assert_eq!(
        cal.extend_for_pause(due, vn(2026, 2, 25, 9, 0), vn(2026, 3, 2, 9, 0)),
        due
    );
    // Paused and resumed outside working hours: nothing moves.
    assert_eq!(
        cal.extend_for_pause(due, vn(2026, 2, 13, 18, 0), vn(2026, 2, 22, 9, 0)),
        due
    );
}

#[test]
fn classification() {
    let cal = calendar();
    let due = vn(2026, 2, 24, 14, 0);
    assert_eq!(
        cal.timeliness(due, vn(2026, 2, 23, 16, 0)),
        Timeliness::Early
    );
    assert_eq!(
        cal.timeliness(due, vn(2026, 2, 24, 8, 0)),
        Timeliness::OnTime
    );
    assert_eq!(cal.timeliness(due, due), Timeliness::OnTime);
    assert_eq!(
        cal.timeliness(due, due + TimeDelta::seconds(1)),
        Timeliness::Late
    );
    assert_eq!(cal.progress(due, due), Progress::WithinDeadline);
    assert_eq!(
        cal.progress(due, due + TimeDelta::seconds(1)),
        Progress::Overdue
    );
    let now = vn(2026, 2, 23, 15, 0);
    assert!(cal.due_soon(due, now, Days(1)));
    assert!(!cal.due_soon(due, now, Hours(4)));
    assert!(!cal.due_soon(due, due + TimeDelta::seconds(1), Days(1)));
    assert_eq!(Timeliness::OnTime.name(crate::lang::Lang::Vi), "Đúng hạn");
    let json = serde_json::to_string(&[Timeliness::OnTime]).unwrap();
    assert_eq!(json, r#"["on_time"]"#);
    assert_eq!(serde_json::to_string(&Days(3)).unwrap(), r#"{"days":3}"#);
}

#[test]
fn the_ends_of_the_supported_range_saturate() {
    let cal = calendar();
    let end = vn(2200, 1, 1, 0, 0);
    assert_eq!(cal.add(vn(2199, 12, 31, 10, 0), Days(5)), end);
    assert_eq!(cal.add(vn(2026, 1, 5, 10, 0), Days(u32::MAX)), end);
    assert_eq!(cal.add(DateTime::<Utc>::MAX_UTC, Hours(1)), end);
    // 1 January 1900 was a Monday, and a holiday; Saigon's clock then ran 7:06:30 ahead of UTC.
    let opening = Tz::Asia__Ho_Chi_Minh
        .with_ymd_and_hms(1900, 1, 2, 7, 0, 0)
        .unwrap();
    assert_eq!(cal.intake_start(DateTime::<Utc>::MIN_UTC), opening.to_utc());
    assert_eq!(
        opening.to_utc(),
        vn(1900, 1, 2, 7, 0) - TimeDelta::seconds(390)
    );
    assert!(!cal.is_working_day(date(2200, 1, 5)));
    assert!(!cal.is_working_day(NaiveDate::MIN));
    assert_eq!(
        cal.days_off(2200),
        Err(CalendarError::YearOutOfRange { year: 2200 })
    );
    let everything = cal.working_time_between(DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
    let supported = cal.working_time_between(opening.to_utc(), end);
    assert_eq!(everything, supported);
}

#[test]
fn the_calendar_is_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync + Clone + fmt::Debug>() {}
    assert_send_sync::<WorkingCalendar>();
    let cal = calendar();
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let cal = cal.clone();
            std::thread::spawn(move || cal.due(vn(2026 + i, 3, 2, 9, 0), Days(10)))
        })
        .collect();
    for handle in handles {
        assert!(handle.join().is_ok());
    }
    assert!(format!("{cal:?}").contains("Asia/Ho_Chi_Minh"));
}

#[test]
fn calendar_day_periods_end_with_a_working_day() {
    let cal = WorkingCalendar::new(&CalendarSpec::default()).unwrap();
    let t = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    // 15 days from Thursday 16 April 2026 is Friday 1 May, a holiday: the period ends at the
    // end of Monday 4 May.
    assert_eq!(
        cal.end_of_day_after(t("2026-04-16T09:00:00+07:00"), 15),
        t("2026-05-04T17:00:00+07:00")
    );
    // An ordinary working day: the end of that day, whatever the time of receipt.
    assert_eq!(
        cal.end_of_day_after(t("2026-03-02T09:00:00+07:00"), 15),
        t("2026-03-17T17:00:00+07:00")
    );
    // Ending on a Saturday: the following Monday.
    assert_eq!(
        cal.end_of_day_after(t("2026-03-02T09:00:00+07:00"), 5),
        t("2026-03-09T17:00:00+07:00")
    );
}
