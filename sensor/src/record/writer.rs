//! The writer thread: applies batches of records, one transaction each.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use gapwatch_rules::fact::HourlyVolume;
use gapwatch_rules::net::{MacText, ip_text};
use gapwatch_rules::{AlertUpdate, MacAddr, Policy, Timestamp};
use rusqlite::{Connection, Transaction, params};
use rustc_hash::FxHashMap;

use super::alert_rows::write_alert;
use super::volume::{IpTexts, VolumeInserts};
use super::{RecordError, RecordErrorKind, query};
use crate::observe::{Address, Device};

/// Batches in flight between the pipeline and the writer: enough to keep
/// both busy, few enough to bound memory.
const CHANNEL_DEPTH: usize = 16;
/// At most this many queued batches share one transaction.
const MAX_BATCHES_PER_TRANSACTION: usize = 256;
/// Batches are held back and sent together at most this often, unless
/// they carry an alert: a replay at full speed brings a batch per second
/// of packet time, thousands per second of wall time, and a transaction
/// and a wake-up of the writer each cost more than their rows. (This is
/// the record's pace; detection never reads the clock.)
const SEND_EVERY: std::time::Duration = std::time::Duration::from_millis(50);
/// Held-back records are sent once there are this many.
const SEND_RECORDS: usize = 8192;

/// A device's state in this run (cumulative since the run began).
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceRow {
    /// The MAC.
    pub mac: MacAddr,
    /// Vendor.
    pub vendor: Option<&'static str>,
    /// First frame.
    pub first_seen: Timestamp,
    /// Latest frame.
    pub last_seen: Timestamp,
    /// Counters: packets sent, bytes sent, packets received, bytes received.
    pub counters: [u64; 4],
    /// Addresses used.
    pub addresses: Vec<Address>,
}

impl From<&Device> for DeviceRow {
    fn from(d: &Device) -> DeviceRow {
        DeviceRow {
            mac: d.mac,
            vendor: d.vendor,
            first_seen: d.first_seen,
            last_seen: d.last_seen,
            counters: [d.packets_sent, d.bytes_sent, d.packets_received, d.bytes_received],
            addresses: d.addresses.clone(),
        }
    }
}

/// One capture file of a run, for the `captures` table.
#[derive(Clone, Debug, PartialEq)]
pub struct CaptureRow {
    /// The file.
    pub path: PathBuf,
    /// Identity (see `replay::fingerprint`).
    pub fingerprint: String,
    /// Identity of its first 64 KiB: a capture that grew keeps it.
    pub head: String,
    /// File size.
    pub size: u64,
    /// Frames read.
    pub packets: u64,
    /// Bytes on the wire.
    pub bytes: u64,
    /// Earliest frame.
    pub first_ts: Option<Timestamp>,
    /// Latest frame.
    pub last_ts: Option<Timestamp>,
    /// Why reading stopped early, if it did.
    pub error: Option<String>,
}

/// The end of a run: its totals.
#[derive(Clone, Debug, PartialEq)]
pub struct RunReport {
    /// Frames read.
    pub packets: u64,
    /// Bytes on the wire.
    pub bytes: u64,
    /// Earliest frame.
    pub first_ts: Option<Timestamp>,
    /// Latest frame.
    pub last_ts: Option<Timestamp>,
    /// Undecodable frames by reason.
    pub decode_errors: Vec<(&'static str, u64)>,
    /// Files read.
    pub captures: Vec<CaptureRow>,
    /// Whether anything failed.
    pub had_errors: bool,
}

/// One thing to record.
#[derive(Clone, Debug, PartialEq)]
pub enum Record {
    /// A device's state.
    Device(DeviceRow),
    /// An hour of traffic between an initiator and a service.
    Volume(HourlyVolume),
    /// An alert that changed.
    Alert(AlertUpdate),
    /// Frames heard in one minute of packet time.
    Traffic(MinuteTraffic),
    /// Something a device said about itself.
    Clue(gapwatch_rules::fact::Clue),
    /// The run is over.
    RunFinished(RunReport),
}

impl Record {
    /// The volume this record carries, if it is one.
    fn volume(&self) -> Option<&HourlyVolume> {
        match self {
            Record::Volume(v) => Some(v),
            _ => None,
        }
    }
}

/// Frames and bytes in one minute of packet time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MinuteTraffic {
    /// Start of the minute.
    pub minute: Timestamp,
    /// Frames.
    pub packets: u64,
    /// Bytes on the wire.
    pub bytes: u64,
}

