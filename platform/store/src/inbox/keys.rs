//! Search keys of a dossier with open tasks (`dossier_task_keys`): `c:` and its code, `n:` and
//! each word of its applicant's folded name. The dossiers whose code starts with a prefix, or
//! whose name has a word starting with a given one, are then one range of the keys' index: a
//! search reads the smallest such range to find its candidates, whose tasks are then checked
//! against the whole search and the official's scope.
//!
//! Keys are cut at [`KEY_CHARS`] characters, and so are searches, which then find a few more
//! candidates than they should; the check on the tasks drops them.

/// The most characters a key keeps after its kind.
const KEY_CHARS: usize = 64;

fn cut(text: &str) -> &str {
    match text.char_indices().nth(KEY_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// The keys of a dossier with `code` and the applicant's `folded` name.
pub(super) fn of(code: &str, folded: &str) -> Vec<String> {
    let mut keys = vec![format!("c:{}", cut(code))];
    keys.extend(
        folded
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| format!("n:{}", cut(w))),
    );
    keys.sort();
    keys.dedup();
    keys
}

/// Where the keys of codes starting with `prefix` start.
pub(super) fn code(prefix: &str) -> String {
    format!("c:{}", cut(prefix))
}

/// Where the keys of names with a word starting with `word` start.
pub(super) fn word(word: &str) -> String {
    format!("n:{}", cut(word))
}

/// The smallest string greater than every string starting with `prefix`, in code point order
/// (which is bytewise UTF-8 order, the indexes' order), if there is one.
pub(super) fn successor(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if let Some(next) = (u32::from(last) + 1..=0x10_FFFF).find_map(char::from_u32) {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dossier_is_keyed_by_its_code_and_the_words_of_the_name() {
        assert_eq!(
            of("000.00.01.H56-260302-0001", "le thi hoa"),
            ["c:000.00.01.H56-260302-0001", "n:hoa", "n:le", "n:thi"]
        );
        assert_eq!(of("X", "an  an"), ["c:X", "n:an"]);
        assert_eq!(of("X", ""), ["c:X"]);
        assert_eq!(code("000.00.01.H56-2603"), "c:000.00.01.H56-2603");
        assert_eq!(word("hoa"), "n:hoa");
    }

    #[test]
    fn long_keys_and_searches_are_cut_alike() {
        let long = "x".repeat(100);
        assert_eq!(of("X", &long)[1], word(&long));
        assert_eq!(word(&long).len(), 2 + KEY_CHARS);
    }

    #[test]
    fn a_prefix_has_a_successor_bytewise() {
        assert_eq!(
            successor("000.00.01.H56-2603").as_deref(),
            Some("000.00.01.H56-2604")
        );
        assert_eq!(successor("n:le thi").as_deref(), Some("n:le thj"));
        assert_eq!(successor("trần").as_deref(), Some("trầo"));
        assert_eq!(successor("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(successor(""), None);
    }
}
