//! The scenario captures: small, staged pcaps with the site policy they are
//! replayed under and the alerts the sensor must raise.
//!
//! Each scenario is written to `captures/<name>/` as `capture.pcap`
//! (classic pcap, microseconds, little-endian, Ethernet, the scenario's
//! snaplen), `policy.toml` (absent in inventory mode), `expected-alerts.json`
//! and a `README.md`. The expected alerts are written by hand in each
//! scenario, next to the frames that stage them ("the laptop appears at t,
//! takes 10.20.1.200 at t2"), not computed by re-running detection.

mod acts;
mod addressing;
mod demo;
mod gear;
mod isolation;
mod names;
mod services;
mod site;
mod small;

use std::fmt::Write as _;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::net::IpAddr;
use std::path::Path;

use gapwatch_rules::{MacAddr, Timestamp};
use serde::Serialize;

use crate::Record;
use crate::writer::{PcapOptions, PcapWriter};

/// One alert the sensor must raise on a scenario, in the shape of
/// `expected-alerts.json`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectedAlert {
    /// Alert kind id, e.g. `device.unregistered`.
    pub kind: &'static str,
    /// Severity name.
    pub severity: &'static str,
    /// Regulation clause.
    pub clause: &'static str,
    /// Subject MAC.
    pub mac: Option<MacAddr>,
    /// Subject IP.
    pub ip: Option<IpAddr>,
    /// First time it fired.
    pub first_seen: Timestamp,
    /// Last time it fired (or was updated).
    pub last_seen: Timestamp,
    /// How many times it fired.
    pub count: u64,
}

impl ExpectedAlert {
    /// `device.unregistered` for `mac`: first frame at `first_seen`, latest
    /// new address at `last_seen`, `count` = 1 + addresses bound.
    pub fn unregistered(
        mac: MacAddr,
        first_seen: Timestamp,
        last_seen: Timestamp,
        count: u64,
    ) -> ExpectedAlert {
        ExpectedAlert {
            kind: "device.unregistered",
            severity: "high",
            clause: "5.7",
            mac: Some(mac),
            ip: None,
            first_seen,
            last_seen,
            count,
        }
    }

    /// `route.offlan_destination` for the initiator `mac`/`ip`: `count`
    /// flows to off-LAN responders, the first starting at `first_seen`, the
    /// last at `last_seen`.
    pub fn offlan_destination(
        mac: MacAddr,
        ip: impl Into<IpAddr>,
        first_seen: Timestamp,
        last_seen: Timestamp,
        count: u64,
    ) -> ExpectedAlert {
        ExpectedAlert::route(
            "route.offlan_destination",
            "high",
            mac,
            Some(ip.into()),
            (first_seen, last_seen, count),
        )
    }

    /// `route.offlan_reply` for the LAN device `mac`/`ip`: `count` flows
    /// with an off-LAN end that sent to it, the first answer (or inbound
    /// flow) at `first_seen`, the last at `last_seen`.
    pub fn offlan_reply(
        mac: MacAddr,
        ip: impl Into<IpAddr>,
        first_seen: Timestamp,
        last_seen: Timestamp,
        count: u64,
    ) -> ExpectedAlert {
        ExpectedAlert::route(
            "route.offlan_reply",
            "critical",
            mac,
            Some(ip.into()),
            (first_seen, last_seen, count),
        )
    }

    /// `device.ip_conflict` for `mac` claiming `ip`: `severity` "high" for a
    /// server's or export station's address, else "medium".
    pub fn ip_conflict(
        mac: MacAddr,
        ip: impl Into<IpAddr>,
        severity: &'static str,
        at: Timestamp,
    ) -> ExpectedAlert {
        let (ip, mac, kind) = (Some(ip.into()), Some(mac), "device.ip_conflict");
        let (first_seen, last_seen, count) = (at, at, 1);
        ExpectedAlert { kind, severity, clause: "5.8", mac, ip, first_seen, last_seen, count }
    }

    /// `route.tunnel` for the initiator `mac`/`ip`: `count` tunnel flows,
    /// the first starting at `first_seen`, the last at `last_seen`.
    pub fn tunnel(
        mac: MacAddr,
        ip: impl Into<IpAddr>,
        first_seen: Timestamp,
        last_seen: Timestamp,
        count: u64,
    ) -> ExpectedAlert {
        ExpectedAlert::route(
            "route.tunnel",
            "high",
            mac,
            Some(ip.into()),
            (first_seen, last_seen, count),
        )
    }

