//! The site policy: what the LAN is, which devices belong on it, what each
//! role may do, and the thresholds of the detectors.
//!
//! Stage: configuration of detection. The officer writes `policy.toml`;
//! [`Policy::load`] reads and validates it once at start-up and every
//! detector then consults the resulting [`Policy`]. Without a file the sensor
//! runs in inventory mode ([`Policy::inventory`]): the private address ranges
//! are the LAN and there is no asset register, so only what needs no register
//! is reported.
//!
//! Every mistake in the file is reported with the file name and the line and
//! column of the offending value, in Chinese or English
//! ([`PolicyError::message`]), saying what was expected.

mod build;
mod error;
mod lan;
mod raw;
pub mod register;
#[cfg(test)]
mod tests;
mod values;
mod warning;
#[cfg(test)]
mod warning_tests;

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use jiff::civil::{DateTime, Time, Weekday};
use jiff::tz::{Offset, TimeZone};
use rustc_hash::FxHashMap;

use crate::Lang;
use crate::net::MacAddr;
use crate::time::Timestamp;
use lan::LanSet;

pub use error::{PolicyError, PolicyErrorKind};
pub use warning::{MANY_PORTS, PolicyWarning, PolicyWarningKind};

/// Roles every policy knows, even without a `[roles]` table.
pub const BUILTIN_ROLES: [&str; 8] =
    ["workstation", "scanner", "fileserver", "export", "printer", "switch", "server", "other"];

/// A role's name shown to people: built-in roles in `lang`, a site's own
/// roles as the policy spells them.
pub fn role_label(role: &str, lang: Lang) -> &str {
    let zh = match role {
        "workstation" => "工作站",
        "scanner" => "扫描仪",
        "fileserver" => "文件服务器",
        "export" => "导出工作站",
        "printer" => "打印机",
        "switch" => "交换机",
        "server" => "服务器",
        "other" => "其他",
        _ => return role,
    };
    lang.pick(zh, role)
}

/// The time zone used when `[site]` names none.
pub const DEFAULT_TIMEZONE: &str = "Asia/Shanghai";

/// The validated site policy.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    origin: Option<String>,
    site: Site,
    /// `site.lan`, ready for the test every frame makes.
    lan: LanSet,
    time_zone: TimeZone,
    assets: Vec<Asset>,
    /// Index into `assets` by MAC: the register is consulted for every frame.
    by_mac: FxHashMap<MacAddr, usize>,
    roles: BTreeMap<String, Role>,
    thresholds: Thresholds,
    /// Legal but suspicious things in the file, in file order.
    warnings: Vec<PolicyWarning>,
}

/// The `[site]` table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    /// The site's name as shown in reports (empty when not given, and in
    /// inventory mode).
    pub name: String,
    /// The IANA time zone name that work hours are read in.
    pub timezone: String,
    /// The networks of the LAN; every other address is off-LAN.
    pub lan: Vec<IpNet>,
    /// DNS domains served inside the LAN, lower case, without dots at
    /// either end.
    pub local_domains: Vec<String>,
    /// Working hours, if declared.
    pub work_hours: Option<WorkHours>,
}

/// Working hours in the site's time zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkHours {
    /// The days work starts on, Monday first, each once.
    pub days: Vec<Weekday>,
    /// When work starts.
    pub start: Time,
    /// When work ends. Earlier than `start` for a night shift, which then
    /// ends on the day after a listed day.
    pub end: Time,
}

/// One registered device (`[[asset]]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Asset {
    /// Its MAC address (the key of the register).
    pub mac: MacAddr,
    /// Its name, e.g. `扫描工位-01`.
    pub name: String,
    /// Its role: a built-in role or one defined under `[roles]`.
    pub role: String,
    /// The address it is pinned to, if any (always inside the LAN).
    pub ip: Option<IpAddr>,
    /// Where it stands.
    pub location: Option<String>,
    /// Who is responsible for it.
    pub owner: Option<String>,
}

/// What devices of one role may do (`[roles.NAME]`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Role {
    /// TCP/UDP ports devices of this role may answer on, each once. `None`
    /// when the table does not declare `may_serve`: the services of this
    /// role's devices are then not checked (`Some(vec![])` means: none).
    pub may_serve: Option<Vec<u16>>,
    /// Roles this role may send bulk transfers to (each a known role).
    pub may_send_bulk_to: Vec<String>,
}

