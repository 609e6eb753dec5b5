//! Reading the record: what `gapwatch devices|flows|alerts|stats` list.
//!
//! Every function takes a connection opened by [`super::open_read_only`]
//! (or the writer's own) and returns plain serialisable rows in the stable
//! JSON shape.

use std::net::IpAddr;

use gapwatch_rules::classify::{Classification, classify};
use gapwatch_rules::fact::ClueKind;
use gapwatch_rules::{Alert, MacAddr, Severity, Subject, Timestamp};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

fn rfc3339(ns: i64) -> String {
    Timestamp::from_nanos(ns).rfc3339()
}

/// A device as listed (stable JSON fields).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeviceInfo {
    /// MAC address.
    pub mac: String,
    /// Vendor from the IEEE registry.
    pub vendor: Option<String>,
    /// In the asset register of the latest run with a policy.
    pub registered: bool,
    /// Registered name.
    pub name: Option<String>,
    /// Registered role.
    pub role: Option<String>,
    /// Host names it gave itself (DHCP options 12 and 81, the names it
    /// answers for in mDNS, LLMNR and NetBIOS), first first.
    pub hostnames: Vec<String>,
    /// Its operating system, as the clues say (`rules/data/classify.tsv`).
    pub os: Option<String>,
    /// Its class: workstation, server, scanner, printer, switch, router,
    /// access_point, phone, tablet, camera, iot.
    pub class: Option<String>,
    /// 0–100: how far the clues agree on the OS (or the class).
    pub confidence: u8,
    /// Why, in Chinese: the rules that matched, strongest first.
    pub classified_by_zh: Vec<String>,
    /// Why, in English.
    pub classified_by: Vec<String>,
    /// IPv4 addresses used.
    pub ipv4: Vec<String>,
    /// IPv6 addresses used.
    pub ipv6: Vec<String>,
    /// First frame, RFC 3339 UTC.
    pub first_seen: String,
    /// Latest frame.
    pub last_seen: String,
    /// Frames sent.
    pub packets_sent: u64,
    /// Unicast frames received.
    pub packets_received: u64,
    /// Bytes sent.
    pub bytes_sent: u64,
    /// Bytes received.
    pub bytes_received: u64,
    /// Locally administered MAC (not from the IEEE registry).
    pub locally_administered: bool,
    /// Group MAC used as a source (never legitimate).
    pub multicast: bool,
}

/// Every device, in order of first appearance.
pub fn devices(conn: &Connection) -> rusqlite::Result<Vec<DeviceInfo>> {
    let mut stmt = conn.prepare(
        "SELECT d.mac, d.vendor, a.mac IS NOT NULL, a.name, a.role, d.first_seen, d.last_seen,
                d.packets_sent, d.packets_received, d.bytes_sent, d.bytes_received
         FROM devices d LEFT JOIN assets a ON a.mac = d.mac
         ORDER BY d.first_seen, d.mac",
    )?;
    let mut addrs =
        conn.prepare("SELECT ip FROM addresses WHERE mac = ?1 ORDER BY first_seen, ip")?;
    let rows = stmt.query_map([], |r| {
        let mac: String = r.get(0)?;
        let parsed: MacAddr = mac.parse().unwrap_or_default();
        Ok(DeviceInfo {
            vendor: r.get(1)?,
            registered: r.get(2)?,
            name: r.get(3)?,
            role: r.get(4)?,
            hostnames: Vec::new(),
            os: None,
            class: None,
            confidence: 0,
            classified_by_zh: Vec::new(),
            classified_by: Vec::new(),
            ipv4: Vec::new(),
            ipv6: Vec::new(),
            first_seen: rfc3339(r.get(5)?),
            last_seen: rfc3339(r.get(6)?),
            packets_sent: r.get::<_, i64>(7)? as u64,
            packets_received: r.get::<_, i64>(8)? as u64,
            bytes_sent: r.get::<_, i64>(9)? as u64,
            bytes_received: r.get::<_, i64>(10)? as u64,
            locally_administered: parsed.is_locally_administered(),
            multicast: parsed.is_multicast(),
            mac,
        })
    })?;
    let mut out = Vec::new();
    for row in rows {
        let mut d = row?;
        for ip in addrs.query_map(params![d.mac], |r| r.get::<_, String>(0))? {
            let ip = ip?;
            match ip.parse::<IpAddr>() {
                Ok(IpAddr::V6(_)) => d.ipv6.push(ip),
                _ => d.ipv4.push(ip),
            }
        }
        let who = identity(conn, &d.mac, d.vendor.as_deref())?;
        d.hostnames = who.hostnames;
        d.os = who.classification.os.map(str::to_owned);
        d.class = who.classification.class.map(str::to_owned);
        d.confidence = who.classification.confidence;
        d.classified_by_zh = who.classification.reasons.iter().map(|r| r.0.to_owned()).collect();
        d.classified_by = who.classification.reasons.iter().map(|r| r.1.to_owned()).collect();
        out.push(d);
    }
    Ok(out)
}

