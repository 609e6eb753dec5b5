//! The clauses of 档办发〔2014〕7号 that alerts cite: the regulation's own
//! words, and an English gist, so the officer sees which rule was broken.
//!
//! The table is `data/clauses.tsv`, written by `scripts/extract-clauses`
//! from the regulation's full text and `spec/CLAUSES.md`.

use crate::Lang;

const TABLE: &str = include_str!("../data/clauses.tsv");

/// What a clause says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clause {
    /// Its number, as `5.4`.
    pub id: &'static str,
    /// The regulation's text, in Chinese.
    pub text_zh: &'static str,
    /// The gist, in English.
    pub gist_en: &'static str,
}

impl Clause {
    /// The clause's words in `lang`: the regulation itself in Chinese, the
    /// gist in English.
    pub fn text(&self, lang: Lang) -> &'static str {
        lang.pick(self.text_zh, self.gist_en)
    }
}

/// The clause numbered `id`, if gapwatch cites it.
pub fn clause(id: &str) -> Option<Clause> {
    TABLE.lines().filter(|l| !l.starts_with('#')).find_map(|line| {
        let mut cols = line.split('\t');
        let (cid, zh, en) = (cols.next()?, cols.next()?, cols.next()?);
        (cid == id).then_some(Clause { id: cid, text_zh: zh, gist_en: en })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::catalog;

    #[test]
    fn every_cited_clause_has_its_text() {
        for info in catalog() {
            for id in info.clauses {
                let c = clause(id).unwrap_or_else(|| panic!("{} cites {id}", info.id));
                assert!(!c.text_zh.is_empty() && !c.gist_en.is_empty(), "{id}");
            }
        }
    }

    #[test]
    fn isolation_clause_reads_as_the_regulation() {
        let c = clause("5.4").unwrap();
        assert!(c.text(Lang::Zh).starts_with("档案数字化加工网络要与其他网络物理隔离"));
        assert!(c.text(Lang::En).contains("physically isolated"));
        assert_eq!(clause("9.9"), None);
    }
}
