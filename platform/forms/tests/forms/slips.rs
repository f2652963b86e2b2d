//! Forms 01–05: each page names its form and title, prints every row it was given, carries the
//! dossier code as text, barcode and QR code, prints on A5, and escapes what users typed.

use chrono::{DateTime, Utc};
use motcua_core::calendar::Timeliness;
use motcua_core::procedure::{DocumentForm, ProcessingTime, TimeUnit};
use motcua_forms::*;

use crate::samples::*;
use crate::{barcode_reader, qr_reader};

/// The inline SVG of `class` in `page`.
fn svg<'a>(page: &'a str, class: &str) -> &'a str {
    let start = page
        .find(&format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="{class}""#
        ))
        .unwrap_or_else(|| panic!("no {class} SVG"));
    let end = start + page[start..].find("</svg>").unwrap() + "</svg>".len();
    &page[start..end]
}

/// What every slip must show.
fn assert_slip(page: &str, marker: &str, title: &str) {
    assert!(page.trim_start().starts_with("<!DOCTYPE html>"));
    assert!(page.contains(marker), "{marker}");
    assert!(
        page.contains(&format!(r#"<h1 class="title">{title}</h1>"#)),
        "{title}"
    );
    assert!(page.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    assert!(page.contains("Độc lập - Tự do - Hạnh phúc"));
    assert!(page.contains("Ủy ban nhân dân tỉnh Thanh Hóa") && page.contains("Bộ phận Một cửa"));
    assert!(page.contains(&format!("Mã hồ sơ: <strong>{CODE}</strong>")));
    assert!(page.contains("@page { size: A5 portrait;"), "A5");
    assert!(!page.contains("A4"));
    assert_eq!(
        barcode_reader::read(svg(page, "barcode")).as_deref(),
        Ok(CODE)
    );
    assert_eq!(qr_reader::read(svg(page, "qr")), URL);
    assert!(!page.contains(HOSTILE), "user input must be escaped");
    assert!(page.contains(HOSTILE_ESCAPED));
    assert!(
        !page.contains(" src=") && !page.contains("<link") && !page.contains("url("),
        "nothing is fetched"
    );
    assert!(!page.contains("<script"));
}

fn receipt() -> Form01Receipt {
    Form01Receipt {
        letterhead: letterhead(),
        dossier: dossier(),
        documents: vec![
            ReceivedDocument {
                name: "Tờ khai yêu cầu cấp phiếu lý lịch tư pháp".into(),
                form: DocumentForm::Original,
                quantity: 1,
            },
            ReceivedDocument {
                name: format!("Căn cước {HOSTILE}"),
                form: DocumentForm::CertifiedCopy,
                quantity: 2,
            },
        ],
        sets: 1,
        processing_time: ProcessingTime {
            value: 10,
            unit: TimeUnit::WorkingDays,
        },
        appointment: at(2026, 1, 16, 9, 0),
        return_place: "Bộ phận Một cửa, 02 Trần Phú".into(),
        receiver: official("Lê Thị Bình", "Bộ phận Một cửa"),
    }
}

#[test]
fn form_01_lists_every_document_and_the_appointment_in_vietnam_time() {
    let page = receipt_html(&receipt()).unwrap();
    assert_slip(
        &page,
        "Mẫu số 01",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    );
    assert!(page.contains(
        "<td>Tờ khai yêu cầu cấp phiếu lý lịch tư pháp</td><td>Bản chính</td><td class=\"n\">1</td>"
    ));
    assert!(page.contains(&format!(
        "<td>Căn cước {HOSTILE_ESCAPED}</td><td>Bản sao có chứng thực</td><td class=\"n\">2</td>"
    )));
    assert!(page.contains("10 ngày làm việc"));
    // 17:45 UTC on 1 January is 00:45 on 2 January in Vietnam; the date line pads day and month.
    assert!(page.contains("Thời gian nhận hồ sơ: 00 giờ 45 phút, ngày 02/01/2026"));
    assert!(page.contains("Thanh Hóa, ngày 02 tháng 01 năm 2026"));
    assert!(page.contains("16 giờ 00 phút, ngày 16/01/2026"));
    assert!(page.contains("Đăng ký nhận kết quả tại: Bộ phận Một cửa, 02 Trần Phú"));
    assert!(page.contains("Người nộp hồ sơ") && page.contains("Người tiếp nhận hồ sơ"));
    assert!(page.contains("Lê Thị Bình"));
}

#[test]
fn form_01_without_documents_or_with_an_appointment_before_receipt_is_refused() {
    let mut form = receipt();
    form.documents.clear();
    assert!(matches!(
        receipt_html(&form),
        Err(FormError::Incomplete {
            form: "Mẫu số 01",
            ..
        })
    ));
    let mut form = receipt();
    form.appointment = at(2025, 12, 31, 0, 0);
    assert!(matches!(
        receipt_html(&form),
        Err(FormError::Incomplete { .. })
    ));
}

fn supplement(defects: Vec<String>) -> Form02SupplementRequest {
    Form02SupplementRequest {
        letterhead: letterhead(),
        dossier: dossier(),
        defects,
        reason: format!("Thiếu giấy tờ theo quy định {HOSTILE}"),
        official: official("Lê Thị Bình", "Bộ phận Một cửa"),
        contact: "0237 3852 000".into(),
        issued_at: at(2026, 1, 2, 2, 0),
    }
}

#[test]
fn form_02_lists_every_defect_at_once_with_the_reason_and_the_contact() {
    let defects = vec![
        "Bổ sung bản sao sổ hộ khẩu".to_owned(),
        format!("Ký lại tờ khai {HOSTILE}"),
        "Ảnh 4x6 chụp trong 6 tháng".to_owned(),
    ];
    let page = supplement_request_html(&supplement(defects)).unwrap();
    assert_slip(
        &page,
        "Mẫu số 02",
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    );
    assert!(page.contains("<li>Bổ sung bản sao sổ hộ khẩu</li>"));
    assert!(page.contains(&format!("<li>Ký lại tờ khai {HOSTILE_ESCAPED}</li>")));
    assert!(page.contains("<li>Ảnh 4x6 chụp trong 6 tháng</li>"));
    assert!(page.contains(&format!(
        "Lý do: Thiếu giấy tờ theo quy định {HOSTILE_ESCAPED}"
    )));
    assert!(page.contains("Lê Thị Bình, Bộ phận Một cửa, số điện thoại 0237 3852 000"));
    assert!(page.contains("Người hướng dẫn"));
    assert!(matches!(
        supplement_request_html(&supplement(vec![" ".into()])),
        Err(FormError::Incomplete {
            form: "Mẫu số 02",
            ..
        })
    ));
}

#[test]
fn form_03_states_every_reason() {
    let mut form = Form03Refusal {
        letterhead: letterhead(),
        dossier: dossier(),
        reasons: vec![
            "Thủ tục không thuộc thẩm quyền của Sở Tư pháp".into(),
            format!("Người nộp không có giấy ủy quyền {HOSTILE}"),
        ],
        official: official("Lê Thị Bình", "Bộ phận Một cửa"),
        issued_at: at(2026, 1, 2, 2, 0),
    };
    let page = refusal_html(&form).unwrap();
    assert_slip(
        &page,
        "Mẫu số 03",
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    );
    assert!(page.contains("<li>Thủ tục không thuộc thẩm quyền của Sở Tư pháp</li>"));
    assert!(page.contains(&format!(
        "<li>Người nộp không có giấy ủy quyền {HOSTILE_ESCAPED}</li>"
    )));
    form.reasons.clear();
    assert!(matches!(
        refusal_html(&form),
        Err(FormError::Incomplete {
            form: "Mẫu số 03",
            ..
        })
    ));
}

#[test]
fn form_04_gives_the_reason_and_the_old_and_new_dates() {
    let mut form = Form04Apology {
        letterhead: letterhead(),
        dossier: dossier(),
        old_due: at(2026, 1, 16, 9, 0),
        new_due: at(2026, 1, 23, 9, 0),
        reason: format!("Chờ kết quả xác minh của Công an tỉnh {HOSTILE}"),
        signer: Signer {
            title: "Giám đốc".into(),
            name: "Trần Văn Cường".into(),
        },
        issued_at: at(2026, 1, 14, 3, 0),
    };
    let page = apology_html(&form).unwrap();
    assert_slip(
        &page,
        "Mẫu số 04",
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
    );
    assert!(page.contains(&format!(
        "Lý do: Chờ kết quả xác minh của Công an tỉnh {HOSTILE_ESCAPED}"
    )));
    assert!(page.contains("theo quy định: 16 giờ 00 phút, ngày 16/01/2026"));
    assert!(page.contains("<strong>16 giờ 00 phút, ngày 23/01/2026</strong>"));
    assert!(page.contains("Thanh Hóa, ngày 14 tháng 01 năm 2026"));
    assert!(page.contains("Giám đốc") && page.contains("Trần Văn Cường"));
    form.new_due = form.old_due;
    assert!(matches!(
        apology_html(&form),
        Err(FormError::Incomplete {
            form: "Mẫu số 04",
            ..
        })
    ));
}

fn handover(from: &str, to: &str, at_: DateTime<Utc>, result: Option<Timeliness>) -> Handover {
    Handover {
        from: official(from, "Bộ phận Một cửa"),
        to: official(to, "Phòng Hành chính tư pháp"),
        at: at_,
        step_due: Some(at(2026, 1, 5, 9, 0)),
        result,
        note: format!("ghi chú {HOSTILE}"),
    }
}

#[test]
fn form_05_has_one_row_per_handover_and_room_for_more() {
    let form = Form05ControlSlip {
        letterhead: letterhead(),
        dossier: dossier(),
        due_at: at(2026, 1, 16, 9, 0),
        lead_agency: "Phòng Hành chính tư pháp".into(),
        partner_agencies: vec!["Công an tỉnh Thanh Hóa".into()],
        rows: vec![
            handover(
                "Lê Thị Bình",
                "Phạm Văn Dũng",
                at(2026, 1, 2, 1, 30),
                Some(Timeliness::Early),
            ),
            handover(
                "Phạm Văn Dũng",
                "Hoàng Thị Em",
                at(2026, 1, 5, 9, 0),
                Some(Timeliness::OnTime),
            ),
            handover(
                "Hoàng Thị Em",
                "Lê Thị Bình",
                at(2026, 1, 7, 3, 0),
                Some(Timeliness::Late),
            ),
        ],
    };
    let page = control_slip_html(&form).unwrap();
    assert_slip(
        &page,
        "Mẫu số 05",
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
    );
    for (n, from, to, time, result) in [
        (
            1,
            "Lê Thị Bình",
            "Phạm Văn Dũng",
            "02/01/2026 08:30",
            "Trước hạn",
        ),
        (
            2,
            "Phạm Văn Dũng",
            "Hoàng Thị Em",
            "05/01/2026 16:00",
            "Đúng hạn",
        ),
        (
            3,
            "Hoàng Thị Em",
            "Lê Thị Bình",
            "07/01/2026 10:00",
            "Quá hạn",
        ),
    ] {
        let row = format!(
            "<tr><td class=\"n\">{n}</td><td>Giao: {from}, Bộ phận Một cửa<br>Nhận: {to}, Phòng Hành chính tư pháp</td><td class=\"t\">{time}</td><td class=\"t\">05/01/2026 16:00</td><td class=\"n\">{result}</td><td>ghi chú {HOSTILE_ESCAPED}</td></tr>"
        );
        assert!(page.contains(&row), "{row}");
    }
    // Two blank rows (4 and 5) for the hand-overs still to come.
    assert_eq!(page.matches("<tr class=\"empty\">").count(), 2);
    assert!(
        page.contains(
            "Thời gian hẹn trả kết quả: <strong>16 giờ 00 phút, ngày 16/01/2026</strong>"
        )
    );
    assert!(page.contains("Cơ quan phối hợp giải quyết hồ sơ: Công an tỉnh Thanh Hóa"));
}