impl Role {
    /// True when the role declares `may_serve`, so that a device of this
    /// role answering on another port is `device.unexpected_service`.
    pub fn checks_services(&self) -> bool {
        self.may_serve.is_some()
    }

    /// True when devices of this role may answer on `port`: it is listed,
    /// or the role does not declare `may_serve` (services not checked).
    pub fn may_serve_port(&self, port: u16) -> bool {
        self.may_serve.as_ref().is_none_or(|ports| ports.contains(&port))
    }

    /// True when devices of this role may send bulk transfers to devices of
    /// role `to`.
    pub fn may_send_bulk_to_role(&self, to: &str) -> bool {
        self.may_send_bulk_to.iter().any(|r| r == to)
    }
}

/// Detector thresholds (`[thresholds]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    /// Bytes one pair of hosts may move within one hour before it counts as
    /// a bulk transfer (default 200 MiB).
    pub bulk_transfer_bytes: u64,
    /// New MACs per minute that count as a flood (default 20).
    pub new_macs_per_minute: u32,
    /// Minutes without frames in working hours that count as a blind spot
    /// (default 10).
    pub silence_minutes: u32,
    /// Devices the sensor keeps in its table (default 65 536): a MAC flood
    /// cannot exhaust its memory; frames of further new MACs are counted.
    pub max_devices: u32,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            bulk_transfer_bytes: 200 * 1024 * 1024,
            new_macs_per_minute: 20,
            silence_minutes: 10,
            max_devices: 65_536,
        }
    }
}

impl WorkHours {
    /// True when `day` is one of the listed days.
    pub fn has_day(&self, day: Weekday) -> bool {
        self.days.contains(&day)
    }

    /// True when the local time `at` falls within working hours.
    pub fn contains(&self, at: DateTime) -> bool {
        let (day, time) = (at.weekday(), at.time());
        if self.start < self.end {
            self.has_day(day) && self.start <= time && time < self.end
        } else {
            // A night shift runs past midnight: its tail belongs to the day
            // the shift started on.
            (self.has_day(day) && time >= self.start)
                || (self.has_day(day.previous()) && time < self.end)
        }
    }
}

impl Policy {
    /// Inventory mode: no file. LAN = RFC 1918 (10/8, 172.16/12,
    /// 192.168/16) + link-local (169.254/16, fe80::/10) + ULA (fc00::/7); no
    /// assets, no roles, default thresholds, no work hours.
    pub fn inventory() -> Policy {
        Policy {
            origin: None,
            lan: LanSet::new(&inventory_lan()),
            site: Site {
                name: String::new(),
                timezone: DEFAULT_TIMEZONE.to_owned(),
                lan: inventory_lan(),
                local_domains: Vec::new(),
                work_hours: None,
            },
            time_zone: default_time_zone(),
            assets: Vec::new(),
            by_mac: FxHashMap::default(),
            roles: BTreeMap::new(),
            thresholds: Thresholds::default(),
            warnings: Vec::new(),
        }
    }