    /// `route.ipv6_router_advertisement` for `mac`: `count` advertisements
    /// from `first_seen` to `last_seen`.
    pub fn router_advertisement(
        mac: MacAddr,
        first_seen: Timestamp,
        last_seen: Timestamp,
        count: u64,
    ) -> ExpectedAlert {
        let seen = (first_seen, last_seen, count);
        ExpectedAlert::route("route.ipv6_router_advertisement", "high", mac, None, seen)
    }

    /// `route.router_present` for `mac`: `count` router messages from
    /// `first_seen` to `last_seen`.
    pub fn router_present(
        mac: MacAddr,
        first_seen: Timestamp,
        last_seen: Timestamp,
        count: u64,
    ) -> ExpectedAlert {
        let seen = (first_seen, last_seen, count);
        ExpectedAlert::route("route.router_present", "high", mac, None, seen)
    }

    /// `device.mac_flood` for the site: `count` new devices beyond the
    /// limit, the first at `first_seen`, the last at `last_seen`.
    pub fn mac_flood(first_seen: Timestamp, last_seen: Timestamp, count: u64) -> ExpectedAlert {
        let (kind, severity, clause) = ("device.mac_flood", "high", "5.5");
        ExpectedAlert { kind, severity, clause, mac: None, ip: None, first_seen, last_seen, count }
    }

    /// `route.external_dns` for the client `mac`/`ip`: `count` new names
    /// (or resolvers) asked from `first_seen` to `last_seen`; "high" when
    /// the resolver is off the LAN, else "medium".
    pub fn external_dns(
        mac: MacAddr,
        ip: impl Into<IpAddr>,
        severity: &'static str,
        seen: (Timestamp, Timestamp, u64),
    ) -> ExpectedAlert {
        ExpectedAlert::route("route.external_dns", severity, mac, Some(ip.into()), seen)
    }

    /// `route.connectivity_probe` for the client `mac`/`ip`: `count` probe
    /// names asked from `first_seen` to `last_seen`.
    pub fn connectivity_probe(
        mac: MacAddr,
        ip: impl Into<IpAddr>,
        seen: (Timestamp, Timestamp, u64),
    ) -> ExpectedAlert {
        let (first_seen, last_seen, count) = seen;
        let (kind, severity, clause) = ("route.connectivity_probe", "low", "5.3");
        let (mac, ip) = (Some(mac), Some(ip.into()));
        ExpectedAlert { kind, severity, clause, mac, ip, first_seen, last_seen, count }
    }

    /// `route.rogue_dhcp` for the server `mac`/`ip`: `count` offers and
    /// acknowledgements from `first_seen` to `last_seen`.
    pub fn rogue_dhcp(
        mac: MacAddr,
        ip: impl Into<IpAddr>,
        seen: (Timestamp, Timestamp, u64),
    ) -> ExpectedAlert {
        ExpectedAlert::route("route.rogue_dhcp", "high", mac, Some(ip.into()), seen)
    }

    /// An alert of `kind` about the device `mac` (and its address, when the
    /// kind is about one), with its `severity` and `clause`, seen `count`
    /// times from `first_seen` to `last_seen`: the device kinds without a
    /// constructor of their own (`device.arp_poisoning`,
    /// `device.unexpected_service`, `device.fingerprint_changed`).
    pub fn device(
        (kind, severity, clause): (&'static str, &'static str, &'static str),
        mac: MacAddr,
        ip: Option<IpAddr>,
        (first_seen, last_seen, count): (Timestamp, Timestamp, u64),
    ) -> ExpectedAlert {
        ExpectedAlert { kind, severity, clause, mac: Some(mac), ip, first_seen, last_seen, count }
    }

    /// A clause-5.4 alert about a device (and its address, if the alert is
    /// about one), seen `count`
    /// times from `first_seen` to `last_seen`.
    fn route(
        kind: &'static str,
        severity: &'static str,
        mac: MacAddr,
        ip: Option<IpAddr>,
        (first_seen, last_seen, count): (Timestamp, Timestamp, u64),
    ) -> ExpectedAlert {
        let (mac, clause) = (Some(mac), "5.4");
        ExpectedAlert { kind, severity, clause, mac, ip, first_seen, last_seen, count }
    }

    /// The sort key of `expected-alerts.json`: kind, subject MAC, subject
    /// IP, first seen (absent subject fields first).
    fn key(&self) -> (&'static str, Option<String>, Option<String>, Timestamp) {
        (
            self.kind,
            self.mac.map(|m| m.to_string()),
            self.ip.map(|i| i.to_string()),
            self.first_seen,
        )
    }

    /// The JSON object of `expected-alerts.json`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self.json_form()).expect("JSON of plain values")
    }