/// One thing a device said about itself, as listed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClueInfo {
    /// What it is, e.g. `dhcp.hostname`.
    pub kind: String,
    /// The value.
    pub value: String,
    /// First reported, RFC 3339 UTC.
    pub first_seen: String,
    /// Last reported.
    pub last_seen: String,
}

/// What one device is, as its clues say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity {
    /// Host names it gave itself, first first.
    pub hostnames: Vec<String>,
    /// OS, class, confidence and reasons (`rules/data/classify.tsv`).
    pub classification: Classification,
}

/// What the device `mac` (whose registry vendor is `vendor`) is: its host
/// names and its classification.
pub fn identity(conn: &Connection, mac: &str, vendor: Option<&str>) -> rusqlite::Result<Identity> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, value FROM clues WHERE mac = ?1 ORDER BY first_seen, kind, value",
    )?;
    let said: Vec<(String, String)> = stmt
        .query_map(params![mac], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let is_host_name =
        |kind: &str| ClueKind::ALL.iter().any(|k| k.is_host_name() && k.as_str() == kind);
    let mut hostnames: Vec<String> = Vec::new();
    for (kind, value) in &said {
        if is_host_name(kind) && !hostnames.contains(value) {
            hostnames.push(value.clone());
        }
    }
    let classification = classify(said.iter().map(|(k, v)| (k.as_str(), v.as_str())), vendor);
    Ok(Identity { hostnames, classification })
}

/// Everything `mac` said about itself, by kind, then first seen.
pub fn device_clues(conn: &Connection, mac: &str) -> rusqlite::Result<Vec<ClueInfo>> {
    let mut stmt = conn.prepare(
        "SELECT kind, value, first_seen, last_seen FROM clues WHERE mac = ?1
         ORDER BY kind, first_seen, value",
    )?;
    let rows = stmt.query_map(params![mac], |r| {
        Ok(ClueInfo {
            kind: r.get(0)?,
            value: r.get(1)?,
            first_seen: rfc3339(r.get(2)?),
            last_seen: rfc3339(r.get(3)?),
        })
    })?;
    rows.collect()
}

/// An hour of traffic between an initiator and a service, as listed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FlowInfo {
    /// IP protocol name (`tcp`, `udp`, `icmp`, …) or number.
    pub proto: String,
    /// Initiator MAC.
    pub orig_mac: Option<String>,
    /// Initiator address.
    pub orig_ip: String,
    /// Responder MAC.
    pub resp_mac: Option<String>,
    /// Responder address.
    pub resp_ip: String,
    /// Responder (service) port; 0 for protocols without ports.
    pub resp_port: u16,
    /// Start of the UTC hour.
    pub hour: String,
    /// Flows that began in the hour.
    pub connections: u64,
    /// First packet in the hour.
    pub first_seen: String,
    /// Last packet in the hour.
    pub last_seen: String,
    /// Packets initiator → responder.
    pub orig_packets: u64,
    /// Bytes initiator → responder.
    pub orig_bytes: u64,
    /// Packets responder → initiator.
    pub resp_packets: u64,
    /// Bytes responder → initiator.
    pub resp_bytes: u64,
    /// TCP flags seen, as letters (`SAFR…`).
    pub tcp_flags: String,
}

