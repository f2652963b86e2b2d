//! Invariants of the deadline arithmetic, over random instants of 2025–2028 and random durations,
//! for Vietnam and for a zone with daylight saving.

use std::sync::LazyLock;

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

use super::*;

static CALENDARS: LazyLock<[WorkingCalendar; 3]> = LazyLock::new(|| {
    let vietnam = CalendarSpec::default();
    let paris = CalendarSpec {
        time_zone: Tz::Europe__Paris.into(),
        ..CalendarSpec::default()
    };
    let odd_hours = CalendarSpec {
        working_hours: ["06:15-09:00", "09:00-11:00", "12:10-12:50", "14:00-19:30"]
            .iter()
            .map(|p| p.parse().unwrap())
            .collect(),
        rest_days: vec![crate::calendar::DayOfWeek::Sunday],
        ..CalendarSpec::default()
    };
    [vietnam, paris, odd_hours].map(|spec| WorkingCalendar::new(&spec).unwrap())
});

fn calendar() -> impl Strategy<Value = &'static WorkingCalendar> {
    (0_usize..3).prop_map(|i| &CALENDARS[i])
}

/// An instant in 2025–2028: anywhere, to the nanosecond, or at a whole minute of a Vietnam day
/// where boundaries cluster (openings, the lunch break, the cutoff, closing).
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    let anywhere = (1_735_664_400_i64..1_861_894_800, 0_u32..1_000_000_000)
        .prop_map(|(s, n)| DateTime::from_timestamp(s, n).unwrap());
    let minutes = vec![0_i64, 375, 420, 540, 690, 750, 810, 900, 1020, 1170, 1439];
    let on_a_boundary = (0_i64..1461, proptest::sample::select(minutes)).prop_map(|(d, m)| {
        // 2025-01-01 00:00 in Vietnam.
        DateTime::from_timestamp(1_735_664_400 + d * 86_400 + m * 60, 0).unwrap()
    });
    prop_oneof![anywhere, on_a_boundary]
}

fn duration() -> impl Strategy<Value = WorkingDuration> {
    prop_oneof![
        (0_u32..40).prop_map(WorkingDuration::Days),
        (0_u32..120).prop_map(WorkingDuration::Hours),
        (0_u32..3_000).prop_map(WorkingDuration::Minutes),
    ]
}

proptest! {
    // Failures are kept next to this file, where they can be committed as regression cases.
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_deadline_is_after_its_start_and_in_working_time(
        cal in calendar(), start in instant(), duration in duration(),
    ) {
        let due = cal.add(start, duration);
        prop_assert!(due >= start);
        if cal.amount(duration) > 0 {
            prop_assert!(cal.is_working_time(due) || cal.is_period_end(due), "{due}");
        } else {
            prop_assert_eq!(due, start);
        }
    }

    #[test]
    fn adding_hours_consumes_exactly_that_working_time(
        cal in calendar(), start in instant(), hours in 0_u32..200,
    ) {
        let due = cal.add(start, WorkingDuration::Hours(hours));
        prop_assert_eq!(cal.working_time_between(start, due), TimeDelta::hours(hours.into()));
    }

    #[test]
    fn days_add_up(cal in calendar(), start in instant(), a in 0_u32..25, b in 0_u32..25) {
        use WorkingDuration::Days;
        prop_assert_eq!(cal.add(cal.add(start, Days(a)), Days(b)), cal.add(start, Days(a + b)));
    }

    #[test]
    fn a_day_is_a_days_worth_of_hours(cal in calendar(), start in instant(), n in 0_u32..30) {
        let minutes = u32::try_from(cal.day_length().num_minutes()).unwrap() * n;
        prop_assert_eq!(
            cal.add(start, WorkingDuration::Days(n)),
            cal.add(start, WorkingDuration::Minutes(minutes)),
        );
    }

    #[test]
    fn later_starts_never_give_earlier_deadlines(
        cal in calendar(), a in instant(), b in instant(), duration in duration(),
    ) {
        let (early, late) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(cal.add(early, duration) <= cal.add(late, duration));
    }

    #[test]
    fn intake_start_is_working_time_and_idempotent(cal in calendar(), received in instant()) {
        let start = cal.intake_start(received);
        prop_assert!(start >= received);
        prop_assert!(cal.is_working_time(start));
        prop_assert_eq!(cal.intake_start(start), start);
    }

    #[test]
    fn pauses_never_bring_a_deadline_forward(
        cal in calendar(), received in instant(), duration in duration(),
        pause in 0_i64..2_000_000, wait in 0_i64..2_000_000,
    ) {
        let due = cal.due(received, duration);
        let paused_at = received + TimeDelta::seconds(pause);
        let resumed_at = paused_at + TimeDelta::seconds(wait);
        let extended = cal.extend_for_pause(due, paused_at, resumed_at);
        prop_assert!(extended >= due);
        // The working time left when paused is what is left after resuming.
        if paused_at < due && resumed_at > paused_at {
            let before = cal.working_time_between(paused_at, due);
            let after = cal.working_time_between(resumed_at, extended);
            prop_assert!(extended == due || before == after, "{before} != {after}");
        }
    }

    #[test]
    fn nothing_panics_anywhere(
        seconds in i64::MIN / 1_000_000..i64::MAX / 1_000_000,
        other in any::<i64>(),
        year in any::<i32>(),
        n in any::<u32>(),
    ) {
        let instant = DateTime::from_timestamp(seconds, 0).unwrap_or(DateTime::<Utc>::MAX_UTC);
        let other = DateTime::from_timestamp(other / 1_000_000, 0)
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        for cal in CALENDARS.iter() {
            use WorkingDuration::{Days, Hours, Minutes};
            for duration in [Days(n), Hours(n), Minutes(n)] {
                let due = cal.due(instant, duration);
                let _ = cal.extend_for_pause(due, other, instant);
                let _ = cal.due_soon(due, other, duration);
            }
            let _ = cal.working_time_between(other, instant);
            let _ = cal.days_off(year);
            let _ = cal.is_working_day(cal.local_date(instant));
        }
    }
}
