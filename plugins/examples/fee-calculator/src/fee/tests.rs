use serde_json::json;

use super::*;

const CHUNG_THUC: &str = include_str!("../../tables/phi-chung-thuc-ban-sao.json");
const THAM_DINH: &str = include_str!("../../tables/phi-tham-dinh-cap-gcn-thanh-hoa.json");

fn context(applicant_kind: &str, config: Value, form: Value) -> Context {
    Context {
        step: "tinh-phi".to_owned(),
        applicant_kind: applicant_kind.to_owned(),
        config,
        form,
        ..Context::default()
    }
}

fn run(ctx: &Context, table: &str) -> Result<Outcome, BusinessError> {
    let config: Config = ctx.config_as()?;
    compute(ctx, &config, Some(serde_json::from_str(table).unwrap()))
}

#[test]
fn certified_copies_per_page_and_copy() {
    // The config of tenants/hochiminhcity/procedures/chung-thuc-ban-sao-tu-ban-chinh.yaml.
    let ctx = context(
        "citizen",
        json!({ "table": "phi-chung-thuc-ban-sao", "rows": "giay_to" }),
        json!({ "giay_to": [
            { "ten_giay_to": "Giấy khai sinh", "co_quan_cap": "UBND phường Bến Nghé", "so_trang": 1, "so_ban": 3 },
            { "ten_giay_to": "Bằng tốt nghiệp đại học", "co_quan_cap": "Đại học Quốc gia", "so_trang": 5, "so_ban": 2 },
            { "ten_giay_to": "Hồ sơ thiết kế", "co_quan_cap": "Sở Xây dựng", "so_trang": 300, "so_ban": 1 },
        ] }),
    );
    let outcome = run(&ctx, CHUNG_THUC).unwrap();
    assert_eq!(outcome.transition, "ok");
    let data = &outcome.data;
    // 3 × 2,000 + 2 × 7,000 + 1 × 200,000 (capped).
    assert_eq!(data["amount"], 220_000);
    assert_eq!(data["currency"], "VND");
    assert_eq!(data["lines"][1]["label"], "Bằng tốt nghiệp đại học");
    assert_eq!(data["lines"][1]["unit_amount"], 7_000);
    assert_eq!(data["lines"][1]["amount"], 14_000);
    assert_eq!(data["lines"][2]["unit_amount"], 200_000);
    assert!(data.get("schedule").is_none());
    assert_eq!(
        outcome.messages[1].vi,
        "Phí chứng thực bản sao từ bản chính: 220.000 đồng."
    );
    assert_eq!(
        outcome.messages[1].en,
        "Fee for certifying copies against originals: 220,000 VND."
    );
}

#[test]
fn land_appraisal_by_applicant_kind_and_area() {
    // The config of tenants/thanhhoa/procedures/dang-ky-cap-giay-chung-nhan-lan-dau.yaml.
    let config = json!({ "table": "phi-tham-dinh-cap-gcn-thanh-hoa", "area": "thua_dat", "by": "applicant_kind" });
    let form = json!({ "thua_dat": [
        { "so_to_ban_do": "12", "so_thua": "45", "dien_tich": 152.5, "muc_dich": "ODT" },
        { "so_to_ban_do": "12", "so_thua": "46", "dien_tich": 1000, "muc_dich": "CLN" },
    ] });
    let citizen = run(&context("citizen", config.clone(), form.clone()), THAM_DINH).unwrap();
    assert_eq!(citizen.data["amount"], 1_100_000);
    assert_eq!(citizen.data["lines"][0]["label"], "45");
    assert_eq!(citizen.data["schedule"]["en"], "Households and individuals");
    let business = run(
        &context("business", config.clone(), form.clone()),
        THAM_DINH,
    )
    .unwrap();
    assert_eq!(business.data["amount"], 4_500_000);
    let other = run(&context("other", config, form), THAM_DINH).unwrap_err();
    assert_eq!(other.code, "no-fee-schedule");
    assert!(
        other.vi.contains("«phi-tham-dinh-cap-gcn-thanh-hoa»"),
        "{}",
        other.vi
    );
    assert!(
        other.en.contains("`applicant_kind` = `other`"),
        "{}",
        other.en
    );
}

#[test]
fn business_errors_name_the_table_or_field() {
    let config = json!({ "table": "phi-chung-thuc-ban-sao", "rows": "giay_to" });
    let ctx = context("citizen", config.clone(), json!({}));
    let err = compute(&ctx, &ctx.config_as().unwrap(), None).unwrap_err();
    assert_eq!(err.code, "no-fee-table");
    assert!(err.en.contains("`phi-chung-thuc-ban-sao`"), "{}", err.en);

    let err = run(&ctx, CHUNG_THUC).unwrap_err();
    assert_eq!(err.code, "missing-field");
    assert!(err.vi.contains("«giay_to»"), "{}", err.vi);

    let ctx = context(
        "citizen",
        config,
        json!({ "giay_to": [{ "so_trang": 2, "so_ban": 1 }, { "so_trang": "nhiều", "so_ban": 1 }] }),
    );
    let err = run(&ctx, CHUNG_THUC).unwrap_err();
    assert_eq!(err.code, "invalid-field");
    assert_eq!(
        err.en,
        "The form has no valid number in column `so_trang` in row 2 of the field `giay_to`."
    );

    let err = run(&ctx, r#"{ "name": { "vi": "x", "en": "x" } }"#).unwrap_err();
    assert_eq!(err.code, "invalid-fee-table");
    assert!(err.en.contains("missing field `method`"), "{}", err.en);

    let bad = context(
        "citizen",
        json!({ "table": "t", "rows": "a", "area": "b" }),
        json!({}),
    );
    assert_eq!(run(&bad, CHUNG_THUC).unwrap_err().code, "invalid-config");
}

#[test]
fn bands_that_do_not_cover_the_quantity() {
    let table = r#"{ "name": { "vi": "Lệ phí", "en": "Charge" }, "method": "band", "quantity": "so_luong",
        "schedules": [{ "bands": [{ "from": 1, "below": 10, "amount": 50000 }] }] }"#;
    let ok = context(
        "citizen",
        json!({ "table": "le-phi" }),
        json!({ "so_luong": 3 }),
    );
    assert_eq!(run(&ok, table).unwrap().data["amount"], 50_000);
    let too_many = context(
        "citizen",
        json!({ "table": "le-phi" }),
        json!({ "so_luong": 12 }),
    );
    let err = run(&too_many, table).unwrap_err();
    assert_eq!(err.code, "no-fee-band");
    assert!(
        err.vi.contains("«le-phi»") && err.vi.contains("12"),
        "{}",
        err.vi
    );
}

#[test]
fn money_is_grouped_by_language() {
    assert_eq!(money(0, '.'), "0");
    assert_eq!(money(999, '.'), "999");
    assert_eq!(money(1_000, '.'), "1.000");
    assert_eq!(money(4_500_000, ','), "4,500,000");
}