    fn json_form(&self) -> JsonAlert {
        JsonAlert {
            kind: self.kind,
            severity: self.severity,
            clause: self.clause,
            subject: JsonSubject {
                mac: self.mac.map(|m| m.to_string()),
                ip: self.ip.map(|i| i.to_string()),
            },
            first_seen: self.first_seen.rfc3339(),
            last_seen: self.last_seen.rfc3339(),
            count: self.count,
        }
    }
}

/// An alert as written in `expected-alerts.json`, fields in file order.
#[derive(Serialize)]
struct JsonAlert {
    kind: &'static str,
    severity: &'static str,
    clause: &'static str,
    subject: JsonSubject,
    first_seen: String,
    last_seen: String,
    count: u64,
}

/// The subject of [`JsonAlert`].
#[derive(Serialize)]
struct JsonSubject {
    mac: Option<String>,
    ip: Option<String>,
}

/// `expected-alerts.json`: the alerts sorted by (kind, subject.mac,
/// subject.ip, first_seen), pretty-printed, with a final newline.
pub fn expected_json(alerts: &[ExpectedAlert]) -> String {
    let mut sorted: Vec<&ExpectedAlert> = alerts.iter().collect();
    sorted.sort_by_key(|a| a.key());
    let forms: Vec<JsonAlert> = sorted.iter().map(|a| a.json_form()).collect();
    let mut s = serde_json::to_string_pretty(&forms).expect("JSON of plain values");
    s.push('\n');
    s
}

/// One staged capture with its policy and expected alerts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// Folder name under `captures/`.
    pub name: &'static str,
    /// One line.
    pub title: &'static str,
    /// What happens in it, in English and Chinese.
    pub description: String,
    /// `policy.toml` text; `None` = inventory mode.
    pub policy: Option<String>,
    /// Snaplen of the written capture.
    pub snaplen: u32,
    /// The frames, in time order.
    pub records: Vec<Record>,
    /// The alerts replaying it must raise (sorted as in the JSON file).
    pub expected: Vec<ExpectedAlert>,
    /// Bytes kept of a TCP segment longer than the snaplen (bulk data), if
    /// the capture cuts those further than the snaplen.
    pub tcp_keep: Option<u32>,
}

impl Scenario {
    /// Builds a scenario: sorts `records` by time (stable) and `expected`
    /// by the JSON file's order.
    pub(crate) fn new(
        name: &'static str,
        title: &'static str,
        description: String,
        policy: Option<String>,
        snaplen: u32,
        mut records: Vec<Record>,
        mut expected: Vec<ExpectedAlert>,
    ) -> Scenario {
        records.sort_by_key(|r| r.ts);
        expected.sort_by_key(|a| a.key());
        Scenario { name, title, description, policy, snaplen, records, expected, tcp_keep: None }
    }

    /// The same, its capture keeping only the first `keep` bytes of TCP
    /// segments longer than the snaplen.
    pub(crate) fn cutting_tcp_to(self, keep: u32) -> Scenario {
        Scenario { tcp_keep: Some(keep), ..self }
    }

