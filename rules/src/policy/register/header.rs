//! The header row of a register: which column holds what. Headers are
//! matched ignoring case, spaces, `_`/`-` and a note in brackets
//! (`MAC地址（必填）`), in Chinese or English.

use crate::lang::Lang;

/// A column the register may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    /// The device's MAC address (required).
    Mac,
    /// Its name.
    Name,
    /// Its role (required).
    Role,
    /// Its pinned IP address.
    Ip,
    /// Where it stands.
    Location,
    /// Who is responsible for it.
    Owner,
}

impl Column {
    /// Every column, in the order `[[asset]]` writes their keys.
    pub const ALL: [Column; 6] =
        [Column::Mac, Column::Name, Column::Role, Column::Ip, Column::Location, Column::Owner];

    /// Columns without which no row can be imported.
    pub const REQUIRED: [Column; 2] = [Column::Mac, Column::Role];

    /// The key in `[[asset]]`.
    pub fn key(self) -> &'static str {
        match self {
            Column::Mac => "mac",
            Column::Name => "name",
            Column::Role => "role",
            Column::Ip => "ip",
            Column::Location => "location",
            Column::Owner => "owner",
        }
    }

    /// The header to write for it, in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        let zh = match self {
            Column::Mac => "MAC地址",
            Column::Name => "名称",
            Column::Role => "角色",
            Column::Ip => "IP地址",
            Column::Location => "位置",
            Column::Owner => "责任人",
        };
        lang.pick(zh, self.key())
    }

    /// Every header accepted for it, normalized (see [`normalize`]).
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::Mac => &["mac", "mac地址", "macaddress", "物理地址", "硬件地址", "网卡地址"],
            Column::Name => &[
                "name",
                "名称",
                "设备名称",
                "设备名",
                "资产名称",
                "主机名",
                "hostname",
                "devicename",
            ],
            Column::Role => &["role", "角色", "类型", "设备类型", "type", "devicetype"],
            Column::Ip => &["ip", "ip地址", "ipaddress", "address", "地址", "ipv4", "ipv4地址"],
            Column::Location => {
                &["location", "位置", "存放位置", "存放地点", "安放位置", "地点", "place"]
            }
            Column::Owner => {
                &["owner", "责任人", "负责人", "使用人", "保管人", "管理人", "responsible"]
            }
        }
    }
}

/// `MAC 地址（必填）` → `mac地址`: lower case, without spaces, `_`, `-`,
/// a byte-order mark or a bracketed note.
pub(super) fn normalize(header: &str) -> String {
    let header = header.trim_start_matches('\u{feff}');
    let header = header.split(['(', '（', '[', '【']).next().unwrap_or(header);
    header
        .chars()
        .filter(|c| !(c.is_whitespace() || matches!(c, '_' | '-' | '\u{3000}')))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Which column a header names, if any.
pub(super) fn column_of(header: &str) -> Option<Column> {
    let header = normalize(header);
    Column::ALL.into_iter().find(|c| c.aliases().contains(&header.as_str()))
}

/// Where each column is, from the header row.
#[derive(Debug, Default)]
pub(super) struct Layout {
    /// For each column found: its index in the row and its header as written.
    pub found: Vec<(Column, usize, String)>,
    /// Headers that name no column (ignored), as written, non-empty.
    pub ignored: Vec<String>,
    /// A column named twice: the column and both headers.
    pub repeated: Option<(Column, String, String)>,
}

impl Layout {
    /// Reads the header row.
    pub fn read(headers: &csv::StringRecord) -> Layout {
        let mut layout = Layout::default();
        for (index, header) in headers.iter().enumerate() {
            let written = header.trim_start_matches('\u{feff}').trim().to_owned();
            match column_of(header) {
                Some(column) => {
                    if let Some(first) = layout.header(column) {
                        if layout.repeated.is_none() {
                            layout.repeated = Some((column, first.to_owned(), written));
                        }
                        continue;
                    }
                    layout.found.push((column, index, written));
                }
                None if written.is_empty() => {}
                None => layout.ignored.push(written),
            }
        }
        layout
    }

    /// The header a column was found under.
    fn header(&self, column: Column) -> Option<&str> {
        self.found.iter().find(|(c, _, _)| *c == column).map(|(_, _, h)| h.as_str())
    }

    /// The index of a column in each row.
    pub fn index(&self, column: Column) -> Option<usize> {
        self.found.iter().find(|(c, _, _)| *c == column).map(|&(_, i, _)| i)
    }

    /// Required columns that are absent.
    pub fn missing(&self) -> Vec<Column> {
        Column::REQUIRED.into_iter().filter(|c| self.index(*c).is_none()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_english_headers() {
        for (header, column) in [
            ("MAC地址", Column::Mac),
            ("\u{feff}MAC", Column::Mac),
            ("mac address", Column::Mac),
            ("物理地址", Column::Mac),
            ("MAC 地址（必填）", Column::Mac),
            ("设备名称", Column::Name),
            ("Name", Column::Name),
            ("类型", Column::Role),
            ("Role", Column::Role),
            ("IP地址", Column::Ip),
            ("IP_Address", Column::Ip),
            ("存放位置", Column::Location),
            ("负责人", Column::Owner),
            ("责任人 (签字)", Column::Owner),
        ] {
            assert_eq!(column_of(header), Some(column), "{header}");
        }
        for other in ["备注", "购置日期", "", "MACs"] {
            assert_eq!(column_of(other), None, "{other}");
        }
    }

    #[test]
    fn layout_finds_missing_ignored_and_repeated() {
        let row = csv::StringRecord::from(vec!["备注", "名称", "MAC", "物理地址", ""]);
        let layout = Layout::read(&row);
        assert_eq!(layout.index(Column::Mac), Some(2));
        assert_eq!(layout.index(Column::Name), Some(1));
        assert_eq!(layout.missing(), [Column::Role]);
        assert_eq!(layout.ignored, ["备注"]);
        assert_eq!(layout.repeated, Some((Column::Mac, "MAC".into(), "物理地址".into())));
    }
}
