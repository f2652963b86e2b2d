//! Code 128 barcodes as inline SVG: the dossier code on every printed slip (Art. 19.2).
//!
//! Rules kept:
//! - only printable ASCII (space to `~`) is encoded, through code sets B and C; set A exists for
//!   control characters, which no dossier code has, so it is never used;
//! - the symbol sequence is the shortest possible over sets B and C (a run of digits goes into
//!   set C, two digits per symbol, exactly when that saves symbols), ties going to set B, which
//!   needs fewer switches;
//! - the check symbol is the start value plus each symbol's value times its position, modulo 103;
//! - quiet zones of 10 modules on both sides, the minimum of ISO/IEC 15417;
//! - one module is one CSS pixel: 0.26 mm when printed (about 10 mil, within every desk
//!   scanner's reach) and a whole device pixel on screen, so bars keep their widths there too;
//!   the bars are 40 px (10.6 mm) high.

use std::fmt::Write;

use motcua_core::codes::DossierCode;

use crate::FormError;

/// Bar and space widths, in modules, of the symbols 0 to 105 (bar first; six elements each,
/// eleven modules in all).
const PATTERNS: [[u8; 6]; 106] = [
    [2, 1, 2, 2, 2, 2],
    [2, 2, 2, 1, 2, 2],
    [2, 2, 2, 2, 2, 1],
    [1, 2, 1, 2, 2, 3],
    [1, 2, 1, 3, 2, 2],
    [1, 3, 1, 2, 2, 2],
    [1, 2, 2, 2, 1, 3],
    [1, 2, 2, 3, 1, 2],
    [1, 3, 2, 2, 1, 2],
    [2, 2, 1, 2, 1, 3],
    [2, 2, 1, 3, 1, 2],
    [2, 3, 1, 2, 1, 2],
    [1, 1, 2, 2, 3, 2],
    [1, 2, 2, 1, 3, 2],
    [1, 2, 2, 2, 3, 1],
    [1, 1, 3, 2, 2, 2],
    [1, 2, 3, 1, 2, 2],
    [1, 2, 3, 2, 2, 1],
    [2, 2, 3, 2, 1, 1],
    [2, 2, 1, 1, 3, 2],
    [2, 2, 1, 2, 3, 1],
    [2, 1, 3, 2, 1, 2],
    [2, 2, 3, 1, 1, 2],
    [3, 1, 2, 1, 3, 1],
    [3, 1, 1, 2, 2, 2],
    [3, 2, 1, 1, 2, 2],
    [3, 2, 1, 2, 2, 1],
    [3, 1, 2, 2, 1, 2],
    [3, 2, 2, 1, 1, 2],
    [3, 2, 2, 2, 1, 1],
    [2, 1, 2, 1, 2, 3],
    [2, 1, 2, 3, 2, 1],
    [2, 3, 2, 1, 2, 1],
    [1, 1, 1, 3, 2, 3],
    [1, 3, 1, 1, 2, 3],
    [1, 3, 1, 3, 2, 1],
    [1, 1, 2, 3, 1, 3],
    [1, 3, 2, 1, 1, 3],
    [1, 3, 2, 3, 1, 1],
    [2, 1, 1, 3, 1, 3],
    [2, 3, 1, 1, 1, 3],
    [2, 3, 1, 3, 1, 1],
    [1, 1, 2, 1, 3, 3],
    [1, 1, 2, 3, 3, 1],
    [1, 3, 2, 1, 3, 1],
    [1, 1, 3, 1, 2, 3],
    [1, 1, 3, 3, 2, 1],
    [1, 3, 3, 1, 2, 1],
    [3, 1, 3, 1, 2, 1],
    [2, 1, 1, 3, 3, 1],
    [2, 3, 1, 1, 3, 1],
    [2, 1, 3, 1, 1, 3],
    [2, 1, 3, 3, 1, 1],
    [2, 1, 3, 1, 3, 1],
    [3, 1, 1, 1, 2, 3],
    [3, 1, 1, 3, 2, 1],
    [3, 3, 1, 1, 2, 1],
    [3, 1, 2, 1, 1, 3],
    [3, 1, 2, 3, 1, 1],
    [3, 3, 2, 1, 1, 1],
    [3, 1, 4, 1, 1, 1],
    [2, 2, 1, 4, 1, 1],
    [4, 3, 1, 1, 1, 1],
    [1, 1, 1, 2, 2, 4],
    [1, 1, 1, 4, 2, 2],
    [1, 2, 1, 1, 2, 4],
    [1, 2, 1, 4, 2, 1],
    [1, 4, 1, 1, 2, 2],
    [1, 4, 1, 2, 2, 1],
    [1, 1, 2, 2, 1, 4],
    [1, 1, 2, 4, 1, 2],
    [1, 2, 2, 1, 1, 4],
    [1, 2, 2, 4, 1, 1],
    [1, 4, 2, 1, 1, 2],
    [1, 4, 2, 2, 1, 1],
    [2, 4, 1, 2, 1, 1],
    [2, 2, 1, 1, 1, 4],
    [4, 1, 3, 1, 1, 1],
    [2, 4, 1, 1, 1, 2],
    [1, 3, 4, 1, 1, 1],
    [1, 1, 1, 2, 4, 2],
    [1, 2, 1, 1, 4, 2],
    [1, 2, 1, 2, 4, 1],
    [1, 1, 4, 2, 1, 2],
    [1, 2, 4, 1, 1, 2],
    [1, 2, 4, 2, 1, 1],
    [4, 1, 1, 2, 1, 2],
    [4, 2, 1, 1, 1, 2],
    [4, 2, 1, 2, 1, 1],
    [2, 1, 2, 1, 4, 1],
    [2, 1, 4, 1, 2, 1],
    [4, 1, 2, 1, 2, 1],
    [1, 1, 1, 1, 4, 3],
    [1, 1, 1, 3, 4, 1],
    [1, 3, 1, 1, 4, 1],
    [1, 1, 4, 1, 1, 3],
    [1, 1, 4, 3, 1, 1],
    [4, 1, 1, 1, 1, 3],
    [4, 1, 1, 3, 1, 1],
    [1, 1, 3, 1, 4, 1],
    [1, 1, 4, 1, 3, 1],
    [3, 1, 1, 1, 4, 1],
    [4, 1, 1, 1, 3, 1],
    [2, 1, 1, 4, 1, 2],
    [2, 1, 1, 2, 1, 4],
    [2, 1, 1, 2, 3, 2],
];

