//! Diagrams of a realistic construction permit, of broken and cyclic workflows, and of a large
//! generated one; every document is checked to be well-formed XML.

use std::time::Instant;

use motcua_core::lang::Lang;

use super::wellformed::well_formed;
use super::{graph, layers, place, svg, svg_for};
use crate::schema::{ProcedureFile, Workflow};

/// A construction permit: the desk receives (with a supplement loop), a plugin computes the fee
/// (by hand when it cannot), construction and fire-safety appraise in parallel, the floor area
/// decides who approves, and the approver can send the file back for a new appraisal.
const PERMIT: &str = r#"
start: tiep-nhan
steps:
  tiep-nhan:
    name: { vi: Tiếp nhận hồ sơ, en: Receive the dossier }
    division: mot-cua
    role: receiver
    deadline: { value: 4, unit: working_hours }
    actions:
      chuyen: { label: { vi: Chuyển tính phí, en: Send to fee }, to: tinh-phi }
      bo-sung: { label: { vi: Yêu cầu bổ sung, en: Request supplement }, to: cho-bo-sung }
      tu-choi: { label: { vi: Từ chối tiếp nhận, en: Refuse }, to: khong-tiep-nhan }
  cho-bo-sung:
    kind: supplement
    name: { vi: Chờ công dân bổ sung, en: Awaiting the supplement }
    next: tiep-nhan
    timers:
      - { after: { value: 30, unit: days }, goto: dung-xu-ly }
  tinh-phi:
    kind: auto
    name: { vi: Tính lệ phí, en: Compute the fee }
    plugin: fee-calculator@1.0.0
    outcomes: { ok: tham-dinh, manual: tinh-phi-thu-cong }
    on_error: tinh-phi-thu-cong
  tinh-phi-thu-cong:
    name: { vi: Tính lệ phí thủ công, en: Compute the fee by hand }
    division: mot-cua
    role: receiver
    actions:
      xong: { label: { vi: Đã tính phí, en: Fee set }, to: tham-dinh }
  tham-dinh:
    kind: parallel
    name: { vi: Thẩm định, en: Appraisal }
    branches: [xay-dung, pccc]
    join: tong-hop
  xay-dung:
    name: { vi: Thẩm định hồ sơ thiết kế xây dựng, en: Construction design appraisal }
    division: so-xay-dung
    role: specialist
    deadline: { value: 5, unit: working_days }
    timers:
      - { after: { value: 3, unit: working_days }, remind: [assignee] }
      - { before_due: { value: 4, unit: working_hours }, escalate_to: division_head }
    actions:
      dat: { label: { vi: Đạt, en: Pass }, to: tong-hop }
  pccc:
    name: { vi: Lấy ý kiến Cảnh sát PCCC, en: Fire-safety consultation }
    division: canh-sat-pccc
    role: liaison
    deadline: { value: 5, unit: working_days }
    actions:
      co-y-kien: { label: { vi: Đã có ý kiến, en: Opinion received }, to: tong-hop }
  tong-hop:
    kind: join
    name: { vi: Tổng hợp thẩm định, en: Collect the appraisals }
    wait_for: all
    next: phan-cap
  phan-cap:
    kind: decision
    name: { vi: Phân cấp phê duyệt, en: Approval level }
    routes:
      - { when: "form.area > 250.0", to: lanh-dao-duyet }
    next: truong-phong-duyet
  truong-phong-duyet:
    name: { vi: Trưởng phòng duyệt, en: Division head approves }
    division: so-xay-dung
    role: division_head
    deadline: { value: 2, unit: working_days }
    actions:
      duyet: { label: { vi: Duyệt, en: Approve }, to: tra-ket-qua }
      tra-lai: { label: { vi: Trả lại thẩm định, en: Send back }, to: tham-dinh }
  lanh-dao-duyet:
    name: { vi: Lãnh đạo Sở duyệt, en: Director approves }
    division: lanh-dao
    role: agency_leader
    deadline: { value: 2, unit: working_days }
    actions:
      duyet: { label: { vi: Duyệt, en: Approve }, to: tra-ket-qua }
      tra-lai: { label: { vi: Trả lại thẩm định, en: Send back }, to: tham-dinh }
  tra-ket-qua:
    name: { vi: Trả kết quả, en: Return the result }
    division: mot-cua
    role: receiver
    actions:
      tra: { label: { vi: Đã trao giấy phép, en: Permit handed over }, to: da-tra }
  da-tra:
    kind: end
    name: { vi: Hoàn thành, en: Done }
    outcome: returned
  khong-tiep-nhan:
    kind: end
    name: { vi: Không tiếp nhận, en: Not accepted }
    outcome: not_accepted
  dung-xu-ly:
    kind: end
    name: { vi: Dừng xử lý, en: Stopped }
    outcome: stopped
