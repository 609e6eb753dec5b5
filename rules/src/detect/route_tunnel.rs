//! `route.tunnel`: a device opens a tunnel — another network carried
//! inside this one.
//!
//! Why: clause 5.4 wants the processing network physically isolated. A
//! tunnel (GRE, IP-in-IP, 6in4, IPsec, OpenVPN, WireGuard, L2TP, PPTP,
//! Teredo) joins it to another network through whatever carries the
//! tunnel — even between two LAN hosts, when one of them has a way out.
//!
//! Fires once per new flow that is a tunnel by its IP protocol number, by
//! the well-known port of its responder, or — on any other port — by the
//! shape of its first datagram (WireGuard, IKE, L2TP, OpenVPN, IPv6 in
//! UDP; see the sensor's `app::tunnel`). One alert per initiating device;
//! the evidence lists the tunnels.
//!
//! Known limits: TCP tunnels on unusual ports (OpenVPN over TCP 443) are
//! not recognised; a LAN service deliberately run on one of the ports
//! (e.g. an IKE responder) fires, and should be removed.

use serde_json::{Value, json};

use super::{KindInfo, endpoint, joined, merge_list};
use crate::alert::{AlertKind, Evidence, Finding, Severity, Subject};
use crate::fact::{Fact, FactKind};
use crate::lang::Lang;
use crate::policy::Policy;

/// At most this many tunnels are kept in the evidence.
const MAX_TUNNELS: usize = 16;

const TCP: u8 = 6;
const UDP: u8 = 17;

/// Tunnels by IP protocol number.
const BY_PROTOCOL: [(u8, &str); 7] = [
    (4, "IP-in-IP"),
    (41, "6in4"),
    (47, "GRE"),
    (50, "IPsec ESP"),
    (51, "IPsec AH"),
    (97, "EtherIP"),
    (115, "L2TPv3"),
];

/// Tunnels by transport and responder port.
const BY_PORT: [(u8, u16, &str); 11] = [
    (UDP, 500, "IKE"),
    (UDP, 4500, "IPsec NAT-T"),
    (UDP, 1194, "OpenVPN"),
    (TCP, 1194, "OpenVPN"),
    (UDP, 51820, "WireGuard"),
    (UDP, 1701, "L2TP"),
    (TCP, 1723, "PPTP"),
    (UDP, 3544, "Teredo"),
    (UDP, 4789, "VXLAN"),
    (UDP, 8472, "VXLAN"),
    (UDP, 6081, "Geneve"),
];

/// The catalog entry.
pub static INFO: KindInfo = KindInfo {
    kind: AlertKind::RouteTunnel,
    id: "route.tunnel",
    severity: Severity::High,
    clause: "5.4",
    clauses: &["5.4"],
    title_zh: "隧道连接",
    title_en: "Tunnel opened",
    explain_zh: "设备建立了隧道（GRE、IP-in-IP、6in4、IPsec、OpenVPN、WireGuard、L2TP、PPTP、Teredo 等），\
        可把其他网络接入加工网络，破坏物理隔离（5.4）。请找到隧道另一端的设备并停用隧道。",
    explain_en: "A device opened a tunnel (GRE, IP-in-IP, 6in4, IPsec, OpenVPN, WireGuard, \
        L2TP, PPTP, Teredo, …), which can join another network to the processing LAN and \
        break its physical isolation (5.4). Find the device at the other end and stop the \
        tunnel.",
    facts: &[FactKind::NewFlow, FactKind::TunnelPayload],
    check,
    merge,
    message,
};

/// The tunnel a flow of `proto` to responder port `port` is, if any.
fn tunnel(proto: u8, port: u16) -> Option<&'static str> {
    let by_protocol = BY_PROTOCOL.iter().find(|(p, _)| *p == proto).map(|(_, n)| *n);
    by_protocol.or_else(|| {
        BY_PORT.iter().find(|(p, port_, _)| *p == proto && *port_ == port).map(|(_, _, n)| *n)
    })
}

