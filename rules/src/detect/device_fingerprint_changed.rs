//! `device.fingerprint_changed`: a registered device's network stack
//! changes — the NIC moved to another machine, or something new answers
//! behind the registered MAC.
//!
//! Why: clause 5.8 — processing devices are dedicated and registered; a
//! registered MAC on a different machine defeats the register.
//!
//! Fires when the observer sees a registered device's TCP packets leave
//! with an initial TTL it has not shown before, after another (64 for
//! Linux, macOS and most embedded stacks, 128 for Windows, 255 for network
//! gear). The first stack seen is no change; each new one fires once, so a
//! device flapping between two does not repeat. The fingerprinting work
//! adds OS and device class to the same fact. One alert per device; the
//! evidence keeps the first "before" and the latest "after". Medium.
//!
//! Known false positives: a dual-boot machine, and a host whose virtual
//! machines share its MAC (bridged with the host's address).

use serde_json::{Value, json};

use super::{KindInfo, evidence};
use crate::alert::{AlertKind, Evidence, Finding, Severity, Subject};
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
    explain_zh: "已登记设备的网络协议栈特征发生了变化（例如初始 TTL 从 128 变为 64）：该 MAC 地址很可能已换到另一台机器上，\
        或其背后出现了新的设备。加工设备须专机专用并登记在册（5.8）。请到现场核对该设备。",
    explain_en: "A registered device's network stack changed (for example its initial TTL \
        went from 128 to 64): the MAC has most likely moved to another machine, or something \
        new answers behind it. Processing devices are dedicated and registered (5.8). Check \
        the device on site.",
    facts: &[FactKind::FingerprintChanged],
    check,
    merge,
    message,
};

fn check(fact: &Fact, policy: &Policy) -> Option<Finding> {
    let Fact::FingerprintChanged { mac, before, after, ts } = *fact else {
        return None;
    };
    policy.asset(mac)?;
    Some(Finding {
        kind: AlertKind::DeviceFingerprintChanged,
        subject: Subject { mac: Some(mac), ip: None },
        ts,
        evidence: evidence(json!({
            "before": describe(before),
            "after": describe(after),
        })),
        severity: INFO.severity,
    })
}

/// A fingerprint as evidence shows it, e.g. `TTL 128 (Windows)`.
fn describe(f: Fingerprint) -> String {
    let stack = match f.ttl_base {
        64 => "Linux/macOS/embedded",
        128 => "Windows",
        255 => "network device",
        _ => "other",
    };
    format!("TTL {} ({stack})", f.ttl_base)
}

fn merge(into: &mut Evidence, mut new: Evidence) {
    // The first "before" is what was registered or learned; keep it.
    new.remove("before");
    into.extend(new);
}

fn message(subject: &Subject, evidence: &Evidence, lang: Lang) -> String {
    let text = |key: &str| evidence.get(key).and_then(Value::as_str).unwrap_or("?").to_owned();
    let (before, after) = (text("before"), text("after"));
    match lang {
        Lang::Zh => format!("{subject} 的网络特征由 {before} 变为 {after}"),
        Lang::En => format!("{subject} changed its network fingerprint from {before} to {after}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::MacAddr;
    use crate::time::Timestamp;

    const WS: MacAddr = MacAddr([0xf8, 0xbc, 0x12, 0, 0, 21]);

    fn changed(before: u8, after: u8, mac: MacAddr) -> Fact {
        Fact::FingerprintChanged {
            mac,
            before: Fingerprint { ttl_base: before },
            after: Fingerprint { ttl_base: after },
            ts: Timestamp::from_secs(7),
        }
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
    fn a_registered_device_changing_stack_fires_keeping_the_first_before() {
        let mut found = check(&changed(128, 64, WS), &policy()).expect("fires");
        assert_eq!(found.evidence["before"], "TTL 128 (Windows)");
        merge(&mut found.evidence, check(&changed(64, 255, WS), &policy()).unwrap().evidence);
        let en = message(&found.subject, &found.evidence, Lang::En);
        assert!(en.contains("from TTL 128 (Windows) to TTL 255 (network device)"), "{en}");
        assert!(message(&found.subject, &found.evidence, Lang::Zh).contains("变为"));
    }

    #[test]
    fn unregistered_devices_are_not_checked() {
        let stranger = MacAddr([0x02, 0, 0, 0, 0, 0x99]);
        assert!(check(&changed(128, 64, stranger), &policy()).is_none());
        assert!(check(&changed(128, 64, WS), &Policy::inventory()).is_none());
    }
}