/// Name of an IP protocol number.
pub fn proto_name(proto: u8) -> String {
    match proto {
        1 => "icmp".into(),
        2 => "igmp".into(),
        6 => "tcp".into(),
        17 => "udp".into(),
        47 => "gre".into(),
        50 => "esp".into(),
        58 => "icmpv6".into(),
        n => n.to_string(),
    }
}

fn flag_letters(flags: u8) -> String {
    [
        (0x02, 'S'),
        (0x10, 'A'),
        (0x08, 'P'),
        (0x01, 'F'),
        (0x04, 'R'),
        (0x20, 'U'),
        (0x40, 'E'),
        (0x80, 'C'),
    ]
    .into_iter()
    .filter(|&(bit, _)| flags & bit != 0)
    .map(|(_, c)| c)
    .collect()
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// OR of the TCP flags of a group: SQLite has no bitwise aggregate, so
/// each bit's maximum is taken.
const TCP_FLAGS_OR: &str = "max(tcp_flags & 1) | max(tcp_flags & 2) | max(tcp_flags & 4) | max(tcp_flags & 8) | max(tcp_flags & 16) | max(tcp_flags & 32) | max(tcp_flags & 64) | max(tcp_flags & 128)";

/// The `limit` largest hourly flow records by bytes (all when `limit` is 0).
pub fn flows(conn: &Connection, limit: usize) -> rusqlite::Result<Vec<FlowInfo>> {
    let limit = if limit == 0 { -1 } else { limit as i64 };
    let sql = format!(
        "SELECT proto, orig_mac, orig_ip, resp_mac, resp_ip, resp_port, hour, sum(connections),
                min(first_seen), max(last_seen), sum(orig_packets), sum(orig_bytes), sum(resp_packets),
                sum(resp_bytes), {TCP_FLAGS_OR}
         FROM flows
         GROUP BY proto, orig_mac, orig_ip, resp_mac, resp_ip, resp_port, hour
         ORDER BY sum(orig_bytes) + sum(resp_bytes) DESC, hour, min(id) LIMIT ?1"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![limit], |r| {
        Ok(FlowInfo {
            proto: proto_name(r.get(0)?),
            orig_mac: non_empty(r.get(1)?),
            orig_ip: r.get(2)?,
            resp_mac: non_empty(r.get(3)?),
            resp_ip: r.get(4)?,
            resp_port: r.get(5)?,
            hour: rfc3339(r.get(6)?),
            connections: r.get::<_, i64>(7)? as u64,
            first_seen: rfc3339(r.get(8)?),
            last_seen: rfc3339(r.get(9)?),
            orig_packets: r.get::<_, i64>(10)? as u64,
            orig_bytes: r.get::<_, i64>(11)? as u64,
            resp_packets: r.get::<_, i64>(12)? as u64,
            resp_bytes: r.get::<_, i64>(13)? as u64,
            tcp_flags: flag_letters(r.get(14)?),
        })
    })?;
    rows.collect()
}

const ALERT_COLUMNS: &str =
    "id, kind, severity, clause, subject_mac, subject_ip, first_seen, last_seen, count,
                             message_zh, message_en, evidence";

fn alert_from(r: &Row<'_>) -> rusqlite::Result<Alert> {
    let severity: String = r.get(2)?;
    let mac: Option<String> = r.get(4)?;
    let ip: Option<String> = r.get(5)?;
    let evidence: String = r.get(11)?;
    Ok(Alert {
        id: r.get(0)?,
        kind: r.get(1)?,
        severity: severity.parse().unwrap_or(Severity::Info),
        clause: r.get(3)?,
        subject: Subject {
            mac: mac.and_then(|m| m.parse().ok()),
            ip: ip.and_then(|i| i.parse().ok()),
        },
        first_seen: rfc3339(r.get(6)?),
        last_seen: rfc3339(r.get(7)?),
        count: r.get::<_, i64>(8)? as u64,
        message_zh: r.get(9)?,
        message_en: r.get(10)?,
        evidence: match serde_json::from_str(&evidence) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => Default::default(),
        },
    })
}

