//! The detectors and the alert catalog.
//!
//! Each detector is one module that declares its alert kind — id, default
//! severity, clause, explanation in Chinese and English — and a pure `check`
//! from one [`Fact`] and the [`Policy`] to at most one [`Finding`]. Dedup,
//! counting and the alert lifecycle live in [`crate::engine`], once.

mod device_arp_poisoning;
mod device_fingerprint_changed;
mod device_ip_conflict;
mod device_mac_flood;
mod device_unexpected_service;
mod device_unregistered;
mod route_connectivity_probe;
mod route_external_dns;
mod route_ipv6_router_advertisement;
mod route_offlan_destination;
mod route_offlan_reply;
mod route_rogue_dhcp;
mod route_router_present;
mod route_tunnel;

use crate::alert::{AlertKind, Evidence, Finding, Severity, Subject};
use crate::fact::{Fact, FactKind};
use crate::lang::Lang;
use crate::policy::Policy;

/// What an alert kind is: everything a detector declares about itself.
pub struct KindInfo {
    /// The kind.
    pub kind: AlertKind,
    /// Stable id, e.g. `device.unregistered`.
    pub id: &'static str,
    /// Severity when it fires.
    pub severity: Severity,
    /// The clause of 档办发〔2014〕7号 it enforces first (see
    /// `spec/CLAUSES.md`); `clauses` lists all.
    pub clause: &'static str,
    /// Every clause it serves.
    pub clauses: &'static [&'static str],
    /// One-line title in Chinese.
    pub title_zh: &'static str,
    /// One-line title in English.
    pub title_en: &'static str,
    /// Why it matters and what to do, in Chinese.
    pub explain_zh: &'static str,
    /// Why it matters and what to do, in English.
    pub explain_en: &'static str,
    /// The facts it reads; the engine hands it no others.
    pub facts: &'static [FactKind],
    /// The detection: a pure function of one fact and the policy.
    pub check: fn(&Fact, &Policy) -> Option<Finding>,
    /// Folds the evidence of a repeat into the open alert's evidence.
    pub merge: fn(&mut Evidence, Evidence),
    /// The message shown to people, from the alert's merged evidence.
    pub message: fn(&Subject, &Evidence, Lang) -> String,
}

impl KindInfo {
    /// The title in `lang`.
    pub fn title(&self, lang: Lang) -> &'static str {
        lang.pick(self.title_zh, self.title_en)
    }

    /// The explanation in `lang`.
    pub fn explanation(&self, lang: Lang) -> &'static str {
        lang.pick(self.explain_zh, self.explain_en)
    }
}

static CATALOG: [&KindInfo; 14] = [
    &device_unregistered::INFO,
    &device_ip_conflict::INFO,
    &device_arp_poisoning::INFO,
    &device_fingerprint_changed::INFO,
    &device_mac_flood::INFO,
    &device_unexpected_service::INFO,
    &route_offlan_destination::INFO,
    &route_offlan_reply::INFO,
    &route_tunnel::INFO,
    &route_ipv6_router_advertisement::INFO,
    &route_router_present::INFO,
    &route_rogue_dhcp::INFO,
    &route_external_dns::INFO,
    &route_connectivity_probe::INFO,
];

/// Every alert kind gapwatch raises, in catalog order.
pub fn catalog() -> &'static [&'static KindInfo] {
    &CATALOG
}

/// What `kind` is.
pub fn info(kind: AlertKind) -> &'static KindInfo {
    match kind {
        AlertKind::DeviceUnregistered => &device_unregistered::INFO,
        AlertKind::DeviceIpConflict => &device_ip_conflict::INFO,
        AlertKind::DeviceMacFlood => &device_mac_flood::INFO,
        AlertKind::DeviceArpPoisoning => &device_arp_poisoning::INFO,
        AlertKind::DeviceFingerprintChanged => &device_fingerprint_changed::INFO,
        AlertKind::DeviceUnexpectedService => &device_unexpected_service::INFO,
        AlertKind::RouteOfflanDestination => &route_offlan_destination::INFO,
        AlertKind::RouteOfflanReply => &route_offlan_reply::INFO,
        AlertKind::RouteTunnel => &route_tunnel::INFO,
        AlertKind::RouteIpv6RouterAdvertisement => &route_ipv6_router_advertisement::INFO,
        AlertKind::RouteRouterPresent => &route_router_present::INFO,
        AlertKind::RouteRogueDhcp => &route_rogue_dhcp::INFO,
        AlertKind::RouteExternalDns => &route_external_dns::INFO,
        AlertKind::RouteConnectivityProbe => &route_connectivity_probe::INFO,
    }
}

