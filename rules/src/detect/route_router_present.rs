//! `route.router_present`: a device on the LAN behaves as a router.
//!
//! Why: clause 5.4 wants the processing network physically isolated, and a
//! LAN without a way out has no router. A device that tells others to use
//! another gateway (ICMP redirect) or reports a packet's time to live
//! running out on its way through (ICMP time exceeded in transit) is
//! forwarding packets — a dual-homed PC, a hidden router.
//!
//! Fires on ICMP / ICMPv6 redirects and on time-exceeded-in-transit
//! messages sent by a device, and on a router seen by its traffic: a MAC
//! that traffic from `fact::ROUTER_SOURCED_OFFLAN` off-LAN addresses
//! arrives from, or that devices send to `fact::ROUTER_SUNK_OFFLAN`
//! off-LAN destinations through; and on an unregistered device that
//! announces routing as an enabled capability in LLDP or CDP, or announces
//! itself a UPnP internet gateway. One alert
//! per device; the evidence lists the signals and the addresses.
//!
//! Known false positives: none on a LAN without routers. Time exceeded
//! during fragment reassembly (code 1) is a host's message and stays
//! silent. A layer-3 switch routing between the LAN's own VLANs announces
//! routing too: registered, it is silent (its traffic still speaks). A
//! switch sends LLDP and CDP from its ports' own MACs, which the register
//! may not hold (it usually holds the management MAC): register the MAC
//! its announcements come from (`gapwatch device` shows it).

use serde_json::json;

use super::{KindInfo, evidence, joined, merge_lists};
use crate::alert::{AlertKind, Evidence, Finding, Severity, Subject};
use crate::fact::{
    Clue, ClueKind, Fact, FactKind, ROUTER_SOURCED_OFFLAN, ROUTER_SUNK_OFFLAN, RouterSignal,
};
use crate::lang::Lang;
use crate::policy::Policy;

/// At most this many signals are kept in the evidence.
const MAX_SIGNALS: usize = 8;

/// The catalog entry.
pub static INFO: KindInfo = KindInfo {
    kind: AlertKind::RouteRouterPresent,
    id: "route.router_present",
    severity: Severity::High,
    clause: "5.4",
    clauses: &["5.4"],
    title_zh: "网内存在路由设备",
    title_en: "A device routes",
    explain_zh: "有设备在转发数据包或自称路由器：它发出只有路由器才会发的 ICMP 报文（重定向，或转发途中生存时间耗尽），\
        网外地址的流量经它进出，或它在 LLDP/CDP 中宣告已启用路由功能、以 UPnP 宣告自己是互联网网关。可能是双网卡电脑或隐藏的路由器，\
        会破坏物理隔离（5.4）。请找到该设备并检查其网络连接。",
    explain_en: "A device forwards packets or calls itself a router: it sent ICMP messages \
        only routers send (a redirect, or time to live exceeded in transit), traffic to or \
        from off-LAN addresses passes through it, or it announces routing in LLDP/CDP or an \
        internet gateway in UPnP. A \
        dual-homed PC or a hidden router breaks the physical isolation (5.4). Find the \
        device and check its connections.",
    facts: &[FactKind::RouterSignal, FactKind::Clue],
    check,
    merge,
    message,
};

fn check(fact: &Fact, policy: &Policy) -> Option<Finding> {
    if let Fact::Clue(clue) = fact {
        return announced_routing(clue, policy);
    }
    let Fact::RouterSignal { signal, mac, ip, ts } = *fact else {
        return None;
    };
    let (zh, en) = match signal {
        RouterSignal::Redirect => {
            (format!("来自 {ip} 的 ICMP 重定向"), format!("ICMP redirect from {ip}"))
        }
        RouterSignal::TimeExceeded => (
            format!("来自 {ip} 的转发超时（TTL 耗尽）"),
            format!("time exceeded in transit from {ip}"),
        ),
        RouterSignal::SourcesOffLan => (
            format!("经它到达的网外地址已有 {ROUTER_SOURCED_OFFLAN} 个，最近 {ip}"),
            format!(
                "traffic from {ROUTER_SOURCED_OFFLAN} off-LAN addresses arrives through it, latest {ip}"
            ),
        ),
        RouterSignal::SinksOffLan => (
            format!("被当作网关，发往 {ROUTER_SUNK_OFFLAN} 个网外地址，最近 {ip}"),
            format!("used as the gateway to {ROUTER_SUNK_OFFLAN} off-LAN addresses, latest {ip}"),
        ),
        // Its own kind.
        RouterSignal::Ipv6RouterAdvertisement | RouterSignal::Dhcpv6Advertise => return None,
    };
    Some(Finding {
        kind: AlertKind::RouteRouterPresent,
        subject: Subject { mac, ip: None },
        ts,
        evidence: evidence(json!({ "signals_zh": [zh], "signals_en": [en] })),
        severity: INFO.severity,
    })
}

