//! Errors in `policy.toml`: what went wrong, where, and what to write
//! instead, in Chinese or English.

use std::fmt;
use std::ops::Range;

use ipnet::IpNet;

use crate::lang::Lang;
use crate::net::{MacAddr, MacParseError};

/// A policy file that could not be read or is not valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    /// The file name (as given).
    pub origin: String,
    /// 1-based line of the offending value, when the problem is in the text.
    pub line: Option<usize>,
    /// 1-based column (in characters) of the offending value.
    pub column: Option<usize>,
    /// What is wrong.
    pub kind: PolicyErrorKind,
}

/// What is wrong with a policy file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyErrorKind {
    /// The file could not be read: missing, a directory, no permission.
    Unreadable {
        /// The operating system's reason.
        reason: String,
    },
    /// The file is not UTF-8 text (positioned at the first bad byte).
    NotUtf8,
    /// The text is not TOML.
    Syntax {
        /// The TOML parser's description.
        message: String,
    },
    /// A key this table does not take.
    UnknownKey {
        /// The key as written.
        key: String,
        /// The keys the table takes.
        expected: Vec<String>,
    },
    /// A required key or table is absent.
    MissingKey {
        /// The key (or table) missing.
        key: String,
        /// The table it belongs in, like `[site]` (empty for the top level).
        table: String,
    },
    /// A table header of the wrong kind: `[x]` where a list of tables
    /// (`[[x]]`) is expected, or the reverse.
    WrongTableKind {
        /// The header as written.
        header: String,
    },
    /// A value of the wrong type or out of range (e.g. a port of 70000).
    BadValue {
        /// The deserializer's description.
        message: String,
    },
    /// A required text value is empty.
    EmptyValue {
        /// The key.
        key: String,
    },
    /// Not a MAC address.
    BadMac {
        /// The text as written.
        text: String,
    },
    /// An asset MAC that is a group (multicast/broadcast) or all-zero
    /// address, which no device owns.
    NotUnicastMac {
        /// The address.
        mac: MacAddr,
    },
    /// The same MAC registered twice (positioned at the second).
    DuplicateMac {
        /// The address.
        mac: MacAddr,
        /// Line of the first registration.
        first_line: usize,
        /// Name of the first registration.
        first_name: String,
    },
    /// The same address pinned on two assets (positioned at the second):
    /// at most one of them can use it, and the other would be reported as
    /// an address conflict all day.
    DuplicateIp {
        /// The address.
        ip: std::net::IpAddr,
        /// Line of the first asset pinned to it.
        first_line: usize,
        /// Name of the first asset pinned to it.
        first_name: String,
    },
    /// Not an IP address.
    BadIp {
        /// The text as written.
        text: String,
    },
    /// An asset pinned to an address outside the LAN.
    AssetIpOffLan {
        /// The address.
        ip: std::net::IpAddr,
        /// The LAN networks.
        lan: Vec<IpNet>,
    },
    /// Not a network in CIDR notation, or one with host bits set.
    BadCidr {
        /// The text as written.
        text: String,
        /// The network meant, when only the host bits were wrong.
        suggestion: Option<IpNet>,
    },
    /// `lan = []`.
    EmptyLan,
    /// Two `lan` entries overlap (positioned at the second).
    OverlappingLan {
        /// The earlier entry.
        first: IpNet,
        /// Its line.
        first_line: usize,
        /// The later entry.
        second: IpNet,
    },
    /// An asset's role is neither built in nor defined under `[roles]`.
    UnknownRole {
        /// The role as written.
        role: String,
        /// Every known role, sorted.
        known: Box<[String]>,
    },
    /// A `may_send_bulk_to` entry names an unknown role.
    UnknownBulkTarget {
        /// The role whose rule it is.
        from: String,
        /// The unknown role named.
        role: String,
        /// Every known role, sorted.
        known: Box<[String]>,
    },
    /// Not a size.
    BadSize {
        /// The value as written.
        text: String,
    },
    /// A threshold of zero, which would fire on everything.
    ZeroThreshold {
        /// The key.
        key: String,
    },
    /// `work_hours.days` is not a list of days.
    BadWorkDays {
        /// The text as written.
        text: String,
    },
    /// `work_hours.start` or `end` is not `HH:MM`.
    BadWorkTime {
        /// The text as written.
        text: String,
    },
    /// `work_hours` with start equal to end.
    EmptyWorkHours {
        /// The time given for both.
        time: String,
    },
    /// Not an IANA time zone known to this system.
    UnknownTimeZone {
        /// The name as written.
        name: String,
    },
    /// A `local_domains` entry that is not a domain name.
    BadDomain {
        /// The text as written.
        text: String,
    },
}