/// Renders an alert's message in both languages from its merged evidence.
pub fn messages(kind: AlertKind, subject: &Subject, evidence: &Evidence) -> (String, String) {
    let info = info(kind);
    ((info.message)(subject, evidence, Lang::Zh), (info.message)(subject, evidence, Lang::En))
}

/// Adds `items` to the JSON array `key` of `evidence`, keeping each value
/// once and at most `cap` values; sets `<key>_truncated` when some were
/// left out, so the officer knows the list is not complete.
pub(crate) fn merge_list(
    evidence: &mut Evidence,
    key: &str,
    items: &[serde_json::Value],
    cap: usize,
) {
    let entry =
        evidence.entry(key.to_string()).or_insert_with(|| serde_json::Value::Array(Vec::new()));
    let Some(list) = entry.as_array_mut() else {
        return;
    };
    let mut dropped = false;
    for item in items {
        if list.contains(item) {
            continue;
        }
        if list.len() < cap {
            list.push(item.clone());
        } else {
            dropped = true;
        }
    }
    if dropped {
        evidence.insert(format!("{key}_truncated"), serde_json::Value::Bool(true));
    }
}

/// Merges the lists `keys` (each with its cap) of a repeat's evidence
/// into the open alert's, as [`merge_list`] does for one.
pub(crate) fn merge_lists(into: &mut Evidence, new: &Evidence, keys: &[(&str, usize)]) {
    for &(key, cap) in keys {
        let items = new.get(key).and_then(|v| v.as_array()).cloned().unwrap_or_default();
        merge_list(into, key, &items, cap);
    }
}

/// Evidence from a JSON object literal (anything else gives none).
pub(crate) fn evidence(value: serde_json::Value) -> Evidence {
    match value {
        serde_json::Value::Object(map) => map,
        _ => Evidence::new(),
    }
}

/// An endpoint as alerts show it: `203.0.113.5:443/tcp`,
/// `[2001:db8::1]:53/udp`, `8.8.8.8/icmp`.
pub(crate) fn endpoint(proto: u8, at: &crate::fact::Endpoint) -> String {
    let proto_name = match proto {
        1 => "icmp".to_string(),
        6 => "tcp".to_string(),
        17 => "udp".to_string(),
        58 => "icmpv6".to_string(),
        n => format!("ip-proto-{n}"),
    };
    match (at.port, at.ip) {
        (0, ip) => format!("{ip}/{proto_name}"),
        (port, std::net::IpAddr::V6(ip)) => format!("[{ip}]:{port}/{proto_name}"),
        (port, ip) => format!("{ip}:{port}/{proto_name}"),
    }
}

/// The strings of the JSON array `key`, joined for a message.
pub(crate) fn joined(evidence: &Evidence, key: &str, sep: &str) -> String {
    let items: Vec<&str> = evidence
        .get(key)
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    let mut out = items.join(sep);
    if evidence.get(&format!("{key}_truncated")).and_then(|v| v.as_bool()) == Some(true) {
        out.push_str(sep);
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_in_the_catalog_once() {
        for kind in AlertKind::ALL {
            let entries: Vec<_> = catalog().iter().filter(|k| k.kind == kind).collect();
            assert_eq!(entries.len(), 1, "{kind:?}");
            assert!(std::ptr::eq(*entries[0], info(kind)), "{kind:?}");
        }
        assert_eq!(catalog().len(), AlertKind::ALL.len());
    }

    #[test]
    fn every_kind_reads_some_facts() {
        for info in catalog() {
            assert!(!info.facts.is_empty(), "{} reads nothing and would never fire", info.id);
        }
    }
    use crate::fact::Endpoint;

    #[test]
    fn formats_endpoints() {
        let ep = |ip: &str, port| Endpoint { mac: None, ip: ip.parse().unwrap(), port };
        assert_eq!(endpoint(6, &ep("203.0.113.5", 443)), "203.0.113.5:443/tcp");
        assert_eq!(endpoint(17, &ep("2001:db8::1", 53)), "[2001:db8::1]:53/udp");
        assert_eq!(endpoint(1, &ep("8.8.8.8", 0)), "8.8.8.8/icmp");
        assert_eq!(endpoint(47, &ep("8.8.8.8", 0)), "8.8.8.8/ip-proto-47");
    }
}
