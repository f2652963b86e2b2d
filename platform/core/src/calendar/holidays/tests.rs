//! Holiday lists checked against the government's announcements of recent years.

use super::*;
use crate::calendar::spec::CalendarSpec;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn rules(edit: impl FnOnce(&mut CalendarSpec)) -> HolidayRules {
    let mut spec = CalendarSpec::default();
    edit(&mut spec);
    spec.check().unwrap()
}

fn dates(rules: &HolidayRules, year: i32) -> Vec<NaiveDate> {
    rules
        .days_off(year)
        .unwrap()
        .into_iter()
        .map(|d| d.date)
        .collect()
}

#[test]
fn the_days_off_of_2026() {
    use DayOffReason::*;
    let expected = vec![
        (date(2026, 1, 1), NewYear),
        (date(2026, 2, 16), Tet),
        (date(2026, 2, 17), Tet),
        (date(2026, 2, 18), Tet),
        (date(2026, 2, 19), Tet),
        (date(2026, 2, 20), Tet),
        // Hùng Kings' day is a Sunday: the Monday after is off instead.
        (date(2026, 4, 26), HungKings),
        (
            date(2026, 4, 27),
            Compensatory {
                for_date: date(2026, 4, 26),
            },
        ),
        (date(2026, 4, 30), ReunificationDay),
        (date(2026, 5, 1), LabourDay),
        // 2 September is a Wednesday: `auto` joins the 1st.
        (date(2026, 9, 1), NationalDay),
        (date(2026, 9, 2), NationalDay),
    ];
    let actual: Vec<_> = rules(|_| {})
        .days_off(2026)
        .unwrap()
        .into_iter()
        .map(|d| (d.date, d.reason))
        .collect();
    assert_eq!(actual, expected);
}

#[test]
fn tet_on_a_weekend_gives_days_in_lieu_after_it() {
    // Tết 2024 is Saturday 10 February: the 9th to the 13th, plus the 14th and 15th in lieu.
    let days = rules(|_| {}).days_off(2024).unwrap();
    let tet: Vec<_> = days.iter().filter(|d| d.date.month() == 2).collect();
    let expected = [9, 10, 11, 12, 13, 14, 15].map(|d| date(2024, 2, d));
    assert_eq!(tet.iter().map(|d| d.date).collect::<Vec<_>>(), expected);
    assert_eq!(
        tet[5].reason,
        DayOffReason::Compensatory {
            for_date: date(2024, 2, 10)
        }
    );
    assert_eq!(
        tet[6].reason,
        DayOffReason::Compensatory {
            for_date: date(2024, 2, 11)
        }
    );
}

#[test]
fn days_in_lieu_skip_other_holidays_and_each_other() {
    // 2023: Hùng Kings' day Saturday 29 April, 30 April a Sunday, 1 May a Monday: offices closed
    // from 29 April to 3 May, as the government announced.
    let days = rules(|_| {}).days_off(2023).unwrap();
    let spring: Vec<_> = days
        .iter()
        .filter(|d| (4..=5).contains(&d.date.month()))
        .collect();
    let expected = [(4, 29), (4, 30), (5, 1), (5, 2), (5, 3)].map(|(m, d)| date(2023, m, d));
    assert_eq!(spring.iter().map(|d| d.date).collect::<Vec<_>>(), expected);
    assert_eq!(
        spring[3].reason,
        DayOffReason::Compensatory {
            for_date: date(2023, 4, 29)
        }
    );
    assert_eq!(
        spring[4].reason,
        DayOffReason::Compensatory {
            for_date: date(2023, 4, 30)
        }
    );
}

#[test]
fn new_year_on_a_weekend() {
    let rules = rules(|_| {});
    assert_eq!(
        dates(&rules, 2022)[..2],
        [date(2022, 1, 1), date(2022, 1, 3)]
    );
    assert_eq!(
        dates(&rules, 2023)[..2],
        [date(2023, 1, 1), date(2023, 1, 2)]
    );
}

#[test]
fn national_day_auto_matches_the_governments_choices() {
    let rules = rules(|_| {});
    let september = |year| -> Vec<u32> {
        dates(&rules, year)
            .into_iter()
            .filter(|d| d.month() == 9)
            .map(|d| d.day())
            .collect()
    };
    assert_eq!(september(2021), [2, 3]); // Thursday: Thursday to Sunday
    assert_eq!(september(2022), [1, 2]); // Friday
    assert_eq!(september(2023), [1, 2, 4]); // Saturday, with Monday in lieu
    assert_eq!(september(2024), [2, 3]); // Monday: Saturday to Tuesday
    assert_eq!(september(2025), [1, 2]); // Tuesday: Saturday to Tuesday
}

#[test]
fn national_day_extra_can_be_fixed() {
    let before = rules(|s| s.national_day_extra = NationalDayExtra::Before);
    let after = rules(|s| s.national_day_extra = NationalDayExtra::After);
    assert!(dates(&before, 2024).contains(&date(2024, 9, 1)));
    assert!(dates(&after, 2026).contains(&date(2026, 9, 3)));
}

