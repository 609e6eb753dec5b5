//! The asset register kept as a spreadsheet, imported into `[[asset]]`
//! entries (`gapwatch policy import-assets`).
//!
//! Stage: configuration, like the rest of [`crate::policy`]; pure (bytes
//! in, text out), the binary reads and writes the files.
//!
//! The sheet is a CSV file as Excel or WPS saves it: UTF-8 with or without
//! a byte-order mark, or GBK/GB18030 (a plain "CSV" on Chinese Windows).
//! Line 1 is the header; columns are found by name in any order, in Chinese
//! or English ([`Column::aliases`]); `MAC` and `role` are required, `name`,
//! `IP`, `location` and `owner` optional, other columns ignored (and named
//! in the report). A role is written as its Chinese label (`扫描仪`) or id
//! (`scanner`), or as a role the policy defines.
//!
//! All or nothing: every bad row is reported by its line, and while any
//! remains nothing is imported. The merged policy is validated again with
//! [`Policy::parse`] before it is handed back, so an invalid policy is never
//! written.

mod decode;
mod header;
mod merge;
mod problem;
mod report;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::net::IpAddr;

pub use decode::TextEncoding;
pub use header::Column;
pub use problem::{RegisterError, RegisterErrorKind, RowProblem, RowProblemKind};
pub use report::{Added, FieldChange, Imported, Updated};

use super::{BUILTIN_ROLES, Policy, role_label};
use crate::lang::Lang;
use crate::net::{MacAddr, is_unicast_host};
use decode::DecodeProblem;
use header::Layout;

/// One checked row of the register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The 1-based CSV line it starts on.
    pub line: usize,
    /// The device's MAC address (unicast).
    pub mac: MacAddr,
    /// Its name, if the cell is filled in.
    pub name: Option<String>,
    /// Its role id (`scanner`, or a role the policy defines).
    pub role: String,
    /// Its pinned address, if the cell is filled in.
    pub ip: Option<IpAddr>,
    /// Where it stands, if filled in.
    pub location: Option<String>,
    /// Who is responsible for it, if filled in.
    pub owner: Option<String>,
}

/// A register read and checked, not yet merged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Register {
    /// The encoding it was read in.
    pub encoding: TextEncoding,
    /// Headers that name no known column, ignored.
    pub ignored_columns: Vec<String>,
    /// The rows, in file order.
    pub rows: Vec<Row>,
    /// Lines whose cells are all empty (skipped, and reported as such).
    pub blank_lines: Vec<usize>,
}

/// Reads, checks and merges a register: into `base` (a valid policy and
/// its text) when given, keeping the text's comments and layout; otherwise
/// into `[[asset]]` tables alone. `origin` names the CSV in messages.
pub fn import(
    csv: &[u8],
    origin: &str,
    base: Option<(&Policy, &str)>,
) -> Result<Imported, RegisterError> {
    let register = read(csv, origin, base.map(|(policy, _)| policy))?;
    merge::merge(register, origin, base)
}

/// Reads and checks a register, against `policy` when given (its LAN, its
/// roles and the addresses its assets are pinned to).
pub fn read(
    bytes: &[u8],
    origin: &str,
    policy: Option<&Policy>,
) -> Result<Register, RegisterError> {
    let error = |kind| RegisterError { origin: origin.to_owned(), kind };
    let (text, encoding) = decode::decode(bytes).map_err(|problem| {
        error(match problem {
            DecodeProblem::Utf16 => RegisterErrorKind::Utf16,
            DecodeProblem::Undecodable(lines) => RegisterErrorKind::Undecodable { lines },
            DecodeProblem::MixedUtf8(lines) => RegisterErrorKind::MixedUtf8 { lines },
        })
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(&text))
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        None => return Err(error(RegisterErrorKind::Empty)),
        Some(record) => record.map_err(|e| error(csv_error(&text, &e)))?,
    };
    let layout = Layout::read(&header);
    if let Some((column, first, second)) = layout.repeated.clone() {
        return Err(error(RegisterErrorKind::RepeatedColumn { column, first, second }));
    }
    let missing = layout.missing();
    if !missing.is_empty() {
        let found = header.iter().map(|h| h.trim_start_matches('\u{feff}').trim().to_owned());
        let found = found.filter(|h| !h.is_empty()).collect();
        return Err(error(RegisterErrorKind::MissingColumns { missing, found }));
    }

    let mut checker = Checker::new(policy, &layout);
    let mut blank_lines = Vec::new();
    for record in records {
        let record = record.map_err(|e| error(csv_error(&text, &e)))?;
        let line = record.position().map_or(0, |p| line_at(&text, p.byte()));
        if record.iter().all(|cell| cell.trim().is_empty()) {
            blank_lines.push(line);
            continue;
        }
        checker.row(line, &record);
    }
    let (rows, problems) = checker.finish();
    if !problems.is_empty() {
        return Err(error(RegisterErrorKind::Rows(problems)));
    }
    Ok(Register { encoding, ignored_columns: layout.ignored, rows, blank_lines })
}

