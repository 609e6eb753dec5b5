//! From the text of `policy.toml` to a validated [`Policy`]: reading with
//! serde, then checking every value and pointing errors at it.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::ops::Range;

use ipnet::IpNet;
use jiff::tz::TimeZone;
use rustc_hash::FxHashMap;
use serde::Deserialize;
use toml::Spanned;

use super::error::{PolicyError, PolicyErrorKind, line_column};
use super::raw::{RawAsset, RawPolicy, RawRole, RawSite, RawThresholds, RawWorkHours};
use super::values::{
    CidrProblem, normalize_domain, parse_cidr, parse_days, parse_size, parse_time,
};
use super::warning::{MANY_PORTS, PolicyWarning, PolicyWarningKind};
use super::{
    Asset, BUILTIN_ROLES, DEFAULT_TIMEZONE, LanSet, Policy, Role, Site, Thresholds, WorkHours,
    default_time_zone, lan_contains, resolve_time_zone,
};
use crate::net::MacAddr;

/// Parses and validates `text`, naming `origin` in errors.
pub(super) fn build(text: &str, origin: &str) -> Result<Policy, PolicyError> {
    let source = Source { text, origin };
    let raw = source.read()?;
    let site = raw.site.ok_or_else(|| PolicyError::whole_file(origin, missing("site", "")))?;
    let (site, time_zone) = source.site(site)?;
    let known_roles = known_roles(&raw.roles);
    let role_spans: BTreeMap<String, Range<usize>> =
        raw.roles.iter().map(|(name, role)| (name.clone(), role.span())).collect();
    let (roles, mut warnings) = source.roles(raw.roles, &known_roles)?;
    let (assets, by_mac) = source.assets(raw.asset, &site.lan, &known_roles)?;
    let thresholds = source.thresholds(raw.thresholds)?;
    warnings.extend(source.unused_roles(&role_spans, &roles, &assets));
    warnings.sort_by_key(|w| (w.line, w.column));
    Ok(Policy {
        origin: Some(origin.to_owned()),
        lan: LanSet::new(&site.lan),
        site,
        time_zone,
        assets,
        by_mac,
        roles,
        thresholds,
        warnings,
    })
}

/// The text being validated, for positioning errors.
struct Source<'a> {
    text: &'a str,
    origin: &'a str,
}

