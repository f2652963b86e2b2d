use chrono::TimeZone;
use serde_json::json;

use super::*;

fn h29() -> Level1Code {
    "H29".parse().unwrap()
}

fn push() -> Value {
    json!({
        "MaHoSo": "G22.99-260310-0007",
        "MaTTHC": "1.001193.000.00.00.H29",
        "TenTTHC": "Đăng ký khai sinh",
        "MaLinhVuc": "G15-TP14",
        "KenhThucHien": "2",
        "ChuHoSo": "  Nguyễn Văn An ",
        "SoGiayToChuHoSo": "079095001234",
        "LoaiDoiTuong": 1,
        "SoDienThoai": "0901234567",
        "Email": "",
        "NgayNopHoSo": "20260310083000",
        "TrangThaiHoSo": "1",
        "ThanhToanTrucTuyen": "0",
        "DuLieuToKhai": { "ho_ten_tre": "Nguyễn Văn Bình" },
        "TaiLieuNop": [{ "TepDinhKemId": "up_x", "MaThanhPhanHoSo": "TK", "TenTepDinhKem": "to-khai.pdf" }],
        "DanhSachLePhi": [{ "MaPhiLePhi": "LP", "Gia": 0 }]
    })
}

fn read_push(v: Value) -> Result<Forward, Refused> {
    let d: NationalDossier = serde_json::from_value(v).unwrap();
    read(&d, h29())
}

#[test]
fn dates_are_vietnam_time_to_the_second() {
    let t = parse_date("NgayNopHoSo", "20260310083000").unwrap();
    assert_eq!(t, Utc.with_ymd_and_hms(2026, 3, 10, 1, 30, 0).unwrap());
    assert_eq!(format_date(t), "20260310083000");
    // Just after midnight in Vietnam is the previous day in UTC.
    let t = parse_date("NgayNopHoSo", "20260101000500").unwrap();
    assert_eq!(t, Utc.with_ymd_and_hms(2025, 12, 31, 17, 5, 0).unwrap());
    for bad in [
        "2026031008300",
        "202603100830000",
        "20261310083000",
        "20260230083000",
        "20260310246000",
        "2026-03-10 08:3",
        "",
    ] {
        let e = parse_date("NgayNopHoSo", bad).unwrap_err();
        assert_eq!(e.code, "invalid_value", "{bad}");
        assert!(e.message.vi.contains("yyyyMMddHHmmss"), "{}", e.message.vi);
    }
}

#[test]
fn applicant_types_are_one_to_four() {
    assert_eq!(applicant_kind("1"), Some(ApplicantKind::Citizen));
    assert_eq!(applicant_kind("2"), Some(ApplicantKind::Business));
    assert_eq!(applicant_kind("3"), Some(ApplicantKind::StateAgency));
    assert_eq!(applicant_kind("4"), Some(ApplicantKind::Other));
    for bad in ["0", "5", "01", "", "công dân"] {
        assert_eq!(applicant_kind(bad), None, "{bad}");
    }
}

#[test]
fn statuses_are_the_ten_national_codes_both_ways() {
    for s in DossierStatus::ALL {
        assert_eq!(status(&s.national_code().to_string()), Some(s));
    }
    assert_eq!(status("1"), Some(DossierStatus::Registered));
    assert_eq!(status("10"), Some(DossierStatus::Returned));
    for bad in ["0", "11", "-1", "x", ""] {
        assert_eq!(status(bad), None, "{bad}");
    }
}

#[test]
fn channels_have_their_national_codes() {
    assert_eq!(channel_code(Channel::Desk), "1");
    assert_eq!(channel_code(Channel::Online), "2");
    assert_eq!(channel_code(Channel::NationalPortal), "2");
    assert_eq!(channel_code(Channel::Post), "3");
}

#[test]
fn procedure_codes_are_national_or_local_to_this_tenant() {
    assert_eq!(procedure_code("1.001193", h29()).unwrap(), "1.001193");
    assert_eq!(
        procedure_code("1.001193.000.00.00.H29", h29()).unwrap(),
        "1.001193"
    );
    // A division's entity code of the same province is this tenant's too.
    assert_eq!(
        procedure_code("2.000815.000.01.71.H29", h29()).unwrap(),
        "2.000815"
    );
    let other = procedure_code("1.001193.000.00.00.H56", h29()).unwrap_err();
    assert_eq!(other.code, "other_agency");
    assert!(other.message.vi.contains("H56"), "{}", other.message.vi);
    for bad in [
        "",
        "1001193",
        "1.1193",
        "1.001193.H29",
        "1.001193.000.00.00",
        "a.001193",
    ] {
        assert_eq!(
            procedure_code(bad, h29()).unwrap_err().code,
            "invalid_value",
            "{bad}"
        );
    }
}

