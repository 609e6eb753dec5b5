//! Hourly volumes into the `flows` table, many rows per statement.
//!
//! A replay of a working day brings hundreds of thousands of them, and
//! SQLite's cost is mostly per statement (bind, step, reset), not per row:
//! [`ROWS_PER_INSERT`] rows share one.

use std::net::IpAddr;
use std::sync::LazyLock;

use gapwatch_rules::MacAddr;
use gapwatch_rules::fact::HourlyVolume;
use gapwatch_rules::net::ip_text;
use rusqlite::{CachedStatement, Transaction};
use rustc_hash::FxHashMap;

use super::writer::text_or_empty;

/// Rows one multi-row INSERT carries (15 parameters each, far below
/// SQLite's limit of 32,766).
pub(super) const ROWS_PER_INSERT: usize = 32;
/// Columns of a row.
const COLUMNS: usize = 15;

const INSERT_HEAD: &str = "INSERT INTO flows (proto, orig_mac, orig_ip, resp_mac, resp_ip, resp_port, hour,
    connections, first_seen, last_seen, orig_packets, orig_bytes, resp_packets, resp_bytes, tcp_flags)
    VALUES ";

/// The INSERT of `rows` rows.
fn insert_sql(rows: usize) -> String {
    let row = format!("({})", vec!["?"; COLUMNS].join(", "));
    format!("{INSERT_HEAD}{}", vec![row; rows].join(", "))
}

static INSERT_ONE: LazyLock<String> = LazyLock::new(|| insert_sql(1));
static INSERT_MANY: LazyLock<String> = LazyLock::new(|| insert_sql(ROWS_PER_INSERT));

/// Addresses as text, kept for the run: a replay writes the same few
/// hundred addresses into hundreds of thousands of rows, and spelling an
/// IPv6 address costs more than its share of the row in SQLite.
#[derive(Default)]
pub(super) struct IpTexts(FxHashMap<IpAddr, Box<str>>);

/// Texts kept at most: a scan of random addresses starts the cache over
/// rather than growing it without end.
const IP_TEXTS_MAX: usize = 1 << 16;

impl IpTexts {
    fn get(&mut self, ip: IpAddr) -> &str {
        if self.0.len() >= IP_TEXTS_MAX && !self.0.contains_key(&ip) {
            self.0.clear();
        }
        self.0.entry(ip).or_insert_with(|| ip_text(ip).as_str().into())
    }
}

/// The two statements a transaction appends volumes with.
pub(super) struct VolumeInserts<'tx> {
    one: CachedStatement<'tx>,
    many: CachedStatement<'tx>,
}

impl<'tx> VolumeInserts<'tx> {
    /// Prepares them (cached by the connection across transactions).
    pub(super) fn prepare(tx: &'tx Transaction<'_>) -> rusqlite::Result<VolumeInserts<'tx>> {
        Ok(VolumeInserts {
            one: tx.prepare_cached(&INSERT_ONE)?,
            many: tx.prepare_cached(&INSERT_MANY)?,
        })
    }

    /// Appends `volumes`, in order.
    pub(super) fn write<'v>(
        &mut self,
        volumes: impl ExactSizeIterator<Item = &'v HourlyVolume>,
        texts: &mut IpTexts,
    ) -> rusqlite::Result<()> {
        let full = volumes.len() / ROWS_PER_INSERT * ROWS_PER_INSERT;
        for (i, v) in volumes.enumerate() {
            if i < full {
                bind(&mut self.many, i % ROWS_PER_INSERT * COLUMNS, v, texts)?;
                if i % ROWS_PER_INSERT == ROWS_PER_INSERT - 1 {
                    self.many.raw_execute()?;
                }
            } else {
                bind(&mut self.one, 0, v, texts)?;
                self.one.raw_execute()?;
            }
        }
        Ok(())
    }
}