/// Handle to the writer thread.
pub struct Recorder {
    tx: Option<SyncSender<Vec<Record>>>,
    thread: Option<JoinHandle<Result<(), RecordError>>>,
    run_id: i64,
    /// Records held back until the next send (see [`SEND_EVERY`]).
    held: Vec<Record>,
    sent_at: std::time::Instant,
}

impl Recorder {
    /// Starts a run in the database behind `conn` and the thread that
    /// records it. The policy's asset register is stored with it, and
    /// `captures` are claimed at once (as not finished), so a run that dies
    /// half-way is never replayed again on top of what it recorded.
    pub fn start(
        mut conn: Connection,
        path: &Path,
        policy: &Policy,
        captures: &[CaptureRow],
        jsonl: Option<Box<dyn Write + Send>>,
    ) -> Result<Recorder, RecordError> {
        let err = |e| RecordError::from_sqlite(path, e);
        let mode = if policy.origin().is_some() { "policy" } else { "inventory" };
        let tx = conn.transaction().map_err(err)?;
        tx.execute(
            "INSERT INTO runs (mode, policy, status, site, timezone) VALUES (?1, ?2, 'running', ?3, ?4)",
            params![mode, policy.origin(), policy.site().name, policy.site().timezone],
        )
        .map_err(err)?;
        let run_id = tx.last_insert_rowid();
        store_assets(&tx, policy).map_err(err)?;
        for c in captures {
            tx.execute(
                "INSERT INTO captures (run_id, path, fingerprint, head, size, packets, bytes, error)
                 VALUES (?1, ?2, ?3, ?4, ?5, 0, 0, ?6)",
                params![run_id, c.path.display().to_string(), c.fingerprint, c.head, c.size as i64, c.error],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)?;
        let (tx, rx) = sync_channel(CHANNEL_DEPTH);
        let mut writer = Writer {
            conn,
            path: path.to_path_buf(),
            run_id,
            jsonl,
            written: FxHashMap::default(),
            ip_texts: IpTexts::default(),
            exports: policy.assets().iter().filter(|a| a.role == "export").map(|a| a.mac).collect(),
        };
        let thread = std::thread::Builder::new()
            .name("gapwatch-writer".into())
            .spawn(move || writer.run(rx))
            .map_err(|e| RecordError::new(path, RecordErrorKind::Sqlite(e.to_string())))?;
        Ok(Recorder {
            tx: Some(tx),
            thread: Some(thread),
            run_id,
            held: Vec::new(),
            sent_at: std::time::Instant::now(),
        })
    }

    /// The run's id.
    pub fn run_id(&self) -> i64 {
        self.run_id
    }

    /// Hands a batch to the writer (blocks while it is behind). Batches
    /// without an alert may wait up to [`SEND_EVERY`] to go with later ones.
    pub fn send(&mut self, batch: Vec<Record>) -> Result<(), RecordError> {
        let urgent = batch.iter().any(|r| matches!(r, Record::Alert(_) | Record::RunFinished(_)));
        if self.held.is_empty() {
            self.held = batch;
        } else {
            self.held.extend(batch);
        }
        if urgent || self.held.len() >= SEND_RECORDS || self.sent_at.elapsed() >= SEND_EVERY {
            return self.send_held();
        }
        Ok(())
    }

    fn send_held(&mut self) -> Result<(), RecordError> {
        self.sent_at = std::time::Instant::now();
        if self.held.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.held);
        let sent = self.tx.as_ref().map(|tx| tx.send(batch).is_ok()).unwrap_or(false);
        if sent { Ok(()) } else { Err(self.finish().err().unwrap_or_else(|| self.gone())) }
    }

