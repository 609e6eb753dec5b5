//! Merging checked rows into `[[asset]]` tables with `toml_edit`, so the
//! policy's comments, order and layout stay as the administrator wrote
//! them: a registered MAC has its changed values replaced in place (an
//! empty cell never removes a value), a new MAC gets a new table after the
//! last asset.

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

use super::header::Column;
use super::report::{Added, FieldChange, Imported, Updated};
use super::{Register, RegisterError, RegisterErrorKind, Row, parse_mac};
use crate::policy::{Asset, Policy, PolicyError, PolicyErrorKind};

/// A `[site]` that accepts every address, appended (after the tables, so
/// line numbers stay) to check asset tables imported without a policy.
const ANY_SITE: &str = "\n[site]\nlan = [\"0.0.0.0/0\", \"::/0\"]\n";

/// Merges `register` into `base` (or into nothing) and validates the result.
pub(super) fn merge(
    register: Register,
    origin: &str,
    base: Option<(&Policy, &str)>,
) -> Result<Imported, RegisterError> {
    let error = |kind| RegisterError { origin: origin.to_owned(), kind };
    let invalid = |e: PolicyError| error(RegisterErrorKind::Invalid(Box::new(e)));
    let policy = base.map(|(policy, _)| policy);
    let policy_origin = policy.and_then(Policy::origin).unwrap_or("policy.toml").to_owned();
    let mut doc = match base {
        Some((_, text)) => {
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            text.parse::<DocumentMut>().map_err(|e| {
                invalid(PolicyError {
                    origin: policy_origin.clone(),
                    line: None,
                    column: None,
                    kind: PolicyErrorKind::Syntax { message: e.to_string() },
                })
            })?
        }
        None => DocumentMut::new(),
    };
    if !doc.contains_key("asset") {
        doc.insert("asset", Item::ArrayOfTables(ArrayOfTables::new()));
    }
    let Some(tables) = doc.get_mut("asset").and_then(Item::as_array_of_tables_mut) else {
        return Err(error(RegisterErrorKind::AssetsNotTables));
    };

    let mut imported = Imported {
        text: String::new(),
        encoding: register.encoding,
        ignored_columns: register.ignored_columns,
        added: Vec::new(),
        updated: Vec::new(),
        unchanged: Vec::new(),
        unnamed: Vec::new(),
        blank_lines: register.blank_lines,
    };
    for row in register.rows {
        let registered = policy.and_then(|p| p.asset(row.mac));
        let index = registered.and_then(|_| {
            tables.iter().position(|t| {
                t.get("mac").and_then(Item::as_str).and_then(parse_mac) == Some(row.mac)
            })
        });
        match (registered, index.and_then(|i| tables.get_mut(i))) {
            (Some(asset), Some(table)) => {
                let changes = update(table, asset, &row);
                if changes.is_empty() {
                    imported.unchanged.push(row.line);
                } else {
                    let (line, mac, name) = (row.line, row.mac, asset.name.clone());
                    imported.updated.push(Updated { line, mac, name, changes });
                }
            }
            _ => {
                let name = row.name.clone().unwrap_or_else(|| row.mac.to_string());
                if row.name.is_none() {
                    imported.unnamed.push(row.line);
                }
                tables.push(new_table(&row, &name));
                let (line, mac, role) = (row.line, row.mac, row.role);
                imported.added.push(Added { line, mac, name, role });
            }
        }
    }

    let mut text = doc.to_string();
    // A file saved on Windows keeps its line ends; toml_edit writes the new
    // lines with `\n` only.
    if base.is_some_and(|(_, original)| original.contains("\r\n")) {
        text = text.replace("\r\n", "\n").replace('\n', "\r\n");
    }
    match base {
        Some(_) => Policy::parse(&text, &policy_origin).map_err(invalid)?,
        None => Policy::parse(&format!("{text}{ANY_SITE}"), "(import)").map_err(invalid)?,
    };
    imported.text = text;
    Ok(imported)
}

/// A new `[[asset]]` table for `row`, keys in the usual order.
fn new_table(row: &Row, name: &str) -> Table {
    let mut table = Table::new();
    table.insert("mac", toml_edit::value(row.mac.to_string()));
    table.insert("name", toml_edit::value(name));
    table.insert("role", toml_edit::value(row.role.as_str()));
    let optional = [
        ("ip", row.ip.map(|ip| ip.to_string())),
        ("location", row.location.clone()),
        ("owner", row.owner.clone()),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            table.insert(key, toml_edit::value(value));
        }
    }
    table
}

/// Applies the row's filled-in cells that differ from `asset` to its table.
fn update(table: &mut Table, asset: &Asset, row: &Row) -> Vec<FieldChange> {
    let fields = [
        (Column::Name, Some(asset.name.clone()), row.name.clone()),
        (Column::Role, Some(asset.role.clone()), Some(row.role.clone())),
        (Column::Ip, asset.ip.map(|ip| ip.to_string()), row.ip.map(|ip| ip.to_string())),
        (Column::Location, asset.location.clone(), row.location.clone()),
        (Column::Owner, asset.owner.clone(), row.owner.clone()),
    ];
    let mut changes = Vec::new();
    for (column, old, new) in fields {
        let Some(new) = new else { continue };
        let same = match (column, &old) {
            (Column::Ip, Some(old)) => {
                old.parse::<std::net::IpAddr>().ok().map(|ip| ip.to_canonical())
                    == new.parse::<std::net::IpAddr>().ok().map(|ip| ip.to_canonical())
            }
            (_, Some(old)) => *old == new,
            (_, None) => false,
        };
        if !same {
            set(table, column.key(), &new);
            changes.push(FieldChange { column, old, new });
        }
    }
    changes
}

/// Sets `key` to `new`, keeping the spacing and any comment around the old
/// value.
fn set(table: &mut Table, key: &str, new: &str) {
    if let Some(value) = table.get_mut(key).and_then(Item::as_value_mut) {
        let decor = value.decor().clone();
        *value = Value::from(new);
        *value.decor_mut() = decor;
        return;
    }
    table.insert(key, toml_edit::value(new));
}
