//! `device.arp_poisoning`: a device rewrites other devices' ARP caches.
//!
//! Why: clause 5.8 — nothing foreign is brought into the processing
//! network. Poisoning ARP puts a machine in the middle of other devices'
//! traffic (to read archive data, or to route it out), and only tools do
//! it: operating systems ask before they answer and announce their own
//! addresses with requests.
//!
//! Fires on the observer's ARP anomalies:
//! - a reply to a question nobody asked within the seconds before,
//! - a gratuitous reply claiming an address another device is using,
//! - one MAC answering for many addresses (`fact::ARP_MANY_ADDRESSES`).
//!
//! A gratuitous *request* for an address in use is a misconfiguration and
//! `device.ip_conflict`'s. One alert per sending device; the evidence lists
//! what it claimed. High.
//!
//! Known false positives: proxy ARP on a router (there should be none on
//! an isolated LAN) and some high-availability pairs that fail over with
//! gratuitous replies.

use serde_json::json;

use super::{KindInfo, evidence, joined, merge_lists};
use crate::alert::{AlertKind, Evidence, Finding, Severity, Subject};
use crate::fact::{ArpAnomaly, Fact, FactKind};
use crate::lang::Lang;
use crate::policy::Policy;

/// At most this many claims are kept in the evidence.
const MAX_CLAIMS: usize = 16;

/// The catalog entry.
pub static INFO: KindInfo = KindInfo {
    kind: AlertKind::DeviceArpPoisoning,
    id: "device.arp_poisoning",
    severity: Severity::High,
    clause: "5.8",
    clauses: &["5.8", "5.4"],
    title_zh: "ARP 欺骗",
    title_en: "ARP poisoning",
    explain_zh: "有设备发出无人请求的 ARP 应答、用免费 ARP 应答抢占他人正在使用的地址，或替大量地址应答。\
        这是中间人攻击工具的特征：它可截取其他设备的流量（读取档案数据或转发出网）。\
        加工网络不得接入其他设备（5.8）。请立即找到并断开该设备，并检查受影响设备的 ARP 表。",
    explain_en: "A device sent ARP replies nobody asked for, claimed an address another device \
        is using with gratuitous replies, or answered for many addresses. That is what \
        man-in-the-middle tools do, to intercept other devices' traffic (to read archive \
        data or route it out). Nothing foreign may join the processing LAN (5.8). Find and \
        disconnect the device now, and check the ARP caches of the devices it targeted.",
    facts: &[FactKind::ArpAnomaly],
    check,
    merge,
    message,
};

fn check(fact: &Fact, _policy: &Policy) -> Option<Finding> {
    let Fact::ArpAnomaly { mac, ip, anomaly, ts } = *fact else {
        return None;
    };
    let (zh, en) = match anomaly {
        ArpAnomaly::UnsolicitedReply => {
            (format!("{ip}（无人请求的应答）"), format!("{ip} (unsolicited reply)"))
        }
        ArpAnomaly::GratuitousClaim { owner } => (
            format!("{ip}（抢占 {owner} 正在使用的地址）"),
            format!("{ip} (in use by {owner}, claimed by gratuitous reply)"),
        ),
        ArpAnomaly::ManyAddresses { count } => (
            format!("{count} 个以上地址（最近 {ip}）"),
            format!("{count}+ addresses (latest {ip})"),
        ),
    };
    Some(Finding {
        kind: AlertKind::DeviceArpPoisoning,
        subject: Subject { mac: Some(mac), ip: None },
        ts,
        evidence: evidence(json!({ "claims_zh": [zh], "claims_en": [en] })),
        severity: INFO.severity,
    })
}

fn merge(into: &mut Evidence, new: Evidence) {
    merge_lists(into, &new, &[("claims_zh", MAX_CLAIMS), ("claims_en", MAX_CLAIMS)]);
}

fn message(subject: &Subject, evidence: &Evidence, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{subject} 发出欺骗性 ARP：{}", joined(evidence, "claims_zh", "；")),
        Lang::En => format!("{subject} poisons ARP: {}", joined(evidence, "claims_en", "; ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::MacAddr;
    use crate::time::Timestamp;

    const ATTACKER: MacAddr = MacAddr([0x02, 0xba, 0xd0, 0, 0, 1]);

    fn anomaly(anomaly: ArpAnomaly) -> Fact {
        Fact::ArpAnomaly {
            mac: ATTACKER,
            ip: "10.20.0.10".parse().unwrap(),
            anomaly,
            ts: Timestamp::from_secs(5),
        }
    }

    #[test]
    fn every_anomaly_fires_on_the_sender_and_merges() {
        let p = Policy::inventory();
        let mut found = check(&anomaly(ArpAnomaly::UnsolicitedReply), &p).expect("fires");
        assert_eq!(found.subject, Subject { mac: Some(ATTACKER), ip: None });
        let owner = MacAddr([0x0c, 0xc4, 0x7a, 0, 0, 2]);
        let claim = check(&anomaly(ArpAnomaly::GratuitousClaim { owner }), &p).unwrap();
        merge(&mut found.evidence, claim.evidence);
        let many = check(&anomaly(ArpAnomaly::ManyAddresses { count: 16 }), &p).unwrap();
        merge(&mut found.evidence, many.evidence);
        let en = message(&found.subject, &found.evidence, Lang::En);
        assert!(en.contains("10.20.0.10 (unsolicited reply)"), "{en}");
        assert!(en.contains("in use by 0c:c4:7a:00:00:02"), "{en}");
        assert!(en.contains("16+ addresses"), "{en}");
        let zh = message(&found.subject, &found.evidence, Lang::Zh);
        assert!(zh.contains("无人请求的应答") && zh.contains("抢占"), "{zh}");
    }

    #[test]
    fn other_address_facts_are_not_this_kind() {
        let conflict = Fact::AddressConflict {
            ip: "10.20.0.10".parse().unwrap(),
            owner: MacAddr([0x0c, 0xc4, 0x7a, 0, 0, 2]),
            claimant: ATTACKER,
            source: crate::fact::BindingSource::Arp,
            ts: Timestamp::from_secs(5),
        };
        assert!(check(&conflict, &Policy::inventory()).is_none());
    }
}
