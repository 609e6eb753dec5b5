//! Why a register cannot be imported: the file as a whole, or a list of
//! bad rows each named by its line, in Chinese or English. Nothing is
//! written while any of these stands.

use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;

use super::header::Column;
use crate::lang::Lang;
use crate::net::MacAddr;
use crate::policy::PolicyError;

/// A register that cannot be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterError {
    /// The CSV file name (as given).
    pub origin: String,
    /// What is wrong.
    pub kind: RegisterErrorKind,
}

/// What is wrong with a register.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegisterErrorKind {
    /// The file has no header row.
    Empty,
    /// Saved as UTF-16 ("Unicode text"), not CSV.
    Utf16,
    /// Bytes that are neither UTF-8 nor GB18030/GBK, on these lines.
    Undecodable {
        /// 1-based lines.
        lines: Vec<usize>,
    },
    /// A UTF-8 file with lines that are not UTF-8 (damaged, or pasted from
    /// a GBK file).
    MixedUtf8 {
        /// 1-based lines that are not UTF-8.
        lines: Vec<usize>,
    },
    /// The CSV reader failed (e.g. a quote never closed).
    Csv {
        /// 1-based line, when known.
        line: Option<usize>,
        /// The reader's description.
        message: String,
    },
    /// Required columns are absent from the header row (line 1).
    MissingColumns {
        /// The absent columns.
        missing: Vec<Column>,
        /// The headers found, as written.
        found: Vec<String>,
    },
    /// Two headers name the same column.
    RepeatedColumn {
        /// The column.
        column: Column,
        /// The first header.
        first: String,
        /// The second header.
        second: String,
    },
    /// Rows that cannot be imported, every one of them.
    Rows(Vec<RowProblem>),
    /// The policy keeps its assets in a form the import cannot extend.
    AssetsNotTables,
    /// The result would not be a valid policy (the import's own check; it
    /// should not happen, and nothing is written).
    Invalid(Box<PolicyError>),
}

/// One bad row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowProblem {
    /// The 1-based CSV line the row starts on (the header is line 1).
    pub line: usize,
    /// What is wrong with it.
    pub kind: RowProblemKind,
}

/// What is wrong with one row.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RowProblemKind {
    /// A required cell is empty.
    EmptyCell {
        /// Its column.
        column: Column,
    },
    /// Not a MAC address.
    BadMac {
        /// The cell.
        text: String,
    },
    /// A group (multicast/broadcast) or all-zero MAC, which no device owns.
    NotUnicastMac {
        /// The address.
        mac: MacAddr,
    },
    /// The same MAC on an earlier row.
    DuplicateMac {
        /// The address.
        mac: MacAddr,
        /// The earlier row's line.
        first_line: usize,
    },
    /// A role that is neither built in nor defined by the policy.
    UnknownRole {
        /// The cell.
        text: String,
        /// Accepted spellings: each built-in role as `label/id`, then the
        /// policy's own roles.
        known: Vec<String>,
    },
    /// Not an IP address.
    BadIp {
        /// The cell.
        text: String,
    },
    /// An address no single device owns (multicast, broadcast, 0.0.0.0).
    NotHostIp {
        /// The address.
        ip: IpAddr,
    },
    /// An address outside the policy's LAN.
    IpOffLan {
        /// The address.
        ip: IpAddr,
        /// The LAN.
        lan: Vec<IpNet>,
    },
    /// The same address on an earlier row.
    DuplicateIp {
        /// The address.
        ip: IpAddr,
        /// The earlier row's line.
        first_line: usize,
    },
    /// The address is pinned to another asset of the policy.
    IpTaken {
        /// The address.
        ip: IpAddr,
        /// That asset's name.
        name: String,
        /// That asset's MAC.
        mac: MacAddr,
    },
}

