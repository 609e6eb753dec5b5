//! Alerts: what a detector found, and the record the officer works with.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::lang::Lang;
use crate::net::MacAddr;
use crate::time::Timestamp;

/// How urgent an alert is. Ordered: `Info < Low < … < Critical`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing, nothing to do.
    Info,
    /// Look at it today.
    Low,
    /// Look at it soon.
    Medium,
    /// The isolation may be broken: look now.
    High,
    /// The isolation is broken: act now.
    Critical,
}

impl Severity {
    /// Every severity, lowest first.
    pub const ALL: [Severity; 5] =
        [Severity::Info, Severity::Low, Severity::Medium, Severity::High, Severity::Critical];

    /// Stable English name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Name shown to people.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Severity::Info => lang.pick("提示", "info"),
            Severity::Low => lang.pick("低", "low"),
            Severity::Medium => lang.pick("中", "medium"),
            Severity::High => lang.pick("高", "high"),
            Severity::Critical => lang.pick("严重", "critical"),
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Severity, String> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| format!("unknown severity {s:?}"))
    }
}

/// The kinds of alert gapwatch raises; see [`crate::detect::catalog`] for
/// what each means, its clause and its default severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AlertKind {
    /// `device.unregistered`.
    DeviceUnregistered,
    /// `device.ip_conflict`.
    DeviceIpConflict,
    /// `device.mac_flood`.
    DeviceMacFlood,
    /// `device.arp_poisoning`.
    DeviceArpPoisoning,
    /// `device.fingerprint_changed`.
    DeviceFingerprintChanged,
    /// `device.unexpected_service`.
    DeviceUnexpectedService,
    /// `route.offlan_destination`.
    RouteOfflanDestination,
    /// `route.offlan_reply`.
    RouteOfflanReply,
    /// `route.tunnel`.
    RouteTunnel,
    /// `route.ipv6_router_advertisement`.
    RouteIpv6RouterAdvertisement,
    /// `route.router_present`.
    RouteRouterPresent,
    /// `route.rogue_dhcp`.
    RouteRogueDhcp,
    /// `route.external_dns`.
    RouteExternalDns,
    /// `route.connectivity_probe`.
    RouteConnectivityProbe,
}

impl AlertKind {
    /// Every kind.
    pub const ALL: [AlertKind; 14] = [
        AlertKind::DeviceUnregistered,
        AlertKind::DeviceIpConflict,
        AlertKind::DeviceMacFlood,
        AlertKind::DeviceArpPoisoning,
        AlertKind::DeviceFingerprintChanged,
        AlertKind::DeviceUnexpectedService,
        AlertKind::RouteOfflanDestination,
        AlertKind::RouteOfflanReply,
        AlertKind::RouteTunnel,
        AlertKind::RouteIpv6RouterAdvertisement,
        AlertKind::RouteRouterPresent,
        AlertKind::RouteRogueDhcp,
        AlertKind::RouteExternalDns,
        AlertKind::RouteConnectivityProbe,
    ];

    /// Stable id, as in JSON (`device.unregistered`).
    pub fn id(self) -> &'static str {
        crate::detect::info(self).id
    }
}

impl fmt::Display for AlertKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for AlertKind {
    type Err = String;

    fn from_str(s: &str) -> Result<AlertKind, String> {
        crate::detect::catalog()
            .iter()
            .find(|k| k.id == s)
            .map(|k| k.kind)
            .ok_or_else(|| format!("unknown alert kind {s:?}"))
    }
}

/// Whom an alert concerns: a device (MAC), an address, or both.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Subject {
    /// The device's MAC, when known.
    pub mac: Option<MacAddr>,
    /// The address, when the alert is about one.
    pub ip: Option<IpAddr>,
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.mac, self.ip) {
            (Some(m), Some(ip)) => write!(f, "{m} ({ip})"),
            (Some(m), None) => write!(f, "{m}"),
            (None, Some(ip)) => write!(f, "{ip}"),
            (None, None) => f.write_str("-"),
        }
    }
}

/// Evidence behind an alert: a JSON object whose keys each detector
/// documents.
pub type Evidence = serde_json::Map<String, serde_json::Value>;

/// One detector firing once.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// What was found.
    pub kind: AlertKind,
    /// About whom.
    pub subject: Subject,
    /// Packet time of the fact that fired it.
    pub ts: Timestamp,
    /// What shows it.
    pub evidence: Evidence,
    /// How severe this finding is: the kind's default, or higher when the
    /// evidence says so (a conflict over a server's address).
    pub severity: Severity,
}

/// An alert as recorded and shown: the stable JSON shape of `gapwatch alerts
/// --format json` and of `--jsonl`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Alert {
    /// Stable id in the database.
    pub id: i64,
    /// Kind id, e.g. `device.unregistered`.
    pub kind: String,
    /// Current severity.
    pub severity: Severity,
    /// Clause of the regulation it enforces.
    pub clause: String,
    /// Whom it concerns.
    pub subject: Subject,
    /// First time it fired, RFC 3339 UTC.
    pub first_seen: String,
    /// Last time it fired, RFC 3339 UTC.
    pub last_seen: String,
    /// How many times it fired.
    pub count: u64,
    /// Explanation in Chinese.
    pub message_zh: String,
    /// Explanation in English.
    pub message_en: String,
    /// What shows it.
    pub evidence: Evidence,
}

impl Alert {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> &str {
        lang.pick(&self.message_zh, &self.message_en)
    }
}
