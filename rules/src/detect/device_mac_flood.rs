//! `device.mac_flood`: more new MAC addresses in a minute than the site
//! allows.
//!
//! Why: clause 5.5 asks for device management that records every device
//! that joins. A burst of new MACs is a switch being flooded (to make it
//! broadcast everything, for sniffing), a device cycling random addresses,
//! or a whole unregistered network bridged in — and it would drown the
//! inventory.
//!
//! Fires when a new device makes the count of devices first seen in the
//! trailing minute exceed the policy's `thresholds.new_macs_per_minute`
//! (default 20), and when the device table reaches `thresholds.max_devices`
//! (the sensor then counts the frames of further new MACs instead of
//! keeping them). One alert for the site; the evidence keeps the highest
//! count seen and whether the table filled.
//!
//! Known false positives: the first minutes of watching a large LAN, when
//! every device is new; set the threshold above the number of devices that
//! start work at the same moment.

use serde_json::{Value, json};

use super::KindInfo;
use crate::alert::{AlertKind, Evidence, Finding, Severity, Subject};
use crate::fact::{Fact, FactKind};
use crate::lang::Lang;
use crate::policy::Policy;

/// The catalog entry.
pub static INFO: KindInfo = KindInfo {
    kind: AlertKind::DeviceMacFlood,
    id: "device.mac_flood",
    severity: Severity::High,
    clause: "5.5",
    clauses: &["5.5"],
    title_zh: "MAC 地址泛洪",
    title_en: "MAC address flood",
    explain_zh: "一分钟内出现的新 MAC 地址超过了策略允许的数量：可能是有人用大量伪造地址冲击交换机以便窃听，\
        有设备不断更换随机地址，或有整个未登记的网络被接入。设备管理须记录每台接入的设备（5.5）。\
        请在交换机上查找这些地址来自哪个端口。",
    explain_en: "More new MAC addresses appeared within a minute than the policy allows: a \
        switch being flooded with forged addresses (to sniff), a device cycling random \
        addresses, or a whole unregistered network bridged in. Device management must record \
        every device that joins (5.5). Find the switch port these addresses come from.",
    facts: &[FactKind::NewDeviceRate, FactKind::DeviceTableFull],
    check,
    merge,
    message,
};

fn check(fact: &Fact, policy: &Policy) -> Option<Finding> {
    let limit = policy.thresholds().new_macs_per_minute;
    let (evidence, ts) = match *fact {
        Fact::NewDeviceRate { in_last_minute, ts } if in_last_minute > limit => {
            (json!({ "peak_per_minute": in_last_minute, "limit": limit }), ts)
        }
        Fact::DeviceTableFull { max_devices, ts } => {
            (json!({ "table_full": max_devices, "limit": limit }), ts)
        }
        _ => return None,
    };
    let Value::Object(evidence) = evidence else {
        return None;
    };
    Some(Finding {
        kind: AlertKind::DeviceMacFlood,
        subject: Subject { mac: None, ip: None },
        ts,
        evidence,
        severity: INFO.severity,
    })
}

fn merge(into: &mut Evidence, mut new: Evidence) {
    let peak = |e: &Evidence| e.get("peak_per_minute").and_then(Value::as_u64).unwrap_or(0);
    if let Some(full) = new.remove("table_full") {
        into.insert("table_full".to_owned(), full);
    }
    if peak(&new) >= peak(into) {
        into.extend(new);
    }
}

fn message(_subject: &Subject, evidence: &Evidence, lang: Lang) -> String {
    let peak = evidence.get("peak_per_minute").and_then(Value::as_u64);
    let limit = evidence.get("limit").and_then(Value::as_u64).unwrap_or(0);
    let full = evidence.get("table_full").and_then(Value::as_u64);
    let flood = peak.map(|peak| match lang {
        Lang::Zh => format!("一分钟内出现 {peak} 个新 MAC 地址（策略上限 {limit}）"),
        Lang::En => format!("{peak} new MAC addresses within a minute (the policy allows {limit})"),
    });
    let table = full.map(|n| match lang {
        Lang::Zh => format!("设备表已满（上限 {n} 台），新 MAC 只计数不记录"),
        Lang::En => format!("the device table is full at {n}: further MACs are counted, not kept"),
    });
    let sep = lang.pick("；", "; ");
    flood.into_iter().chain(table).collect::<Vec<_>>().join(sep)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Timestamp;

    fn rate(n: u32) -> Fact {
        Fact::NewDeviceRate { in_last_minute: n, ts: Timestamp::from_secs(7) }
    }

    #[test]
    fn above_the_threshold_fires_and_keeps_the_peak() {
        let p = Policy::inventory(); // default: 20 per minute
        assert!(check(&rate(20), &p).is_none(), "at the limit is allowed");
        let found = check(&rate(21), &p).expect("fires");
        assert_eq!(found.subject, Subject::default());
        let mut evidence = found.evidence;
        merge(&mut evidence, check(&rate(35), &p).unwrap().evidence);
        merge(&mut evidence, check(&rate(22), &p).unwrap().evidence);
        assert_eq!(evidence["peak_per_minute"], 35);
        assert_eq!(
            message(&Subject::default(), &evidence, Lang::En),
            "35 new MAC addresses within a minute (the policy allows 20)"
        );
    }

    #[test]
    fn a_full_device_table_fires_and_joins_the_flood_alert() {
        let p = Policy::inventory();
        let full = Fact::DeviceTableFull { max_devices: 500, ts: Timestamp::from_secs(9) };
        let mut evidence = check(&rate(40), &p).unwrap().evidence;
        merge(&mut evidence, check(&full, &p).expect("fires").evidence);
        merge(&mut evidence, check(&rate(30), &p).unwrap().evidence);
        assert_eq!(
            (evidence["peak_per_minute"].as_u64(), evidence["table_full"].as_u64()),
            (Some(40), Some(500))
        );
        let en = message(&Subject::default(), &evidence, Lang::En);
        assert!(en.contains("40 new MAC") && en.contains("full at 500"), "{en}");
        // The table alone filled (slowly): no made-up rate in the message.
        let only = check(&full, &p).unwrap().evidence;
        let zh = message(&Subject::default(), &only, Lang::Zh);
        assert_eq!(zh, "设备表已满（上限 500 台），新 MAC 只计数不记录");
    }

    #[test]
    fn the_site_threshold_is_the_policy_s() {
        let p = Policy::parse(
            "[site]\nname = \"t\"\nlan = [\"10.20.0.0/16\"]\n[thresholds]\nnew_macs_per_minute = 50\n",
            "test",
        )
        .unwrap();
        assert!(check(&rate(35), &p).is_none());
        assert!(check(&rate(51), &p).is_some());
    }
}
