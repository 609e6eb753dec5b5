//! Alert updates into the `alerts` table: one open alert per kind and
//! subject, whose count, times, severity and evidence each update widens.

use gapwatch_rules::detect;
use gapwatch_rules::net::{IpText, ip_text};
use gapwatch_rules::{AlertUpdate, MacAddr, Severity, Subject};
use rusqlite::{OptionalExtension, Transaction, params};

use super::writer::{ns, text_or_empty};

/// The key that makes "one open alert per kind and subject" a unique index.
fn subject_key(s: &Subject) -> String {
    let ip = s.ip.map(ip_text);
    let ip = ip.as_ref().map_or("", IpText::as_str);
    format!("{}|{ip}", text_or_empty(&s.mac.map(MacAddr::text)))
}

fn severity_rank(s: Severity) -> i64 {
    Severity::ALL.iter().position(|&x| x == s).unwrap_or(0) as i64
}

/// Folds an update into the open alert of its kind and subject, or opens one.
pub(super) fn write_alert(tx: &Transaction<'_>, u: &AlertUpdate) -> rusqlite::Result<i64> {
    let info = detect::info(u.kind);
    let key = subject_key(&u.subject);
    let open: Option<(i64, String, String, i64, i64, i64)> = tx
        .query_row(
            "SELECT id, severity, evidence, count, first_seen, last_seen FROM alerts
             WHERE kind = ?1 AND subject_key = ?2 AND state = 'open'",
            params![info.id, key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .optional()?;
    match open {
        Some((id, severity, evidence, count, first, last)) => {
            let mut merged = match serde_json::from_str::<serde_json::Value>(&evidence) {
                Ok(serde_json::Value::Object(map)) => map,
                _ => Default::default(),
            };
            (info.merge)(&mut merged, u.evidence.clone());
            // Severity can rise, never silently fall.
            let severity = severity.parse::<Severity>().unwrap_or(u.severity).max(u.severity);
            let (zh, en) = detect::messages(u.kind, &u.subject, &merged);
            tx.execute(
                "UPDATE alerts SET severity = ?2, severity_rank = ?3, first_seen = ?4, last_seen = ?5, count = ?6,
                   message_zh = ?7, message_en = ?8, evidence = ?9 WHERE id = ?1",
                params![
                    id,
                    severity.as_str(),
                    severity_rank(severity),
                    first.min(ns(u.first_seen)),
                    last.max(ns(u.last_seen)),
                    count + u.count as i64,
                    zh,
                    en,
                    serde_json::Value::Object(merged).to_string()
                ],
            )?;
            Ok(id)
        }
        None => {
            let (zh, en) = detect::messages(u.kind, &u.subject, &u.evidence);
            tx.execute(
                "INSERT INTO alerts (kind, severity, severity_rank, clause, subject_mac, subject_ip, subject_key,
                                     first_seen, last_seen, count, message_zh, message_en, evidence)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    info.id,
                    u.severity.as_str(),
                    severity_rank(u.severity),
                    info.clause,
                    u.subject.mac.map(|m| m.to_string()),
                    u.subject.ip.map(|ip| ip.to_string()),
                    key,
                    ns(u.first_seen),
                    ns(u.last_seen),
                    u.count as i64,
                    zh,
                    en,
                    serde_json::Value::Object(u.evidence.clone()).to_string()
                ],
            )?;
            Ok(tx.last_insert_rowid())
        }
    }
}