fn check(fact: &Fact, _policy: &Policy) -> Option<Finding> {
    let (flow, name) = match fact {
        Fact::NewFlow(flow) => (flow, tunnel(flow.proto, flow.responder.port)?),
        // A flow the port already told is reported once, by its port.
        Fact::TunnelPayload { flow, tunnel: name }
            if tunnel(flow.proto, flow.responder.port).is_none() =>
        {
            (flow, *name)
        }
        _ => return None,
    };
    let Value::Object(evidence) =
        json!({ "tunnels": [format!("{name} {}", endpoint(flow.proto, &flow.responder))] })
    else {
        return None;
    };
    Some(Finding {
        kind: AlertKind::RouteTunnel,
        subject: Subject { mac: flow.initiator.mac, ip: Some(flow.initiator.ip) },
        ts: flow.ts,
        evidence,
        severity: INFO.severity,
    })
}

fn merge(into: &mut Evidence, new: Evidence) {
    let items = new.get("tunnels").and_then(Value::as_array).cloned().unwrap_or_default();
    merge_list(into, "tunnels", &items, MAX_TUNNELS);
}

fn message(subject: &Subject, evidence: &Evidence, lang: Lang) -> String {
    let tunnels = joined(evidence, "tunnels", ", ");
    match lang {
        Lang::Zh => format!("{subject} 建立了隧道：{tunnels}"),
        Lang::En => format!("{subject} opened a tunnel: {tunnels}"),
    }
}

#[cfg(test)]
mod payload_tests {
    use super::*;
    use crate::fact::{Endpoint, FlowStart};
    use crate::time::Timestamp;

    fn flow(proto: u8, port: u16) -> FlowStart {
        let ep = |ip: &str, port| Endpoint { mac: None, ip: ip.parse().unwrap(), port };
        FlowStart {
            proto,
            initiator: ep("10.20.1.21", 50000),
            responder: ep("10.20.1.99", port),
            ts: Timestamp::from_secs(1),
        }
    }

    #[test]
    fn a_tunnel_shape_on_another_port_fires_once_per_flow() {
        let p = Policy::inventory();
        let shaped = Fact::TunnelPayload { flow: flow(UDP, 443), tunnel: "OpenVPN" };
        let found = check(&shaped, &p).expect("fires");
        assert_eq!(found.evidence["tunnels"][0], "OpenVPN 10.20.1.99:443/udp");
        // On its own port the flow was already reported by NewFlow.
        let on_port = Fact::TunnelPayload { flow: flow(UDP, 51820), tunnel: "WireGuard" };
        assert!(check(&Fact::NewFlow(flow(UDP, 51820)), &p).is_some());
        assert!(check(&on_port, &p).is_none());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fact::{Endpoint, FlowStart};
    use crate::time::Timestamp;

    fn new_flow(proto: u8, sport: u16, dport: u16) -> Fact {
        let ep = |ip: &str, port| Endpoint { mac: None, ip: ip.parse().unwrap(), port };
        Fact::NewFlow(FlowStart {
            proto,
            initiator: ep("10.20.1.21", sport),
            responder: ep("10.20.1.99", dport),
            ts: Timestamp::from_secs(1),
        })
    }

    #[test]
    fn tunnels_by_protocol_and_by_port() {
        let p = Policy::inventory();
        let gre = check(&new_flow(47, 0, 0), &p).expect("GRE");
        assert_eq!(gre.evidence["tunnels"][0], "GRE 10.20.1.99/ip-proto-47");
        let wg = check(&new_flow(UDP, 40000, 51820), &p).expect("WireGuard");
        assert_eq!(wg.evidence["tunnels"][0], "WireGuard 10.20.1.99:51820/udp");
        for (proto, port) in [(4, 0), (41, 0), (50, 0), (UDP, 500), (UDP, 4500), (TCP, 1723)] {
            assert!(check(&new_flow(proto, 40000, port), &p).is_some(), "{proto}/{port}");
        }
    }

    #[test]
    fn the_nearest_benign_traffic_stays_silent() {
        let p = Policy::inventory();
        // Tunnel ports as the client's ephemeral port; the same port numbers
        // over the other transport; ordinary protocols.
        for (proto, sport, dport) in [
            (UDP, 4500, 53),
            (TCP, 1194, 445),
            (UDP, 51820, 123),
            (TCP, 40000, 500),
            (UDP, 40000, 1723),
            (1, 0, 0),
            (2, 0, 0),
            (58, 0, 0),
        ] {
            assert!(
                check(&new_flow(proto, sport, dport), &p).is_none(),
                "{proto} {sport}->{dport}"
            );
        }
    }
}