#[test]
fn a_push_reads_into_the_platform_terms() {
    let f = read_push(push()).unwrap();
    assert_eq!(f.national_code, "G22.99-260310-0007");
    assert_eq!(f.procedure, "1.001193");
    assert_eq!(f.case, None);
    assert_eq!(f.applicant.name, "Nguyễn Văn An");
    assert_eq!(f.applicant.kind, ApplicantKind::Citizen);
    assert_eq!(
        f.applicant.id_number.as_ref().map(CitizenId::as_str),
        Some("079095001234")
    );
    assert_eq!(f.applicant.phone.as_deref(), Some("0901234567"));
    assert_eq!(f.applicant.email, None, "an empty field is no value");
    assert_eq!(f.form, json!({ "ho_ten_tre": "Nguyễn Văn Bình" }));
    assert_eq!(
        f.submitted_at,
        Utc.with_ymd_and_hms(2026, 3, 10, 1, 30, 0).unwrap()
    );
    assert_eq!(f.files, vec![("up_x".to_owned(), "TK".to_owned())]);
}

#[test]
fn a_business_keeps_its_number_in_the_log_only() {
    let mut p = push();
    p["LoaiDoiTuong"] = json!("2");
    p["SoGiayToChuHoSo"] = json!("0101234567");
    let f = read_push(p).unwrap();
    assert_eq!(f.applicant.kind, ApplicantKind::Business);
    assert_eq!(f.applicant.id_number, None);
}

#[test]
fn each_bad_value_names_its_field() {
    for (field, value) in [
        ("MaHoSo", json!("")),
        ("MaHoSo", json!("có dấu cách")),
        ("MaTTHC", json!("1.0011")),
        ("KenhThucHien", json!("1")),
        ("TrangThaiHoSo", json!("4")),
        ("TrangThaiHoSo", json!("11")),
        ("ThanhToanTrucTuyen", json!("2")),
        ("LoaiDoiTuong", json!(7)),
        ("SoGiayToChuHoSo", json!("12345")),
        ("NgayNopHoSo", json!("10/03/2026")),
        ("NgayHenTra", json!("20260231080000")),
        ("DuLieuToKhai", json!([1, 2])),
    ] {
        let mut p = push();
        p[field] = value.clone();
        let e = read_push(p).unwrap_err();
        assert_eq!(e.code, "invalid_value", "{field} = {value}");
        assert!(e.message.vi.contains(field), "{}", e.message.vi);
        assert!(e.message.en.contains(field), "{}", e.message.en);
    }
}

#[test]
fn codes_may_come_as_numbers_or_text() {
    let d: NationalDossier = serde_json::from_value(push()).unwrap();
    assert_eq!(d.applicant_type, CodeText("1".to_owned()));
    let mut p = push();
    p["LoaiDoiTuong"] = json!(true);
    assert!(serde_json::from_value::<NationalDossier>(p).is_err());
}

#[test]
fn failures_map_to_national_error_codes() {
    for (failure, national) in [
        ("invalid_token", "01"),
        ("unauthenticated", "01"),
        ("scope_missing", "02"),
        ("forbidden", "02"),
        ("malformed_message", "03"),
        ("payload_too_large", "03"),
        ("invalid_value", "04"),
        ("applicant_name_required", "04"),
        ("unknown_procedure", "05"),
        ("unknown_case", "05"),
        ("other_agency", "05"),
        ("procedure_not_online", "06"),
        ("not_on_national_portal", "06"),
        ("invalid_form", "07"),
        ("invalid_file", "08"),
        ("unknown_document", "08"),
        ("conflict", "09"),
        ("unavailable", "10"),
        ("internal", "99"),
    ] {
        assert_eq!(
            ErrorCode::of_failure(failure).as_str(),
            national,
            "{failure}"
        );
    }
    let body = refused_reply("invalid_form", &Msg::new("Tờ khai sai.", "Bad form."), &[]);
    assert_eq!(body["error_code"], "07");
    assert_eq!(body["message"], "Tờ khai sai.");
    assert_eq!(body["message_en"], "Bad form.");
    assert!(body.get("fields").is_none());
}