impl Source<'_> {
    /// An error at the start of `span`.
    fn error(&self, span: Range<usize>, kind: PolicyErrorKind) -> PolicyError {
        PolicyError::at(self.origin, self.text, span, kind)
    }

    /// The line `span` starts on.
    fn line(&self, span: Range<usize>) -> usize {
        line_column(self.text, span.start).0
    }

    /// TOML syntax first, then the shape of the tables, so the two kinds of
    /// mistake are told apart.
    fn read(&self) -> Result<RawPolicy, PolicyError> {
        let document = toml::Deserializer::parse(self.text).map_err(|e| {
            self.toml_error(&e, PolicyErrorKind::Syntax { message: e.message().to_owned() })
        })?;
        RawPolicy::deserialize(document).map_err(|e| {
            // A type error reported at a table header is `[x]` written for
            // `[[x]]` or the reverse; serde's wording would not say so.
            let header = e.span().and_then(|span| table_header_at(self.text, span.start));
            let kind = match (classify_serde(e.message()), header) {
                (PolicyErrorKind::BadValue { .. }, Some(header)) => {
                    PolicyErrorKind::WrongTableKind { header: header.to_owned() }
                }
                (kind, _) => kind,
            };
            self.toml_error(&e, kind)
        })
    }

    /// Positions an error from the toml crate.
    fn toml_error(&self, error: &toml::de::Error, kind: PolicyErrorKind) -> PolicyError {
        match error.span() {
            Some(span) => self.error(span, kind),
            None => PolicyError::whole_file(self.origin, kind),
        }
    }

    /// A required key's value, or an error at its table.
    fn required<T>(
        &self,
        value: Option<Spanned<T>>,
        key: &str,
        table: &str,
        table_span: &Range<usize>,
    ) -> Result<Spanned<T>, PolicyError> {
        value.ok_or_else(|| self.error(table_span.clone(), missing(key, table)))
    }

    /// A text value that must not be blank.
    fn non_empty(&self, value: Spanned<String>, key: &str) -> Result<String, PolicyError> {
        if value.get_ref().trim().is_empty() {
            return Err(
                self.error(value.span(), PolicyErrorKind::EmptyValue { key: key.to_owned() })
            );
        }
        Ok(value.into_inner())
    }

    fn site(&self, raw: Spanned<RawSite>) -> Result<(Site, TimeZone), PolicyError> {
        let span = raw.span();
        let raw = raw.into_inner();
        let name =
            raw.name.map(|name| self.non_empty(name, "name")).transpose()?.unwrap_or_default();
        let (timezone, time_zone) = self.time_zone(raw.timezone)?;
        let lan = self.lan(self.required(raw.lan, "lan", "[site]", &span)?)?;
        let local_domains = raw
            .local_domains
            .into_iter()
            .map(|domain| self.domain(domain))
            .collect::<Result<_, _>>()?;
        let work_hours = raw.work_hours.map(|hours| self.work_hours(hours)).transpose()?;
        Ok((Site { name, timezone, lan, local_domains, work_hours }, time_zone))
    }

    fn time_zone(&self, raw: Option<Spanned<String>>) -> Result<(String, TimeZone), PolicyError> {
        let Some(raw) = raw else {
            return Ok((DEFAULT_TIMEZONE.to_owned(), default_time_zone()));
        };
        let name = raw.get_ref().trim();
        match resolve_time_zone(name) {
            Some(zone) => Ok((name.to_owned(), zone)),
            None => Err(self.error(
                raw.span(),
                PolicyErrorKind::UnknownTimeZone { name: raw.get_ref().clone() },
            )),
        }
    }

    /// The LAN networks: at least one, each a proper network, none inside
    /// another (an overlap is always a typo or a leftover, and would make
    /// the smaller entry meaningless).
    fn lan(&self, raw: Spanned<Vec<Spanned<String>>>) -> Result<Vec<IpNet>, PolicyError> {
        if raw.get_ref().is_empty() {
            return Err(self.error(raw.span(), PolicyErrorKind::EmptyLan));
        }
        let mut seen: Vec<(IpNet, Range<usize>)> = Vec::new();
        for entry in raw.into_inner() {
            let net = self.cidr(&entry)?;
            if let Some((first, first_span)) = seen.iter().find(|(other, _)| overlap(other, &net)) {
                let first_line = self.line(first_span.clone());
                let kind =
                    PolicyErrorKind::OverlappingLan { first: *first, first_line, second: net };
                return Err(self.error(entry.span(), kind));
            }
            seen.push((net, entry.span()));
        }
        Ok(seen.into_iter().map(|(net, _)| net).collect())
    }

    fn cidr(&self, raw: &Spanned<String>) -> Result<IpNet, PolicyError> {
        parse_cidr(raw.get_ref()).map_err(|problem| {
            let suggestion = match problem {
                CidrProblem::Malformed => None,
                CidrProblem::HostBits(network) => Some(network),
            };
            self.error(
                raw.span(),
                PolicyErrorKind::BadCidr { text: raw.get_ref().clone(), suggestion },
            )
        })
    }

    fn domain(&self, raw: Spanned<String>) -> Result<String, PolicyError> {
        normalize_domain(raw.get_ref()).ok_or_else(|| {
            self.error(raw.span(), PolicyErrorKind::BadDomain { text: raw.get_ref().clone() })
        })
    }

    fn work_hours(&self, raw: Spanned<RawWorkHours>) -> Result<WorkHours, PolicyError> {
        let span = raw.span();
        let raw = raw.into_inner();
        let days = self.required(raw.days, "days", "work_hours", &span)?;
        let start = self.required(raw.start, "start", "work_hours", &span)?;
        let end = self.required(raw.end, "end", "work_hours", &span)?;
        let days = parse_days(days.get_ref()).ok_or_else(|| {
            self.error(days.span(), PolicyErrorKind::BadWorkDays { text: days.get_ref().clone() })
        })?;
        let (start_time, end_time) = (self.time(&start)?, self.time(&end)?);
        if start_time == end_time {
            let time = start.get_ref().trim().to_owned();
            return Err(self.error(end.span(), PolicyErrorKind::EmptyWorkHours { time }));
        }
        Ok(WorkHours { days, start: start_time, end: end_time })
    }

    fn time(&self, raw: &Spanned<String>) -> Result<jiff::civil::Time, PolicyError> {
        parse_time(raw.get_ref()).ok_or_else(|| {
            self.error(raw.span(), PolicyErrorKind::BadWorkTime { text: raw.get_ref().clone() })
        })
    }

    /// The `[roles]` tables, and warnings about their port lists.
    fn roles(
        &self,
        raw: BTreeMap<String, Spanned<RawRole>>,
        known: &BTreeSet<String>,
    ) -> Result<(BTreeMap<String, Role>, Vec<PolicyWarning>), PolicyError> {
        let mut roles = BTreeMap::new();
        let mut warnings = Vec::new();
        for (name, role) in raw {
            let role = role.into_inner();
            let may_send_bulk_to = role
                .may_send_bulk_to
                .into_iter()
                .map(|target| self.bulk_target(&name, target, known))
                .collect::<Result<_, _>>()?;
            let may_serve = role.may_serve.map(|ports| self.ports(&name, ports, &mut warnings));
            roles.insert(name, Role { may_serve, may_send_bulk_to });
        }
        Ok((roles, warnings))
    }

    /// A `may_serve` list, warning about port 0, repeats and lists so long
    /// that they allow everything.
    fn ports(
        &self,
        role: &str,
        raw: Spanned<Vec<Spanned<u16>>>,
        warnings: &mut Vec<PolicyWarning>,
    ) -> Vec<u16> {
        let list_span = raw.span();
        let mut first_seen: BTreeMap<u16, usize> = BTreeMap::new();
        let mut ports = Vec::with_capacity(raw.get_ref().len());
        for port in raw.into_inner() {
            let (span, number) = (port.span(), *port.get_ref());
            if let Some(&first_line) = first_seen.get(&number) {
                let kind = PolicyWarningKind::DuplicatePort {
                    role: role.to_owned(),
                    port: number,
                    first_line,
                };
                warnings.push(self.warning(span, kind));
                continue;
            }
            if number == 0 {
                warnings.push(
                    self.warning(
                        span.clone(),
                        PolicyWarningKind::PortZero { role: role.to_owned() },
                    ),
                );
            }
            first_seen.insert(number, self.line(span));
            ports.push(number);
        }
        if ports.len() > MANY_PORTS {
            let kind = PolicyWarningKind::ManyPorts { role: role.to_owned(), count: ports.len() };
            warnings.push(self.warning(list_span, kind));
        }
        ports
    }

    /// A warning at the start of `span`.
    fn warning(&self, span: Range<usize>, kind: PolicyWarningKind) -> PolicyWarning {
        let (line, column) = line_column(self.text, span.start);
        PolicyWarning { origin: self.origin.to_owned(), line, column, kind }
    }

    /// Roles of the site's own that nothing refers to.
    fn unused_roles(
        &self,
        spans: &BTreeMap<String, Range<usize>>,
        roles: &BTreeMap<String, Role>,
        assets: &[Asset],
    ) -> Vec<PolicyWarning> {
        let used = |name: &str| {
            assets.iter().any(|a| a.role == name)
                || roles.values().any(|r| r.may_send_bulk_to_role(name))
        };
        spans
            .iter()
            .filter(|(name, _)| !BUILTIN_ROLES.contains(&name.as_str()) && !used(name))
            .map(|(name, span)| {
                self.warning(span.clone(), PolicyWarningKind::UnusedRole { role: name.clone() })
            })
            .collect()
    }

    fn bulk_target(
        &self,
        from: &str,
        raw: Spanned<String>,
        known: &BTreeSet<String>,
    ) -> Result<String, PolicyError> {
        if known.contains(raw.get_ref()) {
            return Ok(raw.into_inner());
        }
        let kind = PolicyErrorKind::UnknownBulkTarget {
            from: from.to_owned(),
            role: raw.get_ref().clone(),
            known: known.iter().cloned().collect(),
        };
        Err(self.error(raw.span(), kind))
    }

    /// The register, with its MAC index.
    fn assets(
        &self,
        raw: Vec<Spanned<RawAsset>>,
        lan: &[IpNet],
        known: &BTreeSet<String>,
    ) -> Result<(Vec<Asset>, FxHashMap<MacAddr, usize>), PolicyError> {
        let mut assets: Vec<Asset> = Vec::with_capacity(raw.len());
        let mut by_mac: FxHashMap<MacAddr, usize> = FxHashMap::default();
        // Where each registered MAC was written, to point back at it.
        let mut mac_lines = Vec::with_capacity(raw.len());
        // Each pinned address and the asset (index) it is pinned to.
        let mut by_ip: FxHashMap<IpAddr, usize> = FxHashMap::default();
        for entry in raw {
            let span = entry.span();
            let entry = entry.into_inner();
            let mac_value = self.required(entry.mac, "mac", "[[asset]]", &span)?;
            let mac = self.mac(&mac_value)?;
            if let Some(&first) = by_mac.get(&mac) {
                let kind = PolicyErrorKind::DuplicateMac {
                    mac,
                    first_line: mac_lines.get(first).copied().unwrap_or_default(),
                    first_name: assets.get(first).map(|a| a.name.clone()).unwrap_or_default(),
                };
                return Err(self.error(mac_value.span(), kind));
            }
            let name =
                self.non_empty(self.required(entry.name, "name", "[[asset]]", &span)?, "name")?;
            let role =
                self.asset_role(self.required(entry.role, "role", "[[asset]]", &span)?, known)?;
            let ip = match entry.ip {
                Some(raw_ip) => {
                    let span = raw_ip.span();
                    let ip = self.asset_ip(raw_ip, lan)?;
                    if let Some(&first) = by_ip.get(&ip.to_canonical()) {
                        let kind = PolicyErrorKind::DuplicateIp {
                            ip,
                            first_line: mac_lines.get(first).copied().unwrap_or_default(),
                            first_name: assets
                                .get(first)
                                .map(|a| a.name.clone())
                                .unwrap_or_default(),
                        };
                        return Err(self.error(span, kind));
                    }
                    by_ip.insert(ip.to_canonical(), assets.len());
                    Some(ip)
                }
                None => None,
            };
            by_mac.insert(mac, assets.len());
            mac_lines.push(self.line(mac_value.span()));
            assets.push(Asset {
                mac,
                name,
                role,
                ip,
                location: entry.location.filter(|s| !s.trim().is_empty()),
                owner: entry.owner.filter(|s| !s.trim().is_empty()),
            });
        }
        Ok((assets, by_mac))
    }

    /// A device's own MAC: well-formed and individual (not a group address).
    fn mac(&self, raw: &Spanned<String>) -> Result<MacAddr, PolicyError> {
        let mac: MacAddr = raw.get_ref().parse().map_err(|_| {
            self.error(raw.span(), PolicyErrorKind::BadMac { text: raw.get_ref().clone() })
        })?;
        if mac.is_multicast() || mac.is_zero() {
            return Err(self.error(raw.span(), PolicyErrorKind::NotUnicastMac { mac }));
        }
        Ok(mac)
    }

    fn asset_role(
        &self,
        raw: Spanned<String>,
        known: &BTreeSet<String>,
    ) -> Result<String, PolicyError> {
        if known.contains(raw.get_ref()) {
            return Ok(raw.into_inner());
        }
        let kind = PolicyErrorKind::UnknownRole {
            role: raw.get_ref().clone(),
            known: known.iter().cloned().collect(),
        };
        Err(self.error(raw.span(), kind))
    }

    /// A pinned address: it must be on the LAN, or the device could never
    /// be seen using it without an alert.
    fn asset_ip(&self, raw: Spanned<String>, lan: &[IpNet]) -> Result<IpAddr, PolicyError> {
        let ip: IpAddr = raw.get_ref().trim().parse().map_err(|_| {
            self.error(raw.span(), PolicyErrorKind::BadIp { text: raw.get_ref().clone() })
        })?;
        if !lan_contains(lan, ip) {
            return Err(
                self.error(raw.span(), PolicyErrorKind::AssetIpOffLan { ip, lan: lan.to_vec() })
            );
        }
        Ok(ip)
    }

    fn thresholds(&self, raw: RawThresholds) -> Result<Thresholds, PolicyError> {
        let defaults = Thresholds::default();
        let bulk_transfer_bytes = match raw.bulk_transfer {
            Some(size) => self.size(size)?,
            None => defaults.bulk_transfer_bytes,
        };
        let new_macs_per_minute = self
            .positive(raw.new_macs_per_minute, "new_macs_per_minute")?
            .unwrap_or(defaults.new_macs_per_minute);
        let silence_minutes = self
            .positive(raw.silence_minutes, "silence_minutes")?
            .unwrap_or(defaults.silence_minutes);
        let max_devices =
            self.positive(raw.max_devices, "max_devices")?.unwrap_or(defaults.max_devices);
        Ok(Thresholds { bulk_transfer_bytes, new_macs_per_minute, silence_minutes, max_devices })
    }

    /// `bulk_transfer`: a size with a unit, or an integer of bytes.
    fn size(&self, raw: Spanned<toml::Value>) -> Result<u64, PolicyError> {
        let bytes = match raw.get_ref() {
            toml::Value::Integer(n) => u64::try_from(*n).ok(),
            toml::Value::String(s) => parse_size(s),
            _ => None,
        };
        match bytes {
            Some(0) => Err(self.error(
                raw.span(),
                PolicyErrorKind::ZeroThreshold { key: "bulk_transfer".to_owned() },
            )),
            Some(bytes) => Ok(bytes),
            None => Err(self
                .error(raw.span(), PolicyErrorKind::BadSize { text: raw.get_ref().to_string() })),
        }
    }

    /// A count threshold, which must be at least 1.
    fn positive(&self, raw: Option<Spanned<u32>>, key: &str) -> Result<Option<u32>, PolicyError> {
        match raw {
            Some(value) if *value.get_ref() == 0 => {
                Err(self
                    .error(value.span(), PolicyErrorKind::ZeroThreshold { key: key.to_owned() }))
            }
            other => Ok(other.map(Spanned::into_inner)),
        }
    }
}