impl RegisterError {
    /// The full message in `lang`: one line, or for bad rows a first line
    /// and one line per row (`register.csv:5: …`).
    pub fn message(&self, lang: Lang) -> String {
        let origin = &self.origin;
        let nothing = lang.pick("未写入任何内容", "nothing was written");
        match (&self.kind, lang) {
            (RegisterErrorKind::Rows(rows), _) => {
                // A row with several problems has a line for each, but
                // counts once.
                let mut lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
                lines.dedup();
                let count = lines.len();
                let mut out = match lang {
                    Lang::Zh => format!(
                        "{origin}: {count} 行有误，{nothing}；请在表格中改正以下各行后重新导入："
                    ),
                    Lang::En => format!(
                        "{origin}: {count} bad {}, {nothing}; correct them in the spreadsheet and import again:",
                        if count == 1 { "row" } else { "rows" }
                    ),
                };
                for row in rows {
                    out.push_str(&format!("\n{origin}:{}: {}", row.line, row.kind.text(lang)));
                }
                out
            }
            (RegisterErrorKind::Invalid(e), Lang::Zh) => {
                format!("导入结果不是有效的策略（{nothing}）：{}", e.message(lang))
            }
            (RegisterErrorKind::Invalid(e), Lang::En) => {
                format!("the result would not be a valid policy ({nothing}): {}", e.message(lang))
            }
            (kind, Lang::Zh) => format!("{origin}: {}", zh(kind)),
            (kind, Lang::En) => format!("{origin}: {}", en(kind)),
        }
    }
}

impl fmt::Display for RegisterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for RegisterError {}

/// Line numbers as `3, 4, 9` (at most ten, then a count).
fn lines(lines: &[usize], lang: Lang) -> String {
    const SHOWN: usize = 10;
    let mut text: Vec<String> = lines.iter().take(SHOWN).map(ToString::to_string).collect();
    if lines.len() > SHOWN {
        text.push(match lang {
            Lang::Zh => format!("…（共 {} 行）", lines.len()),
            Lang::En => format!("… ({} lines)", lines.len()),
        });
    }
    text.join(", ")
}

fn column_names(columns: &[Column], lang: Lang) -> String {
    let names: Vec<String> = columns
        .iter()
        .map(|c| match lang {
            Lang::Zh => format!("{}（{}）", c.label(Lang::Zh), c.key()),
            Lang::En => c.key().to_owned(),
        })
        .collect();
    names.join(lang.pick("、", ", "))
}

fn en(kind: &RegisterErrorKind) -> String {
    use RegisterErrorKind::*;
    match kind {
        Empty => "the file is empty: expected a header row like MAC,name,role,IP,location,owner"
            .to_owned(),
        Utf16 => "the file is UTF-16 (\"Unicode text\"): save the sheet as \"CSV UTF-8\" or \"CSV\"".to_owned(),
        Undecodable { lines: l } => format!(
            "line {} is neither UTF-8 nor GBK/GB18030 text: save the sheet again as \"CSV UTF-8\" and check those lines",
            lines(l, Lang::En)
        ),
        MixedUtf8 { lines: l } => format!(
            "the file is UTF-8 but line {} is not (damaged, or pasted from a GBK file): retype those cells or save the sheet again as \"CSV UTF-8\"",
            lines(l, Lang::En)
        ),
        Csv { line: Some(line), message } => {
            format!("line {line}: not readable as CSV ({message}): check for a quote that is never closed")
        }
        Csv { line: None, message } => format!("not readable as CSV: {message}"),
        MissingColumns { missing, found } => format!(
            "line 1: the header row lacks the required column {} (found: {}); accepted headers include MAC / MAC地址 / 物理地址 and role / 角色 / 类型",
            column_names(missing, Lang::En),
            if found.is_empty() { "none".to_owned() } else { found.join(", ") }
        ),
        RepeatedColumn { column, first, second } => format!(
            "line 1: headers {first:?} and {second:?} both name the {} column: delete or rename one",
            column.key()
        ),
        Rows(_) | Invalid(_) => String::new(),
        AssetsNotTables => "the policy writes its assets as an inline list, which the import cannot extend: write each as an [[asset]] table".to_owned(),
    }
}

fn zh(kind: &RegisterErrorKind) -> String {
    use RegisterErrorKind::*;
    match kind {
        Empty => "文件为空：第一行应为表头，如 MAC地址,名称,角色,IP地址,位置,责任人".to_owned(),
        Utf16 => {
            "文件是 UTF-16 编码（“Unicode 文本”）：请将表格另存为“CSV UTF-8”或“CSV”".to_owned()
        }
        Undecodable { lines: l } => format!(
            "第 {} 行既不是 UTF-8 也不是 GBK/GB18030 文本：请将表格重新另存为“CSV UTF-8”，并检查这些行",
            lines(l, Lang::Zh)
        ),
        MixedUtf8 { lines: l } => format!(
            "文件是 UTF-8 编码，但第 {} 行不是（文件损坏，或从 GBK 文件粘贴而来）：请重新输入这些单元格，或将表格重新另存为“CSV UTF-8”",
            lines(l, Lang::Zh)
        ),
        Csv { line: Some(line), message } => {
            format!("第 {line} 行无法按 CSV 读取（{message}）：请检查是否有未闭合的引号")
        }
        Csv { line: None, message } => format!("无法按 CSV 读取：{message}"),
        MissingColumns { missing, found } => format!(
            "第 1 行表头缺少必需的列 {}（找到的列：{}）；可用的表头如 MAC地址 / 物理地址 / MAC，角色 / 类型 / role",
            column_names(missing, Lang::Zh),
            if found.is_empty() { "无".to_owned() } else { found.join("、") }
        ),
        RepeatedColumn { column, first, second } => format!(
            "第 1 行表头 {first:?} 与 {second:?} 都表示“{}”列：请删除或改名其中之一",
            column.label(Lang::Zh)
        ),
        Rows(_) | Invalid(_) => String::new(),
        AssetsNotTables => {
            "策略文件以内联列表书写资产，导入无法在其中追加：请把每项资产写成 [[asset]] 表"
                .to_owned()
        }
    }
}