/// The stop pattern: thirteen modules, ending with the two-module termination bar.
const STOP: [u8; 7] = [2, 3, 3, 1, 1, 1, 2];
/// In set B: switch to set C.
const CODE_C: u8 = 99;
/// In set C: switch to set B.
const CODE_B: u8 = 100;
const START_B: u8 = 104;
const START_C: u8 = 105;
const QUIET_MODULES: u32 = 10;
/// The cost of an impossible step; small enough that adding to it cannot overflow.
const NEVER: usize = usize::MAX / 2;
/// Bar height, in modules (CSS pixels).
const HEIGHT: u32 = 40;

/// A code set in use while encoding.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Set {
    B,
    C,
}

/// The symbol values of `text`, start and check symbols included, stop excluded.
pub(crate) fn symbols(text: &str) -> Result<Vec<u8>, FormError> {
    let refuse = |reason| FormError::Barcode {
        text: text.to_owned(),
        reason,
    };
    if text.is_empty() {
        return Err(refuse("there is nothing to encode"));
    }
    let bytes = text.as_bytes();
    if !bytes.iter().all(|b| (b' '..=b'~').contains(b)) {
        return Err(refuse("only printable ASCII characters can be encoded"));
    }
    let pair = |i: usize| {
        i + 1 < bytes.len() && bytes[i].is_ascii_digit() && bytes[i + 1].is_ascii_digit()
    };

    // cost[i][set]: the fewest symbols encoding bytes[i..] when `set` (0 for B, 1 for C) is
    // the current code set; a switch costs one symbol.
    let n = bytes.len();
    let mut cost = vec![[0usize; 2]; n + 1];
    // The cost of going on from i with one character in B, or with two digits in C.
    let by_char = |cost: &[[usize; 2]], i: usize| 1 + cost[i + 1][0];
    let by_pair = |cost: &[[usize; 2]], i: usize| {
        if pair(i) { 1 + cost[i + 2][1] } else { NEVER }
    };
    for i in (0..n).rev() {
        let (char_next, pair_next) = (by_char(&cost, i), by_pair(&cost, i));
        cost[i] = [char_next.min(1 + pair_next), pair_next.min(1 + char_next)];
    }

    let mut set = if cost[0][1] < cost[0][0] {
        Set::C
    } else {
        Set::B
    };
    let mut values = vec![if set == Set::C { START_C } else { START_B }];
    let mut i = 0;
    while i < n {
        let (char_next, pair_next) = (by_char(&cost, i), by_pair(&cost, i));
        let switch = match set {
            Set::B => 1 + pair_next < char_next,
            Set::C => 1 + char_next < pair_next,
        };
        if switch {
            values.push(if set == Set::B { CODE_C } else { CODE_B });
            set = if set == Set::B { Set::C } else { Set::B };
        }
        if set == Set::C {
            values.push((bytes[i] - b'0') * 10 + (bytes[i + 1] - b'0'));
            i += 2;
        } else {
            values.push(bytes[i] - b' ');
            i += 1;
        }
    }
    let weighted = values
        .iter()
        .enumerate()
        .map(|(position, &v)| position.max(1) * usize::from(v))
        .sum::<usize>();
    values.push((weighted % 103) as u8);
    Ok(values)
}

