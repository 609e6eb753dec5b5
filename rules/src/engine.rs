//! The detection engine: runs every detector on each fact and keeps one
//! open alert per (kind, subject), so repeats update a count instead of
//! flooding the officer.
//!
//! The engine hands out [`AlertUpdate`]s — what changed since the last
//! [`Engine::take_updates`] — and the record stage folds them into the
//! alerts already stored (which may come from earlier runs).

use rustc_hash::FxHashMap;

use crate::alert::{AlertKind, Evidence, Finding, Severity, Subject};
use crate::detect::{self, KindInfo, catalog};
use crate::fact::{Fact, FactKind};
use crate::policy::Policy;
use crate::time::Timestamp;

/// What changed in one open alert since the previous [`Engine::take_updates`].
#[derive(Clone, Debug, PartialEq)]
pub struct AlertUpdate {
    /// The kind.
    pub kind: AlertKind,
    /// Highest severity it reached in this run.
    pub severity: Severity,
    /// Whom it concerns.
    pub subject: Subject,
    /// First firing in this run.
    pub first_seen: Timestamp,
    /// Latest firing in this run.
    pub last_seen: Timestamp,
    /// Firings since the previous update.
    pub count: u64,
    /// Evidence gathered in this run, merged.
    pub evidence: Evidence,
}

struct OpenAlert {
    severity: Severity,
    first_seen: Timestamp,
    last_seen: Timestamp,
    unreported: u64,
    evidence: Evidence,
}