    /// How much of `r` the capture keeps.
    fn kept<'r>(&self, r: &'r Record) -> &'r [u8] {
        let long = r.frame.len() > self.snaplen as usize;
        match self.tcp_keep {
            Some(keep) if long && is_tcp(&r.frame) => &r.frame[..keep as usize],
            _ => &r.frame,
        }
    }

    /// The capture file's bytes (classic pcap, µs, little-endian, Ethernet,
    /// the scenario's snaplen; longer frames cut, keeping `orig_len`).
    pub fn pcap_bytes(&self) -> Vec<u8> {
        let opts = PcapOptions { snaplen: self.snaplen, ..PcapOptions::default() };
        let mut w = PcapWriter::new(Vec::new(), opts).expect("writing to a Vec");
        for r in &self.records {
            w.write(r.ts, self.kept(r), r.orig_len).expect("records are valid");
        }
        w.into_inner()
    }

    /// `expected-alerts.json`.
    pub fn expected_json(&self) -> String {
        expected_json(&self.expected)
    }

    /// The scenario's `README.md`.
    pub fn readme(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "# {} — {}\n", self.name, self.title);
        let _ = writeln!(s, "{}\n", self.description.trim_end());
        let _ = writeln!(s, "## Files\n");
        let (first, last) = match (self.records.first(), self.records.last()) {
            (Some(a), Some(b)) => (a.ts.rfc3339(), b.ts.rfc3339()),
            _ => ("-".into(), "-".into()),
        };
        let wire: u64 = self.records.iter().map(|r| u64::from(r.orig_len)).sum();
        let _ = writeln!(
            s,
            "- `capture.pcap`: {} frames, {} bytes on the wire, {first} – {last}; classic pcap, \
             microseconds, little-endian, Ethernet, snaplen {}{}.",
            self.records.len(),
            wire,
            self.snaplen,
            match (
                self.tcp_keep,
                self.records.iter().any(|r| r.frame.len() > self.snaplen as usize)
            ) {
                (Some(_), _) =>
                    " (longer TCP segments keep their first bytes only, other longer frames are cut; \
                                  each record keeps its length on the wire)",
                (None, true) =>
                    " (longer frames are cut; each record keeps its length on the wire)",
                (None, false) => "",
            }
        );
        match self.policy {
            Some(_) => {
                let _ = writeln!(s, "- `policy.toml`: the site policy to replay it with.");
            }
            None => {
                let _ = writeln!(
                    s,
                    "- no `policy.toml`: replay in inventory mode (private ranges are the LAN, no asset register)."
                );
            }
        }
        let _ = writeln!(s, "- `expected-alerts.json`: the alerts the sensor must raise.\n");
        let _ = writeln!(s, "## Expected alerts\n");
        if self.expected.is_empty() {
            let _ = writeln!(s, "None: the capture must stay silent.\n");
        } else {
            let _ = writeln!(s, "| kind | subject | first seen | last seen | count |");
            let _ = writeln!(s, "|---|---|---|---|---|");
            for a in &self.expected {
                let subject = match (a.mac, a.ip) {
                    (Some(m), Some(ip)) => format!("{m} ({ip})"),
                    (Some(m), None) => m.to_string(),
                    (None, Some(ip)) => ip.to_string(),
                    (None, None) => "-".into(),
                };
                let _ = writeln!(
                    s,
                    "| `{}` | {subject} | {} | {} | {} |",
                    a.kind,
                    a.first_seen.rfc3339(),
                    a.last_seen.rfc3339(),
                    a.count
                );
            }
            s.push('\n');
        }
        let _ = writeln!(
            s,
            "Generated by `cargo run -p gapwatch-captures --bin capgen -- scenarios`; do not edit by hand."
        );
        s
    }

    /// Writes `dir/<name>/` (creating it): `capture.pcap`, `policy.toml`
    /// (removed if the scenario has none), `expected-alerts.json`,
    /// `README.md`.
    pub fn write_to(&self, dir: &Path) -> io::Result<()> {
        let d = dir.join(self.name);
        fs::create_dir_all(&d)?;
        let mut f = BufWriter::new(fs::File::create(d.join("capture.pcap"))?);
        f.write_all(&self.pcap_bytes())?;
        f.flush()?;
        let policy = d.join("policy.toml");
        match &self.policy {
            Some(p) => fs::write(&policy, p)?,
            None => {
                if policy.exists() {
                    fs::remove_file(&policy)?;
                }
            }
        }
        fs::write(d.join("expected-alerts.json"), self.expected_json())?;
        fs::write(d.join("README.md"), self.readme())?;
        Ok(())
    }
}