/// The built-in roles and those the file defines.
fn known_roles(defined: &BTreeMap<String, Spanned<RawRole>>) -> BTreeSet<String> {
    BUILTIN_ROLES.iter().map(|r| (*r).to_owned()).chain(defined.keys().cloned()).collect()
}

/// True when one network contains the other (CIDR blocks never partly
/// overlap).
fn overlap(a: &IpNet, b: &IpNet) -> bool {
    a.contains(b) || b.contains(a)
}

fn missing(key: &str, table: &str) -> PolicyErrorKind {
    PolicyErrorKind::MissingKey { key: key.to_owned(), table: table.to_owned() }
}

/// Sorts a serde error into a kind by serde's fixed wording.
fn classify_serde(message: &str) -> PolicyErrorKind {
    let Some(rest) = message.strip_prefix("unknown field ") else {
        return PolicyErrorKind::BadValue { message: plain_type_names(message) };
    };
    // serde writes: unknown field `x`, expected one of `a`, `b`
    let mut names = rest.split('`').skip(1).step_by(2).map(str::to_owned);
    let key = names.next().unwrap_or_default();
    PolicyErrorKind::UnknownKey { key, expected: names.collect() }
}

/// Replaces Rust type names in a serde message by what an officer writes.
fn plain_type_names(message: &str) -> String {
    message
        .replace("expected u16", "expected a port number 0-65535")
        .replace("expected u32", "expected a whole number 0-4294967295")
        .replace("expected a sequence", "expected a list like [...]")
        .replace("invalid type: map", "invalid type: table")
        .replace("invalid type: sequence", "invalid type: list")
}

/// The table header (`[x]` or `[[x]]`) starting a line at `offset`, if any.
fn table_header_at(text: &str, offset: usize) -> Option<&str> {
    let (before, after) = (text.get(..offset)?, text.get(offset..)?);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    if !before[line_start..].trim().is_empty() {
        return None;
    }
    let line = after.lines().next()?;
    let header = line.split('#').next()?.trim();
    (header.starts_with('[') && header.ends_with(']')).then_some(header)
}
