//! `route.rogue_dhcp`: a DHCP server that should not be there, or one that
//! hands out a way out.
//!
//! Why: clause 5.4 — the LAN is isolated. A DHCP offer naming a router
//! gives every client a default route; a DNS server outside the LAN sends
//! every lookup out; a server the register does not know (a home router, a
//! phone hotspot, a PC sharing its connection) usually does both.
//!
//! Fires on a DHCP offer or acknowledgement (from port 67) when
//! - its sender is not in the asset register (when there is one), or
//! - it hands out a router (option 3), or
//! - it hands out a DNS server outside the LAN (option 6).
//!
//! A registered server handing out LAN resolvers only stays silent. One
//! alert per server; the evidence lists the reasons, the routers and DNS
//! servers handed out and the addresses offered. High.
//!
//! Known false positives: a site's own DHCP server configured with a
//! gateway option by habit: remove the option, there is nothing to route
//! to.

use std::net::{IpAddr, Ipv4Addr};

use serde_json::{Value, json};

use super::{KindInfo, evidence, joined, merge_lists};
use crate::alert::{AlertKind, Evidence, Finding, Severity, Subject};
use crate::fact::{DhcpMessage, Fact, FactKind};
use crate::lang::Lang;
use crate::policy::Policy;

/// At most this many addresses are kept per list in the evidence.
const MAX_ADDRESSES: usize = 16;

/// The catalog entry.
pub static INFO: KindInfo = KindInfo {
    kind: AlertKind::RouteRogueDhcp,
    id: "route.rogue_dhcp",
    severity: Severity::High,
    clause: "5.4",
    clauses: &["5.4"],
    title_zh: "异常 DHCP 服务器",
    title_en: "Rogue DHCP server",
    explain_zh: "有 DHCP 服务器未在资产登记表中，或在分配地址时下发了网关（路由器）或网外 DNS 服务器。\
        下发网关等于给每台客户端一条出网路由，常见于私接的家用路由器、手机热点或开启共享的电脑，\
        会破坏物理隔离（5.4）。请找到该服务器并断开；如为场所自己的服务器，请删除其网关和外部 DNS 选项。",
    explain_en: "A DHCP server that is not in the asset register, or one that hands out a \
        gateway (router) or a DNS server outside the LAN. A gateway gives every client a \
        route out — typically a home router plugged in, a phone hotspot or a PC sharing its \
        connection — breaking the physical isolation (5.4). Find the server and disconnect \
        it; if it is the site's own, remove its gateway and outside-DNS options.",
    facts: &[FactKind::DhcpLease],
    check,
    merge,
    message,
};

fn check(fact: &Fact, policy: &Policy) -> Option<Finding> {
    let Fact::DhcpLease(lease) = fact else {
        return None;
    };
    let unregistered =
        policy.has_register() && lease.server.mac.is_some_and(|mac| policy.asset(mac).is_none());
    let routers: Vec<Ipv4Addr> =
        lease.routers.iter().copied().filter(|r| !r.is_unspecified()).collect();
    let outside_dns: Vec<Ipv4Addr> =
        lease.dns_servers.iter().copied().filter(|&d| !policy.is_lan(IpAddr::V4(d))).collect();
    let mut reasons = Vec::new();
    if unregistered {
        reasons.push("unregistered");
    }
    if !routers.is_empty() {
        reasons.push("router");
    }
    if !outside_dns.is_empty() {
        reasons.push("outside_dns");
    }
    if reasons.is_empty() {
        return None;
    }
    let texts = |list: &[Ipv4Addr]| -> Vec<String> { list.iter().map(|a| a.to_string()).collect() };
    let message = match lease.message {
        DhcpMessage::Offer => "offer",
        DhcpMessage::Ack => "ack",
    };
    Some(Finding {
        kind: AlertKind::RouteRogueDhcp,
        subject: Subject { mac: lease.server.mac, ip: Some(lease.server.ip) },
        ts: lease.ts,
        evidence: evidence(json!({
            "reasons": reasons,
            "routers": texts(&routers),
            "dns_servers": texts(&outside_dns),
            "offered": [lease.offered.to_string()],
            "messages": [message],
        })),
        severity: INFO.severity,
    })
}

fn merge(into: &mut Evidence, new: Evidence) {
    let keys = [
        ("reasons", 3),
        ("routers", MAX_ADDRESSES),
        ("dns_servers", MAX_ADDRESSES),
        ("offered", MAX_ADDRESSES),
        ("messages", 2),
    ];
    merge_lists(into, &new, &keys);
}