/// Binds `v` to the parameters after the first `skip`.
fn bind(
    stmt: &mut CachedStatement<'_>,
    skip: usize,
    v: &HourlyVolume,
    texts: &mut IpTexts,
) -> rusqlite::Result<()> {
    let mac = |m: Option<MacAddr>| m.map(MacAddr::text);
    let (orig_mac, resp_mac) = (mac(v.initiator.mac), mac(v.responder.mac));
    let p = skip + 1;
    stmt.raw_bind_parameter(p, v.proto)?;
    stmt.raw_bind_parameter(p + 1, text_or_empty(&orig_mac))?;
    stmt.raw_bind_parameter(p + 2, texts.get(v.initiator.ip))?;
    stmt.raw_bind_parameter(p + 3, text_or_empty(&resp_mac))?;
    stmt.raw_bind_parameter(p + 4, texts.get(v.responder.ip))?;
    stmt.raw_bind_parameter(p + 5, v.responder.port)?;
    stmt.raw_bind_parameter(p + 6, v.hour.as_nanos())?;
    stmt.raw_bind_parameter(p + 7, v.connections as i64)?;
    stmt.raw_bind_parameter(p + 8, v.first_seen.as_nanos())?;
    stmt.raw_bind_parameter(p + 9, v.last_seen.as_nanos())?;
    stmt.raw_bind_parameter(p + 10, v.orig_packets as i64)?;
    stmt.raw_bind_parameter(p + 11, v.orig_bytes as i64)?;
    stmt.raw_bind_parameter(p + 12, v.resp_packets as i64)?;
    stmt.raw_bind_parameter(p + 13, v.resp_bytes as i64)?;
    stmt.raw_bind_parameter(p + 14, v.tcp_flags)
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use gapwatch_rules::Timestamp;
    use gapwatch_rules::fact::Endpoint;

    use super::*;

    fn volume(n: u16) -> HourlyVolume {
        let ip = |s: String| s.parse::<IpAddr>().unwrap();
        HourlyVolume {
            proto: if n.is_multiple_of(2) { 6 } else { 17 },
            initiator: Endpoint {
                mac: (!n.is_multiple_of(3)).then_some(MacAddr([2, 0, 0, 0, 0, n as u8])),
                ip: ip(format!("10.0.{}.{}", n / 256, n % 256)),
                port: 0,
            },
            responder: Endpoint { mac: None, ip: ip(format!("fd00::{n:x}")), port: 1000 + n },
            hour: Timestamp::from_secs(3600),
            connections: u64::from(n),
            first_seen: Timestamp::from_secs(3600 + i64::from(n)),
            last_seen: Timestamp::from_secs(3700 + i64::from(n)),
            orig_packets: u64::from(n) * 2,
            orig_bytes: u64::from(n) * 3,
            resp_packets: u64::from(n) * 5,
            resp_bytes: u64::from(n) * 7,
            tcp_flags: n as u8,
        }
    }

    /// Every row, full statements and the rest alike, lands whole and in
    /// order.
    #[test]
    fn rows_in_full_statements_and_the_rest_land_whole_and_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = super::super::open_read_write(&dir.path().join("v.db")).unwrap();
        let count = 2 * ROWS_PER_INSERT + 5;
        // Each address twice, so that the second is spelled from the cache.
        let volumes: Vec<HourlyVolume> = (0..count as u16).map(|n| volume(n / 2)).collect();
        let tx = conn.transaction().unwrap();
        let mut texts = IpTexts::default();
        VolumeInserts::prepare(&tx).unwrap().write(volumes.iter(), &mut texts).unwrap();
        tx.commit().unwrap();

        let mut stmt = conn
            .prepare(
                "SELECT proto, orig_mac, orig_ip, resp_mac, resp_ip, resp_port, hour, connections,
                        first_seen, last_seen, orig_packets, orig_bytes, resp_packets, resp_bytes,
                        tcp_flags FROM flows ORDER BY id",
            )
            .unwrap();
        let rows: Vec<String> = stmt
            .query_map([], |r| {
                let cols: Vec<String> = (0..15)
                    .map(|i| match r.get_ref(i).unwrap() {
                        rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                        rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into(),
                        other => format!("{other:?}"),
                    })
                    .collect();
                Ok(cols.join("|"))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let expected: Vec<String> = volumes
            .iter()
            .map(|v| {
                let mac = |m: Option<MacAddr>| m.map(|m| m.to_string()).unwrap_or_default();
                [
                    v.proto.to_string(),
                    mac(v.initiator.mac),
                    v.initiator.ip.to_string(),
                    mac(v.responder.mac),
                    v.responder.ip.to_string(),
                    v.responder.port.to_string(),
                    v.hour.as_nanos().to_string(),
                    v.connections.to_string(),
                    v.first_seen.as_nanos().to_string(),
                    v.last_seen.as_nanos().to_string(),
                    v.orig_packets.to_string(),
                    v.orig_bytes.to_string(),
                    v.resp_packets.to_string(),
                    v.resp_bytes.to_string(),
                    v.tcp_flags.to_string(),
                ]
                .join("|")
            })
            .collect();
        assert_eq!(rows, expected);
    }

    /// The cache spells addresses as they are spelled uncached, and starts
    /// over instead of growing past its bound.
    #[test]
    fn ip_texts_match_the_plain_text_and_stay_bounded() {
        let mut texts = IpTexts::default();
        for ip in ["10.0.0.7", "fe80::1", "fd00:0:0:1::2", "::ffff:10.1.2.3"] {
            let ip: IpAddr = ip.parse().unwrap();
            assert_eq!(texts.get(ip), ip.to_string());
            assert_eq!(texts.get(ip), ip.to_string(), "from the cache");
        }
        for n in 0..IP_TEXTS_MAX as u32 + 10 {
            let ip = IpAddr::from(std::net::Ipv4Addr::from(0x0a00_0000 + n));
            assert_eq!(texts.get(ip), ip.to_string());
        }
        assert!(texts.0.len() <= IP_TEXTS_MAX, "{} texts kept", texts.0.len());
    }
}
