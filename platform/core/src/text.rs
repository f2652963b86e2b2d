//! Text folded for search: what a person types without diacritics finds what was written with
//! them ("le thi hoa" finds "Lê Thị Hoa", "dang ky" finds "Đăng ký").
//!
//! Rules it keeps:
//! - Vietnamese text folds to lowercase ASCII: every tone and vowel mark goes (`ệ` → `e`,
//!   `ư` → `u`), `đ` and `Đ` become `d` (so do `ð`/`Ð`, which legacy fonts and converters put in
//!   their place);
//! - text composed or decomposed (NFC, NFD, as some keyboards and systems send it) and
//!   compatibility forms (full-width letters, ligatures) fold alike;
//! - runs of whitespace become one space and the ends are trimmed;
//! - letters of other scripts are kept, lowercased, and punctuation is kept as it is: folding
//!   loses marks, never words.
//!
//! Stored folded text is compared with folded queries, so changing these rules means refolding
//! what was stored.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// `text` folded for search (see the module's rules).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.nfkd() {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if is_combining_mark(c) {
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        match c {
            'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
            _ => out.extend(c.to_lowercase().filter(|l| !is_combining_mark(*l))),
        }
    }
    out
}

/// The words of `text` folded: what a search matches word by word.
pub fn folded_words(text: &str) -> Vec<String> {
    fold(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_folds_to_lowercase_ascii() {
        assert_eq!(fold("Lê Thị Hoa"), "le thi hoa");
        assert_eq!(fold("ĐỖ VĂN HẢI"), "do van hai");
        assert_eq!(fold("Nguyễn Thị Ngọc Hường"), "nguyen thi ngoc huong");
        assert_eq!(fold("Trương Ưng Ơn Ăn Ân"), "truong ung on an an");
        assert_eq!(
            fold("Đăng ký thành lập hộ kinh doanh"),
            "dang ky thanh lap ho kinh doanh"
        );
        let all = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ";
        let folded = fold(all);
        assert!(folded.is_ascii(), "{folded}");
        assert_eq!(folded, fold(&all.to_uppercase()));
        assert_eq!(
            folded,
            "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd"
        );
    }

    #[test]
    fn composed_decomposed_and_compatibility_forms_fold_alike() {
        let composed = "Hoà Bình";
        let decomposed = "Hoa\u{300} Bi\u{300}nh";
        assert_ne!(composed, decomposed);
        assert_eq!(fold(composed), fold(decomposed));
        assert_eq!(fold("Ｌê　Ｈoa"), "le hoa");
        assert_eq!(fold("ÐINH Ðức"), "dinh duc");
    }

    #[test]
    fn whitespace_collapses_and_the_rest_stays() {
        assert_eq!(fold("  Lê \t Thị\n\nHoa  "), "le thi hoa");
        assert_eq!(fold(""), "");
        assert_eq!(fold(" \t "), "");
        assert_eq!(
            fold("Công ty TNHH A&B (Hà Nội)"),
            "cong ty tnhh a&b (ha noi)"
        );
        assert_eq!(fold("Müller 张伟"), "muller 张伟");
        assert_eq!(fold("İstanbul"), "istanbul");
        assert_eq!(fold("038095001234"), "038095001234");
    }

    #[test]
    fn words_are_folded_and_split() {
        assert_eq!(folded_words("  Lê  Thị Hoa "), ["le", "thi", "hoa"]);
        assert!(folded_words("   ").is_empty());
    }

    #[test]
    fn folding_is_idempotent() {
        for s in ["Lê Thị Hoa", "  ĐẶNG  văn  Ơn ", "Ｌê", "a&b"] {
            assert_eq!(fold(&fold(s)), fold(s));
        }
    }
}