/// The bar and space widths of `text`'s symbol, stop pattern included, quiet zones excluded.
pub(crate) fn widths(text: &str) -> Result<Vec<u8>, FormError> {
    let mut widths: Vec<u8> = symbols(text)?
        .into_iter()
        .flat_map(|v| PATTERNS[usize::from(v)])
        .collect();
    widths.extend(STOP);
    Ok(widths)
}

/// `text` as a Code 128 barcode in inline SVG, one unit of the view box and one CSS pixel per
/// module; the text is in the `aria-label`, not drawn.
pub fn code128_svg(text: &str) -> Result<String, FormError> {
    let widths = widths(text)?;
    let total = widths.iter().map(|&w| u32::from(w)).sum::<u32>() + 2 * QUIET_MODULES;
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="barcode" viewBox="0 0 {total} {HEIGHT}" width="{total}" height="{HEIGHT}" shape-rendering="crispEdges" role="img" aria-label="Code 128: {label}"><rect width="{total}" height="{HEIGHT}" fill="#fff"/><path fill="#000" d=""##,
        label = xml_escape(text),
    );
    let mut x = QUIET_MODULES;
    for (i, &w) in widths.iter().enumerate() {
        if i % 2 == 0 {
            // Writing to a String cannot fail.
            let _ = write!(svg, "M{x} 0h{w}v{HEIGHT}h-{w}z");
        }
        x += u32::from(w);
    }
    svg.push_str(r#""/></svg>"#);
    Ok(svg)
}

/// A dossier code as a Code 128 barcode in inline SVG (see [`code128_svg`]); dossier codes are
/// always printable ASCII, so this cannot fail.
pub fn barcode_svg(code: &DossierCode) -> String {
    code128_svg(&code.to_string()).unwrap_or_default()
}

/// Escapes text for an XML attribute or element.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_is_eleven_modules_with_even_bars_and_all_differ() {
        for (v, p) in PATTERNS.iter().enumerate() {
            assert_eq!(
                p.iter().map(|&w| u32::from(w)).sum::<u32>(),
                11,
                "symbol {v}"
            );
            assert_eq!(
                (p[0] + p[2] + p[4]) % 2,
                0,
                "symbol {v}: bar modules must be even"
            );
        }
        let mut sorted = PATTERNS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), PATTERNS.len());
        assert_eq!(STOP.iter().map(|&w| u32::from(w)).sum::<u32>(), 13);
    }

    #[test]
    fn digit_runs_go_into_set_c_only_when_that_saves_symbols() {
        // Three leading digits stay in B; six in the middle and four at the end go into C.
        let v = symbols("000.00.01.H56-260102-0001").unwrap();
        assert_eq!(v[0], START_B);
        let body = &v[1..v.len() - 1];
        assert_eq!(body.iter().filter(|&&s| s == CODE_C).count(), 2);
        assert_eq!(body.iter().filter(|&&s| s == CODE_B).count(), 1);
        assert_eq!(body.len(), 23);
        // Leading even run: start in C.
        assert_eq!(symbols("1234").unwrap()[..3], [START_C, 12, 34]);
        // Odd run at the end: one digit in B first, then C.
        assert_eq!(
            symbols("A12345").unwrap()[..6],
            [START_B, 33, 17, CODE_C, 23, 45]
        );
        // A four-digit run in the middle saves nothing: it stays in B.
        assert!(!symbols("A1234B").unwrap().contains(&CODE_C));
    }

    #[test]
    fn the_check_symbol_weights_by_position() {
        // Start B (104), "A" (33) at 1, "B" (34) at 2: 104 + 33 + 68 = 205 = 103 + 102.
        assert_eq!(symbols("AB").unwrap(), [START_B, 33, 34, 102]);
    }

    #[test]
    fn only_printable_ascii_is_accepted() {
        assert!(symbols("").is_err());
        assert!(symbols("Hồ sơ").is_err());
        assert!(symbols("a\tb").is_err());
    }
}
