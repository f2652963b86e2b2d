//! The catalogue's search index: each published procedure's texts folded once (diacritics and
//! case gone, split into words) per language, when the tenant's procedures are loaded, so that a
//! search compares words and never folds the catalogue again.
//!
//! Ranking, best first (ties by name):
//! 1. the query's words, in their order, are a run of words of the name ("dang ky khai sinh"
//!    in "Đăng ký khai sinh có yếu tố nước ngoài", but not "khai sinh dang ky");
//! 2. every word of the query is a word of the name, in any order;
//! 3. every word of the query starts a word of the name ("khai si");
//! 4. the query is (part of) the procedure's code, national or local;
//! 5. every word of the query starts a word of the name or the sector;
//! 6. ... of the name, the sector or the agency;
//! 7. ... of the name, the sector, the agency, the results or the documents (their names, their
//!    cases and their template forms).

use motcua_core::lang::Lang;
use motcua_core::procedure::ProcedureInfo;
use motcua_core::tenant::TenantManifest;
use motcua_core::text::fold;

/// How well a procedure matches a query: lower is better (see the module's ranking).
pub type Rank = u8;

/// One procedure's folded texts in one language.
#[derive(Clone, Debug, Default)]
pub struct Folded {
    /// The name's folded text, for sorting ties.
    pub name_key: String,
    /// The name's words.
    pub name: Vec<String>,
    /// The sector's words.
    pub sector: Vec<String>,
    /// The agency's words.
    pub agency: Vec<String>,
    /// The words of the results, the documents, their cases and template forms.
    pub rest: Vec<String>,
}

/// One procedure of the index.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Its position in the tenant's procedure list.
    pub position: usize,
    /// Its national code, folded (`1.001193`).
    pub code: String,
    /// Its local code, folded (`1.001193.000.00.00.h56`).
    pub local_code: String,
    /// Its sector code (the sector facet's key).
    pub sector: String,
    /// Its agency's key (the agency facet's key): the Vietnamese name folded into a slug.
    pub agency: String,
    /// Its online level, 1 to 4.
    pub level: u8,
    /// Its texts in Vietnamese.
    pub vi: Folded,
    /// Its texts in English.
    pub en: Folded,
}

impl Entry {
    /// Its texts in `lang`.
    pub fn folded(&self, lang: Lang) -> &Folded {
        lang.pick(&self.vi, &self.en)
    }
}

/// The index of a tenant's published procedures, in the order of the tenant's list.
#[derive(Clone, Debug, Default)]
pub struct Index {
    /// One entry per procedure.
    pub entries: Vec<Entry>,
}

/// The words of `text` as a search compares them: folded, split at anything that is not a
/// letter or a digit ("(Chi nhánh" gives `chi`, `nhanh`).
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The facet key of an agency: its Vietnamese name folded, words joined by dashes.
pub fn agency_key(agency_vi: &str) -> String {
    words(agency_vi).join("-")
}

impl Index {
    /// Folds the texts of `procedures` (in the tenant's order).
    pub fn build<'a>(
        manifest: &TenantManifest,
        procedures: impl IntoIterator<Item = &'a ProcedureInfo>,
    ) -> Self {
        let entries = procedures
            .into_iter()
            .enumerate()
            .map(|(position, p)| Entry {
                position,
                code: fold(&p.code.to_string()),
                local_code: fold(&p.local_code(manifest)),
                sector: p.sector.to_string(),
                agency: agency_key(&p.agency.vi),
                level: p.level.number(),
                vi: folded(p, Lang::Vi),
                en: folded(p, Lang::En),
            })
            .collect();
        Self { entries }
    }

    /// The entries that match `query` in `lang`, with their rank (every entry, rank 0, for an
    /// empty query).
    pub fn search<'i>(&'i self, lang: Lang, query: &str) -> Vec<(&'i Entry, Rank)> {
        let query = Query::new(query);
        self.entries
            .iter()
            .filter_map(|e| query.rank(e, lang).map(|r| (e, r)))
            .collect()
    }
}

fn folded(p: &ProcedureInfo, lang: Lang) -> Folded {
    let mut rest = Vec::new();
    for r in &p.results {
        rest.extend(words(r.get(lang)));
    }
    for case in &p.cases {
        rest.extend(words(case.name.get(lang)));
        for d in &case.documents {
            rest.extend(words(d.name.get(lang)));
            if let Some(t) = &d.template {
                rest.extend(words(t));
            }
        }
    }
    rest.sort_unstable();
    rest.dedup();
    let name = p.name.get(lang);
    Folded {
        name_key: fold(name),
        name: words(name),
        sector: words(p.sector_name.get(lang)),
        agency: words(p.agency.get(lang)),
        rest,
    }
}

/// A query, folded once.
struct Query {
    /// The whole query folded, for codes.
    whole: String,
    /// Its words.
    words: Vec<String>,
}

impl Query {
    fn new(text: &str) -> Self {
        Self {
            whole: fold(text),
            words: words(text),
        }
    }

