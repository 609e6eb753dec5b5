//! What a device is: its operating system and class, from the clues it
//! gave, by the rules of `data/classify.tsv` (read once; an administrator
//! extends the table by adding a line).
//!
//! Each matching rule votes its weight for an OS and/or a class; the
//! highest total wins. The confidence is the winner's weight over all the
//! votes plus what it lacks of 100: one weak clue stays a weak claim, and
//! every contradicting vote lowers it.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use crate::Lang;

const TABLE: &str = include_str!("../data/classify.tsv");

/// One rule of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Rule {
    kind: &'static str,
    pattern: &'static str,
    os: Option<&'static str>,
    class: Option<&'static str>,
    weight: u32,
    why_zh: &'static str,
    why_en: &'static str,
}

static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    TABLE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|line| {
            let mut c = line.split('\t');
            let (kind, pattern, os, class) = (c.next()?, c.next()?, c.next()?, c.next()?);
            let weight = c.next()?.parse().ok()?;
            let (why_zh, why_en) = (c.next()?, c.next()?);
            let said = |s: &'static str| (s != "-").then_some(s);
            c.next().is_none().then_some(Rule {
                kind,
                pattern,
                os: said(os),
                class: said(class),
                weight,
                why_zh,
                why_en,
            })
        })
        .collect()
});

/// What the rules make of a device.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Classification {
    /// The operating system (family, or more when a clue says so).
    pub os: Option<&'static str>,
    /// The device class: workstation, server, scanner, printer, switch,
    /// router, access_point, phone, tablet, camera, iot.
    pub class: Option<&'static str>,
    /// 0–100: how much of the evidence agrees with the OS (or, without an
    /// OS, with the class).
    pub confidence: u8,
    /// The rules that matched, as their reasons (Chinese, English),
    /// strongest first.
    pub reasons: Vec<(&'static str, &'static str)>,
}

/// Classifies a device from its clues (`(kind, value)`, as `gapwatch device`
/// lists them) and its vendor (the MAC registry's name).
pub fn classify<'a>(
    clues: impl IntoIterator<Item = (&'a str, &'a str)>,
    vendor: Option<&'a str>,
) -> Classification {
    let mut matched: Vec<&Rule> = Vec::new();
    let facts = clues.into_iter().chain(vendor.map(|v| ("vendor", v)));
    for (kind, value) in facts {
        for rule in matching(kind, value) {
            if !matched.iter().any(|m| std::ptr::eq(*m, rule)) {
                matched.push(rule);
            }
        }
    }
    matched.sort_by_key(|r| std::cmp::Reverse(r.weight));
    let (os, os_share) = vote(matched.iter().filter_map(|r| r.os.map(|o| (o, r.weight))));
    let (class, class_share) = vote(matched.iter().filter_map(|r| r.class.map(|c| (c, r.weight))));
    Classification {
        os,
        class,
        confidence: if os.is_some() { os_share } else { class_share },
        reasons: {
            let mut reasons: Vec<_> = matched.iter().map(|r| (r.why_zh, r.why_en)).collect();
            // Rules of several sources may give one reason ("runs Cisco IOS").
            let mut said = std::collections::BTreeSet::new();
            reasons.retain(|r| said.insert(*r));
            reasons
        },
    }
}

/// What one rule a clue matches claims.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Claim {
    /// The operating system it names, if any.
    pub os: Option<&'static str>,
    /// The class it names, if any.
    pub class: Option<&'static str>,
    /// Its weight in the table.
    pub weight: u32,
    /// Its reason (Chinese, English).
    pub why: (&'static str, &'static str),
}

/// The claims of every rule the clue (`kind`, `value`) matches.
pub fn claims<'a>(kind: &'a str, value: &'a str) -> impl Iterator<Item = Claim> + 'a {
    matching(kind, value).map(|r| Claim {
        os: r.os,
        class: r.class,
        weight: r.weight,
        why: (r.why_zh, r.why_en),
    })
}

/// The rules the clue (`kind`, `value`) matches.
fn matching<'a>(kind: &'a str, value: &'a str) -> impl Iterator<Item = &'static Rule> + 'a {
    RULES.iter().filter(move |r| r.kind == kind && glob(r.pattern, value))
}

