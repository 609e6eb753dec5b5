//! `route.ipv6_router_advertisement`: a device advertises itself as an IPv6
//! router.
//!
//! Why: clause 5.4 wants the processing network physically isolated. The
//! LAN has no router, so an ICMPv6 router advertisement can only come from
//! something that should not be there or not do that — a PC sharing its
//! internet connection, a phone hotspot, a rogue or misconfigured router —
//! and every IPv6 host that hears it will route through it.
//!
//! Fires on any router advertisement (ICMPv6 type 134), whatever its
//! router lifetime: even a "not a default router" advertisement hands out
//! prefixes. One alert per advertising device.
//!
//! Known false positives: none on a LAN without routers; router
//! solicitations, neighbour discovery and MLD are other messages and stay
//! silent.

use serde_json::{Value, json};

use super::KindInfo;
use crate::alert::{AlertKind, Evidence, Finding, Severity, Subject};
use crate::fact::{Fact, RouterSignal};
use crate::lang::Lang;
use crate::policy::Policy;

/// The catalog entry.
pub static INFO: KindInfo = KindInfo {
    kind: AlertKind::RouteIpv6RouterAdvertisement,
    id: "route.ipv6_router_advertisement",
    severity: Severity::High,
    clause: "5.4",
    clauses: &["5.4"],
    title_zh: "IPv6 路由通告",
    title_en: "IPv6 router advertisement",
    explain_zh: "有设备发出 IPv6 路由通告，宣称自己是路由器。加工网络中没有路由器，听到通告的 IPv6 主机都会经它转发，\
        常见于开启网络共享的电脑或手机热点，会破坏物理隔离（5.4）。请找到并断开该设备。",
    explain_en: "A device sent IPv6 router advertisements, announcing itself as a router. The \
        processing LAN has no router, and every IPv6 host that hears one will route through \
        it — typically a PC sharing its connection or a phone hotspot — breaking the physical \
        isolation (5.4). Find the device and disconnect it.",
    check,
    merge,
    message,
};

fn check(fact: &Fact, _policy: &Policy) -> Option<Finding> {
    let Fact::RouterSignal { signal: RouterSignal::Ipv6RouterAdvertisement, mac, ip, ts } = *fact
    else {
        return None;
    };
    let Value::Object(evidence) = json!({ "from": ip.to_string() }) else {
        return None;
    };
    Some(Finding {
        kind: AlertKind::RouteIpv6RouterAdvertisement,
        subject: Subject { mac, ip: None },
        ts,
        evidence,
        severity: INFO.severity,
    })
}

fn merge(into: &mut Evidence, new: Evidence) {
    into.extend(new);
}

fn message(subject: &Subject, evidence: &Evidence, lang: Lang) -> String {
    let from = evidence.get("from").and_then(Value::as_str).unwrap_or("?");
    match lang {
        Lang::Zh => format!("{subject} 发出 IPv6 路由通告（源地址 {from}），宣称自己是路由器"),
        Lang::En => format!("{subject} advertises itself as an IPv6 router (from {from})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::MacAddr;
    use crate::time::Timestamp;

    fn signal(signal: RouterSignal) -> Fact {
        Fact::RouterSignal {
            signal,
            mac: Some(MacAddr([0x3c, 0x97, 0x0e, 0, 0, 9])),
            ip: "fe80::3e97:eff:fe00:9".parse().unwrap(),
            ts: Timestamp::from_secs(3),
        }
    }

    #[test]
    fn any_advertisement_fires() {
        let found = check(&signal(RouterSignal::Ipv6RouterAdvertisement), &Policy::inventory())
            .expect("fires");
        assert_eq!(found.subject.mac, Some(MacAddr([0x3c, 0x97, 0x0e, 0, 0, 9])));
        assert_eq!(found.evidence["from"], "fe80::3e97:eff:fe00:9");
    }

    #[test]
    fn other_router_signals_are_not_this_kind() {
        for s in [RouterSignal::Redirect, RouterSignal::TimeExceeded] {
            assert!(check(&signal(s), &Policy::inventory()).is_none(), "{s:?}");
        }
    }

    #[test]
    fn icmp_types_map_to_signals() {
        assert_eq!(RouterSignal::of_icmp(58, 134, 0), Some(RouterSignal::Ipv6RouterAdvertisement));
        // Solicitation, neighbour discovery, MLD, echo: nothing.
        for t in [133, 135, 136, 143, 128, 129] {
            assert_eq!(RouterSignal::of_icmp(58, t, 0), None, "{t}");
        }
        assert_eq!(RouterSignal::of_icmp(1, 11, 0), Some(RouterSignal::TimeExceeded));
        assert_eq!(RouterSignal::of_icmp(1, 11, 1), None, "reassembly timeout is a host's");
        assert_eq!(RouterSignal::of_icmp(1, 134, 0), None, "ICMPv4 type 134 is nothing");
    }
}
