//! What the dashboard reads: one read-only connection, and one query per
//! pane, each bounded by an index and a page size — never a full-table
//! load, so a refresh costs the same with ten devices or ten thousand.

use std::path::Path;

use gapwatch_rules::{Lang, Timestamp};
use gapwatch_sensor::record::{self, RecordError, query};
use jiff::tz::TimeZone;
use rusqlite::{Connection, OptionalExtension, params};

mod rows;
pub use rows::*;

/// The dashboard's read-only view of a gapwatch database.
pub struct Store {
    conn: Connection,
    zone: TimeZone,
}

fn ts(ns: i64) -> Timestamp {
    Timestamp::from_nanos(ns)
}

impl Store {
    /// Opens `path` read-only; a missing database, another program's file
    /// or another schema version is an error that says what to do.
    pub fn open(path: &Path) -> Result<Store, RecordError> {
        let conn = record::open_read_only(path)?;
        let mut store = Store { conn, zone: TimeZone::UTC };
        store.zone = store.site_zone().unwrap_or(TimeZone::UTC);
        Ok(store)
    }

    fn site_zone(&self) -> Option<TimeZone> {
        let name: Option<String> = self
            .conn
            .query_row(
                "SELECT timezone FROM runs WHERE timezone IS NOT NULL ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .ok()??;
        TimeZone::get(&name?).ok()
    }

    /// The site's time zone (UTC when no run named one).
    pub fn zone(&self) -> &TimeZone {
        &self.zone
    }

    /// The overview pane.
    pub fn overview(&self) -> rusqlite::Result<Overview> {
        let c = &self.conn;
        let mut o = self.status()?;
        o.acknowledged = count(c, "SELECT count(*) FROM alerts WHERE state = 'acknowledged'")?;
        o.devices = count(c, "SELECT count(*) FROM devices")?;
        let assets = count(c, "SELECT count(*) FROM assets")?;
        if assets > 0 {
            o.unregistered = Some(count(
                c,
                "SELECT count(*) FROM devices d WHERE NOT EXISTS
                   (SELECT 1 FROM assets a WHERE a.mac = d.mac)",
            )?);
        }
        let Some(last) = o.last_frame else {
            return Ok(o);
        };
        let day_ago = last.plus_secs(-86_400).as_nanos();
        o.seen_last_day =
            c.query_row("SELECT count(*) FROM devices WHERE last_seen >= ?1", [day_ago], |r| {
                r.get::<_, i64>(0)
            })? as u64;
        let newest = last.minute_start();
        let oldest = newest.plus_secs(-59 * 60);
        let mut per_minute = vec![0u64; 60];
        let mut stmt = c.prepare_cached(
            "SELECT minute, packets FROM traffic WHERE minute BETWEEN ?1 AND ?2 ORDER BY minute",
        )?;
        let rows = stmt.query_map(params![oldest.as_nanos(), newest.as_nanos()], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (minute, packets) = row?;
            let slot = ts(minute).secs_since(oldest) / 60;
            if let Some(n) = per_minute.get_mut(slot as usize) {
                *n = packets as u64;
            }
        }
        o.per_minute = per_minute;
        o.exports = self.exports(day_ago)?;
        Ok(o)
    }

    /// What the header's verdict needs, and nothing else (the other fields
    /// of [`Overview`] stay empty): open alerts by severity, the last frame,
    /// whether a run is recording, the site.
    pub fn status(&self) -> rusqlite::Result<Overview> {
        let c = &self.conn;
        let mut o = Overview::default();
        let mut stmt = c.prepare_cached(
            "SELECT severity_rank, count(*) FROM alerts WHERE state = 'open' GROUP BY severity_rank",
        )?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
            let (rank, n) = row?;
            if let Some(slot) = o.open_by_severity.get_mut(rank.clamp(0, 4) as usize) {
                *slot += n as u64;
            }
        }
        let last: Option<i64> = c.query_row("SELECT max(minute) FROM traffic", [], |r| r.get(0))?;
        let last_run: Option<(Option<i64>, String, Option<String>)> = c
            .query_row("SELECT last_ts, status, site FROM runs ORDER BY id DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        if let Some((last_ts, status, site)) = last_run {
            o.recording = status == "running";
            o.site = site;
            o.last_frame = last_ts.map(ts);
        }
        // A run still recording has no last_ts yet: its minutes tell.
        if let Some(minute) = last {
            let end = ts(minute).plus_secs(60);
            o.last_frame = Some(o.last_frame.map_or(end, |t| t.max(ts(minute))));
        }
        Ok(o)
    }

