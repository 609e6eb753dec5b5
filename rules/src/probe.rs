//! Internet probes: the host names operating systems and applications
//! contact to learn whether they are online, to update or to set the clock.
//!
//! The table is `data/probes.tsv`, one domain per line with who uses it and
//! what for; an administrator extends it by adding a line. On an isolated
//! LAN a request for one of these names shows a device configured as if it
//! were on the internet.

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use crate::Lang;

const TABLE: &str = include_str!("../data/probes.tsv");

/// The table, read once: names are looked up for every new name a device
/// asks for.
static PROBES: LazyLock<Vec<Probe>> = LazyLock::new(|| {
    TABLE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|line| {
            let mut cols = line.split('\t');
            let probe = Probe {
                domain: cols.next()?,
                who: cols.next()?,
                what_zh: cols.next()?,
                what_en: cols.next()?,
            };
            cols.next().is_none().then_some(probe)
        })
        .collect()
});

/// The table's lines by domain (the first line, for a domain listed twice).
static BY_DOMAIN: LazyLock<FxHashMap<&'static str, usize>> = LazyLock::new(|| {
    let mut by_domain = FxHashMap::default();
    for (line, probe) in PROBES.iter().enumerate() {
        by_domain.entry(probe.domain).or_insert(line);
    }
    by_domain
});

/// One entry of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Probe {
    /// The domain; names equal to it or inside it match.
    pub domain: &'static str,
    /// The system or application that contacts it.
    pub who: &'static str,
    /// What for, in Chinese.
    pub what_zh: &'static str,
    /// What for, in English.
    pub what_en: &'static str,
}

impl Probe {
    /// What for, in `lang`.
    pub fn what(&self, lang: Lang) -> &'static str {
        lang.pick(self.what_zh, self.what_en)
    }
}

/// Every entry, in file order (lines that are not four tab-separated
/// fields are left out; a test holds the file to that shape).
pub fn table() -> impl Iterator<Item = Probe> {
    PROBES.iter().copied()
}

/// The entry `name` falls under, if any (ASCII case-insensitive, a trailing
/// dot ignored).
pub fn lookup(name: &str) -> Option<Probe> {
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        return lookup_lowercase(&name.to_ascii_lowercase());
    }
    lookup_lowercase(name)
}

/// Every name asked for is looked up: the name and each domain above it
/// are found in a map, not matched against each line in turn.
fn lookup_lowercase(name: &str) -> Option<Probe> {
    let above = name.match_indices('.').map(|(i, _)| &name[i + 1..]);
    let line = std::iter::once(name).chain(above).filter_map(|d| BY_DOMAIN.get(d)).min()?;
    PROBES.get(*line).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_is_a_well_formed_entry() {
        let lines = TABLE.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty());
        assert_eq!(lines.count(), table().count(), "a line is not four tab-separated fields");
        for p in table() {
            let domain = p.domain;
            assert!(!domain.is_empty() && !domain.starts_with('.') && !domain.ends_with('.'));
            assert_eq!(domain, domain.to_ascii_lowercase(), "{domain}");
            assert!(domain.contains('.'), "{domain}: a bare label would match too much");
            assert!(!p.who.is_empty() && !p.what_zh.is_empty() && !p.what_en.is_empty());
        }
        assert!(table().count() >= 30);
    }

    /// The map finds what matching each line in turn finds, the first
    /// line that matches, for names at, below, beside and above each
    /// domain, in any case.
    #[test]
    fn lookup_agrees_with_matching_each_line_in_turn() {
        let scan = |name: &str| {
            let name = name.strip_suffix('.').unwrap_or(name);
            table().find(|p| crate::policy::in_domain(name, p.domain))
        };
        let mut names = vec![String::new(), ".".into(), "com".into(), "a..b".into()];
        for p in table() {
            let d = p.domain;
            let parent = d.split_once('.').map_or("", |(_, rest)| rest);
            names.extend([
                d.to_owned(),
                format!("{d}."),
                format!("www.{d}"),
                format!("a.b.{}", d.to_ascii_uppercase()),
                format!("x{d}"),
                format!("{d}.example"),
                parent.to_owned(),
            ]);
        }
        for name in &names {
            assert_eq!(lookup(name), scan(name), "{name:?}");
        }
        assert!(names.iter().filter(|n| lookup(n).is_some()).count() > 3 * table().count());
    }

    #[test]
    fn names_match_their_domain_and_below_only() {
        assert_eq!(lookup("www.msftconnecttest.com").map(|p| p.who), Some("Windows"));
        assert_eq!(lookup("MSFTCONNECTTEST.COM.").map(|p| p.who), Some("Windows"));
        assert_eq!(lookup("connectivitycheck.gstatic.com").map(|p| p.who), Some("Android"));
        assert_eq!(lookup("0.cn.pool.ntp.org").map(|p| p.what_en), Some("time service"));
        assert!(lookup("notmsftconnecttest.com").is_none());
        assert!(lookup("msftconnecttest.com.evil.example").is_none());
        assert!(lookup("fs01.dig.local").is_none());
    }
}