impl PolicyError {
    /// An error at byte offset `span.start` of `text`.
    pub(super) fn at(
        origin: &str,
        text: &str,
        span: Range<usize>,
        kind: PolicyErrorKind,
    ) -> PolicyError {
        let (line, column) = line_column(text, span.start);
        PolicyError { origin: origin.to_owned(), line: Some(line), column: Some(column), kind }
    }

    /// An error about the file as a whole.
    pub(super) fn whole_file(origin: &str, kind: PolicyErrorKind) -> PolicyError {
        PolicyError { origin: origin.to_owned(), line: None, column: None, kind }
    }

    /// The file could not be read.
    pub(super) fn unreadable(origin: &str, error: &std::io::Error) -> PolicyError {
        PolicyError::whole_file(origin, PolicyErrorKind::Unreadable { reason: error.to_string() })
    }

    /// The file is not UTF-8 from byte `valid_up_to` on.
    pub(super) fn not_utf8(origin: &str, bytes: &[u8], valid_up_to: usize) -> PolicyError {
        let valid =
            bytes.get(..valid_up_to).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or("");
        PolicyError::at(origin, valid, valid.len()..valid.len(), PolicyErrorKind::NotUtf8)
    }

    /// The full message, `file:line:column: what`, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let place = match (self.line, self.column) {
            (Some(line), Some(column)) => format!("{}:{line}:{column}", self.origin),
            (Some(line), None) => format!("{}:{line}", self.origin),
            _ => self.origin.clone(),
        };
        let what = match lang {
            Lang::Zh => self.kind.zh(),
            Lang::En => self.kind.en(),
        };
        format!("{place}: {what}")
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for PolicyError {}