/// The separator of the sheet: `,` unless the header line has more `;`
/// (Excel in some locales) or tabs.
fn delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let count = |c: char| first.chars().filter(|&x| x == c).count();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&d| (count(char::from(d)), d == b','))
        .unwrap_or(b',')
}

fn csv_error(text: &str, e: &csv::Error) -> RegisterErrorKind {
    let line = e.position().map(|p| line_at(text, p.byte()));
    RegisterErrorKind::Csv { line, message: e.to_string() }
}

/// The 1-based line of the record the reader placed at `byte`. The reader's
/// own line count skips blank lines and miscounts `\r\n`, and its byte
/// position is where the previous record's terminator ended, so the line
/// breaks that follow are stepped over here.
fn line_at(text: &str, byte: u64) -> usize {
    let bytes = text.as_bytes();
    let mut at = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
    while bytes.get(at).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
        at += 1;
    }
    1 + bytes[..at].iter().filter(|&&b| b == b'\n').count()
}

/// Checks rows one by one, collecting every problem.
struct Checker<'a> {
    policy: Option<&'a Policy>,
    layout: &'a Layout,
    rows: Vec<Row>,
    problems: Vec<RowProblem>,
    mac_lines: BTreeMap<MacAddr, usize>,
    ip_lines: BTreeMap<IpAddr, usize>,
}