/// The family an OS belongs to, as far as one machine can only be one of
/// them: Windows, Apple (macOS, iOS), Linux (with Android and the Chinese
/// desktops), or the OS itself (FreeBSD, network systems).
pub fn os_family(os: &'static str) -> &'static str {
    match os {
        o if o.starts_with("Windows") => "Windows",
        "macOS" | "iOS" | "macOS/iOS" => "Apple",
        "Linux" | "Android" | "Kylin" | "UOS" => "Linux",
        other => other,
    }
}

/// The winner of weighted votes and its confidence: its weight over all
/// the votes plus what it lacks of 100.
fn vote(votes: impl Iterator<Item = (&'static str, u32)>) -> (Option<&'static str>, u8) {
    let mut totals: BTreeMap<&'static str, u32> = BTreeMap::new();
    for (choice, weight) in votes {
        *totals.entry(choice).or_default() += weight;
    }
    let all: u32 = totals.values().sum();
    let Some((&winner, &weight)) =
        totals.iter().max_by_key(|&(name, w)| (*w, std::cmp::Reverse(*name)))
    else {
        return (None, 0);
    };
    // Other choices' votes count against the winner; so does the gap
    // to 100 when the evidence is thin.
    let base = all + 100u32.saturating_sub(weight);
    (Some(winner), (weight * 100 / base).min(100) as u8)
}

/// True when `value` matches `pattern` (whole, ASCII case-insensitive, `*`
/// for any run of characters).
fn glob(pattern: &str, value: &str) -> bool {
    let (p, v) = (pattern.as_bytes(), value.as_bytes());
    let (mut pi, mut vi, mut star, mut mark) = (0, 0, None, 0);
    while vi < v.len() {
        if pi < p.len() && p[pi] != b'*' && p[pi].eq_ignore_ascii_case(&v[vi]) {
            pi += 1;
            vi += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = vi;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            vi = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// A device class as shown to people.
pub fn class_label(class: &str, lang: Lang) -> &str {
    let zh = match class {
        "workstation" => "工作站",
        "server" => "服务器",
        "scanner" => "扫描仪",
        "printer" => "打印机",
        "switch" => "交换机",
        "router" => "路由器",
        "access_point" => "无线接入点",
        "phone" => "手机",
        "tablet" => "平板电脑",
        "camera" => "摄像头",
        "iot" => "物联网设备",
        _ => return class,
    };
    lang.pick(zh, class)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_are_per_rule_and_families_group_oses() {
        let c: Vec<_> = claims("dhcp.vendor_class", "android-dhcp-13").collect();
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].os, c[0].class, c[0].weight), (Some("Android"), Some("phone"), 70));
        assert_eq!(claims("dhcp.vendor_class", "nothing known").count(), 0);
        assert_eq!(os_family("Android"), "Linux");
        assert_eq!(os_family("macOS/iOS"), os_family("iOS"));
        assert_ne!(os_family("Windows"), os_family("Linux"));
        assert_eq!(os_family("Cisco IOS"), "Cisco IOS");
    }

    #[test]
    fn every_line_of_the_table_is_a_rule() {
        let lines = TABLE.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).count();
        assert_eq!(RULES.len(), lines, "a line is not seven tab-separated fields");
        for r in RULES.iter() {
            assert!(r.os.is_some() || r.class.is_some() || r.weight <= 20, "{r:?} says nothing");
        }
    }

    #[test]
    fn a_windows_laptop_is_a_windows_workstation() {
        let c = classify(
            [
                ("tcp.stack", "Windows"),
                ("dhcp.vendor_class", "MSFT 5.0"),
                ("dhcp.hostname", "LAPTOP-K3V9T2QD"),
            ],
            Some("Lenovo"),
        );
        assert_eq!((c.os, c.class), (Some("Windows"), Some("workstation")));
        assert_eq!(c.confidence, 100);
        assert_eq!(c.reasons[0].1, "DHCP vendor class MSFT 5.0 (Windows 2000 and later)");
        assert_eq!(c.reasons[0].0, "DHCP 厂商类别 MSFT 5.0（Windows 2000 及以后）");
    }

    #[test]
    fn a_phone_and_a_printer() {
        let phone = classify(
            [
                ("tcp.stack", "macOS"),
                ("dhcp.hostname", "iPhone"),
                ("mdns.service", "_apple-mobdev2._tcp"),
            ],
            None,
        );
        assert_eq!((phone.os, phone.class), (Some("iOS"), Some("phone")));
        let printer = classify(
            [("dhcp.hostname", "BRN30055C8A412F"), ("tcp.stack", "Embedded")],
            Some("Brother industries, LTD."),
        );
        assert_eq!((printer.os, printer.class), (None, Some("printer")));
        assert!(printer.confidence >= 90, "{printer:?}");
    }

    #[test]
    fn one_weak_clue_is_a_weak_claim_and_none_is_nothing() {
        let c = classify([("tcp.stack", "Linux")], None);
        assert_eq!((c.os, c.confidence), (Some("Linux"), 30));
        assert_eq!(classify([], None), Classification::default());
        // Contradicting clues lower the confidence.
        let c = classify([("tcp.stack", "Linux"), ("dhcp.vendor_class", "MSFT 5.0")], None);
        assert_eq!((c.os, c.confidence), (Some("Windows"), 38));
    }

    #[test]
    fn patterns_match_whole_values_without_case() {
        assert!(glob("android-dhcp-*", "android-dhcp-13"));
        assert!(glob("*MacBook*", "Nicks-macbook-pro"));
        assert!(!glob("iPhone*", "my-iPhone"));
        assert!(glob("MSFT 5.0", "msft 5.0"));
        assert!(!glob("MSFT 5.0", "MSFT 5.0x"));
        assert!(glob("*", ""));
    }
}