/// Runs the detectors over facts under one policy.
pub struct Engine {
    policy: Policy,
    open: FxHashMap<(AlertKind, Subject), OpenAlert>,
    /// Alerts changed since the last take, in the order they changed, so
    /// output is deterministic.
    changed: Vec<(AlertKind, Subject)>,
    /// The detectors that read each kind of fact, in catalog order.
    readers: [Vec<&'static KindInfo>; FactKind::COUNT],
}

impl Engine {
    /// An engine enforcing `policy`.
    pub fn new(policy: Policy) -> Engine {
        let mut readers: [Vec<&'static KindInfo>; FactKind::COUNT] = Default::default();
        for info in catalog() {
            for &kind in info.facts {
                readers[kind as usize].push(info);
            }
        }
        Engine { policy, open: FxHashMap::default(), changed: Vec::new(), readers }
    }

    /// The policy in force.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Runs every detector on `fact`.
    pub fn on_fact(&mut self, fact: &Fact) {
        // Only the detectors that read this kind of fact: most facts (flows
        // ending, hourly volumes, clues) concern none or one.
        for i in 0..self.readers[fact.kind() as usize].len() {
            let info = self.readers[fact.kind() as usize][i];
            if let Some(finding) = (info.check)(fact, &self.policy) {
                self.apply(finding);
            }
        }
    }

    /// Alerts (kind and subject) that fired in this run.
    pub fn alerts_fired(&self) -> usize {
        self.open.len()
    }

    /// Whether any alert changed since the last take.
    pub fn has_updates(&self) -> bool {
        !self.changed.is_empty()
    }

    /// The alerts that changed since the last call, in order of change.
    pub fn take_updates(&mut self) -> Vec<AlertUpdate> {
        let changed = std::mem::take(&mut self.changed);
        changed
            .into_iter()
            .filter_map(|key| {
                let open = self.open.get_mut(&key)?;
                let count = std::mem::take(&mut open.unreported);
                Some(AlertUpdate {
                    kind: key.0,
                    severity: open.severity,
                    subject: key.1,
                    first_seen: open.first_seen,
                    last_seen: open.last_seen,
                    count,
                    evidence: open.evidence.clone(),
                })
            })
            .collect()
    }

    fn apply(&mut self, finding: Finding) {
        let info = detect::info(finding.kind);
        let key = (finding.kind, finding.subject);
        match self.open.get_mut(&key) {
            Some(open) => {
                (info.merge)(&mut open.evidence, finding.evidence);
                open.first_seen = open.first_seen.min(finding.ts);
                open.last_seen = open.last_seen.max(finding.ts);
                // Severity may rise with new evidence, never silently fall.
                open.severity = open.severity.max(finding.severity);
                if open.unreported == 0 {
                    self.changed.push(key);
                }
                open.unreported += 1;
            }
            None => {
                let mut evidence = Evidence::new();
                (info.merge)(&mut evidence, finding.evidence);
                self.open.insert(
                    key,
                    OpenAlert {
                        severity: finding.severity,
                        first_seen: finding.ts,
                        last_seen: finding.ts,
                        unreported: 1,
                        evidence,
                    },
                );
                self.changed.push(key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fact::{BindingSource, Endpoint, FlowStart};
    use crate::net::MacAddr;

    const POLICY: &str = r#"
[site]
lan = ["10.20.0.0/16"]

[[asset]]
mac = "00:1b:21:aa:bb:01"
name = "扫描工位-01"
role = "scanner"
"#;

    fn mac(s: &str) -> MacAddr {
        s.parse().unwrap()
    }

    fn flow_to(ip: &str, ts: i64) -> Fact {
        Fact::NewFlow(FlowStart {
            proto: 17,
            initiator: Endpoint {
                mac: Some(mac("00:1b:21:aa:bb:01")),
                ip: "10.20.1.11".parse().unwrap(),
                port: 50000,
            },
            responder: Endpoint { mac: None, ip: ip.parse().unwrap(), port: 53 },
            ts: Timestamp::from_secs(ts),
        })
    }

    #[test]
    fn repeats_update_one_alert() {
        let mut engine = Engine::new(Policy::parse(POLICY, "policy.toml").unwrap());
        let stranger = mac("3c:97:0e:00:00:09");
        engine.on_fact(&Fact::NewDevice {
            mac: stranger,
            vendor: Some("Intel"),
            ts: Timestamp::from_secs(10),
        });
        engine.on_fact(&Fact::AddressBound {
            mac: stranger,
            ip: "10.20.1.200".parse().unwrap(),
            source: BindingSource::Arp,
            ts: Timestamp::from_secs(12),
        });
        let updates = engine.take_updates();
        assert_eq!(updates.len(), 1);
        let u = &updates[0];
        assert_eq!(
            (u.kind, u.count, u.severity),
            (AlertKind::DeviceUnregistered, 2, Severity::High)
        );
        assert_eq!((u.first_seen.as_secs(), u.last_seen.as_secs()), (10, 12));
        assert_eq!(u.evidence["addresses"], serde_json::json!(["10.20.1.200"]));
        assert!(engine.take_updates().is_empty(), "nothing changed since");
    }

    #[test]
    fn registered_device_and_lan_traffic_stay_silent() {
        let mut engine = Engine::new(Policy::parse(POLICY, "policy.toml").unwrap());
        engine.on_fact(&Fact::NewDevice {
            mac: mac("00:1b:21:aa:bb:01"),
            vendor: None,
            ts: Timestamp::from_secs(1),
        });
        for ip in
            ["10.20.0.10", "224.0.0.251", "255.255.255.255", "169.254.3.4", "ff02::fb", "fe80::1"]
        {
            engine.on_fact(&flow_to(ip, 2));
        }
        assert!(engine.take_updates().is_empty());
    }

    #[test]
    fn offlan_flows_count_per_device() {
        let mut engine = Engine::new(Policy::parse(POLICY, "policy.toml").unwrap());
        engine.on_fact(&flow_to("114.114.114.114", 5));
        engine.on_fact(&flow_to("8.8.8.8", 6));
        engine.on_fact(&flow_to("114.114.114.114", 7));
        let updates = engine.take_updates();
        assert_eq!(updates.len(), 1);
        assert_eq!(updates[0].count, 3);
        assert_eq!(
            updates[0].evidence["destinations"],
            serde_json::json!(["114.114.114.114:53/udp", "8.8.8.8:53/udp"])
        );
        let (zh, en) = detect::messages(updates[0].kind, &updates[0].subject, &updates[0].evidence);
        assert!(zh.contains("114.114.114.114:53/udp") && zh.contains("网外"));
        assert!(en.contains("outside the LAN") && en.contains("10.20.1.11"));
    }

    #[test]
    fn inventory_mode_has_no_unregistered_devices() {
        let mut engine = Engine::new(Policy::inventory());
        engine.on_fact(&Fact::NewDevice {
            mac: mac("3c:97:0e:00:00:09"),
            vendor: None,
            ts: Timestamp::from_secs(1),
        });
        assert!(engine.take_updates().is_empty());
    }
}
