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
//! prefixes. A DHCPv6 Advertise is the same finding by other means: a
//! server offering IPv6 configuration to the LAN. One alert per
//! advertising device; the evidence keeps which messages it sent.
//!
//! Known false positives: none on a LAN without routers; router
//! solicitations, neighbour discovery and MLD are other messages and stay
//! silent.

use serde_json::{Value, json};

use super::{KindInfo, merge_list};
use crate::alert::{AlertKind, Evidence, Finding, Severity, Subject};
use crate::fact::{Fact, FactKind, RouterSignal};
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
    facts: &[FactKind::RouterSignal],
    check,
    merge,
    message,
};

fn check(fact: &Fact, _policy: &Policy) -> Option<Finding> {
    let Fact::RouterSignal { signal, mac, ip, ts } = *fact else {
        return None;
    };
    let message = match signal {
        RouterSignal::Ipv6RouterAdvertisement => "router-advertisement",
        RouterSignal::Dhcpv6Advertise => "dhcpv6-advertise",
        RouterSignal::Redirect
        | RouterSignal::TimeExceeded
        | RouterSignal::SourcesOffLan
        | RouterSignal::SinksOffLan => return None,
    };
    let Value::Object(evidence) = json!({ "from": ip.to_string(), "messages": [message] }) else {
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

fn merge(into: &mut Evidence, mut new: Evidence) {
    let messages = new.remove("messages").and_then(|v| v.as_array().cloned()).unwrap_or_default();
    into.extend(new);
    merge_list(into, "messages", &messages, 2);
}

fn message(subject: &Subject, evidence: &Evidence, lang: Lang) -> String {
    let from = evidence.get("from").and_then(Value::as_str).unwrap_or("?");
    let sent = |m: &str| {
        evidence.get("messages").and_then(Value::as_array).is_some_and(|a| a.iter().any(|v| v == m))
    };
    let (ra, dhcp) = (sent("router-advertisement"), sent("dhcpv6-advertise"));
    match lang {
        Lang::Zh if ra => {
            let also = if dhcp { "，并应答 DHCPv6 请求" } else { "" };
            format!("{subject} 发出 IPv6 路由通告（源地址 {from}），宣称自己是路由器{also}")
        }
        Lang::Zh => format!("{subject} 应答 DHCPv6 请求（源地址 {from}），在为主机配置 IPv6"),
        Lang::En if ra => {
            let also = if dhcp { ", and answers DHCPv6" } else { "" };
            format!("{subject} advertises itself as an IPv6 router (from {from}){also}")
        }
        Lang::En => format!("{subject} answers DHCPv6, configuring hosts for IPv6 (from {from})"),
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
        assert_eq!(found.evidence["messages"], json!(["router-advertisement"]));
    }

    #[test]
    fn a_dhcpv6_advertise_fires_and_merges_with_advertisements() {
        let mut found =
            check(&signal(RouterSignal::Dhcpv6Advertise), &Policy::inventory()).expect("fires");
        let subject = found.subject;
        let en = |e: &Evidence| message(&subject, e, Lang::En);
        assert!(en(&found.evidence).contains("answers DHCPv6"), "{}", en(&found.evidence));
        let ra = check(&signal(RouterSignal::Ipv6RouterAdvertisement), &Policy::inventory());
        merge(&mut found.evidence, ra.expect("fires").evidence);
        assert_eq!(found.evidence["messages"], json!(["dhcpv6-advertise", "router-advertisement"]));
        let text = en(&found.evidence);
        assert!(text.contains("IPv6 router") && text.contains("and answers DHCPv6"), "{text}");
        let zh = message(&subject, &found.evidence, Lang::Zh);
        assert!(zh.contains("路由通告") && zh.contains("DHCPv6"), "{zh}");
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