    /// Reads and validates a file; errors name the file, line and column.
    pub fn load(path: &Path) -> Result<Policy, PolicyError> {
        let origin = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| PolicyError::unreadable(&origin, &e))?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|e| PolicyError::not_utf8(&origin, &bytes, e.valid_up_to()))?;
        Policy::parse(text, &origin)
    }

    /// Same from text; `origin` is the file name used in error messages.
    pub fn parse(text: &str, origin: &str) -> Result<Policy, PolicyError> {
        // Windows editors save UTF-8 with a byte-order mark; TOML has no use
        // for it and it would shift no visible column.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        build::build(text, origin)
    }

    /// True when the policy has an asset register (at least one
    /// `[[asset]]`). In inventory mode false.
    pub fn has_register(&self) -> bool {
        !self.assets.is_empty()
    }

    /// The registered asset with this MAC.
    pub fn asset(&self, mac: MacAddr) -> Option<&Asset> {
        self.by_mac.get(&mac).and_then(|&i| self.assets.get(i))
    }

    /// True when `ip` is inside a declared `lan` network. An IPv4-mapped
    /// IPv6 address counts as the IPv4 address it carries.
    pub fn is_lan(&self, ip: IpAddr) -> bool {
        self.lan.contains(ip)
    }

    /// The LAN networks.
    pub fn lan(&self) -> &[IpNet] {
        &self.site.lan
    }

    /// The `[site]` table.
    pub fn site(&self) -> &Site {
        &self.site
    }

    /// The asset register, in file order.
    pub fn assets(&self) -> &[Asset] {
        &self.assets
    }

    /// The roles defined under `[roles]` (built-in roles not redefined there
    /// are absent: they are known names without rules).
    pub fn roles(&self) -> &BTreeMap<String, Role> {
        &self.roles
    }

    /// The rules of role `name`, if `[roles.NAME]` defines them.
    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles.get(name)
    }

    /// True for a built-in role or one defined under `[roles]`.
    pub fn is_known_role(&self, name: &str) -> bool {
        BUILTIN_ROLES.contains(&name) || self.roles.contains_key(name)
    }

    /// The detector thresholds.
    pub fn thresholds(&self) -> &Thresholds {
        &self.thresholds
    }

    /// Legal but suspicious things in the file (a role that allows every
    /// port, a port listed twice, a role nothing uses), in file order. They
    /// must be shown to the administrator, never dropped.
    pub fn warnings(&self) -> &[PolicyWarning] {
        &self.warnings
    }

    /// The file it came from (None in inventory mode).
    pub fn origin(&self) -> Option<&str> {
        self.origin.as_deref()
    }

    /// The site's time zone.
    pub fn time_zone(&self) -> &TimeZone {
        &self.time_zone
    }

    /// Whether packet time `t` falls within working hours, read in the
    /// site's time zone. None when no work hours are declared (or `t` is
    /// beyond the calendar's range).
    pub fn is_work_time(&self, t: Timestamp) -> Option<bool> {
        let hours = self.site.work_hours.as_ref()?;
        let instant = jiff::Timestamp::from_nanosecond(i128::from(t.as_nanos())).ok()?;
        Some(hours.contains(self.time_zone.to_datetime(instant)))
    }

    /// True when DNS name `name` is one of the `local_domains` or inside one
    /// (ASCII case-insensitive, a trailing dot ignored).
    pub fn is_local_domain(&self, name: &str) -> bool {
        let name = name.strip_suffix('.').unwrap_or(name);
        self.site.local_domains.iter().any(|domain| in_domain(name, domain))
    }
}

/// True when `ip` (or the IPv4 address an IPv4-mapped `ip` carries) is in
/// one of `lan`.
fn lan_contains(lan: &[IpNet], ip: IpAddr) -> bool {
    LanSet::new(lan).contains(ip)
}

/// True when `name` equals `domain` or ends with `.domain`.
pub(crate) fn in_domain(name: &str, domain: &str) -> bool {
    let Some(split) = name.len().checked_sub(domain.len()) else {
        return false;
    };
    if !name.is_char_boundary(split) {
        return false;
    }
    let (head, tail) = name.split_at(split);
    tail.eq_ignore_ascii_case(domain) && (head.is_empty() || head.ends_with('.'))
}

/// The networks a LAN may use without coordination: RFC 1918, link-local
/// and IPv6 unique-local.
fn inventory_lan() -> Vec<IpNet> {
    vec![
        IpNet::V4(Ipv4Net::new_assert(Ipv4Addr::new(10, 0, 0, 0), 8)),
        IpNet::V4(Ipv4Net::new_assert(Ipv4Addr::new(172, 16, 0, 0), 12)),
        IpNet::V4(Ipv4Net::new_assert(Ipv4Addr::new(192, 168, 0, 0), 16)),
        IpNet::V4(Ipv4Net::new_assert(Ipv4Addr::new(169, 254, 0, 0), 16)),
        IpNet::V6(Ipv6Net::new_assert(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10)),
        IpNet::V6(Ipv6Net::new_assert(Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7)),
    ]
}

/// The zone of [`DEFAULT_TIMEZONE`].
fn default_time_zone() -> TimeZone {
    resolve_time_zone(DEFAULT_TIMEZONE).unwrap_or(TimeZone::UTC)
}

/// Looks up an IANA time zone.
fn resolve_time_zone(name: &str) -> Option<TimeZone> {
    match TimeZone::get(name) {
        Ok(tz) => Some(tz),
        // A minimal install may lack the tz database; the default zone must
        // still work, and China has kept UTC+8 without DST since 1991.
        Err(_) if name == DEFAULT_TIMEZONE => Some(TimeZone::fixed(Offset::constant(8))),
        Err(_) => None,
    }
}