    /// Sends what was held back and waits for every batch to be written.
    pub fn finish(&mut self) -> Result<(), RecordError> {
        if let Some(tx) = self.tx.take()
            && !self.held.is_empty()
        {
            // A writer that is gone says why when joined.
            let _ = tx.send(std::mem::take(&mut self.held));
        }
        match self.thread.take() {
            Some(t) => t.join().unwrap_or_else(|_| Err(self.gone())),
            None => Ok(()),
        }
    }

    fn gone(&self) -> RecordError {
        RecordError::new(Path::new(""), RecordErrorKind::WriterGone)
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

fn store_assets(conn: &Connection, policy: &Policy) -> rusqlite::Result<()> {
    if !policy.has_register() {
        return Ok(());
    }
    conn.execute("DELETE FROM assets", [])?;
    let mut insert = conn.prepare(
        "INSERT INTO assets (mac, name, role, ip, location, owner) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for a in policy.assets() {
        insert.execute(params![
            a.mac.to_string(),
            a.name,
            a.role,
            a.ip.map(|ip| ip.to_string()),
            a.location,
            a.owner
        ])?;
    }
    Ok(())
}

struct Writer {
    conn: Connection,
    path: PathBuf,
    run_id: i64,
    jsonl: Option<Box<dyn Write + Send>>,
    /// Device counters already written in this run, so each snapshot adds
    /// only its difference to totals that may span several runs.
    written: FxHashMap<MacAddr, [u64; 4]>,
    /// Addresses already spelled, for the volume rows.
    ip_texts: IpTexts,
    /// The export stations of the policy, whose traffic is also kept in
    /// the export ledger.
    exports: Vec<MacAddr>,
}

impl Writer {
    fn run(&mut self, rx: Receiver<Vec<Record>>) -> Result<(), RecordError> {
        // Batches that queued up while a transaction ran go into the next one
        // together: a replay outruns the disk, and one transaction per
        // second of packet time would cost more than the records.
        while let Ok(first) = rx.recv() {
            let mut batches = vec![first];
            while batches.len() < MAX_BATCHES_PER_TRANSACTION {
                match rx.try_recv() {
                    Ok(next) => batches.push(next),
                    Err(_) => break,
                }
            }
            let touched =
                self.apply(&batches).map_err(|e| RecordError::from_sqlite(&self.path, e))?;
            self.emit_jsonl(&touched)?;
        }
        Ok(())
    }

    /// Applies batches in one transaction; returns the alerts they touched.
    fn apply(&mut self, batches: &[Vec<Record>]) -> rusqlite::Result<Vec<i64>> {
        let tx = self.conn.transaction()?;
        let mut touched = Vec::new();
        // Device rows are cumulative snapshots: only a device's last one in
        // this transaction needs writing.
        let mut last_snapshot: FxHashMap<MacAddr, usize> = FxHashMap::default();
        for (i, record) in batches.iter().flatten().enumerate() {
            if let Record::Device(d) = record {
                last_snapshot.insert(d.mac, i);
            }
        }
        let mut rows = RowStatements::prepare(&tx)?;
        let mut i = 0;
        for batch in batches {
            let mut rest = &batch[..];
            while let Some(record) = rest.first() {
                match record {
                    // A run of volumes goes in together, many rows a statement.
                    Record::Volume(_) => {
                        let volumes: Vec<&HourlyVolume> =
                            rest.iter().map_while(Record::volume).collect();
                        rows.volumes.write(volumes.iter().copied(), &mut self.ip_texts)?;
                        for v in &volumes {
                            add_to_ledger(&mut rows.add_ledger, &self.exports, v)?;
                        }
                        (i, rest) = (i + volumes.len(), &rest[volumes.len()..]);
                        continue;
                    }
                    Record::Device(d) if last_snapshot.get(&d.mac) != Some(&i) => {}
                    Record::Device(d) => write_device(&mut rows, d, &mut self.written)?,
                    Record::Alert(a) => {
                        let id = write_alert(&tx, a)?;
                        if !touched.contains(&id) {
                            touched.push(id);
                        }
                    }
                    Record::Traffic(t) => {
                        rows.add_traffic.execute(params![
                            ns(t.minute),
                            t.packets as i64,
                            t.bytes as i64
                        ])?;
                    }
                    Record::Clue(c) => {
                        rows.upsert_clue.execute(params![
                            c.mac.text().as_str(),
                            c.kind.as_str(),
                            c.value,
                            ns(c.ts)
                        ])?;
                    }
                    Record::RunFinished(r) => write_run(&tx, self.run_id, r)?,
                }
                (i, rest) = (i + 1, &rest[1..]);
            }
        }
        drop(rows);
        tx.commit()?;
        Ok(touched)
    }

    fn emit_jsonl(&mut self, touched: &[i64]) -> Result<(), RecordError> {
        let Some(out) = self.jsonl.as_mut() else {
            return Ok(());
        };
        let mut text = String::new();
        for &id in touched {
            let alert = query::alert_by_id(&self.conn, id)
                .map_err(|e| RecordError::from_sqlite(&self.path, e))?;
            if let Some(alert) = alert {
                // An Alert always serialises: its fields are plain data.
                text.push_str(&serde_json::to_string(&alert).unwrap_or_default());
                text.push('\n');
            }
        }
        match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            Ok(()) => Ok(()),
            // The reader went away (`--jsonl - | head`): stop the copy, keep
            // recording.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.jsonl = None;
                Ok(())
            }
            Err(e) => Err(RecordError::new(&self.path, RecordErrorKind::Jsonl(e.to_string()))),
        }
    }
}

