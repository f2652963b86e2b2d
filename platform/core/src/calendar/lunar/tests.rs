//! Pins the lunar calendar to dates Vietnamese calendars print, and checks its structure.

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

use super::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn tet(year: i32) -> NaiveDate {
    from_lunar(LunarDate::new(year, 1, 1)).unwrap()
}

#[test]
fn tet_2020_to_2035() {
    let expected = [
        (2020, date(2020, 1, 25)),
        (2021, date(2021, 2, 12)),
        (2022, date(2022, 2, 1)),
        (2023, date(2023, 1, 22)),
        (2024, date(2024, 2, 10)),
        (2025, date(2025, 1, 29)),
        (2026, date(2026, 2, 17)),
        (2027, date(2027, 2, 6)),
        (2028, date(2028, 1, 26)),
        (2029, date(2029, 2, 13)),
        // The new moon is at 16:07 UTC on 2 February: 23:07 in Vietnam but 00:07 on the 3rd in
        // Beijing, so Tết 2030 is on the 2nd in Vietnam and on the 3rd in China.
        (2030, date(2030, 2, 2)),
        (2031, date(2031, 1, 23)),
        (2032, date(2032, 2, 11)),
        (2033, date(2033, 1, 31)),
        (2034, date(2034, 2, 19)),
        (2035, date(2035, 2, 8)),
    ];
    for (year, day) in expected {
        assert_eq!(tet(year), day, "Tết {year}");
        assert_eq!(to_lunar(day), Some(LunarDate::new(year, 1, 1)));
    }
}

#[test]
fn vietnam_differs_from_china_where_the_meridian_matters() {
    // China: 1985-02-20, 2007-02-18, 1968-01-30 (the year North Vietnam moved to UTC+7).
    assert_eq!(tet(1985), date(1985, 1, 21));
    assert_eq!(tet(2007), date(2007, 2, 17));
    assert_eq!(tet(1968), date(1968, 1, 29));
}

#[test]
fn hung_kings_day_2020_to_2026() {
    let expected = [
        date(2020, 4, 2),
        date(2021, 4, 21),
        date(2022, 4, 10),
        date(2023, 4, 29),
        date(2024, 4, 18),
        date(2025, 4, 7),
        date(2026, 4, 26),
    ];
    for (year, day) in (2020..).zip(expected) {
        assert_eq!(from_lunar(LunarDate::new(year, 3, 10)), Some(day), "{year}");
    }
}

#[test]
fn leap_months() {
    assert_eq!(leap_month(2020), Some(4));
    assert_eq!(leap_month(2023), Some(2));
    assert_eq!(leap_month(2025), Some(6));
    assert_eq!(leap_month(2026), None);
    assert_eq!(leap_month(2033), Some(11));
    assert_eq!(leap_month(2034), None);
}

#[test]
fn the_leap_11th_month_of_2033() {
    let month_11 = from_lunar(LunarDate::new(2033, 11, 1)).unwrap();
    let leap_11 = from_lunar(LunarDate {
        leap: true,
        ..LunarDate::new(2033, 11, 1)
    })
    .unwrap();
    let month_12 = from_lunar(LunarDate::new(2033, 12, 1)).unwrap();
    assert!(month_11 < leap_11 && leap_11 < month_12);
    assert!(month_11 <= date(2033, 12, 21) && date(2033, 12, 21) < leap_11);
    assert_eq!(
        to_lunar(leap_11 + chrono::Days::new(3)).map(|l| (l.year, l.month, l.day, l.leap)),
        Some((2033, 11, 4, true))
    );
    // Month 12 of lunar 2033 still ends the year: Tết 2034 follows it.
    let last = tet(2034).pred_opt().unwrap();
    assert_eq!(to_lunar(last).map(|l| (l.year, l.month)), Some((2033, 12)));
}

#[test]
fn days_that_do_not_exist() {
    assert_eq!(
        from_lunar(LunarDate {
            leap: true,
            ..LunarDate::new(2026, 3, 1)
        }),
        None
    );
    assert_eq!(from_lunar(LunarDate::new(2026, 13, 1)), None);
    assert_eq!(from_lunar(LunarDate::new(2026, 0, 1)), None);
    assert_eq!(from_lunar(LunarDate::new(2026, 1, 0)), None);
    assert_eq!(from_lunar(LunarDate::new(2026, 1, 31)), None);
    // Month 12 of lunar 2025 has 29 days: Tết 2026 is the day after the 29th.
    assert_eq!(
        from_lunar(LunarDate::new(2025, 12, 29)),
        Some(date(2026, 2, 16))
    );
    assert_eq!(from_lunar(LunarDate::new(2025, 12, 30)), None);
}

#[test]
fn outside_the_supported_range_is_none() {
    assert_eq!(to_lunar(date(1899, 12, 31)), None);
    assert_eq!(to_lunar(date(2200, 1, 1)), None);
    assert_eq!(to_lunar(NaiveDate::MIN), None);
    assert_eq!(to_lunar(NaiveDate::MAX), None);
    assert!(to_lunar(date(1900, 1, 1)).is_some());
    assert!(to_lunar(date(2199, 12, 31)).is_some());
    assert_eq!(from_lunar(LunarDate::new(i32::MAX, 1, 1)), None);
    assert_eq!(from_lunar(LunarDate::new(i32::MIN, 1, 1)), None);
    assert_eq!(from_lunar(LunarDate::new(2250, 1, 1)), None);
    assert_eq!(leap_month(1800), None);
}

#[test]
fn astronomy_matches_meeus_worked_examples() {
    // Example 49.a: the new moon of February 1977.
    assert!((new_moon_jde(-283.0) - 2_443_192.651_18).abs() < 0.000_01);
    // Example 25.a: the sun on 1992-10-13 0h TD, 199.90895° (high precision).
    assert!((sun_longitude(2_448_908.5 - 59.0 / 86_400.0) - 199.909).abs() < 0.01);
}

#[test]
fn every_year_has_well_formed_months() {
    for year in SUPPORTED_YEARS.start() - 1..=*SUPPORTED_YEARS.end() {
        let span = Span::of(year);
        for i in 0..span.months {
            let length = span.starts[i + 1] - span.starts[i];
            assert!(
                (29..=30).contains(&length),
                "{year}: month {i} has {length} days"
            );
        }
        assert_eq!(span.leap.is_some(), span.months == 13, "{year}");
        let total = span.starts[span.months] - span.starts[0];
        assert!((353..=385).contains(&total), "{year}: {total} days");
    }
}

proptest! {
    // Failures are kept next to this file, where they can be committed as regression cases.
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn gregorian_round_trips(offset in 0_u64..109_573) {
        let day = date(1900, 1, 1) + chrono::Days::new(offset);
        let lunar = to_lunar(day).unwrap();
        prop_assert_eq!(from_lunar(lunar), Some(day));
    }

    #[test]
    fn lunar_round_trips(year in 1900_i32..2199, month in 1_u8..=12, day in 1_u8..=30, leap: bool) {
        let lunar = LunarDate { year, month, day, leap };
        if let Some(date) = from_lunar(lunar) {
            prop_assert_eq!(to_lunar(date), Some(lunar));
        }
    }

    #[test]
    fn consecutive_days_advance_by_one(offset in 0_u64..109_572) {
        let day = date(1900, 1, 1) + chrono::Days::new(offset);
        let (a, b) = (to_lunar(day).unwrap(), to_lunar(day.succ_opt().unwrap()).unwrap());
        prop_assert!(b.day == a.day + 1 || (b.day == 1 && (29..=30).contains(&a.day)));
    }
}
