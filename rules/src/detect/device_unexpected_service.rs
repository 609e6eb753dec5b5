//! `device.unexpected_service`: a registered device answers on a port its
//! role does not allow.
//!
//! Why: clauses 5.2 and 5.3 — processing machines are dedicated to the
//! work and configured for it. A scanner answering on SSH, a workstation
//! serving SMB shares or remote desktop, a printer with a web proxy: each
//! is a way in or a way to copy archive data that the site did not plan.
//!
//! Fires when a registered device answers a new flow — a TCP SYN-ACK, or
//! the first UDP datagram back — on a port that is not in `may_serve` of
//! its role's `[roles.NAME]` table. A role without such a table is not
//! checked (the policy has not said what it may serve), nor is an
//! unregistered device (`device.unregistered` covers it). One alert per
//! device; the evidence lists the services and who reached them. Medium.
//!
//! Known false positives: services a role legitimately runs but the policy
//! does not list yet; add their ports to `may_serve`.

use serde_json::json;

use super::{KindInfo, evidence, joined, merge_lists};
use crate::alert::{AlertKind, Evidence, Finding, Severity, Subject};
use crate::fact::{Fact, FactKind};
use crate::lang::Lang;
use crate::net::ip_text;
use crate::policy::{Policy, role_label};

/// At most this many services and clients are kept in the evidence.
const MAX_SERVICES: usize = 16;

const TCP: u8 = 6;
const UDP: u8 = 17;
const SYN_ACK: u8 = 0x12;
/// UDP ports of the name services every host answers on.
const NAME_SERVICE_PORTS: [u16; 3] = [137, 5353, 5355];

/// The catalog entry.
pub static INFO: KindInfo = KindInfo {
    kind: AlertKind::DeviceUnexpectedService,
    id: "device.unexpected_service",
    severity: Severity::Medium,
    clause: "5.3",
    clauses: &["5.2", "5.3"],
    title_zh: "设备提供了不允许的服务",
    title_en: "Service not allowed for the device's role",
    explain_zh: "已登记的设备在其角色不允许的端口上应答了连接（例如扫描仪开放 SSH、工作站共享文件或开放远程桌面）。\
        加工设备须专机专用、按需配置（5.2、5.3），多余的服务是未经规划的进入或复制档案数据的途径。\
        请在该设备上关闭此服务；如确属需要，请将端口加入策略中该角色的 may_serve。",
    explain_en: "A registered device answered a connection on a port its role does not allow \
        (a scanner with SSH open, a workstation sharing files or offering remote desktop). \
        Processing devices are dedicated and configured for the work (5.2, 5.3); an extra \
        service is an unplanned way in or a way to copy archive data. Turn the service off \
        on the device, or, if it is needed, add the port to the role's may_serve in the policy.",
    facts: &[FactKind::FlowAnswered],
    check,
    merge,
    message,
};

fn check(fact: &Fact, policy: &Policy) -> Option<Finding> {
    let Fact::FlowAnswered { flow, tcp_flags, at } = fact else {
        return None;
    };
    let accepted = match flow.proto {
        TCP => tcp_flags & SYN_ACK == SYN_ACK,
        UDP => true,
        _ => false,
    };
    let server = flow.responder;
    // Name services answer whoever asks by design (NetBIOS node status,
    // unicast mDNS and LLMNR answers): every Windows or Apple host would
    // otherwise "serve" them.
    if !accepted
        || server.port == 0
        || (flow.proto == UDP && NAME_SERVICE_PORTS.contains(&server.port))
    {
        return None;
    }
    let asset = policy.asset(server.mac?)?;
    let role = policy.role(&asset.role)?;
    if role.may_serve_port(server.port) {
        return None;
    }
    Some(Finding {
        kind: AlertKind::DeviceUnexpectedService,
        subject: Subject { mac: server.mac, ip: Some(server.ip) },
        ts: *at,
        evidence: evidence(json!({
            "role": asset.role,
            "services": [format!("{}/{}", server.port, proto_name(flow.proto))],
            "clients": [ip_text(flow.initiator.ip).as_str()],
        })),
        severity: INFO.severity,
    })
}