impl RowProblemKind {
    /// The description in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => self.zh(),
            Lang::En => self.en(),
        }
    }

    fn en(&self) -> String {
        use RowProblemKind::*;
        match self {
            EmptyCell { column } => format!("the {} cell is empty: fill it in", column.key()),
            BadMac { text } => format!(
                "bad MAC address {text:?}: expected six hex octets like 00:1b:21:aa:bb:01 (00-1B-21-AA-BB-01, 001b.21aa.bb01 and 001B21AABB01 are accepted too)"
            ),
            NotUnicastMac { mac } => format!(
                "MAC address {mac} is a multicast, broadcast or all-zero address, which no device owns: check for a typo"
            ),
            DuplicateMac { mac, first_line } => {
                format!("MAC address {mac} is already on line {first_line}: list each device once")
            }
            UnknownRole { text, known } => {
                format!("unknown role {text:?}: use one of {}", known.join(", "))
            }
            BadIp { text } => {
                format!("bad IP address {text:?}: expected an address like 10.20.1.11")
            }
            NotHostIp { ip } => format!(
                "IP address {ip} is a multicast, broadcast or unspecified address, which no device owns"
            ),
            IpOffLan { ip, lan } => format!(
                "IP address {ip} is outside the LAN ({}): correct it, or add its network to lan in the policy",
                list(lan, ", ")
            ),
            DuplicateIp { ip, first_line } => format!(
                "IP address {ip} is already on line {first_line}: two devices cannot share one address"
            ),
            IpTaken { ip, name, mac } => format!(
                "IP address {ip} is pinned to {name:?} ({mac}) in the policy: correct the address, or give that device its new address in this sheet too"
            ),
        }
    }

    fn zh(&self) -> String {
        use RowProblemKind::*;
        match self {
            EmptyCell { column } => format!("“{}”为空：请填写", column.label(Lang::Zh)),
            BadMac { text } => format!(
                "MAC 地址 {text:?} 无效：应为六组十六进制数，如 00:1b:21:aa:bb:01（也接受 00-1B-21-AA-BB-01、001b.21aa.bb01、001B21AABB01）"
            ),
            NotUnicastMac { mac } => {
                format!("MAC 地址 {mac} 是组播、广播或全零地址，不属于任何设备：请检查是否输错")
            }
            DuplicateMac { mac, first_line } => {
                format!("MAC 地址 {mac} 已出现在第 {first_line} 行：每台设备只能登记一次")
            }
            UnknownRole { text, known } => {
                format!("未知角色 {text:?}：请使用 {} 之一", known.join("、"))
            }
            BadIp { text } => format!("IP 地址 {text:?} 无效：应为 10.20.1.11 这样的地址"),
            NotHostIp { ip } => {
                format!("IP 地址 {ip} 是组播、广播或未指定地址，不属于任何设备")
            }
            IpOffLan { ip, lan } => format!(
                "IP 地址 {ip} 不在局域网（{}）内：请更正，或把其网段加入策略的 lan",
                list(lan, "、")
            ),
            DuplicateIp { ip, first_line } => {
                format!("IP 地址 {ip} 已出现在第 {first_line} 行：两台设备不能共用一个地址")
            }
            IpTaken { ip, name, mac } => format!(
                "IP 地址 {ip} 在策略中已固定给 {name:?}（{mac}）：请更正地址，或在本表中同时给该设备填写新地址"
            ),
        }
    }
}

fn list<T: fmt::Display>(items: &[T], separator: &str) -> String {
    items.iter().map(ToString::to_string).collect::<Vec<_>>().join(separator)
}