impl PolicyErrorKind {
    /// The English description.
    fn en(&self) -> String {
        use PolicyErrorKind::*;
        match self {
            Unreadable { reason } => {
                format!("cannot read the policy file: {reason}; check the path and permissions")
            }
            NotUtf8 => {
                "the file is not UTF-8 text: save it as UTF-8 (GBK/GB18030 is not supported)"
                    .to_owned()
            }
            Syntax { message } => format!("TOML syntax error: {message}"),
            UnknownKey { key, expected } if expected.is_empty() => {
                format!("unknown key {key:?}: this table takes no keys")
            }
            UnknownKey { key, expected } => {
                format!("unknown key {key:?}: expected one of {}", quoted_list(expected, ", "))
            }
            MissingKey { key, table } if table.is_empty() => {
                format!("missing required table [{key}]")
            }
            MissingKey { key, table } => format!("missing required key {key:?} in {table}"),
            WrongTableKind { header } if is_array_header(header) => {
                format!(
                    "{header} starts a list of tables, but this table is single: write [{}]",
                    header_name(header)
                )
            }
            WrongTableKind { header } => {
                format!(
                    "{header} starts a single table, but this key takes a list of tables: write [[{}]] for each entry",
                    header_name(header)
                )
            }
            BadValue { message } => format!("bad value: {message}"),
            EmptyValue { key } => format!("{key:?} is empty: give it a value"),
            BadMac { text } => format!("bad MAC address {text:?}: {MacParseError}"),
            NotUnicastMac { mac } if mac.is_zero() => {
                format!("MAC address {mac} is all zeros, which no device owns: check for a typo")
            }
            NotUnicastMac { mac } => format!(
                "MAC address {mac} is a multicast/broadcast address, which no device owns: check for a typo (the first octet of a device's MAC is even)"
            ),
            DuplicateMac { mac, first_line, first_name } => {
                format!(
                    "duplicate asset MAC {mac}: already registered at line {first_line} as {first_name:?}; list each device once"
                )
            }
            DuplicateIp { ip, first_line, first_name } => format!(
                "address {ip} is already pinned to asset {first_name:?} at line {first_line}: two devices cannot share one address; correct one of them"
            ),
            BadIp { text } => {
                format!("bad IP address {text:?}: expected an address like 10.20.1.11")
            }
            AssetIpOffLan { ip, lan } => format!(
                "asset address {ip} is outside the LAN ({}): correct the address or add its network to lan",
                list(lan, ", ")
            ),
            BadCidr { text, suggestion: Some(network) } => {
                format!("bad network {text:?}: host bits are set; did you mean \"{network}\"?")
            }
            BadCidr { text, suggestion: None } => {
                format!("bad network {text:?}: expected CIDR notation like 10.20.0.0/16")
            }
            EmptyLan => {
                "lan is empty: list at least one network, like lan = [\"10.20.0.0/16\"]".to_owned()
            }
            OverlappingLan { first, first_line, second } => {
                format!(
                    "lan entries \"{second}\" and \"{first}\" (line {first_line}) overlap: keep only the larger one"
                )
            }
            UnknownRole { role, known } => format!(
                "unknown role {role:?}: known roles are {}; define a new one under [roles.{role}]",
                list(known, ", ")
            ),
            UnknownBulkTarget { from, role, known } => format!(
                "role {from:?} may send bulk to unknown role {role:?}: known roles are {}",
                list(known, ", ")
            ),
            BadSize { text } => format!(
                "bad size {text}: expected a number of bytes or a size with a unit B, KiB, MiB, GiB, TiB (1024-based) or KB, MB, GB, TB (1000-based), like \"200 MiB\""
            ),
            ZeroThreshold { key } => {
                format!("{key} is 0, which would fire on everything: give at least 1")
            }
            BadWorkDays { text } => format!(
                "bad work days {text:?}: expected day names or ranges like \"Mon-Fri\" or \"Mon,Wed,Fri\""
            ),
            BadWorkTime { text } => {
                format!("bad time {text:?}: expected 24-hour HH:MM like \"08:30\"")
            }
            EmptyWorkHours { time } => format!(
                "work_hours start and end are both {time}: the working day would be empty (end may be earlier than start for a night shift)"
            ),
            UnknownTimeZone { name } => format!(
                "unknown time zone {name:?}: expected an IANA name like \"Asia/Shanghai\" (the time zone database must be installed, e.g. /usr/share/zoneinfo)"
            ),
            BadDomain { text } => {
                format!("bad local domain {text:?}: expected a DNS name like \"dig.local\"")
            }
        }
    }

