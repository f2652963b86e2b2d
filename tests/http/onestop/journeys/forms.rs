//! The printed forms a journey checks: what each must show, read from the HTML the staff host
//! serves.

use chrono::{DateTime, FixedOffset, Utc};
use motcua_tests::TestApp;

use super::staff::Official;

/// Vietnam's offset, in which every form prints its times.
pub(super) fn vietnam(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&FixedOffset::east_opt(7 * 3600).expect("UTC+7"))
}

/// "08 giờ 30 phút, ngày 02/01/2026", as the slips print a time.
pub(super) fn clock_and_date(t: DateTime<Utc>) -> String {
    vietnam(t)
        .format("%H giờ %M phút, ngày %d/%m/%Y")
        .to_string()
}

/// "02/01/2026 08:30", as the tables print a time.
pub(super) fn short(t: DateTime<Utc>) -> String {
    vietnam(t).format("%d/%m/%Y %H:%M").to_string()
}

/// The text of a page with the entities the templates write turned back into characters, and
/// the optional line breaks of dossier codes removed.
fn text(html: &str) -> String {
    html.replace("<wbr>", "")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Form `form` of dossier `code` as `official` prints it: its text, after checking that it is
/// served and carries the form's marker.
pub(super) async fn print(
    app: &TestApp,
    official: &Official,
    code: &str,
    form: &str,
    ctx: &str,
) -> String {
    let r = official
        .get(app, &format!("/ho-so/{code}/mau-{form}"))
        .await;
    assert_eq!(r.status, 200, "{ctx}: Form {form}: {}", r.body);
    let page = text(&r.body);
    assert!(
        page.contains(&format!("Mẫu số {form}")),
        "{ctx}: Form {form} lacks its marker"
    );
    page
}

/// Checks that a form `form` of dossier `code` is not printable (what it records never
/// happened).
pub(super) async fn absent(app: &TestApp, official: &Official, code: &str, form: &str, ctx: &str) {
    let r = official
        .get(app, &format!("/ho-so/{code}/mau-{form}"))
        .await;
    assert_eq!(r.status, 404, "{ctx}: Form {form} exists: {}", r.body);
}

/// Asserts that `page` contains every one of `expected`.
pub(super) fn shows(page: &str, what: &str, expected: &[&str], ctx: &str) {
    for e in expected {
        assert!(page.contains(e), "{ctx}: {what} lacks \"{e}\"");
    }
}

/// Form 01: the code, the applicant, the procedure, the appointment, the documents received,
/// and the code as a barcode and as a QR code leading to the public lookup.
pub(super) async fn check_receipt(
    app: &TestApp,
    desk: &Official,
    view: &serde_json::Value,
    documents: &[String],
    ctx: &str,
) {
    let code = view["code"].as_str().expect("a code");
    let page = print(app, desk, code, "01", ctx).await;
    let due: DateTime<Utc> = view["due_at"].as_str().unwrap().parse().unwrap();
    let appointment = clock_and_date(due);
    let mut expected = vec![
        code,
        view["applicant"]["name"].as_str().unwrap(),
        view["procedure"]["name"].as_str().unwrap(),
        appointment.as_str(),
    ];
    expected.extend(documents.iter().map(String::as_str));
    shows(&page, "Form 01", &expected, ctx);
    let label = format!("aria-label=\"Code 128: {code}\"");
    shows(
        &page,
        "Form 01",
        &["class=\"barcode\"", &label],
        &format!("{ctx} (barcode)"),
    );
    let qr = page
        .split_once("class=\"qr\"")
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("{ctx}: Form 01 has no QR code"));
    let qr_label = qr.split('>').next().unwrap_or_default();
    assert!(
        qr_label.contains(&format!("/lookup?code={code}")),
        "{ctx}: the QR code does not lead to the lookup of {code}: {qr_label}"
    );
}

/// Form 05: one row per hand-over, in order, each naming the official who handed over and the
/// division of the step they handled.
pub(super) async fn check_control_slip(
    app: &TestApp,
    official: &Official,
    code: &str,
    handed: &[(String, String)],
    ctx: &str,
) {
    let page = print(app, official, code, "05", ctx).await;
    let rows = page.matches("<td>Giao: ").count();
    assert_eq!(
        rows,
        handed.len(),
        "{ctx}: Form 05 has {rows} hand-overs, {} were made: {handed:?}",
        handed.len()
    );
    let mut from = 0;
    for (i, (name, division)) in handed.iter().enumerate() {
        let row = format!("<td>Giao: {name}, {division}<br>");
        let at = page[from..].find(&row).unwrap_or_else(|| {
            panic!(
                "{ctx}: Form 05 lacks hand-over {} ({name}, {division}) after the ones before it",
                i + 1
            )
        });
        from += at + row.len();
    }
}

/// Form 06: the desk's ledger of the day the dossier was received has its row, with the
/// procedure, the applicant, the appointment and the time the result was returned.
pub(super) async fn check_ledger(
    app: &TestApp,
    desk: &Official,
    view: &serde_json::Value,
    ctx: &str,
) {
    let code = view["code"].as_str().unwrap();
    let received: DateTime<Utc> = view["received_at"].as_str().unwrap().parse().unwrap();
    let day = vietnam(received).format("%Y-%m-%d");
    let r = desk
        .get(
            app,
            &format!("/so-theo-doi?don-vi={}&tu={day}&den={day}", desk.division),
        )
        .await;
    assert_eq!(r.status, 200, "{ctx}: Form 06: {}", r.body);
    let page = text(&r.body);
    let row = page
        .split("<tr>")
        .find(|row| row.contains(&format!("<td class=\"code\">{code}</td>")))
        .unwrap_or_else(|| panic!("{ctx}: the ledger has no row for {code}"));
    let due: DateTime<Utc> = view["due_at"].as_str().unwrap().parse().unwrap();
    let closed: DateTime<Utc> = view["closed_at"].as_str().unwrap().parse().unwrap();
    let row = row.split("</tr>").next().unwrap_or_default();
    let cells: Vec<&str> = row
        .split("<td")
        .skip(1)
        .map(|c| {
            let c = c.split_once('>').map_or("", |(_, rest)| rest);
            c.split("</td>").next().unwrap_or_default()
        })
        .collect();
    assert_eq!(cells.len(), 14, "{ctx}: a ledger row has 14 columns: {row}");
    assert_eq!(
        cells[2], view["procedure"]["name"],
        "{ctx}: ledger procedure"
    );
    assert_eq!(
        cells[4], view["applicant"]["name"],
        "{ctx}: ledger applicant"
    );
    assert_eq!(cells[7], short(received), "{ctx}: ledger receipt time");
    assert_eq!(cells[8], short(due), "{ctx}: ledger appointment");
    assert_eq!(cells[11], short(closed), "{ctx}: ledger return time");
}
