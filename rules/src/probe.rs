//! Internet probes: the host names operating systems and applications
//! contact to learn whether they are online, to update or to set the clock.
//!
//! The table is `data/probes.tsv`, one domain per line with who uses it and
//! what for; an administrator extends it by adding a line. On an isolated
//! LAN a request for one of these names shows a device configured as if it
//! were on the internet.

use std::sync::LazyLock;

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
    table().find(|p| crate::policy::in_domain(name, p.domain))
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
