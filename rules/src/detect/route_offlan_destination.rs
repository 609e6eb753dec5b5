//! `route.offlan_destination`: a device sends to an address outside the
//! declared LAN.
//!
//! Why: clause 5.4 wants the processing network physically isolated. A
//! packet addressed off the LAN means some software expects a way out — a
//! misconfigured gateway or DNS, an update check, or a route that works.
//!
//! Fires once per new flow whose responder is neither in the policy's `lan`
//! nor local in scope (multicast, broadcast, link-local, unspecified,
//! loopback never leave the segment). One alert per initiating device and
//! address; the evidence lists the distinct destinations.
//!
//! Known false positives: none by construction — but a LAN declared too
//! narrowly in the policy makes every other subnet "off-LAN".

use serde_json::{Value, json};

use super::{KindInfo, endpoint, joined, merge_list};
use crate::alert::{AlertKind, Evidence, Finding, Severity, Subject};
use crate::fact::{Fact, FactKind};
use crate::lang::Lang;
use crate::net::is_local_scope;
use crate::policy::Policy;

/// At most this many destinations are kept in the evidence.
const MAX_DESTINATIONS: usize = 32;

/// The catalog entry.
pub static INFO: KindInfo = KindInfo {
    kind: AlertKind::RouteOfflanDestination,
    id: "route.offlan_destination",
    severity: Severity::High,
    clause: "5.4",
    clauses: &["5.4"],
    title_zh: "向网外地址发送数据",
    title_en: "Traffic addressed off the LAN",
    explain_zh: "设备向加工网络以外的地址发送了数据包。加工网络须与其他网络物理隔离（5.4）。\
        请检查该设备的网关、DNS 与自动更新设置，并确认网络中没有通往外部的路由。",
    explain_en: "A device sent packets to an address outside the processing LAN, which \
        must be physically isolated from every other network (5.4). Check the device's \
        gateway, DNS and update settings, and make sure no route out exists.",
    facts: &[FactKind::NewFlow],
    check,
    merge,
    message,
};

fn check(fact: &Fact, policy: &Policy) -> Option<Finding> {
    let Fact::NewFlow(flow) = fact else {
        return None;
    };
    let to = flow.responder.ip;
    if policy.is_lan(to) || is_local_scope(to) {
        return None;
    }
    let Value::Object(evidence) = json!({
        "destinations": [endpoint(flow.proto, &flow.responder)],
    }) else {
        return None;
    };
    Some(Finding {
        kind: AlertKind::RouteOfflanDestination,
        subject: Subject { mac: flow.initiator.mac, ip: Some(flow.initiator.ip) },
        ts: flow.ts,
        evidence,
        severity: INFO.severity,
    })
}

fn merge(into: &mut Evidence, new: Evidence) {
    let items = new.get("destinations").and_then(Value::as_array).cloned().unwrap_or_default();
    merge_list(into, "destinations", &items, MAX_DESTINATIONS);
}

fn message(subject: &Subject, evidence: &Evidence, lang: Lang) -> String {
    let to = joined(evidence, "destinations", ", ");
    match lang {
        Lang::Zh => format!("{subject} 向网外地址发送数据：{to}"),
        Lang::En => format!("{subject} sent traffic to addresses outside the LAN: {to}"),
    }
}