#[test]
fn tet_days_before_moves_the_five_days() {
    let none_before = rules(|s| s.tet_days_before = 0);
    let february: Vec<_> = dates(&none_before, 2026)
        .into_iter()
        .filter(|d| d.month() == 2)
        .collect();
    // 17–21 February; Saturday the 21st gives Monday the 23rd.
    let expected = [17, 18, 19, 20, 21, 23].map(|d| date(2026, 2, d));
    assert_eq!(february, expected);

    let four_before = rules(|s| s.tet_days_before = 4);
    let february: Vec<_> = dates(&four_before, 2026)
        .into_iter()
        .filter(|d| d.month() == 2)
        .collect();
    let expected = [13, 14, 15, 16, 17, 18, 19].map(|d| date(2026, 2, d));
    assert_eq!(february, expected);
}

#[test]
fn declared_days_are_added_and_declared_working_days_win() {
    let rules = rules(|s| {
        s.days_off = vec![
            DeclaredDay {
                date: date(2026, 1, 2),
                name: "Nghỉ bù".into(),
            },
            // Already a holiday: listed once, under the statutory name.
            DeclaredDay {
                date: date(2026, 1, 1),
                name: "Trùng".into(),
            },
        ];
        s.working_days = vec![
            DeclaredDay {
                date: date(2026, 1, 10),
                name: "Làm bù".into(),
            },
            DeclaredDay {
                date: date(2026, 9, 1),
                name: "Làm việc".into(),
            },
        ];
    });
    let days = rules.days_off(2026).unwrap();
    assert_eq!(days[0].reason, DayOffReason::NewYear);
    assert_eq!(
        days[1].reason,
        DayOffReason::Declared {
            name: "Nghỉ bù".into()
        }
    );
    assert_eq!(
        days.iter().filter(|d| d.date == date(2026, 1, 1)).count(),
        1
    );
    assert!(!days.iter().any(|d| d.date == date(2026, 9, 1)));
    assert!(rules.declared_working(date(2026, 1, 10)).is_some());
    assert!(rules.declared_working(date(2026, 1, 11)).is_none());
}

#[test]
fn outside_the_supported_years_there_is_no_list() {
    let rules = rules(|_| {});
    assert!(rules.days_off(1899).is_none());
    assert!(rules.days_off(2200).is_none());
    assert!(rules.days_off(i32::MIN).is_none());
    assert!(rules.days_off(1900).is_some());
    assert!(rules.days_off(2199).is_some());
}

#[test]
fn every_supported_year_has_its_statutory_days() {
    let rules = rules(|_| {});
    for year in SUPPORTED_YEARS {
        let days = rules.days_off(year).unwrap();
        let statutory = days.iter().filter(|d| d.reason.is_statutory()).count();
        assert_eq!(statutory, 11, "{year}");
        assert!(
            days.windows(2).all(|w| w[0].date <= w[1].date),
            "{year} is sorted"
        );
        assert!(
            days.iter().all(|d| d.date.year() == year),
            "{year} stays in its year"
        );
        for day in days.iter().filter(|d| !d.reason.is_statutory()) {
            assert!(
                !rules.is_rest_day(day.date.weekday()),
                "{year}: {day:?} on a rest day"
            );
        }
    }
}

#[test]
fn names_in_both_languages() {
    let reason = DayOffReason::Compensatory {
        for_date: date(2026, 4, 26),
    };
    assert_eq!(reason.name_vi(), "Nghỉ bù cho ngày 26/04/2026");
    assert_eq!(reason.name_en(), "Day off in lieu of 26 April 2026");
    assert_eq!(DayOffReason::HungKings.name(Lang::Vi), "Giỗ Tổ Hùng Vương");
    assert_eq!(DayOffReason::Tet.name(Lang::En), "Lunar New Year (Tết)");
    let declared = DayOffReason::Declared {
        name: String::new(),
    };
    assert_eq!(declared.name_vi(), "Ngày nghỉ theo thông báo");
    assert_eq!(declared.name_en(), "Declared day off");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// Whatever the rest days and placements, every holiday on a rest day gets its own day in
    /// lieu, on a day that is neither a rest day nor a holiday.
    #[test]
    fn each_holiday_on_a_rest_day_gets_one_day_in_lieu(
        year in 1900_i32..2200,
        rest in 0_u8..127,
        before in 0_u8..=4,
        extra in 0_usize..3,
    ) {
        use crate::calendar::spec::DayOfWeek::*;
        let week = [Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday];
        let rules = rules(|s| {
            s.rest_days = week.iter().enumerate().filter(|(i, _)| rest & (1 << i) != 0)
                .map(|(_, d)| *d).collect();
            s.tet_days_before = before;
            s.national_day_extra =
                [NationalDayExtra::Auto, NationalDayExtra::Before, NationalDayExtra::After][extra];
        });
        let days = rules.days_off(year).unwrap();
        let mut on_rest_days: Vec<_> = days.iter()
            .filter(|d| d.reason.is_statutory() && rules.is_rest_day(d.date.weekday()))
            .map(|d| d.date).collect();
        on_rest_days.dedup();
        let in_lieu: Vec<_> = days.iter().filter_map(|d| match d.reason {
            DayOffReason::Compensatory { for_date } => Some((d.date, for_date)),
            _ => None,
        }).collect();
        let compensated: Vec<_> = in_lieu.iter().map(|(_, f)| *f).collect();
        proptest::prop_assert_eq!(compensated, on_rest_days);
        for (date, for_date) in in_lieu {
            proptest::prop_assert!(date > for_date && !rules.is_rest_day(date.weekday()));
            proptest::prop_assert_eq!(days.iter().filter(|d| d.date == date).count(), 1);
        }
    }
}
