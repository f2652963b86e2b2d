//! Form 06: the ledger prints one row per dossier on A4 landscape, leaves the steps not yet
//! reached empty, and escapes what users typed.

use chrono::NaiveDate;
use motcua_core::codes::DossierCode;
use motcua_forms::*;

use crate::samples::*;

fn row(code: &str, procedure: &str) -> LedgerRow {
    LedgerRow {
        code: code.parse::<DossierCode>().unwrap(),
        procedure: procedure.into(),
        sets: 1,
        applicant: applicant(),
        lead_agency: "Phòng Hành chính tư pháp".into(),
        received_at: at(2026, 1, 1, 17, 45),
        due_at: at(2026, 1, 16, 9, 0),
        handed_at: Some(at(2026, 1, 2, 1, 30)),
        result_at: None,
        returned_at: None,
        note: String::new(),
    }
}

fn ledger(rows: Vec<LedgerRow>) -> Form06Ledger {
    Form06Ledger {
        letterhead: letterhead(),
        from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 1, 31).unwrap(),
        rows,
    }
}

#[test]
fn form_06_has_one_row_per_dossier_on_a4_landscape() {
    let mut returned = row("000.00.01.H56-260102-0002", "Đăng ký khai sinh");
    returned.result_at = Some(at(2026, 1, 9, 2, 0));
    returned.returned_at = Some(at(2026, 1, 9, 8, 15));
    returned.sets = 2;
    returned.note = format!("trả sớm {HOSTILE}");
    let page = ledger_html(&ledger(vec![
        row(CODE, "Cấp phiếu lý lịch tư pháp"),
        returned,
    ]))
    .unwrap();

    assert!(page.contains("Mẫu số 06"));
    assert!(page.contains(r#"<h1 class="title">SỔ THEO DÕI HỒ SƠ</h1>"#));
    assert!(page.contains("Từ ngày 01/01/2026 đến ngày 31/01/2026"));
    assert!(page.contains("@page { size: A4 landscape;"));
    assert!(!page.contains("A5"));
    assert!(
        !page.contains("<svg"),
        "the ledger carries codes as text only"
    );

    let first = format!(
        "<tr><td class=\"n\">1</td><td class=\"code\">000.00.01.H56-<wbr>260102-0001</td><td>Cấp phiếu lý lịch tư pháp</td><td class=\"n\">1</td><td>Nguyễn Văn An {HOSTILE_ESCAPED}</td><td>12 Lê Lợi, phường Hạc Thành; 0912 345 678</td><td>Phòng Hành chính tư pháp</td><td class=\"t\">02/01/2026 00:45</td><td class=\"t\">16/01/2026 16:00</td><td class=\"t\">02/01/2026 08:30</td><td class=\"t\"></td><td class=\"t\"></td><td class=\"sign\"></td><td></td></tr>"
    );
    assert!(page.contains(&first), "{page}");
    let second = "<tr><td class=\"n\">2</td><td class=\"code\">000.00.01.H56-<wbr>260102-0002</td><td>Đăng ký khai sinh</td><td class=\"n\">2</td>";
    assert!(page.contains(second));
    assert!(page.contains("<td class=\"t\">09/01/2026 09:00</td><td class=\"t\">09/01/2026 15:15</td><td class=\"sign\"></td><td>trả sớm"));
    assert!(!page.contains(HOSTILE));
    assert!(page.contains(HOSTILE_ESCAPED));
}

#[test]
fn an_empty_period_says_so_and_a_reversed_one_is_refused() {
    let page = ledger_html(&ledger(Vec::new())).unwrap();
    assert!(page.contains("Không có hồ sơ nào trong kỳ."));
    let mut reversed = ledger(Vec::new());
    std::mem::swap(&mut reversed.from, &mut reversed.to);
    assert!(matches!(
        ledger_html(&reversed),
        Err(FormError::Incomplete {
            form: "Mẫu số 06",
            ..
        })
    ));
}
