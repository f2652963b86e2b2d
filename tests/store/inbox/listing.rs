//! Filters, orders, pages and counts of the inbox: each checked against the full listing of the
//! same scope, so that a filter lists exactly the rows its predicate selects, in the same order.

use chrono::{DateTime, Duration, Utc};
use motcua_core::dossier::{Channel, DossierStatus};
use motcua_store::inbox::{self, Cursor, Due, Grant, InboxQuery, InboxRow, Scope, Sort};
use motcua_tests::{Backend, backend_tests};
use motcua_workflow::engine::{Actor, Command};

use super::world::{Intake, World, query, vn};

const SORTS: [Sort; 3] = [Sort::DueSoonest, Sort::ReceivedNewest, Sort::ReceivedOldest];

/// Sixteen tasks of fourteen dossiers, in three divisions: received over a month, by three
/// channels, some claimed, some passed on (two of them into parallel branches), two received
/// at the same instant (the same due time: ties broken by ids).
async fn populate(w: &World) {
    let channels = [Channel::Online, Channel::Desk, Channel::Post];
    let huong = Actor::official("huong", &[("receiver", "trung-tam-phvhcc")]);
    for i in 0..10_i64 {
        let at = vn("2026-02-02T08:00") + Duration::days(i * 3) + Duration::minutes(i * 7);
        let mut intake = Intake::record("Phạm Văn Bình", at);
        intake.channel = channels[(i % 3) as usize];
        let d = w.receive("thanhhoa", intake).await;
        let later = at + Duration::hours(1);
        if i % 4 == 1 {
            w.take("thanhhoa", &d.code, &huong, ("tiep-nhan", "chuyen"), later)
                .await;
        } else if i % 4 == 2 {
            let claim = Command::Claim {
                step: "tiep-nhan".into(),
            };
            w.act("thanhhoa", &d.code, &huong, claim, later).await;
        }
    }
    let same = vn("2026-02-25T10:00");
    for (i, at) in [same, same, vn("2026-02-26T14:00"), vn("2026-02-27T09:00")]
        .into_iter()
        .enumerate()
    {
        let d = w.receive("thanhhoa", Intake::land("Võ Thị Sáu", at)).await;
        if i % 2 == 1 {
            let later = at + Duration::hours(1);
            w.take("thanhhoa", &d.code, &huong, ("tiep-nhan", "chuyen"), later)
                .await;
        }
    }
}

/// The rows in `sort`'s order: its time, then dossier and token ids.
fn in_order(rows: &[InboxRow], sort: Sort) -> bool {
    let key = |r: &InboxRow| {
        let at = match sort {
            Sort::DueSoonest => r.dossier.due_at,
            Sort::ReceivedNewest | Sort::ReceivedOldest => r.dossier.received_at,
        };
        (at, r.dossier.id, r.task.token)
    };
    rows.windows(2).all(|w| match sort {
        Sort::ReceivedNewest => key(&w[0]) > key(&w[1]),
        _ => key(&w[0]) < key(&w[1]),
    })
}

/// The scopes the checks run on: the tenant lane, one queue and the own lane, a union of lanes
/// of two grants, and a union of two divisions.
fn scopes(now: DateTime<Utc>) -> Vec<InboxQuery> {
    let desk = Grant::new("receiver", "trung-tam-phvhcc");
    let police = Grant::new("specialist", "cong-an-tinh");
    vec![
        query(
            "x",
            &[Grant::everywhere("agency_leader")],
            Scope::Divisions,
            now,
        ),
        query("huong", std::slice::from_ref(&desk), Scope::Available, now),
        query("huong", std::slice::from_ref(&desk), Scope::Mine, now),
        query(
            "lan",
            &[desk.clone(), police.clone()],
            Scope::Available,
            now,
        ),
        query("x", &[desk, police], Scope::Divisions, now),
    ]
}