    fn exports(&self, since: i64) -> rusqlite::Result<Vec<ExportLine>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.name, a.mac, coalesce(sum(l.bytes_in), 0), coalesce(sum(l.bytes_out), 0),
                    count(DISTINCT l.peer)
             FROM assets a LEFT JOIN export_ledger l ON l.station = a.mac AND l.hour >= ?1
             WHERE a.role = 'export' GROUP BY a.mac ORDER BY a.name, a.mac",
        )?;
        // The hour bucket holding `since` counts whole: a day's ledger.
        let since = ts(since).hour_start().as_nanos();
        let rows = stmt.query_map([since], |r| {
            Ok(ExportLine {
                name: r.get(0)?,
                mac: r.get(1)?,
                bytes_in: r.get::<_, i64>(2)? as u64,
                bytes_out: r.get::<_, i64>(3)? as u64,
                peers: r.get::<_, i64>(4)? as u64,
            })
        })?;
        rows.collect()
    }

    /// A page of alerts, most severe and latest first.
    pub fn alerts(
        &self,
        filter: &AlertFilter,
        lang: Lang,
        offset: u64,
        limit: u64,
    ) -> rusqlite::Result<Page<AlertLine>> {
        // One state: the index on (state, rank, last seen, id) gives the
        // order; every state: the one on (rank, last seen, id). Either way
        // no sort, and the offset walks the index.
        let (state, kind) = filter_values(filter);
        let index = if state.is_empty() { "alerts_by_rank" } else { "alerts_by_state" };
        let filter_sql = alert_filter_sql(state, "");
        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM alerts WHERE {filter_sql}"),
            params![state, filter.min_rank, kind],
            |r| r.get(0),
        )?;
        let message = lang.pick("message_zh", "message_en");
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ALERT_COLUMNS}, {message} FROM alerts INDEXED BY {index} WHERE {filter_sql}
             ORDER BY severity_rank DESC, last_seen DESC, id LIMIT ?4 OFFSET ?5"
        ))?;
        let rows = stmt.query_map(
            params![state, filter.min_rank, kind, limit as i64, offset as i64],
            alert_line,
        )?;
        Ok(Page { rows: rows.collect::<rusqlite::Result<_>>()?, total: total as u64 })
    }

    /// Where alert `id` stands in the list `filter` gives, if it is in it.
    pub fn alert_position(&self, filter: &AlertFilter, id: i64) -> rusqlite::Result<Option<u64>> {
        let (state, kind) = filter_values(filter);
        let (before, this) = (alert_filter_sql(state, ""), alert_filter_sql(state, "t."));
        let sql = format!(
            "SELECT (SELECT count(*) FROM alerts WHERE {before}
                       AND (severity_rank > t.severity_rank
                            OR (severity_rank = t.severity_rank AND (last_seen > t.last_seen
                                OR (last_seen = t.last_seen AND id < t.id)))))
             FROM alerts t WHERE t.id = ?4 AND {this}"
        );
        self.conn
            .query_row(&sql, params![state, filter.min_rank, kind, id], |r| r.get::<_, i64>(0))
            .optional()
            .map(|n| n.map(|n| n as u64))
    }

    /// One alert in full.
    pub fn alert(&self, id: i64, lang: Lang) -> rusqlite::Result<Option<AlertDetail>> {
        let message = lang.pick("message_zh", "message_en");
        let row = self
            .conn
            .query_row(
                &format!(
                    "SELECT {ALERT_COLUMNS}, {message}, evidence, acked_by, acked_at, ack_note
                     FROM alerts WHERE id = ?1"
                ),
                [id],
                |r| {
                    let line = alert_line(r)?;
                    let evidence: String = r.get(13)?;
                    let ack = match (r.get(14)?, r.get(15)?, r.get(16)?) {
                        (Some(by), Some(at), Some(note)) => Some((by, at, note)),
                        _ => None,
                    };
                    Ok((line, evidence, ack))
                },
            )
            .optional()?;
        let Some((line, evidence, ack)) = row else {
            return Ok(None);
        };
        let device = match &line.mac {
            Some(mac) => self.device(mac)?,
            None => None,
        };
        Ok(Some(AlertDetail { line, evidence, ack, device }))
    }

    /// A page of devices matching `search` (MAC, address, name, vendor or
    /// role; empty for all).
    pub fn devices(
        &self,
        search: &str,
        sort: DeviceSort,
        offset: u64,
        limit: u64,
    ) -> rusqlite::Result<Page<DeviceLine>> {
        let search = search.trim();
        let pattern = format!("%{}%", search.replace(['%', '_'], ""));
        // A MAC as Windows (a4-8c-db) or Cisco (a48c.db) write it, or bare
        // hex, matches the stored colon form.
        let hex: String = search.chars().filter(char::is_ascii_hexdigit).collect();
        // Digits and dots alone are an IPv4 search, not a MAC one.
        let mac_like = hex.len() >= 2
            && search.chars().all(|c| c.is_ascii_hexdigit() || "-:.".contains(c))
            && search.chars().any(|c| c.is_ascii_alphabetic() || "-:".contains(c));
        let mac_pattern =
            if mac_like { format!("%{}%", hex.to_ascii_lowercase()) } else { String::new() };
        let unregistered = ["未登记", "unregistered"].contains(&search.to_lowercase().as_str());
        let matching = "(?1 = '%%' OR d.mac LIKE ?1 OR d.vendor LIKE ?1 OR a.name LIKE ?1
             OR a.role LIKE ?1 OR EXISTS (SELECT 1 FROM addresses x WHERE x.mac = d.mac AND x.ip LIKE ?1)
             OR (?4 != '' AND replace(d.mac, ':', '') LIKE ?4) OR (?5 AND a.mac IS NULL))";
        // The page is chosen on plain columns first, counting the matches
        // in the same pass; the per-device subqueries then run for its
        // rows only, not for every device.
        let order = sort.order_by();
        let mut stmt = self.conn.prepare_cached(&format!(
            "WITH page AS (SELECT d.mac, count(*) OVER () AS total
                           FROM devices d LEFT JOIN assets a ON a.mac = d.mac
                           WHERE {matching} ORDER BY {order} LIMIT ?2 OFFSET ?3)
             SELECT {DEVICE_COLUMNS}, page.total FROM page JOIN devices d ON d.mac = page.mac
             LEFT JOIN assets a ON a.mac = d.mac ORDER BY {order}"
        ))?;
        let mut total = None;
        let args = params![pattern, limit as i64, offset as i64, mac_pattern, unregistered];
        let rows = stmt.query_map(args, |r| {
            total = Some(r.get::<_, i64>(10)?);
            device_line(r)
        })?;
        let rows: Vec<DeviceLine> = rows.collect::<rusqlite::Result<_>>()?;
        let total = match total {
            Some(n) => n,
            // Past the end: nothing on the page to carry the count.
            None => self.conn.query_row(
                &format!(
                    "SELECT count(*) FROM devices d LEFT JOIN assets a ON a.mac = d.mac WHERE {matching}"
                ),
                // ?2 and ?3 (the page) are not used here, but numbered.
                params![pattern, 0, 0, mac_pattern, unregistered],
                |r| r.get(0),
            )?,
        };
        Ok(Page { rows, total: total as u64 })
    }

    /// One device.
    pub fn device(&self, mac: &str) -> rusqlite::Result<Option<DeviceLine>> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {DEVICE_COLUMNS} FROM devices d LEFT JOIN assets a ON a.mac = d.mac
                     WHERE d.mac = ?1"
                ),
                [mac],
                device_line,
            )
            .optional()
    }

    /// What device `mac` (of registry vendor `vendor`) is, as its clues
    /// say: host names, OS, class.
    pub fn identity(&self, mac: &str, vendor: Option<&str>) -> rusqlite::Result<query::Identity> {
        query::identity(&self.conn, mac, vendor)
    }

    /// The latest alerts about device `mac`, open or not.
    pub fn device_alerts(
        &self,
        mac: &str,
        lang: Lang,
        limit: u64,
    ) -> rusqlite::Result<Vec<AlertLine>> {
        let message = lang.pick("message_zh", "message_en");
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ALERT_COLUMNS}, {message} FROM alerts WHERE subject_mac = ?1
             ORDER BY state = 'open' DESC, severity_rank DESC, last_seen DESC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![mac, limit as i64], alert_line)?;
        rows.collect()
    }

    /// Hours that have flows, latest first.
    pub fn flow_hours(&self) -> rusqlite::Result<Vec<Timestamp>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT hour FROM flows ORDER BY hour DESC LIMIT 240")?;
        let rows = stmt.query_map([], |r| r.get::<_, i64>(0).map(ts))?;
        rows.collect()
    }

    /// The addresses that moved the most in `hour`, either direction.
    pub fn talkers(&self, hour: Timestamp, limit: u64) -> rusqlite::Result<Vec<TalkerLine>> {
        let mut stmt = self.conn.prepare_cached(
            "WITH sides AS (
               SELECT orig_ip AS ip, orig_mac AS mac, orig_bytes + resp_bytes AS bytes
               FROM flows WHERE hour = ?1
               UNION ALL
               SELECT resp_ip, resp_mac, orig_bytes + resp_bytes FROM flows WHERE hour = ?1),
             totals AS (SELECT ip, max(mac) AS mac, sum(bytes) AS bytes FROM sides
                        GROUP BY ip ORDER BY bytes DESC LIMIT ?2)
             SELECT t.ip, a.name, t.bytes, coalesce(a.role = 'export', 0) FROM totals t
             LEFT JOIN assets a ON a.mac = t.mac AND EXISTS
                 (SELECT 1 FROM addresses x WHERE x.mac = t.mac AND x.ip = t.ip)
             ORDER BY t.bytes DESC, t.ip",
        )?;
        let rows = stmt.query_map(params![hour.as_nanos(), limit as i64], |r| {
            Ok(TalkerLine {
                ip: r.get(0)?,
                name: r.get(1)?,
                bytes: r.get::<_, i64>(2)? as u64,
                export: r.get(3)?,
            })
        })?;
        rows.collect()
    }

    /// The busiest initiator–service pairs of `hour`.
    pub fn flows(&self, hour: Timestamp, limit: u64) -> rusqlite::Result<Vec<FlowLine>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT f.proto, f.orig_ip, f.resp_ip, f.resp_port, sum(f.connections),
                    sum(f.orig_bytes + f.resp_bytes) AS bytes,
                    max(ao.role = 'export' OR ar.role = 'export'), ao.name, ar.name
             FROM flows f
             LEFT JOIN assets ao ON ao.mac = f.orig_mac
             -- A router's MAC carries off-LAN addresses: a name only for
             -- an address the device itself used.
             LEFT JOIN assets ar ON ar.mac = f.resp_mac AND EXISTS
                 (SELECT 1 FROM addresses x WHERE x.mac = f.resp_mac AND x.ip = f.resp_ip)
             WHERE f.hour = ?1
             GROUP BY f.proto, f.orig_ip, f.resp_ip, f.resp_port
             ORDER BY bytes DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![hour.as_nanos(), limit as i64], |r| {
            Ok(FlowLine {
                proto: gapwatch_sensor::record::query::proto_name(r.get(0)?),
                orig_ip: r.get(1)?,
                resp_ip: r.get(2)?,
                resp_port: r.get(3)?,
                connections: r.get::<_, i64>(4)? as u64,
                bytes: r.get::<_, i64>(5)? as u64,
                export: r.get::<_, Option<bool>>(6)?.unwrap_or(false),
                names: (r.get(7)?, r.get(8)?),
            })
        })?;
        rows.collect()
    }
}

