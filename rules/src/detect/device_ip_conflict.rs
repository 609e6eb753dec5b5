//! `device.ip_conflict`: an address is claimed by a MAC other than the one
//! it belongs to.
//!
//! Why: clause 5.8 — processing devices are dedicated, and nothing else is
//! brought in. Two MACs on one IP is a cloned or swapped NIC, a device
//! given a server's address by hand, or someone impersonating a host.
//!
//! Fires when a device begins using an address that
//! - the asset register pins to another device (whenever that happens), or
//! - another device used within the last `CONFLICT_WINDOW_SECS` (the
//!   observer's `Fact::AddressConflict`; an address that changed hands
//!   longer ago was given anew, not stolen).
//!
//! One alert per claimant and address. Medium; high when the address
//! belongs to a file server, server or export station (clause 5.8 and the
//! export point of 5.9).
//!
//! Known false positives: a router redundancy pair (VRRP, HSRP) that moves
//! one address between two MACs; leave that address unpinned.

use std::net::IpAddr;

use serde_json::{Value, json};

use super::{KindInfo, joined, merge_list};
use crate::alert::{AlertKind, Evidence, Finding, Severity, Subject};
use crate::fact::{Fact, FactKind};
use crate::lang::Lang;
use crate::net::MacAddr;
use crate::policy::Policy;

/// At most this many other MACs are kept in the evidence.
const MAX_OTHERS: usize = 8;

/// Roles whose addresses matter most: a conflict over one is high.
const KEY_ROLES: [&str; 3] = ["fileserver", "server", "export"];

/// The catalog entry.
pub static INFO: KindInfo = KindInfo {
    kind: AlertKind::DeviceIpConflict,
    id: "device.ip_conflict",
    severity: Severity::Medium,
    clause: "5.8",
    clauses: &["5.8"],
    title_zh: "IP 地址冲突",
    title_en: "IP address conflict",
    explain_zh: "一个 IP 地址被另一台设备（不同的 MAC）使用：可能是克隆或更换的网卡、手工设置了服务器地址的设备，\
        或冒充网内主机。加工设备须专用，不得混入其他设备（5.8）。请核对这两个 MAC 对应的设备。",
    explain_en: "An IP address is used by a second device (another MAC): a cloned or swapped \
        NIC, a device given a server's address by hand, or someone impersonating a host. \
        Processing devices must be dedicated and nothing else brought in (5.8). Check the \
        devices behind both MACs.",
    facts: &[FactKind::AddressBound, FactKind::AddressConflict],
    check,
    merge,
    message,
};

fn check(fact: &Fact, policy: &Policy) -> Option<Finding> {
    let (ip, claimant, other, how, ts) = match *fact {
        // The register says whose address it is, at any time.
        Fact::AddressBound { mac, ip, ts, .. } => {
            let owner = registered_owner(policy, ip).filter(|&o| o != mac)?;
            (ip, mac, owner, "registered", ts)
        }
        // Otherwise what was seen says it, for a while.
        Fact::AddressConflict { ip, owner, claimant, ts, .. } => {
            if registered_owner(policy, ip).is_some() {
                return None; // the register's case, above
            }
            (ip, claimant, owner, "seen", ts)
        }
        _ => return None,
    };
    let key = [Some(other), Some(claimant)]
        .into_iter()
        .flatten()
        .filter_map(|m| policy.asset(m))
        .any(|a| a.ip == Some(ip) && KEY_ROLES.contains(&a.role.as_str()));
    let Value::Object(evidence) = json!({ "other_macs": [format!("{other} ({how})")] }) else {
        return None;
    };
    Some(Finding {
        kind: AlertKind::DeviceIpConflict,
        subject: Subject { mac: Some(claimant), ip: Some(ip) },
        ts,
        evidence,
        severity: if key { Severity::High } else { INFO.severity },
    })
}

/// The registered device the register pins `ip` to.
fn registered_owner(policy: &Policy, ip: IpAddr) -> Option<MacAddr> {
    policy.assets().iter().find(|a| a.ip == Some(ip)).map(|a| a.mac)
}

fn merge(into: &mut Evidence, new: Evidence) {
    let items = new.get("other_macs").and_then(Value::as_array).cloned().unwrap_or_default();
    merge_list(into, "other_macs", &items, MAX_OTHERS);
}

fn message(subject: &Subject, evidence: &Evidence, lang: Lang) -> String {
    let others = joined(evidence, "other_macs", ", ");
    match lang {
        Lang::Zh => format!("{subject} 使用了属于其他设备的地址：{others}"),
        Lang::En => format!("{subject} uses an address that belongs to another device: {others}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fact::BindingSource;
    use crate::time::Timestamp;

    const POLICY: &str = r#"
[site]
name = "t"
lan = ["10.20.0.0/16"]

[[asset]]
mac = "0c:c4:7a:5e:21:0a"
name = "FS01"
role = "fileserver"
ip = "10.20.0.10"

[[asset]]
mac = "f8:bc:12:9e:33:21"
name = "WS-01"
role = "workstation"
ip = "10.20.1.21"

[[asset]]
mac = "04:0e:3c:51:9f:25"
name = "WS-05"
role = "workstation"
"#;

    fn mac(s: &str) -> MacAddr {
        s.parse().unwrap()
    }

    fn bound(m: &str, ip: &str) -> Fact {
        Fact::AddressBound {
            mac: mac(m),
            ip: ip.parse().unwrap(),
            source: BindingSource::Arp,
            ts: Timestamp::from_secs(5),
        }
    }

    fn policy() -> Policy {
        Policy::parse(POLICY, "test").unwrap()
    }

    #[test]
    fn a_registered_address_on_another_mac_fires_high_for_a_server() {
        let found = check(&bound("04:0e:3c:51:9f:25", "10.20.0.10"), &policy()).expect("fires");
        assert_eq!(found.subject.mac, Some(mac("04:0e:3c:51:9f:25")));
        assert_eq!(found.severity, Severity::High, "the file server's address");
        assert_eq!(found.evidence["other_macs"][0], "0c:c4:7a:5e:21:0a (registered)");
        let ws = check(&bound("04:0e:3c:51:9f:25", "10.20.1.21"), &policy()).expect("fires");
        assert_eq!(ws.severity, Severity::Medium, "a workstation's address");
    }

    #[test]
    fn a_learned_owner_counts_only_for_unpinned_addresses() {
        let conflict = |ip: &str| Fact::AddressConflict {
            ip: ip.parse().unwrap(),
            owner: mac("04:0e:3c:51:9f:25"),
            claimant: mac("b8:27:eb:4d:2a:91"),
            source: BindingSource::Arp,
            ts: Timestamp::from_secs(9),
        };
        let found = check(&conflict("10.20.1.50"), &policy()).expect("fires");
        assert_eq!(found.evidence["other_macs"][0], "04:0e:3c:51:9f:25 (seen)");
        // A pinned address is the register's case: one alert, not two.
        assert!(check(&conflict("10.20.0.10"), &policy()).is_none());
    }

    #[test]
    fn the_nearest_benign_traffic_stays_silent() {
        let p = policy();
        // The owner itself, and an address nobody pinned.
        assert!(check(&bound("0c:c4:7a:5e:21:0a", "10.20.0.10"), &p).is_none());
        assert!(check(&bound("04:0e:3c:51:9f:25", "10.20.1.25"), &p).is_none());
        // Inventory mode has no register: only seen conflicts count.
        assert!(check(&bound("04:0e:3c:51:9f:25", "10.20.0.10"), &Policy::inventory()).is_none());
    }
}