/// Every scenario, in a fixed order.
pub fn all() -> Vec<Scenario> {
    vec![
        demo::demo(),
        small::unregistered_device(),
        small::offlan_destination(),
        isolation::offlan_reply(),
        isolation::ip_conflict(),
        isolation::ip_reassigned(),
        isolation::tunnel(),
        isolation::tunnel_lookalike(),
        isolation::ipv6_router_advertisement(),
        isolation::ipv6_neighbour_discovery(),
        isolation::router_present(),
        isolation::icmp_errors(),
        isolation::mac_flood(),
        isolation::morning_start(),
        addressing::arp_poisoning(),
        addressing::arp_normal(),
        addressing::rogue_dhcp(),
        names::internet_names(),
        names::local_names(),
        services::unexpected_service(),
        services::allowed_services(),
        services::fingerprint_changed(),
        services::fingerprint_steady(),
        gear::announced_router(),
        small::benign_local_scope(),
        small::inventory(),
    ]
}

/// Writes every scenario under `dir`, and `dir/README.md`: what the
/// generator is and the table of scenarios. Returns the scenarios written.
pub fn write_all(dir: &Path) -> io::Result<Vec<Scenario>> {
    let all = all();
    for s in &all {
        s.write_to(dir)?;
    }
    fs::write(dir.join("README.md"), index_readme(&all))?;
    Ok(all)
}

/// One line per expected alert, for the index table.
fn alerts_cell(s: &Scenario) -> String {
    if s.expected.is_empty() {
        return "none (`[]`)".to_string();
    }
    let parts: Vec<String> = s
        .expected
        .iter()
        .map(|a| {
            let who = match (a.mac, a.ip) {
                (Some(m), Some(ip)) => format!("{m} / {ip}"),
                (Some(m), None) => m.to_string(),
                (None, Some(ip)) => ip.to_string(),
                (None, None) => "-".into(),
            };
            format!("`{}` {who} ×{}", a.kind, a.count)
        })
        .collect();
    parts.join("<br>")
}

/// The `captures/README.md` text.
pub fn index_readme(all: &[Scenario]) -> String {
    let mut s = String::from(INDEX_INTRO);
    let _ = writeln!(s, "| scenario | what it shows | frames | expected alerts |");
    let _ = writeln!(s, "|---|---|---|---|");
    for sc in all {
        let _ = writeln!(
            s,
            "| [`{0}`]({0}/README.md) | {1} | {2} | {3} |",
            sc.name,
            sc.title,
            sc.records.len(),
            alerts_cell(sc)
        );
    }
    s.push_str(INDEX_OUTRO);
    s
}

const INDEX_INTRO: &str = "\
# captures — generated scenario captures

The crate `gapwatch-captures` (this folder) generates, deterministically and from fixed seeds, the pcap
scenarios the tests replay and the demo shows, and the large LAN captures the benchmark uses. Frames are
built with etherparse's `PacketBuilder` plus small encoders for ARP, DHCP, DNS/mDNS/LLMNR, NetBIOS-NS,
SSDP, LLDP, STP and SMB2 headers; time is computed, never read from a clock, so the same code always
writes the same bytes.

Each scenario folder holds `capture.pcap` (classic pcap, microseconds, little-endian, Ethernet),
`policy.toml` (absent: inventory mode), `expected-alerts.json` (sorted by kind, subject MAC, subject IP,
first seen; times in UTC) and a `README.md` with the story in English and Chinese. The expected alerts are
written by hand in each scenario's code, next to the frames that stage them (`src/scenario/`).

Regenerate after changing the generator (and commit the result):

```sh
cargo run -p gapwatch-captures --bin capgen -- scenarios
```

The benchmark LAN is generated at bench time and never committed:

```sh
cargo run --release -p gapwatch-captures --bin capgen -- lan --packets 5000000 --seed 1 --out /tmp/lan5m.pcap
```

About 200 devices on 10.20.0.0/16 with real vendor OUIs, long SMB flows to two file servers, short TCP
flows, DNS, NTP, syslog, SNMP, ARP, DHCP, mDNS, NetBIOS, ICMP, IPv6 link-local, ~0.2 % 802.1Q; IMIX 7:4:1
of 60/590/1514-byte frames; eight hours of packet time whatever the size; nothing leaves the LAN.

## Scenarios

";

const INDEX_OUTRO: &str = "
This file is generated by `capgen scenarios`; edit `src/scenario/mod.rs` instead.
";

#[cfg(test)]
mod tests;

/// True for an Ethernet frame carrying TCP.
fn is_tcp(frame: &[u8]) -> bool {
    matches!(
        etherparse::LaxSlicedPacket::from_ethernet(frame).map(|p| p.transport),
        Ok(Some(etherparse::TransportSlice::Tcp(_)))
    )
}
