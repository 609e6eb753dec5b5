//! `policy.toml` as written, before validation.
//!
//! Keys the detectors rely on are `Option` even when required, so that a
//! missing one is reported with its table's name and position rather than
//! serde's bare "missing field". Values that are checked after reading keep
//! their span for the error position.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a TOML document")]
pub(super) struct RawPolicy {
    pub site: Option<Spanned<RawSite>>,
    #[serde(default)]
    pub asset: Vec<Spanned<RawAsset>>,
    #[serde(default)]
    pub roles: BTreeMap<String, Spanned<RawRole>>,
    #[serde(default)]
    pub thresholds: RawThresholds,
}

/// `[site]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table ([site])")]
pub(super) struct RawSite {
    pub name: Option<Spanned<String>>,
    pub timezone: Option<Spanned<String>>,
    pub lan: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub local_domains: Vec<Spanned<String>>,
    pub work_hours: Option<Spanned<RawWorkHours>>,
}

/// `work_hours = { days = "Mon-Fri", start = "08:30", end = "17:30" }`.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an inline table like { days = \"Mon-Fri\", start = \"08:30\", end = \"17:30\" }"
)]
pub(super) struct RawWorkHours {
    pub days: Option<Spanned<String>>,
    pub start: Option<Spanned<String>>,
    pub end: Option<Spanned<String>>,
}

/// One `[[asset]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table ([[asset]])")]
pub(super) struct RawAsset {
    pub mac: Option<Spanned<String>>,
    pub name: Option<Spanned<String>>,
    pub role: Option<Spanned<String>>,
    pub ip: Option<Spanned<String>>,
    pub location: Option<String>,
    pub owner: Option<String>,
}

/// One `[roles.NAME]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table ([roles.NAME])")]
pub(super) struct RawRole {
    /// Absent: the role's services are not checked.
    pub may_serve: Option<Spanned<Vec<Spanned<u16>>>>,
    #[serde(default)]
    pub may_send_bulk_to: Vec<Spanned<String>>,
}

/// `[thresholds]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table ([thresholds])")]
pub(super) struct RawThresholds {
    /// A string with a unit or an integer of bytes.
    pub bulk_transfer: Option<Spanned<toml::Value>>,
    pub new_macs_per_minute: Option<Spanned<u32>>,
    pub silence_minutes: Option<Spanned<u32>>,
    pub max_devices: Option<Spanned<u32>>,
}