/// The state (empty for every state) and kind (empty for every kind) a
/// filter binds as `?1` and `?3`.
fn filter_values(filter: &AlertFilter) -> (&'static str, &str) {
    let state = match filter.state {
        StateFilter::Open => "open",
        StateFilter::Acknowledged => "acknowledged",
        StateFilter::All => "",
    };
    (state, filter.kind.as_deref().unwrap_or(""))
}

/// The WHERE clause of an alert filter over `?1` state, `?2` lowest rank,
/// `?3` kind, on the columns of table alias `of` (`""` or `"t."`). The
/// state is spelled out when there is one, not `?1 = '' OR …`, so the
/// index on it is used.
fn alert_filter_sql(state: &str, of: &str) -> String {
    let state_sql = if state.is_empty() { "?1 = ''".into() } else { format!("{of}state = ?1") };
    format!("{state_sql} AND {of}severity_rank >= ?2 AND (?3 = '' OR {of}kind = ?3)")
}

const ALERT_COLUMNS: &str = "id, kind, severity, severity_rank, clause, subject_mac, subject_ip,
    last_seen, first_seen, count, state,
    (SELECT name FROM assets WHERE assets.mac = alerts.subject_mac)";

fn alert_line(r: &rusqlite::Row<'_>) -> rusqlite::Result<AlertLine> {
    Ok(AlertLine {
        id: r.get(0)?,
        kind: r.get(1)?,
        severity: r.get(2)?,
        rank: r.get::<_, i64>(3)?.clamp(0, 4) as u8,
        clause: r.get(4)?,
        mac: r.get(5)?,
        ip: r.get(6)?,
        last_seen: ts(r.get(7)?),
        first_seen: ts(r.get(8)?),
        count: r.get::<_, i64>(9)? as u64,
        state: r.get(10)?,
        name: r.get(11)?,
        message: r.get(12)?,
    })
}

const DEVICE_COLUMNS: &str = "d.mac, d.vendor, a.name, a.role,
    (SELECT group_concat(ip, ', ') FROM (SELECT ip FROM addresses x WHERE x.mac = d.mac ORDER BY first_seen LIMIT 4)),
    d.first_seen, d.last_seen, d.bytes_sent + d.bytes_received, a.mac IS NOT NULL,
    (SELECT count(*) FROM alerts al WHERE al.subject_mac = d.mac AND al.state = 'open')";

fn device_line(r: &rusqlite::Row<'_>) -> rusqlite::Result<DeviceLine> {
    Ok(DeviceLine {
        mac: r.get(0)?,
        vendor: r.get(1)?,
        name: r.get(2)?,
        role: r.get(3)?,
        addresses: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
        first_seen: ts(r.get(5)?),
        last_seen: ts(r.get(6)?),
        bytes: r.get::<_, i64>(7)? as u64,
        registered: r.get(8)?,
        open_alerts: r.get::<_, i64>(9)? as u64,
    })
}

fn count(conn: &Connection, sql: &str) -> rusqlite::Result<u64> {
    conn.query_row(sql, [], |r| r.get::<_, i64>(0)).map(|n| n as u64)
}
