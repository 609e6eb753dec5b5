//! `device.fingerprint_changed`: a registered device's network stack
//! changes — the NIC moved to another machine, or something new answers
//! behind the registered MAC.
//!
//! Why: clause 5.8 — processing devices are dedicated and registered; a
//! registered MAC on a different machine defeats the register.
//!
//! Fires when the observer sees a registered device show another machine:
//! its TCP packets leave with an initial TTL it has not shown before, after
//! another (64 for Linux, macOS and most embedded stacks, 128 for Windows,
//! 255 for network gear); or a strong clue names another OS family
//! (Windows, Apple, Linux, …) or another class (workstation, phone,
//! router, …) than the first strong clue did. The first of each is no
//! change; each new one fires once, so a device flapping between two does
//! not repeat. One alert per device; the evidence lists each change as
//! "before → after" with the clues' reasons. Medium.
//!
//! Known false positives: a dual-boot machine, and a host whose virtual
//! machines send from its MAC: bridged with the host's address, or behind
//! its NAT (WSL2, Hyper-V's default switch: Linux SYNs from a Windows
//! host's MAC and address).

use serde_json::json;

use super::{KindInfo, evidence, joined, merge_lists};
use crate::alert::{AlertKind, Evidence, Finding, Severity, Subject};
use crate::classify::class_label;
use crate::fact::{Fact, FactKind, Fingerprint};
use crate::lang::Lang;
use crate::policy::Policy;

/// The catalog entry.
pub static INFO: KindInfo = KindInfo {
    kind: AlertKind::DeviceFingerprintChanged,
    id: "device.fingerprint_changed",
    severity: Severity::Medium,
    clause: "5.8",
    clauses: &["5.8"],
    title_zh: "设备指纹改变",
    title_en: "Device fingerprint changed",
    explain_zh: "已登记设备的指纹发生了变化（例如初始 TTL 从 128 变为 64，操作系统由 Windows 变为 Linux，或类型由工作站变为手机）：\
        该 MAC 地址很可能已换到另一台机器上，或其背后出现了新的设备。加工设备须专机专用并登记在册（5.8）。请到现场核对该设备。",
    explain_en: "A registered device's fingerprint changed (for example its initial TTL \
        went from 128 to 64, its OS from Windows to Linux, or its class from workstation to \
        phone): the MAC has most likely moved to another machine, or something \
        new answers behind it. Processing devices are dedicated and registered (5.8). Check \
        the device on site.",
    facts: &[FactKind::FingerprintChanged],
    check,
    merge,
    message,
};

/// At most this many changes are kept in the evidence.
const MAX_CHANGES: usize = 8;

fn check(fact: &Fact, policy: &Policy) -> Option<Finding> {
    let Fact::FingerprintChanged { mac, before, after, ts } = *fact else {
        return None;
    };
    policy.asset(mac)?;
    let (before_zh, before_en) = (describe(before, Lang::Zh), describe(before, Lang::En));
    let (after_zh, after_en) = (describe(after, Lang::Zh), describe(after, Lang::En));
    Some(Finding {
        kind: AlertKind::DeviceFingerprintChanged,
        subject: Subject { mac: Some(mac), ip: None },
        ts,
        evidence: evidence(json!({
            "changes_zh": [format!("{before_zh} → {after_zh}")],
            "changes_en": [format!("{before_en} → {after_en}")],
        })),
        severity: INFO.severity,
    })
}

