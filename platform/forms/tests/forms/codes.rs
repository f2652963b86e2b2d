//! The barcode and QR code SVGs, read back by decoders that share nothing with the encoders.

use motcua_core::codes::DossierCode;
use motcua_forms::{FormError, barcode_svg, code128_svg, qr_svg};
use proptest::prelude::*;

use crate::samples::{CODE, URL};
use crate::{barcode_reader, qr_reader};

#[test]
fn the_barcode_reads_back_as_the_dossier_code() {
    for code in [
        CODE,
        "000.00.06.H56-231027-0361",
        "000.00.00.G22-991231-9999",
        "123.45.67.K01-000101-0010",
    ] {
        let svg = barcode_svg(&code.parse::<DossierCode>().unwrap());
        assert_eq!(barcode_reader::read(&svg).as_deref(), Ok(code));
        assert!(svg.contains(&format!(r#"aria-label="Code 128: {code}""#)));
    }
}

#[test]
fn the_dossier_code_uses_set_c_for_its_date_and_sequence() {
    // All in set B the code takes 25 data symbols; switching to C for "260102" and "0001"
    // saves two: start + 23 + check = 25 symbols of 11 modules, stop 13, quiet zones 20.
    let svg = barcode_svg(&CODE.parse::<DossierCode>().unwrap());
    assert!(
        svg.contains(r#"viewBox="0 0 308 40" width="308" height="40""#),
        "{svg}"
    );
}

#[test]
fn the_reader_notices_a_damaged_barcode() {
    // Thin one bar to a single module: its symbol gets an odd number of bar modules, which no
    // Code 128 symbol has.
    let svg = barcode_svg(&CODE.parse::<DossierCode>().unwrap());
    let damaged = svg.replacen("h2v40h-2z", "h1v40h-1z", 1);
    assert_ne!(svg, damaged);
    assert!(barcode_reader::read(&damaged).is_err());
}

#[test]
fn text_a_barcode_cannot_carry_is_refused() {
    assert!(matches!(code128_svg(""), Err(FormError::Barcode { .. })));
    assert!(matches!(
        code128_svg("Hồ sơ"),
        Err(FormError::Barcode { .. })
    ));
}

#[test]
fn markup_in_a_barcode_label_is_escaped() {
    let svg = code128_svg(r#"<a href="x">&"#).unwrap();
    assert!(svg.contains("&lt;a href=&quot;x&quot;&gt;&amp;"));
    assert_eq!(
        barcode_reader::read(&svg).as_deref(),
        Ok(r#"<a href="x">&"#)
    );
}

#[test]
fn the_qr_code_reads_back_as_the_lookup_url() {
    let svg = qr_svg(URL).unwrap();
    assert!(svg.starts_with("<svg "), "inline SVG, no XML prolog");
    assert_eq!(qr_reader::read(&svg), URL);
}

#[test]
fn content_too_long_for_a_qr_code_is_refused() {
    let long = "x".repeat(5000);
    assert!(matches!(
        qr_svg(&long),
        Err(FormError::Qr { len: 5000, .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_printable_ascii_reads_back(text in "[0-9]{0,9}[ -~]{0,6}[0-9]{0,9}[ -~]{0,4}[0-9]{0,7}") {
        prop_assume!(!text.is_empty());
        let svg = code128_svg(&text).unwrap();
        prop_assert_eq!(barcode_reader::read(&svg), Ok(text.clone()));
        // Never longer than the same text all in set B.
        let modules: usize = barcode_reader::attribute(&svg, "viewBox")
            .split_whitespace()
            .nth(2)
            .unwrap()
            .parse()
            .unwrap();
        prop_assert!(modules <= 20 + 11 * (text.len() + 2) + 13);
    }
}
