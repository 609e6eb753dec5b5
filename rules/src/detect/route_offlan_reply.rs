//! `route.offlan_reply`: traffic from outside the LAN reached it — a
//! working path out exists.
//!
//! Why: clause 5.4 wants the processing network physically isolated. A
//! packet sent off the LAN (`route.offlan_destination`) shows intent; an
//! answer coming back, or a connection coming in, shows the path works:
//! the isolation is broken, not just tested. Highest severity.
//!
//! Fires when a flow between a LAN device and an off-LAN address carries a
//! packet from the off-LAN side: the first answer to a flow the LAN device
//! began, or a flow an off-LAN address began towards it. Off-LAN: outside
//! the policy's `lan` and not local in scope (multicast, broadcast,
//! link-local, unspecified, loopback never leave the segment). One alert
//! per LAN device; the evidence lists the remote ends.
//!
//! Known false positives: none by construction — but a LAN declared too
//! narrowly in the policy makes every other subnet "off-LAN".

use serde_json::{Value, json};

use super::{KindInfo, endpoint, joined, merge_list};
use crate::alert::{AlertKind, Evidence, Finding, Severity, Subject};
use crate::fact::{Endpoint, Fact, FactKind, FlowStart};
use crate::lang::Lang;
use crate::net::is_local_scope;
use crate::policy::Policy;
use crate::time::Timestamp;

/// At most this many remote ends are kept in the evidence.
const MAX_REMOTES: usize = 32;

/// The catalog entry.
pub static INFO: KindInfo = KindInfo {
    kind: AlertKind::RouteOfflanReply,
    id: "route.offlan_reply",
    severity: Severity::Critical,
    clause: "5.4",
    clauses: &["5.4"],
    title_zh: "网外地址有数据传入",
    title_en: "Traffic from off the LAN",
    explain_zh: "加工网络以外的地址向网内设备发来了数据（应答或主动连接），说明存在一条可用的外联通路，\
        物理隔离已被打破（5.4）。请立即断开可疑的路由器、网关或双网卡设备，并检查该设备。",
    explain_en: "An address outside the processing LAN sent packets to a device on it (an \
        answer, or a connection of its own): a working path out exists and the physical \
        isolation is broken (5.4). Disconnect any router, gateway or dual-homed device at once \
        and examine this device.",
    facts: &[FactKind::NewFlow, FactKind::FlowAnswered],
    check,
    merge,
    message,
};

fn off_lan(policy: &Policy, at: &Endpoint) -> bool {
    !policy.is_lan(at.ip) && !is_local_scope(at.ip)
}

fn check(fact: &Fact, policy: &Policy) -> Option<Finding> {
    // (the LAN side, the remote side, how it came in, when)
    let (local, remote, how, flow, ts): (&Endpoint, &Endpoint, &str, &FlowStart, Timestamp) =
        match fact {
            Fact::FlowAnswered { flow, at, .. } => {
                (&flow.initiator, &flow.responder, "answer", flow, *at)
            }
            Fact::NewFlow(flow) => (&flow.responder, &flow.initiator, "inbound", flow, flow.ts),
            _ => return None,
        };
    if !off_lan(policy, remote) || off_lan(policy, local) || is_local_scope(local.ip) {
        return None;
    }
    let Value::Object(evidence) = json!({
        "remotes": [format!("{} ({how})", endpoint(flow.proto, remote))],
    }) else {
        return None;
    };
    Some(Finding {
        kind: AlertKind::RouteOfflanReply,
        subject: Subject { mac: local.mac, ip: Some(local.ip) },
        ts,
        evidence,
        severity: INFO.severity,
    })
}

fn merge(into: &mut Evidence, new: Evidence) {
    let items = new.get("remotes").and_then(Value::as_array).cloned().unwrap_or_default();
    merge_list(into, "remotes", &items, MAX_REMOTES);
}

fn message(subject: &Subject, evidence: &Evidence, lang: Lang) -> String {
    let from = joined(evidence, "remotes", ", ");
    match lang {
        Lang::Zh => format!("{subject} 收到网外地址的数据，外联通路可用：{from}"),
        Lang::En => {
            format!("{subject} received traffic from outside the LAN, a path out works: {from}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(ip: &str, port: u16) -> Endpoint {
        Endpoint { mac: None, ip: ip.parse().unwrap(), port }
    }

    fn flow(from: Endpoint, to: Endpoint) -> FlowStart {
        FlowStart { proto: 6, initiator: from, responder: to, ts: Timestamp::from_secs(10) }
    }

    fn policy() -> Policy {
        Policy::parse("[site]\nname = \"t\"\nlan = [\"10.20.0.0/16\"]\n", "test").unwrap()
    }

    #[test]
    fn an_answer_from_outside_fires_on_the_lan_device() {
        let f = flow(ep("10.20.1.21", 51000), ep("203.0.113.5", 443));
        let at = Timestamp::from_secs(11);
        let found =
            check(&Fact::FlowAnswered { flow: f, tcp_flags: 0x12, at }, &policy()).expect("fires");
        assert_eq!(found.subject.ip, Some("10.20.1.21".parse().unwrap()));
        assert_eq!(found.ts, at);
        assert_eq!(found.evidence["remotes"][0], "203.0.113.5:443/tcp (answer)");
    }

    #[test]
    fn a_connection_from_outside_fires_on_its_target() {
        let f = flow(ep("198.51.100.7", 40000), ep("10.20.0.10", 3389));
        let found = check(&Fact::NewFlow(f), &policy()).expect("fires");
        assert_eq!(found.subject.ip, Some("10.20.0.10".parse().unwrap()));
        assert_eq!(found.evidence["remotes"][0], "198.51.100.7:40000/tcp (inbound)");
    }

    #[test]
    fn the_nearest_benign_traffic_stays_silent() {
        let p = policy();
        let at = Timestamp::from_secs(11);
        // Sent off the LAN but never answered: route.offlan_destination's.
        let out = flow(ep("10.20.1.21", 51000), ep("203.0.113.5", 443));
        assert!(check(&Fact::NewFlow(out), &p).is_none());
        // Answers inside the LAN, and from link-local or multicast.
        for remote in ["10.20.0.10", "169.254.77.12", "fe80::1", "224.0.0.251", "255.255.255.255"] {
            let f = flow(ep("10.20.1.21", 51000), ep(remote, 80));
            assert!(
                check(&Fact::FlowAnswered { flow: f, tcp_flags: 0x12, at }, &p).is_none(),
                "{remote}"
            );
        }
        // Two off-LAN ends (transit): a router's business, not this one's.
        let transit = flow(ep("198.51.100.7", 1), ep("203.0.113.5", 2));
        assert!(check(&Fact::FlowAnswered { flow: transit, tcp_flags: 0, at }, &p).is_none());
        // A DHCP client (0.0.0.0) is local in scope.
        let dhcp = flow(ep("0.0.0.0", 68), ep("203.0.113.9", 67));
        assert!(check(&Fact::FlowAnswered { flow: dhcp, tcp_flags: 0, at }, &p).is_none());
    }
}