/// A fingerprint as evidence shows it, e.g. `TTL 128 (Windows)`, `OS
/// Linux (its SYN is a Linux stack's)`.
fn describe(f: Fingerprint, lang: Lang) -> String {
    match (f, lang) {
        (Fingerprint::Ttl(base), _) => {
            let (zh, en) = match base {
                64 => ("Linux/macOS/嵌入式", "Linux/macOS/embedded"),
                128 => ("Windows", "Windows"),
                255 => ("网络设备", "network device"),
                _ => ("其他", "other"),
            };
            match lang {
                Lang::Zh => format!("TTL {base}（{zh}）"),
                Lang::En => format!("TTL {base} ({en})"),
            }
        }
        (Fingerprint::Os { family, why }, Lang::Zh) => format!("操作系统 {family}（{}）", why.0),
        (Fingerprint::Os { family, why }, Lang::En) => format!("OS {family} ({})", why.1),
        (Fingerprint::Class { class, why }, lang) => {
            let label = class_label(class, lang);
            match lang {
                Lang::Zh => format!("类型 {label}（{}）", why.0),
                Lang::En => format!("class {label} ({})", why.1),
            }
        }
    }
}

fn merge(into: &mut Evidence, new: Evidence) {
    merge_lists(into, &new, &[("changes_zh", MAX_CHANGES), ("changes_en", MAX_CHANGES)]);
}

fn message(subject: &Subject, evidence: &Evidence, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{subject} 的设备指纹改变：{}", joined(evidence, "changes_zh", "；")),
        Lang::En => {
            format!("{subject} changed its fingerprint: {}", joined(evidence, "changes_en", "; "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::MacAddr;
    use crate::time::Timestamp;

    const WS: MacAddr = MacAddr([0xf8, 0xbc, 0x12, 0, 0, 21]);

    fn changed(before: u8, after: u8, mac: MacAddr) -> Fact {
        let (before, after) = (Fingerprint::Ttl(before), Fingerprint::Ttl(after));
        Fact::FingerprintChanged { mac, before, after, ts: Timestamp::from_secs(7) }
    }

    fn policy() -> Policy {
        Policy::parse(
            "[site]\nlan = [\"10.20.0.0/16\"]\n\n\
             [[asset]]\nmac = \"f8:bc:12:00:00:15\"\nname = \"WS-21\"\nrole = \"workstation\"\n",
            "p.toml",
        )
        .unwrap()
    }

    #[test]
    fn a_registered_device_changing_stack_fires_and_lists_each_change() {
        let mut found = check(&changed(128, 64, WS), &policy()).expect("fires");
        assert_eq!(
            found.evidence["changes_en"][0],
            "TTL 128 (Windows) → TTL 64 (Linux/macOS/embedded)"
        );
        let os = Fact::FingerprintChanged {
            mac: WS,
            before: Fingerprint::Os {
                family: "Windows",
                why: ("甲", "its SYN is a Windows stack's"),
            },
            after: Fingerprint::Os { family: "Linux", why: ("乙", "its SYN is a Linux stack's") },
            ts: Timestamp::from_secs(9),
        };
        merge(&mut found.evidence, check(&os, &policy()).unwrap().evidence);
        let en = message(&found.subject, &found.evidence, Lang::En);
        assert!(
            en.ends_with(
                "changed its fingerprint: TTL 128 (Windows) → TTL 64 (Linux/macOS/embedded); \
                 OS Windows (its SYN is a Windows stack's) → OS Linux (its SYN is a Linux stack's)"
            ),
            "{en}"
        );
        let zh = message(&found.subject, &found.evidence, Lang::Zh);
        assert!(zh.contains("操作系统 Windows（甲） → 操作系统 Linux（乙）"), "{zh}");
        let class = Fact::FingerprintChanged {
            mac: WS,
            before: Fingerprint::Class { class: "workstation", why: ("丙", "c") },
            after: Fingerprint::Class { class: "phone", why: ("丁", "d") },
            ts: Timestamp::from_secs(11),
        };
        let found = check(&class, &policy()).unwrap();
        assert_eq!(found.evidence["changes_zh"][0], "类型 工作站（丙） → 类型 手机（丁）");
    }

    #[test]
    fn unregistered_devices_are_not_checked() {
        let stranger = MacAddr([0x02, 0, 0, 0, 0, 0x99]);
        assert!(check(&changed(128, 64, stranger), &policy()).is_none());
        assert!(check(&changed(128, 64, WS), &Policy::inventory()).is_none());
    }
}
