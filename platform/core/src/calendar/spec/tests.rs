//! Each invalid spec is paired with the message its author will read.

use super::*;

fn parse(yaml: &str) -> Result<CalendarSpec, String> {
    serde_saphyr::from_str::<CalendarSpec>(yaml).map_err(|e| e.to_string())
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The message of a YAML error, which must also carry a line number.
fn yaml_error(yaml: &str, expected: &str) {
    let err = serde_saphyr::from_str::<CalendarSpec>(yaml).unwrap_err();
    assert!(err.location().is_some(), "{err}");
    let message = err.to_string();
    assert!(
        message.contains(expected),
        "{message}\n  does not contain\n{expected}"
    );
}

fn check_error(edit: impl FnOnce(&mut CalendarSpec), field: &str, expected: &str) {
    let mut spec = CalendarSpec::default();
    edit(&mut spec);
    let err = spec.check().unwrap_err();
    assert_eq!(err.field(), Some(field), "{err}");
    assert!(
        err.to_string().contains(expected),
        "{err}\n  does not contain\n{expected}"
    );
}

const FULL: &str = r#"
time_zone: Asia/Ho_Chi_Minh
working_hours: ["07:00-11:30", "13:30-17:00"]
rest_days: [saturday, sunday]
intake_cutoff: "15:00"
tet_days_before: 1
national_day_extra: auto
days_off:
  - { date: 2026-02-14, name: "Nghỉ Tết (bù)" }
working_days:
  - { date: 2026-01-10, name: "Làm bù" }
"#;

#[test]
fn the_documented_example_parses() {
    let spec = parse(FULL).unwrap();
    let expected = CalendarSpec {
        days_off: vec![DeclaredDay {
            date: date(2026, 2, 14),
            name: "Nghỉ Tết (bù)".into(),
        }],
        working_days: vec![DeclaredDay {
            date: date(2026, 1, 10),
            name: "Làm bù".into(),
        }],
        ..CalendarSpec::default()
    };
    assert_eq!(spec, expected);
    assert!(spec.check().is_ok());
}

#[test]
fn every_key_is_optional() {
    assert_eq!(parse("{}").unwrap(), CalendarSpec::default());
    let spec = parse("intake_cutoff: 16:30\nrest_days: [sunday]\n").unwrap();
    assert_eq!(spec.intake_cutoff, ClockTime::new(16, 30).unwrap());
    assert_eq!(spec.rest_days, [DayOfWeek::Sunday]);
    assert_eq!(spec.working_hours, CalendarSpec::default().working_hours);
}

#[test]
fn the_spec_round_trips_through_yaml() {
    let spec = parse(FULL).unwrap();
    let yaml = serde_saphyr::to_string(&spec).unwrap();
    assert_eq!(parse(&yaml).unwrap(), spec, "{yaml}");
    let json = serde_json::to_value(&spec).unwrap();
    assert_eq!(json["working_hours"][1], "13:30-17:00");
    assert_eq!(json["time_zone"], "Asia/Ho_Chi_Minh");
    assert_eq!(json["days_off"][0]["date"], "2026-02-14");
}

#[test]
fn bad_values_are_refused_while_reading() {
    yaml_error(
        "time_zone: Asia/Hanoi\n",
        r#"unknown time zone "Asia/Hanoi"; Vietnam is "Asia/Ho_Chi_Minh""#,
    );
    yaml_error(
        "time_zone: asia/ho_chi_minh\n",
        r#"names are case-sensitive: did you mean "Asia/Ho_Chi_Minh"?"#,
    );
    yaml_error(
        "intake_cutoff: \"25:00\"\n",
        r#"invalid time "25:00": hours go from 00 to 23"#,
    );
    yaml_error("intake_cutoff: \"15:75\"\n", "minutes go from 00 to 59");
    yaml_error(
        "intake_cutoff: 3pm\n",
        r#"invalid time "3pm": write times as HH:MM"#,
    );
    yaml_error(
        "working_hours: [\"07:00-06:00\"]\n",
        r#"invalid working period "07:00-06:00": it must end after it starts"#,
    );
    yaml_error(
        "working_hours: [\"07:00\"]\n",
        r#"write a period as "HH:MM-HH:MM""#,
    );
    yaml_error("rest_days: [saturday, sundy]\n", "unknown variant `sundy`");
    yaml_error("tet_days_before: 5\n", "use 0 to 4");
    yaml_error("tet_days_before: -1\n", "use 0 to 4");
    yaml_error("national_day_extra: later\n", "unknown variant `later`");
    yaml_error(
        "days_off: [{ date: 2026-02-30 }]\n",
        r#"invalid date "2026-02-30""#,
    );
    yaml_error(
        "days_off: [{ date: 2026-02-14, nam: x }]\n",
        "unknown field `nam`",
    );
    yaml_error("timezone: Asia/Ho_Chi_Minh\n", "unknown field `timezone`");
}

#[test]
fn the_line_of_a_bad_value_is_reported() {
    let err =
        serde_saphyr::from_str::<CalendarSpec>("rest_days: [sunday]\nintake_cutoff: \"24:30\"\n")
            .unwrap_err();
    assert_eq!(err.location().map(|l| l.line()), Some(2));
}

#[test]
fn periods_may_end_at_midnight() {
    let spec = parse("working_hours: [\"00:00-24:00\"]\nrest_days: []\n").unwrap();
    assert_eq!(spec.working_hours[0].to_string(), "00:00-24:00");
    assert!(spec.check().is_ok());
}

#[test]
fn relations_between_values_are_checked_on_compiling() {
    let period = |text: &str| text.parse::<WorkingPeriod>().unwrap();
    check_error(
        |s| s.working_hours.clear(),
        "working_hours",
        "there are no working hours",
    );
    check_error(
        |s| s.working_hours = vec![period("07:00-11:30"), period("11:00-17:00")],
        "working_hours[1]",
        "\"11:00-17:00\" comes after \"07:00-11:30\" but the periods overlap",
    );
    check_error(
        |s| s.working_hours = vec![period("13:30-17:00"), period("07:00-11:30")],
        "working_hours[1]",
        "must be listed in order of time",
    );
    check_error(
        |s| {
            use DayOfWeek::*;
            s.rest_days = vec![
                Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday,
            ];
        },
        "rest_days",
        "every day of the week is a rest day",
    );
    check_error(
        |s| s.intake_cutoff = ClockTime::new(6, 0).unwrap(),
        "intake_cutoff",
        "06:00 is before work starts at 07:00",
    );
    check_error(|s| s.tet_days_before = 9, "tet_days_before", "use 0 to 4");
    check_error(
        |s| {
            s.days_off = vec![DeclaredDay {
                date: date(2026, 1, 2),
                name: String::new(),
            }];
            s.working_days = vec![
                DeclaredDay {
                    date: date(2026, 1, 10),
                    name: String::new(),
                },
                DeclaredDay {
                    date: date(2026, 1, 2),
                    name: String::new(),
                },
            ];
        },
        "working_days[1]",
        "2026-01-02 is also declared a day off in days_off[0]",
    );
    check_error(
        |s| {
            let day = DeclaredDay {
                date: date(2026, 1, 2),
                name: String::new(),
            };
            s.days_off = vec![day.clone(), day];
        },
        "days_off[1]",
        "2026-01-02 is already declared in days_off[0]",
    );
    check_error(
        |s| {
            s.days_off = vec![DeclaredDay {
                date: date(2300, 1, 2),
                name: String::new(),
            }]
        },
        "days_off[0]",
        "outside the years the calendar covers (1900–2199)",
    );
}

#[test]
fn touching_periods_are_allowed() {
    let spec = CalendarSpec {
        working_hours: vec![
            "07:00-12:00".parse().unwrap(),
            "12:00-16:00".parse().unwrap(),
        ],
        ..CalendarSpec::default()
    };
    assert!(spec.check().is_ok());
}