impl<'a> Checker<'a> {
    fn new(policy: Option<&'a Policy>, layout: &'a Layout) -> Checker<'a> {
        Checker {
            policy,
            layout,
            rows: Vec::new(),
            problems: Vec::new(),
            mac_lines: BTreeMap::new(),
            ip_lines: BTreeMap::new(),
        }
    }

    /// A trimmed cell, None when the column is absent or the cell empty.
    fn cell(&self, record: &csv::StringRecord, column: Column) -> Option<String> {
        let cell = record.get(self.layout.index(column)?)?.trim();
        (!cell.is_empty()).then(|| cell.to_owned())
    }

    fn row(&mut self, line: usize, record: &csv::StringRecord) {
        let mut kinds = Vec::new();
        let mut problem = |kind| kinds.push(kind);
        let mac = match self.cell(record, Column::Mac) {
            None => {
                problem(RowProblemKind::EmptyCell { column: Column::Mac });
                None
            }
            Some(text) => match parse_mac(&text) {
                None => {
                    problem(RowProblemKind::BadMac { text });
                    None
                }
                Some(mac) if mac.is_multicast() || mac.is_zero() => {
                    problem(RowProblemKind::NotUnicastMac { mac });
                    None
                }
                Some(mac) => Some(mac),
            },
        };
        let role = match self.cell(record, Column::Role) {
            None => {
                problem(RowProblemKind::EmptyCell { column: Column::Role });
                None
            }
            Some(text) => match role_id(&text, self.policy) {
                Some(role) => Some(role),
                None => {
                    let known = known_roles(self.policy);
                    problem(RowProblemKind::UnknownRole { text, known });
                    None
                }
            },
        };
        let ip = self.cell(record, Column::Ip).and_then(|text| {
            let Ok(ip) = text.parse::<IpAddr>() else {
                problem(RowProblemKind::BadIp { text });
                return None;
            };
            if !is_unicast_host(ip.to_canonical()) {
                problem(RowProblemKind::NotHostIp { ip });
                return None;
            }
            if let Some(policy) = self.policy.filter(|p| !p.is_lan(ip)) {
                problem(RowProblemKind::IpOffLan { ip, lan: policy.lan().to_vec() });
                return None;
            }
            Some(ip)
        });
        if let Some(mac) = mac {
            if let Some(&first_line) = self.mac_lines.get(&mac) {
                problem(RowProblemKind::DuplicateMac { mac, first_line });
            } else {
                self.mac_lines.insert(mac, line);
            }
        }
        if let Some(ip) = ip {
            if let Some(&first_line) = self.ip_lines.get(&ip.to_canonical()) {
                problem(RowProblemKind::DuplicateIp { ip, first_line });
            } else {
                self.ip_lines.insert(ip.to_canonical(), line);
            }
        }
        let good = kinds.is_empty();
        self.problems.extend(kinds.into_iter().map(|kind| RowProblem { line, kind }));
        let (Some(mac), Some(role), true) = (mac, role, good) else { return };
        self.rows.push(Row {
            line,
            mac,
            name: self.cell(record, Column::Name),
            role,
            ip,
            location: self.cell(record, Column::Location),
            owner: self.cell(record, Column::Owner),
        });
    }

    /// The good rows and every problem, the latter with addresses that
    /// would collide with an asset of the policy added.
    fn finish(mut self) -> (Vec<Row>, Vec<RowProblem>) {
        if let Some(policy) = self.policy {
            for row in &self.rows {
                let Some(ip) = row.ip else { continue };
                // The asset pinned to this address keeps it unless the sheet
                // moves it elsewhere (two devices swapping addresses).
                let holder = policy.assets().iter().find(|a| {
                    a.mac != row.mac
                        && a.ip.map(|i| i.to_canonical()) == Some(ip.to_canonical())
                        && self.rows.iter().find(|r| r.mac == a.mac).is_none_or(|r| r.ip.is_none())
                });
                if let Some(asset) = holder {
                    self.problems.push(RowProblem {
                        line: row.line,
                        kind: RowProblemKind::IpTaken {
                            ip,
                            name: asset.name.clone(),
                            mac: asset.mac,
                        },
                    });
                }
            }
        }
        self.problems.sort_by_key(|p| p.line);
        (self.rows, self.problems)
    }
}

/// A MAC as written in a sheet: the notations [`MacAddr`] reads, and twelve
/// hex digits without separators.
fn parse_mac(text: &str) -> Option<MacAddr> {
    if text.len() == 12 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        let mut octets = [0u8; 6];
        for (i, octet) in octets.iter_mut().enumerate() {
            *octet = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        return Some(MacAddr(octets));
    }
    text.parse().ok()
}

/// The role id a cell means: a built-in role's Chinese label or id (any
/// case), or a role the policy defines, as spelled there.
fn role_id(cell: &str, policy: Option<&Policy>) -> Option<String> {
    let builtin = BUILTIN_ROLES
        .into_iter()
        .find(|&r| cell == role_label(r, Lang::Zh) || cell.eq_ignore_ascii_case(r));
    if let Some(role) = builtin {
        return Some(role.to_owned());
    }
    policy.filter(|p| p.role(cell).is_some()).map(|_| cell.to_owned())
}

/// How each accepted role may be written, for the message.
fn known_roles(policy: Option<&Policy>) -> Vec<String> {
    let builtin = BUILTIN_ROLES.into_iter().map(|r| format!("{}/{r}", role_label(r, Lang::Zh)));
    let own = policy
        .into_iter()
        .flat_map(|p| p.roles().keys())
        .filter(|r| !BUILTIN_ROLES.contains(&r.as_str()))
        .cloned();
    builtin.chain(own).collect()
}