fn proto_name(proto: u8) -> &'static str {
    if proto == TCP { "tcp" } else { "udp" }
}

fn merge(into: &mut Evidence, new: Evidence) {
    merge_lists(into, &new, &[("services", MAX_SERVICES), ("clients", MAX_SERVICES)]);
}

fn message(subject: &Subject, evidence: &Evidence, lang: Lang) -> String {
    let role = evidence.get("role").and_then(|v| v.as_str()).unwrap_or("?");
    let services = joined(evidence, "services", ", ");
    let clients = joined(evidence, "clients", ", ");
    match lang {
        Lang::Zh => format!(
            "{subject}（{}）在不允许的端口上提供服务：{services}（访问者 {clients}）",
            role_label(role, lang)
        ),
        Lang::En => format!(
            "{subject} ({role}) serves on ports its role does not allow: {services} (reached by {clients})"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fact::{Endpoint, FlowStart};
    use crate::net::MacAddr;
    use crate::time::Timestamp;

    const SCANNER: MacAddr = MacAddr([0x00, 0x80, 0x17, 0, 0, 11]);
    const WORKSTATION: MacAddr = MacAddr([0xf8, 0xbc, 0x12, 0, 0, 21]);

    fn policy() -> Policy {
        Policy::parse(
            "[site]\nlan = [\"10.20.0.0/16\"]\n\n\
             [[asset]]\nmac = \"00:80:17:00:00:0b\"\nname = \"扫描仪-01\"\nrole = \"scanner\"\n\n\
             [[asset]]\nmac = \"f8:bc:12:00:00:15\"\nname = \"WS-21\"\nrole = \"workstation\"\n\n\
             [roles.scanner]\nmay_serve = [80, 9100]\n",
            "p.toml",
        )
        .unwrap()
    }

    fn answered(proto: u8, server: MacAddr, port: u16, tcp_flags: u8) -> Fact {
        let flow = FlowStart {
            proto,
            initiator: Endpoint { mac: None, ip: "10.20.1.21".parse().unwrap(), port: 50123 },
            responder: Endpoint { mac: Some(server), ip: "10.20.1.11".parse().unwrap(), port },
            ts: Timestamp::from_secs(1),
        };
        Fact::FlowAnswered { flow, tcp_flags, at: Timestamp::from_secs(2) }
    }

    #[test]
    fn a_syn_ack_on_a_port_outside_may_serve_fires() {
        let found = check(&answered(TCP, SCANNER, 22, SYN_ACK), &policy()).expect("fires");
        assert_eq!(found.evidence["services"], json!(["22/tcp"]));
        assert_eq!(found.evidence["clients"], json!(["10.20.1.21"]));
        let zh = message(&found.subject, &found.evidence, Lang::Zh);
        assert!(zh.contains("扫描仪") && zh.contains("22/tcp"), "{zh}");
        let mut e = found.evidence;
        merge(&mut e, check(&answered(UDP, SCANNER, 161, 0), &policy()).unwrap().evidence);
        assert_eq!(e["services"], json!(["22/tcp", "161/udp"]));
    }

    #[test]
    fn allowed_ports_refusals_and_unchecked_roles_stay_silent() {
        let p = policy();
        assert!(check(&answered(TCP, SCANNER, 9100, SYN_ACK), &p).is_none(), "allowed");
        assert!(check(&answered(TCP, SCANNER, 22, 0x14), &p).is_none(), "RST+ACK refuses");
        assert!(check(&answered(TCP, SCANNER, 22, 0x10), &p).is_none(), "mid-stream ACK");
        assert!(check(&answered(1, SCANNER, 0, 0), &p).is_none(), "ICMP has no port");
        assert!(check(&answered(UDP, SCANNER, 137, 0), &p).is_none(), "NetBIOS node status");
        assert!(check(&answered(TCP, WORKSTATION, 445, SYN_ACK), &p).is_none(), "no [roles]");
        let stranger = MacAddr([0x02, 0, 0, 0, 0, 0x99]);
        assert!(check(&answered(TCP, stranger, 22, SYN_ACK), &p).is_none(), "unregistered");
    }
}