pub(super) fn ns(t: Timestamp) -> i64 {
    t.as_nanos()
}

/// The statements a transaction runs per row, prepared once for it: a
/// replay brings thousands of rows per transaction.
struct RowStatements<'tx> {
    volumes: VolumeInserts<'tx>,
    upsert_device: rusqlite::CachedStatement<'tx>,
    upsert_address: rusqlite::CachedStatement<'tx>,
    add_traffic: rusqlite::CachedStatement<'tx>,
    add_ledger: rusqlite::CachedStatement<'tx>,
    upsert_clue: rusqlite::CachedStatement<'tx>,
}

impl<'tx> RowStatements<'tx> {
    fn prepare(tx: &'tx Transaction<'_>) -> rusqlite::Result<RowStatements<'tx>> {
        Ok(RowStatements {
            volumes: VolumeInserts::prepare(tx)?,
            upsert_device: tx.prepare_cached(UPSERT_DEVICE)?,
            upsert_address: tx.prepare_cached(UPSERT_ADDRESS)?,
            add_traffic: tx.prepare_cached(ADD_TRAFFIC)?,
            add_ledger: tx.prepare_cached(ADD_LEDGER)?,
            upsert_clue: tx.prepare_cached(UPSERT_CLUE)?,
        })
    }
}

/// Adds a device's counters since its last row to its totals.
const UPSERT_DEVICE: &str = "INSERT INTO devices (mac, vendor, first_seen, last_seen, packets_sent, bytes_sent, packets_received, bytes_received)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(mac) DO UPDATE SET
           vendor = coalesce(excluded.vendor, vendor),
           first_seen = min(first_seen, excluded.first_seen),
           last_seen = max(last_seen, excluded.last_seen),
           packets_sent = packets_sent + excluded.packets_sent,
           bytes_sent = bytes_sent + excluded.bytes_sent,
           packets_received = packets_received + excluded.packets_received,
           bytes_received = bytes_received + excluded.bytes_received";

/// Records a clue once; a later run widens its first and last seen.
const UPSERT_CLUE: &str = "INSERT INTO clues (mac, kind, value, first_seen, last_seen)
     VALUES (?1, ?2, ?3, ?4, ?4)
     ON CONFLICT(mac, kind, value) DO UPDATE SET
       first_seen = min(first_seen, excluded.first_seen),
       last_seen = max(last_seen, excluded.last_seen)";

/// Adds a minute's frames (two runs may cover the same minute).
const ADD_TRAFFIC: &str = "INSERT INTO traffic (minute, packets, bytes) VALUES (?1, ?2, ?3)
     ON CONFLICT(minute) DO UPDATE SET
       packets = packets + excluded.packets,
       bytes = bytes + excluded.bytes";

