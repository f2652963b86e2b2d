//! The engine's speed: transitions of a six-step procedure per second on one core (target
//! ≥ 200,000/s, deadline computation included), and the validation of a 200-step procedure
//! (target < 50 ms). `cargo bench -p motcua-workflow --bench engine`.

use std::fmt::Write as _;
use std::hint::black_box;

use chrono::{DateTime, TimeDelta, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use motcua_core::calendar::WorkingCalendar;
use motcua_core::dossier::{ApplicantKind, Channel};
use motcua_core::tenant::parse_manifest;
use motcua_workflow::engine::{self, Actor, Command, Context, Inputs};
use motcua_workflow::procedure::load;

const TENANT: &str = include_str!("../tests/procedures/tenant.yaml");

const INFO: &str = r#"info:
  code: "1.000001"
  name: { vi: Thủ tục thử, en: Test procedure }
  sector: G13-XD01
  sector_name: { vi: Xây dựng, en: Construction }
  agency: { vi: Sở Xây dựng, en: Department of Construction }
  division: so-xay-dung
  level: 4
  time: { value: 400, unit: working_days }
  channels: [online]
  applicants: [citizen]
  steps: [{ vi: Nộp, en: Submit }]
  cases: [{ key: chung, name: { vi: Chung }, documents: [] }]
  results: [{ vi: Kết quả }]
  legal_basis: [{ number: 1/2026/QH15, title: { vi: Luật } }]
form:
  fields:
    - { key: area, type: number, label: { vi: Diện tích } }
"#;

/// Six steps: desk, specialist, head (with a guard), leader, return, end.
fn six_steps() -> String {
    format!(
        r#"{INFO}workflow:
  start: s1
  steps:
    s1:
      name: {{ vi: Tiếp nhận }}
      division: mot-cua
      role: receiver
      deadline: {{ value: 4, unit: working_hours }}
      actions: {{ ok: {{ label: {{ vi: Chuyển }}, to: s2 }} }}
    s2:
      name: {{ vi: Thẩm định }}
      division: so-xay-dung
      role: specialist
      status: processing
      deadline: {{ value: 5, unit: working_days }}
      timers: [{{ after: {{ value: 3, unit: working_days }}, remind: [assignee] }}]
      actions: {{ ok: {{ label: {{ vi: Đạt }}, to: s3 }} }}
    s3:
      name: {{ vi: Trưởng phòng }}
      division: so-xay-dung
      role: division_head
      deadline: {{ value: 2, unit: working_days }}
      actions: {{ ok: {{ label: {{ vi: Duyệt }}, to: s4, guard: "form.area < 1000.0" }} }}
    s4:
      name: {{ vi: Lãnh đạo }}
      division: lanh-dao
      role: agency_leader
      deadline: {{ value: 2, unit: working_days }}
      actions: {{ ok: {{ label: {{ vi: Ký }}, to: s5, status: processed }} }}
    s5:
      name: {{ vi: Trả kết quả }}
      division: mot-cua
      role: receiver
      actions: {{ ok: {{ label: {{ vi: Trả }}, to: end }} }}
    end:
      kind: end
      name: {{ vi: Xong }}
      outcome: returned
"#
    )
}

/// 200 steps: a chain of human steps, each able to send the dossier back, with a decision every
/// ten steps and a parallel consultation every twenty.
fn two_hundred_steps() -> String {
    let mut y = format!("{INFO}workflow:\n  start: s0\n  steps:\n");
    let n = 200;
    let mut i = 0;
    while i < n {
        if i % 20 == 10 && i + 4 < n {
            let _ = write!(
                y,
                "    s{i}:\n      kind: parallel\n      name: {{ vi: Song song {i} }}\n      branches: [s{a}, s{b}]\n      join: s{j}\n    s{a}:\n      name: {{ vi: Nhánh A {i} }}\n      division: so-xay-dung\n      role: specialist\n      deadline: {{ value: 1, unit: working_days }}\n      actions: {{ ok: {{ label: {{ vi: Xong }}, to: s{j} }} }}\n    s{b}:\n      name: {{ vi: Nhánh B {i} }}\n      division: phong-chay\n      role: specialist\n      deadline: {{ value: 1, unit: working_days }}\n      actions: {{ ok: {{ label: {{ vi: Xong }}, to: s{j} }} }}\n    s{j}:\n      kind: join\n      name: {{ vi: Hợp {i} }}\n      wait_for: all\n      next: s{k}\n",
                a = i + 1,
                b = i + 2,
                j = i + 3,
                k = i + 4
            );
            i += 4;
            continue;
        }
        if i % 10 == 5 {
            let _ = write!(
                y,
                "    s{i}:\n      kind: decision\n      name: {{ vi: Rẽ {i} }}\n      routes: [{{ when: \"form.area > {i}.0\", to: s{next} }}]\n      next: s{next}\n",
                next = i + 1
            );
        } else {
            let next = if i + 1 == n {
                "end".to_owned()
            } else {
                format!("s{}", i + 1)
            };
            let back = if i == 0 {
                String::new()
            } else {
                format!(
                    ", back: {{ label: {{ vi: Trả lại }}, to: s{}, requires: [reason] }}",
                    i - 1
                )
            };
            let _ = write!(
                y,
                "    s{i}:\n      name: {{ vi: Bước {i} }}\n      division: so-xay-dung\n      role: specialist\n      deadline: {{ value: 1, unit: working_days }}\n      actions: {{ ok: {{ label: {{ vi: Tiếp }}, to: {next}, guard: \"form.area >= 0.0\" }}{back} }}\n"
            );
        }
        i += 1;
    }
    y.push_str("    end:\n      kind: end\n      name: { vi: Xong }\n      outcome: returned\n");
    y
}

fn benches(c: &mut Criterion) {
    let tenant = parse_manifest("tenant.yaml", TENANT, None).expect("tenant");
    let calendar = WorkingCalendar::new(&tenant.calendar).expect("calendar");
    let six = load("six.yaml", &six_steps(), &tenant).unwrap_or_else(|d| panic!("{d}"));
    let form = serde_json::json!({ "area": 120.0 });
    let t0: DateTime<Utc> = "2026-03-02T02:00:00Z".parse().expect("time");
    let actors = [
        Actor::official("a", &[("receiver", "mot-cua")]),
        Actor::official("b", &[("specialist", "so-xay-dung")]),
        Actor::official("c", &[("division_head", "so-xay-dung")]),
        Actor::official("d", &[("agency_leader", "lanh-dao")]),
        Actor::official("a", &[("receiver", "mot-cua")]),
    ];
    let commands: Vec<Command> = ["s1", "s2", "s3", "s4", "s5"]
        .iter()
        .map(|s| Command::Act {
            step: (*s).into(),
            action: "ok".into(),
            inputs: Inputs::default(),
        })
        .collect();

    let mut group = c.benchmark_group("engine");
    // One dossier through six steps: the receipt and five actions.
    group.throughput(Throughput::Elements(6));
    group.bench_function("six-step dossier, start to result", |b| {
        b.iter(|| {
            let mut now = t0;
            let ctx = |now| Context {
                now,
                calendar: &calendar,
                form: &form,
                channel: Channel::Online,
                applicant_kind: ApplicantKind::Citizen,
            };
            let mut state = engine::start(&six.definition, "chung", six.file.info.time, &ctx(now))
                .expect("start")
                .state;
            for (cmd, actor) in commands.iter().zip(&actors) {
                now += TimeDelta::hours(5);
                state = engine::decide(&six.definition, &state, cmd, actor, &ctx(now), None)
                    .expect("act")
                    .state;
            }
            black_box(state)
        });
    });
    group.finish();

    let big = two_hundred_steps();
    load("big.yaml", &big, &tenant).unwrap_or_else(|d| panic!("{d}"));
    c.bench_function("validate and compile a 200-step procedure", |b| {
        b.iter(|| black_box(load("big.yaml", black_box(&big), &tenant).is_ok()));
    });
}

criterion_group!(engine_benches, benches);
criterion_main!(engine_benches);