fn message(subject: &Subject, evidence: &Evidence, lang: Lang) -> String {
    let has = |reason: &str| {
        evidence
            .get("reasons")
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|v| v == reason))
    };
    let routers = joined(evidence, "routers", ", ");
    let dns = joined(evidence, "dns_servers", ", ");
    let offered = joined(evidence, "offered", ", ");
    let mut parts = Vec::new();
    match lang {
        Lang::Zh => {
            if has("unregistered") {
                parts.push("未登记的 DHCP 服务器".to_owned());
            }
            if has("router") {
                parts.push(format!("下发网关 {routers}"));
            }
            if has("outside_dns") {
                parts.push(format!("下发网外 DNS {dns}"));
            }
            format!("{subject} 分配地址（{offered}）：{}", parts.join("，"))
        }
        Lang::En => {
            if has("unregistered") {
                parts.push("a DHCP server not in the register".to_owned());
            }
            if has("router") {
                parts.push(format!("hands out gateway {routers}"));
            }
            if has("outside_dns") {
                parts.push(format!("hands out outside DNS {dns}"));
            }
            format!("{subject} leases addresses ({offered}): {}", parts.join("; "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fact::{DhcpLease, Endpoint};
    use crate::net::MacAddr;
    use crate::time::Timestamp;

    const SERVER: MacAddr = MacAddr([0x0c, 0xc4, 0x7a, 0, 0, 2]);

    fn policy() -> Policy {
        Policy::parse(
            "[site]\nlan = [\"10.20.0.0/16\"]\n\n[[asset]]\nmac = \"0c:c4:7a:00:00:02\"\n\
             name = \"DHCP\"\nrole = \"server\"\nip = \"10.20.0.2\"\n",
            "p.toml",
        )
        .unwrap()
    }

    fn lease(server: MacAddr, routers: &[[u8; 4]], dns: &[[u8; 4]]) -> Fact {
        Fact::DhcpLease(DhcpLease {
            message: DhcpMessage::Offer,
            server: Endpoint { mac: Some(server), ip: "10.20.0.2".parse().unwrap(), port: 67 },
            client_mac: Some(MacAddr([2, 0, 0, 0, 0, 9])),
            offered: Ipv4Addr::new(10, 20, 1, 99),
            routers: routers.iter().map(|&a| Ipv4Addr::from(a)).collect(),
            dns_servers: dns.iter().map(|&a| Ipv4Addr::from(a)).collect(),
            ts: Timestamp::from_secs(4),
        })
    }

    #[test]
    fn the_registered_server_with_lan_dns_only_is_silent() {
        assert!(check(&lease(SERVER, &[], &[[10, 20, 0, 2]]), &policy()).is_none());
        // A zero router is "no router".
        assert!(check(&lease(SERVER, &[[0, 0, 0, 0]], &[]), &policy()).is_none());
    }

    #[test]
    fn a_router_option_fires_even_from_the_registered_server() {
        let found = check(&lease(SERVER, &[[10, 20, 0, 1]], &[]), &policy()).expect("fires");
        assert_eq!(found.evidence["reasons"], json!(["router"]));
        assert_eq!(found.evidence["routers"], json!(["10.20.0.1"]));
        let en = message(&found.subject, &found.evidence, Lang::En);
        assert!(en.contains("hands out gateway 10.20.0.1") && en.contains("10.20.1.99"), "{en}");
    }

    #[test]
    fn outside_dns_and_an_unknown_server_fire_with_every_reason() {
        let rogue = MacAddr([0x00, 0x1a, 0x2b, 0, 0, 1]);
        let found = check(
            &lease(rogue, &[[192, 168, 1, 1]], &[[114, 114, 114, 114], [10, 20, 0, 2]]),
            &policy(),
        )
        .expect("fires");
        assert_eq!(found.evidence["reasons"], json!(["unregistered", "router", "outside_dns"]));
        assert_eq!(found.evidence["dns_servers"], json!(["114.114.114.114"]));
        let zh = message(&found.subject, &found.evidence, Lang::Zh);
        assert!(zh.contains("未登记") && zh.contains("网外 DNS 114.114.114.114"), "{zh}");
    }

    #[test]
    fn without_a_register_only_what_it_hands_out_counts() {
        let rogue = MacAddr([0x00, 0x1a, 0x2b, 0, 0, 1]);
        let p = Policy::inventory();
        assert!(check(&lease(rogue, &[], &[[192, 168, 0, 53]]), &p).is_none());
        assert!(check(&lease(rogue, &[[192, 168, 0, 1]], &[]), &p).is_some());
    }
}