    /// The rank of `e`, `None` when it does not match.
    fn rank(&self, e: &Entry, lang: Lang) -> Option<Rank> {
        if self.words.is_empty() {
            return Some(0);
        }
        let f = e.folded(lang);
        if f.name
            .windows(self.words.len())
            .any(|run| run == self.words.as_slice())
        {
            return Some(0);
        }
        if self.words.iter().all(|w| f.name.contains(w)) {
            return Some(1);
        }
        let starts = |fields: &[&[String]]| {
            self.words.iter().all(|w| {
                fields
                    .iter()
                    .any(|field| field.iter().any(|word| word.starts_with(w.as_str())))
            })
        };
        if starts(&[f.name.as_slice()]) {
            return Some(2);
        }
        if !self.whole.contains(' ')
            && (e.code.contains(&self.whole) || e.local_code.contains(&self.whole))
        {
            return Some(3);
        }
        if starts(&[f.name.as_slice(), f.sector.as_slice()]) {
            return Some(4);
        }
        if starts(&[f.name.as_slice(), f.sector.as_slice(), f.agency.as_slice()]) {
            return Some(5);
        }
        if starts(&[
            f.name.as_slice(),
            f.sector.as_slice(),
            f.agency.as_slice(),
            f.rest.as_slice(),
        ]) {
            return Some(6);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(
        position: usize,
        code: &str,
        name: &str,
        sector: &str,
        agency: &str,
        rest: &str,
    ) -> Entry {
        let f = Folded {
            name_key: fold(name),
            name: words(name),
            sector: words(sector),
            agency: words(agency),
            rest: words(rest),
        };
        Entry {
            position,
            code: code.to_owned(),
            local_code: format!("{code}.000.00.00.h56"),
            sector: "s".to_owned(),
            agency: agency_key(agency),
            level: 3,
            vi: f.clone(),
            en: f,
        }
    }

    fn ranks(index: &Index, q: &str) -> Vec<(usize, Rank)> {
        let mut found: Vec<(usize, Rank)> = index
            .search(Lang::Vi, q)
            .into_iter()
            .map(|(e, r)| (e.position, r))
            .collect();
        found.sort_unstable();
        found
    }

    fn sample() -> Index {
        Index {
            entries: vec![
                entry(
                    0,
                    "1.001193",
                    "Đăng ký khai sinh",
                    "Hộ tịch",
                    "Ủy ban nhân dân cấp xã",
                    "Giấy khai sinh",
                ),
                entry(
                    1,
                    "1.000001",
                    "Khai sinh, đăng ký lại",
                    "Hộ tịch",
                    "Ủy ban nhân dân cấp xã",
                    "",
                ),
                entry(
                    2,
                    "2.000488",
                    "Cấp Phiếu lý lịch tư pháp",
                    "Lý lịch tư pháp",
                    "Công an tỉnh",
                    "Tờ khai đăng ký",
                ),
                entry(
                    3,
                    "1.004227",
                    "Chứng thực bản sao từ bản chính",
                    "Chứng thực",
                    "Ủy ban nhân dân cấp xã",
                    "Bản sao khai sinh",
                ),
            ],
        }
    }

    #[test]
    fn words_ignore_diacritics_case_and_punctuation() {
        assert_eq!(words("Đăng KÝ (khai-sinh)"), ["dang", "ky", "khai", "sinh"]);
        assert_eq!(
            agency_key("Ủy ban nhân dân cấp xã"),
            "uy-ban-nhan-dan-cap-xa"
        );
    }

    #[test]
    fn the_phrase_in_order_ranks_first() {
        let index = sample();
        // "khai sinh" is a run of words in 0 and 1; "dang ky khai sinh" only in 0, in order.
        assert_eq!(ranks(&index, "DANG KY khai sinh"), [(0, 0), (1, 1)]);
        // The same words in another order: a phrase only where the name has them in that order.
        assert_eq!(ranks(&index, "khai sinh dang ky"), [(0, 1), (1, 0)]);
        assert_eq!(ranks(&index, "khai sinh"), [(0, 0), (1, 0), (3, 6)]);
    }

    #[test]
    fn prefixes_codes_and_other_fields_rank_after_the_name() {
        let index = sample();
        assert_eq!(ranks(&index, "khai si"), [(0, 2), (1, 2), (3, 6)]);
        assert_eq!(ranks(&index, "2.000488"), [(2, 3)]);
        assert_eq!(ranks(&index, "000488.000"), [(2, 3)]);
        assert_eq!(ranks(&index, "ho tich"), [(0, 4), (1, 4)]);
        assert_eq!(ranks(&index, "cong an"), [(2, 5)]);
        assert_eq!(ranks(&index, "ban sao"), [(3, 0)]);
        assert_eq!(ranks(&index, "giấy khai"), [(0, 6)]);
        assert!(ranks(&index, "khai quoc").is_empty());
        assert_eq!(
            ranks(&index, "  ").len(),
            4,
            "an empty query matches everything"
        );
    }
}