async fn every_filter_and_order_lists_exactly_its_rows(backend: Backend) {
    let w = World::new(backend).await;
    let th = w.tenant("thanhhoa");
    populate(&w).await;
    let now = vn("2026-03-02T09:00");
    let sizes: Vec<usize> = {
        let mut sizes = Vec::new();
        for q in scopes(now) {
            sizes.push(w.all(th, &q).await.len());
        }
        sizes
    };
    assert_eq!(sizes, [16, 9, 2, 10, 12]);

    for base in scopes(now) {
        for sort in SORTS {
            let mut q = base.clone();
            q.sort = sort;
            let all = w.all(th, &q).await;
            assert!(in_order(&all, sort), "{sort:?}");
            let keep = |f: &dyn Fn(&InboxRow) -> bool| -> Vec<InboxRow> {
                all.iter().filter(|r| f(r)).cloned().collect()
            };
            let cut = vn("2026-03-10T12:00");
            let cases: Vec<(InboxQuery, Vec<InboxRow>)> = vec![
                (
                    InboxQuery {
                        procedure: Some("1.012795".into()),
                        ..q.clone()
                    },
                    keep(&|r| r.dossier.procedure_code == "1.012795"),
                ),
                (
                    InboxQuery {
                        status: Some(DossierStatus::Registered),
                        ..q.clone()
                    },
                    keep(&|r| r.dossier.status == DossierStatus::Registered),
                ),
                (
                    InboxQuery {
                        status: Some(DossierStatus::Processing),
                        ..q.clone()
                    },
                    keep(&|r| r.dossier.status == DossierStatus::Processing),
                ),
                (
                    InboxQuery {
                        channel: Some(Channel::Desk),
                        ..q.clone()
                    },
                    keep(&|r| r.dossier.channel == Channel::Desk),
                ),
                (
                    InboxQuery {
                        due: Some(Due::Overdue),
                        ..q.clone()
                    },
                    keep(&|r| r.dossier.due_at < now),
                ),
                (
                    InboxQuery {
                        due: Some(Due::Before(cut)),
                        ..q.clone()
                    },
                    keep(&|r| r.dossier.due_at < cut),
                ),
                (
                    InboxQuery {
                        procedure: Some("2.000488".into()),
                        channel: Some(Channel::Online),
                        due: Some(Due::Before(cut)),
                        ..q.clone()
                    },
                    keep(&|r| {
                        r.dossier.procedure_code == "2.000488"
                            && r.dossier.channel == Channel::Online
                            && r.dossier.due_at < cut
                    }),
                ),
            ];
            for (filtered, expected) in cases {
                assert_eq!(w.all(th, &filtered).await, expected, "{filtered:?}");
            }
        }
    }

    // The fixture has rows on both sides of each filter.
    let everything = w.all(th, &scopes(now)[0]).await;
    let overdue = everything.iter().filter(|r| r.dossier.due_at < now).count();
    assert!(overdue > 0 && overdue < everything.len(), "{overdue}");
    assert!(
        everything
            .iter()
            .any(|r| r.dossier.channel == Channel::Desk)
    );
    assert!(everything.iter().any(|r| r.task.assignee.is_some()));
    let statuses = |s| everything.iter().filter(|r| r.dossier.status == s).count();
    assert!(statuses(DossierStatus::Registered) > 0 && statuses(DossierStatus::Processing) > 0);
    assert!(
        everything
            .windows(2)
            .any(|p| p[0].dossier.due_at == p[1].dossier.due_at),
        "a tie on the due time"
    );

    // Counting: exactly, then up to a cap.
    let mut q = scopes(now)[0].clone();
    q.due = Some(Due::Overdue);
    let n = inbox::count(&w.db.store, th, &q, 100).await.unwrap();
    assert_eq!((n.n, n.more), (overdue as u64, false));
    let capped = inbox::count(&w.db.store, th, &q, 2).await.unwrap();
    assert_eq!((capped.n, capped.more), (2, true));
    for base in scopes(now) {
        let n = inbox::count(&w.db.store, th, &base, 100).await.unwrap();
        assert_eq!(n.n as usize, w.all(th, &base).await.len());
    }
}

async fn pages_return_every_row_exactly_once(backend: Backend) {
    let w = World::new(backend).await;
    let th = w.tenant("thanhhoa");
    populate(&w).await;
    let now = vn("2026-03-02T09:00");
    for base in scopes(now) {
        for sort in SORTS {
            for limit in [1, 3, 4, 5] {
                let mut q = base.clone();
                q.sort = sort;
                let all = w.all(th, &q).await;
                q.limit = limit;
                let mut paged = Vec::new();
                let mut pages = 0;
                loop {
                    let page = inbox::list(&w.db.store, th, &q).await.unwrap();
                    assert!(page.rows.len() <= limit as usize);
                    paged.extend(page.rows);
                    pages += 1;
                    assert!(pages <= all.len() + 1, "paging does not end");
                    match page.next {
                        // What the web layer does with it: a string in a link, read back.
                        Some(next) => q.cursor = Some(next.to_string().parse().unwrap()),
                        None => break,
                    }
                }
                assert_eq!(paged, all, "{sort:?}, {limit} a page, {base:?}");
            }
        }
    }

    // A cursor of another order starts again from the first page; a forged one is refused.
    let mut q = scopes(now)[0].clone();
    q.limit = 2;
    let first = inbox::list(&w.db.store, th, &q).await.unwrap();
    q.cursor = first.next.clone();
    let second = inbox::list(&w.db.store, th, &q).await.unwrap();
    assert_ne!(first.rows, second.rows);
    q.sort = Sort::ReceivedNewest;
    let restarted = inbox::list(&w.db.store, th, &q).await.unwrap();
    q.cursor = None;
    assert_eq!(restarted, inbox::list(&w.db.store, th, &q).await.unwrap());
    assert!("not-a-cursor".parse::<Cursor>().is_err());
    assert!("".parse::<Cursor>().is_err());
}

backend_tests!(
    every_filter_and_order_lists_exactly_its_rows,
    pages_return_every_row_exactly_once,
);
