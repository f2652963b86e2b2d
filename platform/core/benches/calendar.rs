//! Deadline arithmetic on the hot path: every dossier page and inbox computes due dates.
//!
//! The target is at least 1,000,000 `due` calls per second on one core (1 µs per iteration) for
//! typical inputs: 1–30 working days or 4–40 working hours from instants spread over 2026–2027.
//! The years are touched before measuring, so that the one-off lunar and holiday computation of
//! each year is not what is measured.

use std::hint::black_box;

use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use motcua_core::calendar::{CalendarSpec, WorkingCalendar, WorkingDuration};

/// 2026-01-01 00:00 in Vietnam, and the length of the two years after it, in seconds.
const START: i64 = 1_767_200_400;
const SPAN: u64 = 2 * 365 * 86_400;

/// Instants spread over 2026–2027 (a fixed pseudo-random sequence, so runs compare).
fn instants(count: usize) -> Vec<DateTime<Utc>> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..count)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let offset = i64::try_from((state >> 16) % SPAN).unwrap_or(0);
            DateTime::from_timestamp(START + offset, 0).unwrap_or_default()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let Ok(calendar) = WorkingCalendar::new(&CalendarSpec::default()) else {
        return;
    };
    let starts = instants(4_096);
    let days: Vec<_> = (0..starts.len())
        .map(|i| WorkingDuration::Days(i as u32 % 30 + 1))
        .collect();
    let hours: Vec<_> = (0..starts.len())
        .map(|i| WorkingDuration::Hours(i as u32 % 37 + 4))
        .collect();
    // Warm-up: compute 2026–2028 (deadlines of late 2027 run into 2028).
    for (start, duration) in starts.iter().zip(&days) {
        black_box(calendar.due(*start, *duration));
    }

    let mut group = c.benchmark_group("calendar");
    for (name, durations) in [("due_days_1_30", &days), ("due_hours_4_40", &hours)] {
        group.bench_function(name, |b| {
            let mut i = 0;
            b.iter(|| {
                i = (i + 1) % starts.len();
                calendar.due(black_box(starts[i]), black_box(durations[i]))
            });
        });
    }
    group.bench_function("intake_start", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % starts.len();
            calendar.intake_start(black_box(starts[i]))
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