    /// The Chinese description.
    fn zh(&self) -> String {
        use PolicyErrorKind::*;
        match self {
            Unreadable { reason } => format!("无法读取策略文件：{reason}；请检查路径和权限"),
            NotUtf8 => "文件不是 UTF-8 编码：请另存为 UTF-8（不支持 GBK/GB18030）".to_owned(),
            Syntax { message } => format!("TOML 语法错误：{message}"),
            UnknownKey { key, expected } if expected.is_empty() => {
                format!("未知的键 {key:?}：此表不接受任何键")
            }
            UnknownKey { key, expected } => {
                format!("未知的键 {key:?}：此处可用的键为 {}", quoted_list(expected, "、"))
            }
            MissingKey { key, table } if table.is_empty() => format!("缺少必需的表 [{key}]"),
            MissingKey { key, table } => format!("{table} 缺少必需的键 {key:?}"),
            WrongTableKind { header } if is_array_header(header) => {
                format!("{header} 是表数组，但此表只能有一个：请写成 [{}]", header_name(header))
            }
            WrongTableKind { header } => {
                format!(
                    "{header} 是单个表，但此处是表数组：请为每一项写一个 [[{}]]",
                    header_name(header)
                )
            }
            BadValue { message } => format!("值无效：{message}"),
            EmptyValue { key } => format!("{key:?} 为空：请填写"),
            BadMac { text } => {
                format!("MAC 地址 {text:?} 无效：应为六组十六进制数，如 00:1b:21:aa:bb:01")
            }
            NotUnicastMac { mac } if mac.is_zero() => {
                format!("MAC 地址 {mac} 全为零，不属于任何设备：请检查是否输错")
            }
            NotUnicastMac { mac } => {
                format!(
                    "MAC 地址 {mac} 是组播/广播地址，不属于任何设备：请检查是否输错（设备 MAC 的第一个字节为偶数）"
                )
            }
            DuplicateMac { mac, first_line, first_name } => {
                format!(
                    "资产 MAC {mac} 重复：已在第 {first_line} 行登记为 {first_name:?}；每台设备只能登记一次"
                )
            }
            DuplicateIp { ip, first_line, first_name } => format!(
                "地址 {ip} 已在第 {first_line} 行固定给资产 {first_name:?}：两台设备不能共用一个地址，请更正其中之一"
            ),
            BadIp { text } => format!("IP 地址 {text:?} 无效：应为 10.20.1.11 这样的地址"),
            AssetIpOffLan { ip, lan } => {
                format!(
                    "资产地址 {ip} 不在局域网（{}）内：请更正地址，或把其网段加入 lan",
                    list(lan, "、")
                )
            }
            BadCidr { text, suggestion: Some(network) } => {
                format!("网段 {text:?} 的主机位不为零：是否应为 \"{network}\"？")
            }
            BadCidr { text, suggestion: None } => {
                format!("网段 {text:?} 无效：应为 CIDR 形式，如 10.20.0.0/16")
            }
            EmptyLan => "lan 为空：请至少列出一个网段，如 lan = [\"10.20.0.0/16\"]".to_owned(),
            OverlappingLan { first, first_line, second } => {
                format!(
                    "lan 中的 \"{second}\" 与 \"{first}\"（第 {first_line} 行）重叠：只保留较大的网段"
                )
            }
            UnknownRole { role, known } => format!(
                "未知角色 {role:?}：已知角色为 {}；新角色请在 [roles.{role}] 下定义",
                list(known, "、")
            ),
            UnknownBulkTarget { from, role, known } => {
                format!(
                    "角色 {from:?} 的 may_send_bulk_to 含未知角色 {role:?}：已知角色为 {}",
                    list(known, "、")
                )
            }
            BadSize { text } => format!(
                "大小 {text} 无效：应为字节数，或带单位 B、KiB、MiB、GiB、TiB（按 1024 计）或 KB、MB、GB、TB（按 1000 计）的大小，如 \"200 MiB\""
            ),
            ZeroThreshold { key } => format!("{key} 为 0，会对一切告警：请至少设为 1"),
            BadWorkDays { text } => format!(
                "工作日 {text:?} 无效：应为 \"Mon-Fri\" 或 \"Mon,Wed,Fri\" 这样的星期名或范围"
            ),
            BadWorkTime { text } => {
                format!("时间 {text:?} 无效：应为 24 小时制 HH:MM，如 \"08:30\"")
            }
            EmptyWorkHours { time } => {
                format!("work_hours 的开始和结束都是 {time}：工作时间为空（夜班时结束可早于开始）")
            }
            UnknownTimeZone { name } => format!(
                "未知时区 {name:?}：应为 IANA 时区名，如 \"Asia/Shanghai\"（系统须安装时区数据库，如 /usr/share/zoneinfo）"
            ),
            BadDomain { text } => format!("本地域名 {text:?} 无效：应为 \"dig.local\" 这样的域名"),
        }
    }
}

/// True for `[[x]]`.
fn is_array_header(header: &str) -> bool {
    header.starts_with("[[")
}

/// `x` of `[x]` or `[[x]]`.
fn header_name(header: &str) -> &str {
    header.trim_matches(|c: char| c == '[' || c == ']' || c.is_whitespace())
}

/// `a, b, c` (or with `、`).
fn list<T: fmt::Display>(items: &[T], separator: &str) -> String {
    items.iter().map(ToString::to_string).collect::<Vec<_>>().join(separator)
}

/// `"a", "b"` (or with `、`).
fn quoted_list(items: &[String], separator: &str) -> String {
    items.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(separator)
}

/// The 1-based line and character column of byte `offset` in `text`.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    // Spans come from the parser and fall on characters, but a position is
    // never worth a panic.
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}
