//! What an import did, for the administrator: the merged text to write and
//! a line per added or changed asset, in Chinese or English.

use super::TextEncoding;
use super::header::Column;
use crate::lang::Lang;
use crate::net::MacAddr;
use crate::policy::role_label;

/// The result of a successful import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    /// The policy with the register merged in (or, without a policy, the
    /// `[[asset]]` tables alone); already validated.
    pub text: String,
    /// The encoding the register was read in.
    pub encoding: TextEncoding,
    /// Headers ignored because they name no known column.
    pub ignored_columns: Vec<String>,
    /// Assets new to the policy, in sheet order.
    pub added: Vec<Added>,
    /// Registered assets whose entry changed, in sheet order.
    pub updated: Vec<Updated>,
    /// Lines of rows that match their entry already.
    pub unchanged: Vec<usize>,
    /// Lines of new rows without a name, named after their MAC.
    pub unnamed: Vec<usize>,
    /// Lines of rows whose cells are all empty, skipped.
    pub blank_lines: Vec<usize>,
}

/// An asset the import adds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Added {
    /// Its CSV line.
    pub line: usize,
    /// Its MAC.
    pub mac: MacAddr,
    /// Its name.
    pub name: String,
    /// Its role id.
    pub role: String,
}

/// A registered asset the import changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Updated {
    /// Its CSV line.
    pub line: usize,
    /// Its MAC.
    pub mac: MacAddr,
    /// Its name before the import.
    pub name: String,
    /// What changed, in key order.
    pub changes: Vec<FieldChange>,
}

/// One changed value of an asset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    /// The column (and key) changed.
    pub column: Column,
    /// The value before, if there was one.
    pub old: Option<String>,
    /// The value now.
    pub new: String,
}

impl Imported {
    /// What was done, one line each, naming `origin` (the CSV): encoding,
    /// ignored columns, each asset added or changed, skipped blank lines
    /// and a closing count.
    pub fn report(&self, origin: &str, lang: Lang) -> Vec<String> {
        let mut out = Vec::new();
        out.push(match lang {
            Lang::Zh => format!("{origin}: 按 {} 编码读取", self.encoding),
            Lang::En => format!("{origin}: read as {}", self.encoding),
        });
        if !self.ignored_columns.is_empty() {
            out.push(match lang {
                Lang::Zh => {
                    format!("{origin}: 忽略无法识别的列：{}", self.ignored_columns.join("、"))
                }
                Lang::En => {
                    format!("{origin}: ignored columns: {}", self.ignored_columns.join(", "))
                }
            });
        }
        // Added, updated and unnamed rows in sheet order.
        let mut rows: Vec<(usize, String)> = Vec::new();
        for a in &self.added {
            let role = role_label(&a.role, lang);
            rows.push((
                a.line,
                match lang {
                    Lang::Zh => {
                        format!("{origin}:{}: 新增 {} {:?}（{role}）", a.line, a.mac, a.name)
                    }
                    Lang::En => {
                        format!("{origin}:{}: added {} {:?} ({role})", a.line, a.mac, a.name)
                    }
                },
            ));
        }
        for u in &self.updated {
            let changes: Vec<String> = u.changes.iter().map(|c| change(c, lang)).collect();
            rows.push((
                u.line,
                match lang {
                    Lang::Zh => {
                        format!(
                            "{origin}:{}: 更新 {} {:?}：{}",
                            u.line,
                            u.mac,
                            u.name,
                            changes.join("；")
                        )
                    }
                    Lang::En => format!(
                        "{origin}:{}: updated {} {:?}: {}",
                        u.line,
                        u.mac,
                        u.name,
                        changes.join("; ")
                    ),
                },
            ));
        }
        for &line in &self.unnamed {
            rows.push((
                line,
                match lang {
                    Lang::Zh => format!("{origin}:{line}: 未填写名称，暂以 MAC 地址命名"),
                    Lang::En => format!("{origin}:{line}: no name given, named after its MAC"),
                },
            ));
        }
        rows.sort_by_key(|(line, _)| *line);
        out.extend(rows.into_iter().map(|(_, text)| text));
        if !self.blank_lines.is_empty() {
            let lines: Vec<String> = self.blank_lines.iter().map(ToString::to_string).collect();
            out.push(match lang {
                Lang::Zh => format!("{origin}: 第 {} 行为空行，已跳过", lines.join(", ")),
                Lang::En => format!("{origin}: blank lines skipped: {}", lines.join(", ")),
            });
        }
        let (added, updated, same) = (self.added.len(), self.updated.len(), self.unchanged.len());
        out.push(match lang {
            Lang::Zh => format!("新增 {added} 项，更新 {updated} 项，{same} 项无变化"),
            Lang::En => format!("{added} added, {updated} updated, {same} unchanged"),
        });
        out
    }
}

/// `ip 10.20.1.11 → 10.20.1.12`.
fn change(c: &FieldChange, lang: Lang) -> String {
    let none = lang.pick("无", "(none)");
    let old = c.old.as_deref().unwrap_or(none);
    format!("{} {old} → {}", c.column.key(), c.new)
}