/// An unregistered device saying in LLDP or CDP that it routes, or in
/// UPnP that it is an internet gateway.
fn announced_routing(clue: &Clue, policy: &Policy) -> Option<Finding> {
    let value = &clue.value;
    let (zh, en) = match clue.kind {
        ClueKind::LldpCapabilities | ClueKind::CdpCapabilities => {
            if !value.split(',').any(|c| c == "router") {
                return None;
            }
            let protocol = if clue.kind == ClueKind::CdpCapabilities { "CDP" } else { "LLDP" };
            (
                format!("在 {protocol} 中宣告已启用路由功能（{value}）"),
                format!("announces routing enabled in {protocol} ({value})"),
            )
        }
        ClueKind::SsdpDeviceType if is_upnp_gateway(value) => (
            format!("以 UPnP 宣告自己是互联网网关（{value}）"),
            format!("announces itself an internet gateway in UPnP ({value})"),
        ),
        _ => return None,
    };
    if policy.asset(clue.mac).is_some() {
        return None;
    }
    Some(Finding {
        kind: AlertKind::RouteRouterPresent,
        subject: Subject { mac: Some(clue.mac), ip: None },
        ts: clue.ts,
        evidence: evidence(json!({ "signals_zh": [zh], "signals_en": [en] })),
        severity: INFO.severity,
    })
}

/// The UPnP device types of a home router: the gateway and its WAN parts.
fn is_upnp_gateway(device_type: &str) -> bool {
    ["InternetGatewayDevice", "WANDevice", "WANConnectionDevice"]
        .iter()
        .any(|t| device_type.contains(&format!(":device:{t}:")))
}

fn merge(into: &mut Evidence, new: Evidence) {
    merge_lists(into, &new, &[("signals_zh", MAX_SIGNALS), ("signals_en", MAX_SIGNALS)]);
}

fn message(subject: &Subject, evidence: &Evidence, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{subject} 表现为路由设备：{}", joined(evidence, "signals_zh", "；")),
        Lang::En => format!("{subject} acts as a router: {}", joined(evidence, "signals_en", "; ")),
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
            mac: Some(MacAddr([0x00, 0x1b, 0x21, 0, 0, 0x30])),
            ip: "10.20.1.30".parse().unwrap(),
            ts: Timestamp::from_secs(1),
        }
    }

    #[test]
    fn redirects_and_transit_expiry_fire() {
        let p = Policy::inventory();
        let found = check(&signal(RouterSignal::Redirect), &p).expect("fires");
        assert_eq!(found.evidence["signals_en"][0], "ICMP redirect from 10.20.1.30");
        assert_eq!(found.evidence["signals_zh"][0], "来自 10.20.1.30 的 ICMP 重定向");
        assert!(check(&signal(RouterSignal::TimeExceeded), &p).is_some());
    }

    #[test]
    fn routers_seen_by_their_traffic_fire() {
        let p = Policy::inventory();
        let found = check(&signal(RouterSignal::SourcesOffLan), &p).expect("fires");
        assert_eq!(
            found.evidence["signals_en"][0],
            "traffic from 2 off-LAN addresses arrives through it, latest 10.20.1.30"
        );
        let found = check(&signal(RouterSignal::SinksOffLan), &p).expect("fires");
        let en = message(&found.subject, &found.evidence, Lang::En);
        assert!(en.contains("used as the gateway to 8 off-LAN addresses"), "{en}");
        let zh = message(&found.subject, &found.evidence, Lang::Zh);
        assert!(zh.contains("被当作网关") && !zh.contains("gateway"), "{zh}");
    }

    fn capabilities(kind: ClueKind, value: &str, mac: MacAddr) -> Fact {
        Fact::Clue(Clue { mac, kind, value: value.into(), ts: Timestamp::from_secs(3) })
    }

    #[test]
    fn an_unregistered_device_announcing_routing_or_a_gateway_fires() {
        let p = Policy::parse(
            "[site]\nlan = [\"10.20.0.0/16\"]\n\n\
             [[asset]]\nmac = \"00:18:ba:98:68:8f\"\nname = \"SW-1\"\nrole = \"switch\"\n",
            "p.toml",
        )
        .unwrap();
        let router = MacAddr([0x00, 0xe0, 0x1e, 0xd5, 0xd5, 0x15]);
        let found =
            check(&capabilities(ClueKind::CdpCapabilities, "router", router), &p).expect("fires");
        assert_eq!(found.subject.mac, Some(router));
        assert_eq!(found.evidence["signals_en"][0], "announces routing enabled in CDP (router)");
        let lldp = capabilities(ClueKind::LldpCapabilities, "bridge,router", router);
        assert!(check(&lldp, &p).is_some());
        let switch = capabilities(ClueKind::LldpCapabilities, "bridge", router);
        assert!(check(&switch, &p).is_none(), "a switch");
        let registered = MacAddr([0x00, 0x18, 0xba, 0x98, 0x68, 0x8f]);
        let l3 = capabilities(ClueKind::CdpCapabilities, "router,bridge", registered);
        assert!(check(&l3, &p).is_none(), "a registered layer-3 switch");
        let name = capabilities(ClueKind::CdpDeviceId, "router", router);
        assert!(check(&name, &p).is_none(), "a name is no capability");
        let igd = "urn:schemas-upnp-org:device:InternetGatewayDevice:1";
        let found = check(&capabilities(ClueKind::SsdpDeviceType, igd, router), &p).unwrap();
        assert_eq!(
            found.evidence["signals_en"][0],
            format!("announces itself an internet gateway in UPnP ({igd})")
        );
        let tv = "urn:schemas-upnp-org:device:MediaRenderer:1";
        assert!(check(&capabilities(ClueKind::SsdpDeviceType, tv, router), &p).is_none());
    }

    #[test]
    fn advertisements_are_another_kind() {
        assert!(
            check(&signal(RouterSignal::Ipv6RouterAdvertisement), &Policy::inventory()).is_none()
        );
    }
}