/// Every alert, most severe and most recent first.
pub fn alerts(conn: &Connection) -> rusqlite::Result<Vec<Alert>> {
    let sql = format!(
        "SELECT {ALERT_COLUMNS} FROM alerts ORDER BY severity_rank DESC, last_seen DESC, id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], alert_from)?;
    rows.collect()
}

/// One alert.
pub fn alert_by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<Alert>> {
    let sql = format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = ?1");
    conn.query_row(&sql, params![id], alert_from).optional()
}

/// Totals over every run recorded.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stats {
    /// Runs recorded.
    pub runs: u64,
    /// Capture files read.
    pub captures: Vec<CaptureInfo>,
    /// Frames read.
    pub packets: u64,
    /// Bytes on the wire.
    pub bytes: u64,
    /// Earliest frame.
    pub first_seen: Option<String>,
    /// Latest frame.
    pub last_seen: Option<String>,
    /// Undecodable frames by reason.
    pub decode_errors: std::collections::BTreeMap<String, u64>,
    /// Devices known.
    pub devices: u64,
    /// Flows recorded.
    pub flows: u64,
    /// Alerts (open and closed).
    pub alerts: u64,
}

/// One capture file read.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CaptureInfo {
    /// Path as given.
    pub path: String,
    /// Frames read.
    pub packets: u64,
    /// Bytes on the wire.
    pub bytes: u64,
    /// Why reading stopped early.
    pub error: Option<String>,
}

/// The totals.
pub fn stats(conn: &Connection) -> rusqlite::Result<Stats> {
    let count = |table: &str| -> rusqlite::Result<u64> {
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
    };
    let (packets, bytes, first, last): (i64, i64, Option<i64>, Option<i64>) = conn.query_row(
        "SELECT coalesce(sum(packets), 0), coalesce(sum(bytes), 0), min(first_ts), max(last_ts) FROM runs",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    let mut stmt = conn
        .prepare("SELECT reason, sum(count) FROM decode_errors GROUP BY reason ORDER BY reason")?;
    let decode_errors = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare("SELECT path, packets, bytes, error FROM captures ORDER BY id")?;
    let captures = stmt
        .query_map([], |r| {
            Ok(CaptureInfo {
                path: r.get(0)?,
                packets: r.get::<_, i64>(1)? as u64,
                bytes: r.get::<_, i64>(2)? as u64,
                error: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Stats {
        runs: count("runs")?,
        captures,
        packets: packets as u64,
        bytes: bytes as u64,
        first_seen: first.map(rfc3339),
        last_seen: last.map(rfc3339),
        decode_errors,
        devices: count("devices")?,
        flows: count("flows")?,
        alerts: count("alerts")?,
    })
}

/// A capture already recorded in the database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedCapture {
    /// The run that read it.
    pub run_id: i64,
    /// The path it was given as.
    pub path: String,
    /// Why that run stopped reading it early, if it did.
    pub error: Option<String>,
    /// True when it is the very same file; false when it only begins with
    /// the same bytes (the same capture, grown or cut since).
    pub same_file: bool,
}

/// The capture already recorded that is this file (same fingerprint) or
/// begins like it (same first MiB), if any.
pub fn capture_recorded(
    conn: &Connection,
    fingerprint: &str,
    head: &str,
) -> rusqlite::Result<Option<RecordedCapture>> {
    conn.query_row(
        "SELECT run_id, path, error, fingerprint = ?1 FROM captures
         WHERE fingerprint = ?1 OR head = ?2 ORDER BY fingerprint = ?1 DESC, id LIMIT 1",
        params![fingerprint, head],
        |r| {
            Ok(RecordedCapture {
                run_id: r.get(0)?,
                path: r.get(1)?,
                error: r.get(2)?,
                same_file: r.get(3)?,
            })
        },
    )
    .optional()
}