"#;

fn parse(yaml: &str) -> Workflow {
    serde_saphyr::from_str::<Workflow>(yaml).expect("the test workflow parses")
}

/// `svg(yaml)`, checked to be well-formed.
fn draw(yaml: &str, lang: Lang) -> String {
    let out = svg(&parse(yaml), lang);
    if let Err(problem) = well_formed(&out) {
        panic!("not well-formed: {problem}\n{out}");
    }
    out
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn the_permit_shows_every_step_with_its_details() {
    let workflow = parse(PERMIT);
    let en = draw(PERMIT, Lang::En);
    assert_eq!(count(&en, r#"<g class="step "#), workflow.steps.len());
    for (key, step) in &workflow.steps {
        assert!(en.contains(&format!(" k-{key}\">")), "{key}");
        assert!(
            en.contains(&super::text::escape(step.name.get(Lang::En))),
            "{key}"
        );
    }
    for shown in [
        "mot-cua · receiver",
        "≤ 4 working hours",
        "≤ 5 working days",
        "fee-calculator@1.0.0",
        "clock paused",
        "+3 working days: remind assignee",
        ">4 working hours before due:<",
        ">escalate to division_head<",
        "+30 days: goto → dung-xu-ly",
        "Result returned (code 10)",
        "Not accepted (code 3)",
        ">all<",
        r#"class="step join"#,
        r#"class="step decision"#,
        r#"class="step parallel"#,
        r#"class="start""#,
    ] {
        assert!(en.contains(shown), "{shown}");
    }
    let vi = draw(PERMIT, Lang::Vi);
    for shown in [
        "Đã trả kết quả (mã 10)",
        "≤ 5 ngày làm việc",
        "chờ tất cả",
        "còn lại",
    ] {
        assert!(vi.contains(shown), "{shown}");
    }
    assert!(vi.contains(r#"xml:lang="vi""#) && en.contains(r#"xml:lang="en""#));
}

#[test]
fn every_way_on_is_an_edge_with_its_label() {
    let en = draw(PERMIT, Lang::En);
    // 3 actions, next and goto, 2 outcomes and on_error, 1, 2 branches, 1, 1, next, route,
    // 2, 2, 1.
    assert_eq!(count(&en, r#"<g class="edge "#), 21);
    for label in [
        ">Send to fee<",
        ">Request supplement<",
        ">supplemented<",
        ">ok<",
        ">manual<",
        ">on error<",
        ">form.area &gt; 250.0<",
        ">otherwise<",
        ">Send back<",
        ">+30 days<",
    ] {
        assert!(en.contains(label), "{label}");
    }
    for detail in [
        "tham-dinh · branch 1",
        "tham-dinh · branch 2",
        "tong-hop · next",
    ] {
        assert!(en.contains(detail), "{detail}");
    }
    assert_eq!(count(&en, r#"<g class="edge error">"#), 1);
    assert_eq!(count(&en, r#"<g class="edge timer">"#), 1);
    // The supplement loop and the two "send back" actions run against the flow.
    assert_eq!(count(&en, r#"<g class="edge back">"#), 3);
}

#[test]
fn the_same_workflow_gives_the_same_bytes() {
    assert_eq!(draw(PERMIT, Lang::Vi), draw(PERMIT, Lang::Vi));
    assert_ne!(draw(PERMIT, Lang::Vi), draw(PERMIT, Lang::En));
}

#[test]
fn a_procedure_diagram_is_titled_and_described() {
    let mut file: ProcedureFile =
        serde_saphyr::from_str(crate::testing::PERMIT).expect("the permit fixture parses");
    let fixture = svg_for(&file, Lang::En);
    well_formed(&fixture).unwrap();
    assert!(fixture.contains(">Workflow of Construction permit</title>"));
    file.workflow = parse(PERMIT);
    let out = svg_for(&file, Lang::Vi);
    well_formed(&out).unwrap();
    assert!(out.contains(r#"role="img""#));
    assert!(out.contains(">Quy trình Cấp giấy phép xây dựng</title>"));
    assert!(out.contains("Quy trình Cấp giấy phép xây dựng: 15 bước, 21 chuyển tiếp.</desc>"));
    // `MOTCUA_DIAGRAM_EXAMPLE=/tmp/example.svg` keeps a copy to look at.
    if let Some(path) = std::env::var_os("MOTCUA_DIAGRAM_EXAMPLE") {
        std::fs::write(path, &out).unwrap();
    }
}

#[test]
fn dangling_references_end_at_missing_nodes() {
    let out = draw(
        r#"
start: nowhere
steps:
  a:
    name: { vi: A }
    actions: { x: { label: { vi: Đi }, to: ghost }, y: { label: { vi: Lại }, to: ghost } }
    timers: [{ after: { value: 1, unit: days }, goto: phantom }]
  p: { kind: parallel, name: { vi: P }, branches: [a, ghost], join: no-join }
  d: { kind: decision, name: { vi: D }, routes: [{ when: "true", to: elsewhere }] }
"#,
        Lang::En,
    );
    for key in ["nowhere", "ghost", "phantom", "no-join", "elsewhere"] {
        assert_eq!(count(&out, &format!(">missing: {key}<")), 1, "{key}");
    }
    // Two actions to the same missing step share one edge.
    assert!(out.contains(">Đi / Lại<"));
    assert_eq!(count(&out, r#"<g class="edge missing">"#), 5);
    // The start itself is missing, so every real step is unreachable.
    assert_eq!(count(&out, ">unreachable<"), 3);
    assert!(
        out.contains("References to missing steps: nowhere, ghost, phantom, no-join, elsewhere.")
    );
}

#[test]
fn loops_and_stray_steps_are_drawn() {
    let out = draw(
        r#"
start: a
steps:
  a: { name: { vi: A }, actions: { x: { label: { vi: Lưu nháp }, to: a }, y: { label: { vi: Tiếp }, to: b } } }
  b: { name: { vi: B }, actions: { back: { label: { vi: Về A }, to: a }, end: { label: { vi: Xong }, to: z } } }
  z: { kind: end, name: { vi: Z }, outcome: returned }
  stray: { name: { vi: Lạc }, actions: { in: { label: { vi: Vào }, to: b } } }
"#,
        Lang::Vi,
    );
    assert_eq!(
        count(&out, r#"<g class="edge back">"#),
        3,
        "the self-loop, B → A, stray → B"
    );
    assert_eq!(count(&out, ">không đến được<"), 1);
    assert!(out.contains("1 bước không đến được từ bước đầu."));
}

#[test]
fn names_are_escaped() {
    let out = draw(
        r#"
start: a
steps:
  a: { name: { vi: "<b>Thuế & phí</b> \"x\" 'y'" }, actions: { t: { label: { vi: "a<b" }, to: z } } }
  z: { kind: end, name: { vi: "Z&Z" }, outcome: returned }
"#,
        Lang::Vi,
    );
    assert!(out.contains("&lt;b&gt;Thuế &amp; phí&lt;/b&gt; &quot;x&quot; &apos;y&apos;"));
    assert!(out.contains(">a&lt;b<"));
}

#[test]
fn a_join_names_how_many_branches_it_needs() {
    let out = draw(
        r#"
start: p
steps:
  p: { kind: parallel, name: { vi: P }, branches: [a, b, c], join: j }
  a: { name: { vi: A }, actions: { ok: { label: { vi: Xong }, to: j } } }
  b: { name: { vi: B }, actions: { ok: { label: { vi: Xong }, to: j } } }
  c: { name: { vi: C }, actions: { ok: { label: { vi: Xong }, to: j } } }
  j: { kind: join, name: { vi: J }, wait_for: 2, next: z }
  z: { kind: end, name: { vi: Z }, outcome: returned }
"#,
        Lang::En,
    );
    assert!(out.contains(">2 of 3<"));
}

#[test]
fn an_empty_workflow_still_draws() {
    let out = draw("start: a\nsteps: {}\n", Lang::En);
    assert!(out.contains(">missing: a<"));
}

/// A long workflow with loops back, skips, decisions and parallel branches.
fn generated(steps: usize) -> String {
    let mut yaml = String::from("start: s0\nsteps:\n");
    for i in 0..steps - 1 {
        let (next, skip, back) = (i + 1, (i + 2).min(steps - 1), i.saturating_sub(3));
        let name = format!("{{ vi: Bước {i} xử lý hồ sơ, en: Step {i} }}");
        yaml += &match i % 10 {
            3 => format!(
                "  s{i}: {{ kind: decision, name: {name}, routes: [{{ when: \"form.a > {i}\", to: s{skip} }}], next: s{next} }}\n"
            ),
            8 if i + 3 < steps => format!(
                "  s{i}: {{ kind: parallel, name: {name}, branches: [s{next}, s{skip}], join: s{} }}\n",
                i + 3
            ),
            5 => format!("  s{i}: {{ kind: supplement, name: {name}, next: s{next} }}\n"),
            _ => format!(
                "  s{i}: {{ name: {name}, division: phong-{}, role: specialist, deadline: {{ value: 2, unit: working_days }}, actions: {{ tiep: {{ label: {{ vi: Tiếp }}, to: s{next} }}, lai: {{ label: {{ vi: Trả lại }}, to: s{back} }}, bo-sung: {{ label: {{ vi: Bổ sung }}, to: s{} }} }} }}\n",
                i % 7,
                (i / 10) * 10 + 5
            ),
        };
    }
    yaml += &format!(
        "  s{}: {{ kind: end, name: {{ vi: Xong }}, outcome: returned }}\n",
        steps - 1
    );
    yaml
}

#[test]
fn a_200_step_workflow_renders_quickly_and_without_overlaps() {
    let workflow = parse(&generated(200));
    let started = Instant::now();
    let out = svg(&workflow, Lang::Vi);
    eprintln!("200 steps: {:?}, {} bytes", started.elapsed(), out.len());
    well_formed(&out).unwrap();
    assert_eq!(count(&out, r#"<g class="step "#), 200);
    assert!(!out.contains("không đến được"));

    let graph = graph::Graph::new(&workflow, Lang::Vi);
    let ranked = layers::rank(&graph);
    let cards: Vec<_> = (0..graph.nodes.len())
        .map(|v| super::card::Card::new(&graph, v, true, Lang::Vi))
        .collect();
    let placed = place::place(&graph, &ranked, &cards);
    for layer in &ranked.order {
        let real: Vec<usize> = layer.iter().copied().filter(|v| *v < cards.len()).collect();
        for pair in real.windows(2) {
            let room = (cards[pair[0]].w + cards[pair[1]].w) / 2.0;
            assert!(
                placed.x[pair[1]] - placed.x[pair[0]] >= room - 0.01,
                "{pair:?}"
            );
        }
    }
    assert!(ranked.layer[graph.start] == 0);
}