/// Adds an hour of a station's traffic with one peer.
const ADD_LEDGER: &str =
    "INSERT INTO export_ledger (hour, station, peer, bytes_in, bytes_out, connections)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
     ON CONFLICT(hour, station, peer) DO UPDATE SET
       bytes_in = bytes_in + excluded.bytes_in,
       bytes_out = bytes_out + excluded.bytes_out,
       connections = connections + excluded.connections";

/// Enters `v` in the export ledger for each side of it that is an export
/// station.
fn add_to_ledger(
    stmt: &mut rusqlite::CachedStatement<'_>,
    exports: &[MacAddr],
    v: &HourlyVolume,
) -> rusqlite::Result<()> {
    let sides = [
        (v.responder.mac, v.initiator.mac, v.orig_bytes, v.resp_bytes),
        (v.initiator.mac, v.responder.mac, v.resp_bytes, v.orig_bytes),
    ];
    for (station, peer, bytes_in, bytes_out) in sides {
        let Some(station) = station.filter(|m| exports.contains(m)) else {
            continue;
        };
        let peer = peer.map(MacAddr::text);
        stmt.execute(params![
            ns(v.hour),
            station.text().as_str(),
            text_or_empty(&peer),
            bytes_in as i64,
            bytes_out as i64,
            v.connections as i64
        ])?;
    }
    Ok(())
}

/// Widens the span an address was used in.
const UPSERT_ADDRESS: &str =
    "INSERT INTO addresses (mac, ip, source, first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(mac, ip) DO UPDATE SET
           first_seen = min(first_seen, excluded.first_seen),
           last_seen = max(last_seen, excluded.last_seen)";

fn write_device(
    rows: &mut RowStatements<'_>,
    d: &DeviceRow,
    written: &mut FxHashMap<MacAddr, [u64; 4]>,
) -> rusqlite::Result<()> {
    let before = written.insert(d.mac, d.counters).unwrap_or_default();
    let delta: [i64; 4] = std::array::from_fn(|i| d.counters[i].saturating_sub(before[i]) as i64);
    let mac = d.mac.text();
    rows.upsert_device.execute(params![
        mac.as_str(),
        d.vendor,
        ns(d.first_seen),
        ns(d.last_seen),
        delta[0],
        delta[1],
        delta[2],
        delta[3]
    ])?;
    for a in &d.addresses {
        rows.upsert_address.execute(params![
            mac.as_str(),
            ip_text(a.ip).as_str(),
            a.source.as_str(),
            ns(a.first_seen),
            ns(a.last_seen)
        ])?;
    }
    Ok(())
}

/// The text of a MAC that may be absent: '' when the link has none.
pub(super) fn text_or_empty(mac: &Option<MacText>) -> &str {
    mac.as_ref().map_or("", MacText::as_str)
}

fn write_run(tx: &Transaction<'_>, run_id: i64, r: &RunReport) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE runs SET first_ts = ?2, last_ts = ?3, packets = ?4, bytes = ?5, status = ?6 WHERE id = ?1",
        params![
            run_id,
            r.first_ts.map(ns),
            r.last_ts.map(ns),
            r.packets as i64,
            r.bytes as i64,
            if r.had_errors { "errors" } else { "complete" }
        ],
    )?;
    for (reason, count) in &r.decode_errors {
        tx.execute(
            "INSERT INTO decode_errors (run_id, reason, count) VALUES (?1, ?2, ?3)",
            params![run_id, reason, *count as i64],
        )?;
    }
    for c in &r.captures {
        tx.execute(
            "UPDATE captures SET packets = ?2, bytes = ?3, first_ts = ?4, last_ts = ?5, error = ?6
             WHERE fingerprint = ?1",
            params![
                c.fingerprint,
                c.packets as i64,
                c.bytes as i64,
                c.first_ts.map(ns),
                c.last_ts.map(ns),
                c.error
            ],
        )?;
    }
    Ok(())
}
