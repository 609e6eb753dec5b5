//! Building blocks of the scenarios: devices, the day's clock, the policy
//! file and a time-sorted trace of frames.

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use gapwatch_rules::{MacAddr, Timestamp};

use crate::Record;
use crate::frames::{self, Ends, Os, TcpPeer};

/// 2026-03-02T00:00:00Z, 08:00 in Asia/Shanghai: the scenarios' Monday.
pub const DAY: i64 = 1_772_409_600;

/// Local time (Asia/Shanghai, UTC+8) on the scenarios' Monday.
pub fn local(h: i64, m: i64, s: i64) -> Timestamp {
    Timestamp::from_secs(DAY + (h - 8) * 3600 + m * 60 + s)
}

/// `t` plus `ms` milliseconds.
pub fn ms(t: Timestamp, ms: i64) -> Timestamp {
    Timestamp::from_nanos(t.as_nanos() + ms * 1_000_000)
}

/// `t` plus `us` microseconds.
pub fn us(t: Timestamp, us: i64) -> Timestamp {
    Timestamp::from_nanos(t.as_nanos() + us * 1000)
}

/// A MAC from its colon form (panics on a typo: these are constants).
pub fn mac(s: &str) -> MacAddr {
    s.parse().unwrap_or_else(|_| panic!("bad MAC constant {s}"))
}

/// A device on a scenario's LAN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dev {
    /// Its MAC.
    pub mac: MacAddr,
    /// Its IPv4 address (once it has one).
    pub ip: Ipv4Addr,
    /// Its stack.
    pub os: Os,
    /// Host name (DHCP, NetBIOS, mDNS).
    pub host: &'static str,
}

impl Dev {
    /// A device.
    pub fn new(mac_s: &str, ip: [u8; 4], os: Os, host: &'static str) -> Dev {
        Dev { mac: mac(mac_s), ip: Ipv4Addr::from(ip), os, host }
    }

    /// IPv4 ends from this device to `other`.
    pub fn to(&self, other: &Dev) -> Ends {
        Ends::new(self.mac, self.ip, other.mac, other.ip).ttl(self.os.ttl())
    }

    /// IPv4 ends from this device to `dst` through the next hop `via_mac`.
    pub fn via(&self, via_mac: MacAddr, dst: Ipv4Addr) -> Ends {
        Ends::new(self.mac, self.ip, via_mac, dst).ttl(self.os.ttl())
    }

    /// Its EUI-64 link-local IPv6 address.
    pub fn ll(&self) -> Ipv6Addr {
        frames::link_local(self.mac)
    }

    /// Link-local IPv6 ends from this device to `other`.
    pub fn to6(&self, other: &Dev) -> Ends {
        Ends::new(self.mac, self.ll(), other.mac, other.ll()).ttl(255)
    }

    /// This device as one end of a TCP conversation on `port`.
    pub fn peer(&self, port: u16) -> TcpPeer {
        TcpPeer { mac: self.mac, ip: IpAddr::V4(self.ip), port, os: self.os }
    }
}

/// Frames of a scenario being staged, in any order; [`super::Scenario::new`]
/// sorts them by time.
#[derive(Debug, Default)]
pub struct Trace {
    /// The records so far.
    pub recs: Vec<Record>,
}

impl Trace {
    /// Adds `frame` at `ts`.
    pub fn at(&mut self, ts: Timestamp, frame: Vec<u8>) {
        self.recs.push(Record::new(ts, frame));
    }
}

/// One `[[asset]]` of a policy file.
#[derive(Clone, Debug)]
pub struct Asset<'a> {
    /// The MAC as written in the register (any accepted notation).
    pub mac: String,
    /// Name.
    pub name: &'a str,
    /// Role.
    pub role: &'a str,
    /// Pinned address.
    pub ip: Option<Ipv4Addr>,
    /// Location.
    pub location: Option<&'a str>,
    /// Owner.
    pub owner: Option<&'a str>,
}

impl<'a> Asset<'a> {
    /// An asset for `dev`, MAC in colon form, its address pinned.
    pub fn of(dev: &Dev, name: &'a str, role: &'a str) -> Asset<'a> {
        Asset {
            mac: dev.mac.to_string(),
            name,
            role,
            ip: Some(dev.ip),
            location: None,
            owner: None,
        }
    }

    /// With a location and an owner.
    pub fn at(self, location: &'a str, owner: &'a str) -> Asset<'a> {
        Asset { location: Some(location), owner: Some(owner), ..self }
    }

    /// Without a pinned address (DHCP from a pool, or link-local fallback).
    pub fn unpinned(self) -> Asset<'a> {
        Asset { ip: None, ..self }
    }

    /// With the MAC written as given (e.g. Cisco's `001e.8fa3.7113`).
    pub fn written(self, mac: &str) -> Asset<'a> {
        Asset { mac: mac.to_string(), ..self }
    }
}

/// A `policy.toml` for the site `lan` with `assets`.
pub fn policy_toml(comment: &str, lan: &str, assets: &[Asset<'_>]) -> String {
    let mut s = String::new();
    for line in comment.lines() {
        let _ = writeln!(s, "# {line}");
    }
    let _ = writeln!(s, "\n[site]");
    let _ = writeln!(s, "name = \"示例档案馆数字化加工场所\"");
    let _ = writeln!(s, "timezone = \"Asia/Shanghai\"");
    let _ = writeln!(s, "lan = [\"{lan}\"]");
    let _ = writeln!(s, "local_domains = [\"dig.local\"]");
    let _ =
        writeln!(s, "work_hours = {{ days = \"Mon-Fri\", start = \"08:30\", end = \"17:30\" }}");
    for a in assets {
        let _ = writeln!(s, "\n[[asset]]");
        let _ = writeln!(s, "mac = \"{}\"", a.mac);
        let _ = writeln!(s, "name = \"{}\"", a.name);
        let _ = writeln!(s, "role = \"{}\"", a.role);
        if let Some(ip) = a.ip {
            let _ = writeln!(s, "ip = \"{ip}\"");
        }
        if let Some(l) = a.location {
            let _ = writeln!(s, "location = \"{l}\"");
        }
        if let Some(o) = a.owner {
            let _ = writeln!(s, "owner = \"{o}\"");
        }
    }
    let _ = writeln!(s, "\n[thresholds]");
    let _ = writeln!(s, "bulk_transfer = \"200 MiB\"");
    let _ = writeln!(s, "new_macs_per_minute = 20");
    let _ = writeln!(s, "silence_minutes = 10");
    s
}
