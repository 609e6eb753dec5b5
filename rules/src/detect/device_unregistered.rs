//! `device.unregistered`: a MAC that is not in the asset register sends a
//! frame on the processing LAN.
//!
//! Why: clause 5.7 wants every device checked and registered, 5.8 and 4.6
//! forbid bringing in anything else (a contractor's laptop, a phone).
//!
//! Fires on the device's first frame and again on each new address it uses,
//! so the alert's evidence lists every address it took. Only when the policy
//! has an asset register: in inventory mode every device is unregistered
//! and the alert would say nothing.
//!
//! Known false positives: a registered device whose NIC was replaced (fix the
//! register); a new switch port-channel MAC.

use serde_json::{Value, json};

use super::{KindInfo, joined, merge_list};
use crate::alert::{AlertKind, Evidence, Finding, Severity, Subject};
use crate::fact::{Fact, FactKind};
use crate::lang::Lang;
use crate::policy::Policy;

/// At most this many addresses are kept in the evidence.
const MAX_ADDRESSES: usize = 32;

/// The catalog entry.
pub static INFO: KindInfo = KindInfo {
    kind: AlertKind::DeviceUnregistered,
    id: "device.unregistered",
    severity: Severity::High,
    clause: "5.7",
    clauses: &["5.7", "5.8", "4.6"],
    title_zh: "未登记设备接入",
    title_en: "Unregistered device on the LAN",
    explain_zh: "资产登记表中没有这个 MAC 地址。所有设备须逐一检查登记（5.7），\
        不得带入非专用设备（5.8、4.6）。请找到该设备：若是合规设备，补登记；否则立即断开。",
    explain_en: "This MAC address is not in the asset register. Every device must be \
        checked and registered (5.7) and no other device brought in (5.8, 4.6). \
        Find the device: register it if it belongs, otherwise unplug it now.",
    facts: &[FactKind::NewDevice, FactKind::AddressBound],
    check,
    merge,
    message,
};

fn check(fact: &Fact, policy: &Policy) -> Option<Finding> {
    if !policy.has_register() {
        return None;
    }
    let (mac, ts, evidence) = match fact {
        Fact::NewDevice { mac, vendor, ts } => {
            (*mac, *ts, json!({ "vendor": vendor, "addresses": [] }))
        }
        Fact::AddressBound { mac, ip, ts, .. } => {
            (*mac, *ts, json!({ "addresses": [ip.to_string()] }))
        }
        _ => return None,
    };
    if policy.asset(mac).is_some() {
        return None;
    }
    let Value::Object(evidence) = evidence else {
        return None;
    };
    Some(Finding {
        kind: AlertKind::DeviceUnregistered,
        subject: Subject { mac: Some(mac), ip: None },
        ts,
        evidence,
        severity: INFO.severity,
    })
}

fn merge(into: &mut Evidence, new: Evidence) {
    if let Some(vendor) = new.get("vendor").filter(|v| !v.is_null()) {
        into.insert("vendor".into(), vendor.clone());
    }
    let addresses = new.get("addresses").and_then(Value::as_array).cloned().unwrap_or_default();
    merge_list(into, "addresses", &addresses, MAX_ADDRESSES);
}

fn message(subject: &Subject, evidence: &Evidence, lang: Lang) -> String {
    let mac = subject.mac.map(|m| m.to_string()).unwrap_or_default();
    let vendor = evidence
        .get("vendor")
        .and_then(Value::as_str)
        .unwrap_or(lang.pick("厂商未知", "unknown vendor"));
    let addresses = joined(evidence, "addresses", ", ");
    match (lang, addresses.is_empty()) {
        (Lang::Zh, true) => format!("未登记设备 {mac}（{vendor}）接入加工网络"),
        (Lang::Zh, false) => {
            format!("未登记设备 {mac}（{vendor}）接入加工网络，使用地址 {addresses}")
        }
        (Lang::En, true) => {
            format!("Unregistered device {mac} ({vendor}) is on the processing LAN")
        }
        (Lang::En, false) => {
            format!(
                "Unregistered device {mac} ({vendor}) is on the processing LAN, using {addresses}"
            )
        }
    }
}
