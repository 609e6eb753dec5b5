//! Replay: capture files through the whole pipeline into the database.
//!
//! Files are merged by packet time. A file already recorded in the database
//! (same fingerprint) is skipped, so replaying a capture twice duplicates
//! nothing. A file that cannot be read, or stops early, is reported and the
//! others go on; everything read before the fault is recorded.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use gapwatch_rules::{Policy, Timestamp};
use sha2::{Digest, Sha256};

use crate::capture::{CaptureError, CaptureErrorKind, FileSource, MergedSource, Source};
use crate::pipeline::{Pipeline, Totals};
use crate::record::{self, CaptureRow, Record, RecordError, Recorder, RunReport, query};

/// Bytes from each end of a file that, with its size, identify it.
const FINGERPRINT_SPAN: u64 = 1 << 20;
/// Bytes at the start that identify a capture however it grew: one whose
/// start was recorded is the same capture, grown or cut.
const HEAD_SPAN: u64 = 64 << 10;
/// How often (in frames) the stop flag is looked at.
const STOP_CHECK_EVERY: u64 = 1 << 12;
/// How often (in frames) progress is reported.
const PROGRESS_EVERY: u64 = 1 << 16;

/// What to replay, and where to.
pub struct ReplayConfig {
    /// Capture files, read as one stream in packet-time order.
    pub captures: Vec<PathBuf>,
    /// The database.
    pub db: PathBuf,
    /// The site policy (or inventory mode).
    pub policy: Policy,
    /// Where alerts also go as JSON lines.
    pub jsonl: Option<Box<dyn Write + Send>>,
    /// Set (by a signal handler) to stop reading: what was read is
    /// recorded and the files are marked as stopped.
    pub stop: Arc<AtomicBool>,
    /// Packet time runs this many times faster than the wall clock (the
    /// demo replays a working day in a minute); `None`: as fast as the
    /// pipeline goes. Only the pacing waits on the clock; detection sees
    /// packet time alone.
    pub pace: Option<f64>,
    /// Run the detectors (always, but for the benchmark that measures
    /// what they cost).
    pub detection: bool,
    /// Read what devices say about themselves (always, but for the
    /// benchmark that measures what it costs).
    pub fingerprints: bool,
    /// A p0f database to name SYNs with, besides gapwatch's own table.
    pub p0f: Option<Arc<gapwatch_rules::p0f::P0fDb>>,
}

/// Holds a replay back to a multiple of packet time.
struct Pacer {
    speed: f64,
    start: Option<(Timestamp, std::time::Instant)>,
}

impl Pacer {
    /// Waits until frame time `ts` is due; false if `stop` was set meanwhile.
    fn wait_for(&mut self, ts: Timestamp, stop: &AtomicBool) -> bool {
        let (first, began) = *self.start.get_or_insert((ts, std::time::Instant::now()));
        let ahead = (ts.as_nanos().saturating_sub(first.as_nanos())) as f64 / self.speed;
        let due = began + std::time::Duration::from_nanos(ahead.max(0.0) as u64);
        loop {
            if stop.load(Ordering::Relaxed) {
                return false;
            }
            let now = std::time::Instant::now();
            if now >= due {
                return true;
            }
            // Short naps, so a stop request is seen at once.
            std::thread::sleep((due - now).min(std::time::Duration::from_millis(50)));
        }
    }
}

/// What happened to one capture file.
#[derive(Debug)]
pub enum FileOutcome {
    /// Read to the end.
    Recorded {
        /// Frames read.
        packets: u64,
    },
    /// Read up to a fault; everything before it is recorded.
    Stopped {
        /// Frames read before the fault.
        packets: u64,
        /// The fault.
        error: CaptureError,
    },
    /// Could not be opened as a capture; nothing read.
    Failed(CaptureError),
    /// Already recorded by an earlier run: not read again.
    AlreadyRecorded {
        /// That run (0: named twice in this one).
        run_id: i64,
        /// Why that run stopped reading it early, if it did.
        partial: Option<String>,
    },
    /// Begins with the same data as a capture already recorded (it grew or
    /// was cut since): reading it would count that part twice, so it is
    /// not read.
    Overlaps {
        /// The run that recorded the other.
        run_id: i64,
        /// The other's path.
        path: String,
    },
}

/// The result of a replay.
#[derive(Debug)]
pub struct ReplaySummary {
    /// The run's id in the database (None when nothing was read).
    pub run_id: Option<i64>,
    /// Each file, in the order given.
    pub files: Vec<(PathBuf, FileOutcome)>,
    /// Frame totals.
    pub totals: Totals,
    /// Undecodable frames by reason.
    pub decode_errors: Vec<(&'static str, u64)>,
    /// Devices seen in this run.
    pub devices: usize,
    /// Alerts raised or updated in this run.
    pub alerts: usize,
}

impl ReplaySummary {
    /// True when some file could not be read fully, or was refused.
    pub fn had_errors(&self) -> bool {
        self.files.iter().any(|(_, o)| {
            matches!(
                o,
                FileOutcome::Stopped { .. } | FileOutcome::Failed(_) | FileOutcome::Overlaps { .. }
            )
        })
    }
}

/// Identity of a capture file.
pub struct Fingerprint {
    /// SHA-256 over its size and its first and last MiB. Reading it all
    /// would cost as much as the replay; two distinct captures with equal
    /// size and equal ends do not happen in practice, since every record
    /// carries its own timestamp.
    pub whole: String,
    /// SHA-256 of its first 64 KiB: the same for a capture that grew or
    /// was cut since it was recorded (when both are at least that long).
    pub head: String,
    /// Its size in bytes.
    pub size: u64,
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The identity of the file at `path`.
pub fn fingerprint(path: &Path) -> std::io::Result<Fingerprint> {
    let mut file = File::open(path)?;
    let size = file.metadata()?.len();
    let mut buf = vec![0u8; FINGERPRINT_SPAN.min(size) as usize];
    file.read_exact(&mut buf)?;
    let head = hex(&Sha256::digest(&buf[..HEAD_SPAN.min(size) as usize]));
    let mut whole = Sha256::new();
    whole.update(size.to_le_bytes());
    whole.update(&buf);
    if size > FINGERPRINT_SPAN {
        let tail = FINGERPRINT_SPAN.min(size - FINGERPRINT_SPAN);
        file.seek(SeekFrom::End(-(tail as i64)))?;
        buf.resize(tail as usize, 0);
        file.read_exact(&mut buf)?;
        whole.update(&buf);
    }
    Ok(Fingerprint { whole: hex(&whole.finalize()), head, size })
}

/// A capture file opened for this run.
struct Opened {
    /// Its place in the order given.
    slot: usize,
    id: Fingerprint,
}

/// The files given, each either decided already (failed, already recorded)
/// or opened for reading.
struct Selection {
    files: Vec<(PathBuf, Option<FileOutcome>)>,
    opened: Vec<Opened>,
    sources: Vec<FileSource>,
}

/// Opens every capture not recorded yet; the others are decided here.
fn select(
    conn: &rusqlite::Connection,
    db: &Path,
    paths: &[PathBuf],
) -> Result<Selection, RecordError> {
    let mut sel = Selection { files: Vec::new(), opened: Vec::new(), sources: Vec::new() };
    for path in paths {
        let slot = sel.files.len();
        let decided = |outcome| (path.clone(), Some(outcome));
        let id = match fingerprint(path) {
            Ok(id) => id,
            Err(e) => {
                let err = CaptureError::new(path, None, CaptureErrorKind::Io(e));
                sel.files.push(decided(FileOutcome::Failed(err)));
                continue;
            }
        };
        let seen =
            query::capture_recorded(conn, &id.whole, &id.head).map_err(|e| record_err(db, e))?;
        if let Some(seen) = seen {
            sel.files.push(decided(if seen.same_file {
                FileOutcome::AlreadyRecorded { run_id: seen.run_id, partial: seen.error }
            } else {
                FileOutcome::Overlaps { run_id: seen.run_id, path: seen.path }
            }));
        } else if sel.opened.iter().any(|o| o.id.whole == id.whole || o.id.head == id.head) {
            // The same capture named twice in one run is read once.
            sel.files.push(decided(FileOutcome::AlreadyRecorded { run_id: 0, partial: None }));
        } else {
            match FileSource::open_among(path, paths.len()) {
                Ok(source) => {
                    sel.opened.push(Opened { slot, id });
                    sel.sources.push(source);
                    sel.files.push((path.clone(), None));
                }
                Err(e) => sel.files.push(decided(FileOutcome::Failed(e))),
            }
        }
    }
    Ok(sel)
}

/// Replays `cfg.captures` into `cfg.db`; `progress` is told the bytes read
/// out of the total now and then.
pub fn replay(
    cfg: ReplayConfig,
    mut progress: impl FnMut(u64, u64),
) -> Result<ReplaySummary, RecordError> {
    let created = !cfg.db.exists();
    let conn = record::open_read_write(&cfg.db)?;
    let Selection { mut files, opened, sources } = select(&conn, &cfg.db, &cfg.captures)?;

    let mut summary = ReplaySummary {
        run_id: None,
        files: Vec::new(),
        totals: Totals::default(),
        decode_errors: Vec::new(),
        devices: 0,
        alerts: 0,
    };
    if !sources.is_empty() {
        let total_bytes: u64 = opened.iter().map(|o| o.id.size).sum();
        let claims: Vec<CaptureRow> = opened
            .iter()
            .map(|o| CaptureRow {
                path: files[o.slot].0.clone(),
                fingerprint: o.id.whole.clone(),
                head: o.id.head.clone(),
                size: o.id.size,
                packets: 0,
                bytes: 0,
                first_ts: None,
                last_ts: None,
                error: Some("the run that read it did not finish".into()),
            })
            .collect();
        let mut recorder = Recorder::start(conn, &cfg.db, &cfg.policy, &claims, cfg.jsonl)?;
        summary.run_id = Some(recorder.run_id());
        let mut pipeline = Pipeline::new(cfg.policy);
        pipeline.set_detection(cfg.detection);
        pipeline.set_fingerprinting(cfg.fingerprints);
        if let Some(db) = &cfg.p0f {
            pipeline.set_p0f(db.clone());
        }
        let mut merged = MergedSource::new(sources);
        let mut read = 0u64;
        // MergedSource keeps file errors aside: next_frame itself never fails.
        let mut stopped = false;
        let mut pacer = cfg.pace.filter(|s| *s > 0.0).map(|speed| Pacer { speed, start: None });
        while let Ok(Some(frame)) = merged.next_frame() {
            if let Some(pacer) = &mut pacer
                && !pacer.wait_for(frame.ts, &cfg.stop)
            {
                stopped = true;
                break;
            }
            pipeline.process(&frame, &mut recorder)?;
            read += 1;
            if read.is_multiple_of(STOP_CHECK_EVERY) && cfg.stop.load(Ordering::Relaxed) {
                stopped = true;
                break;
            }
            if read.is_multiple_of(PROGRESS_EVERY) {
                progress(merged.bytes_read(), total_bytes);
            }
        }
        progress(total_bytes, total_bytes);
        pipeline.finish(&mut recorder)?;

        let mut errors: Vec<Option<CaptureError>> =
            std::iter::repeat_with(|| None).take(opened.len()).collect();
        for (i, e) in merged.take_errors() {
            errors[i] = Some(e);
        }
        if stopped {
            for (i, error) in errors.iter_mut().enumerate() {
                if error.is_none() && !merged.is_exhausted(i) {
                    let at = Some(merged.bytes_read_of(i));
                    let path = &files[opened[i].slot].0;
                    *error = Some(CaptureError::new(path, at, CaptureErrorKind::Interrupted));
                }
            }
        }
        let mut captures = Vec::new();
        for ((o, tally), error) in opened.into_iter().zip(merged.tallies()).zip(errors) {
            captures.push(CaptureRow {
                path: files[o.slot].0.clone(),
                fingerprint: o.id.whole,
                head: o.id.head,
                size: o.id.size,
                packets: tally.packets,
                bytes: tally.bytes,
                first_ts: tally.first_ts,
                last_ts: tally.last_ts,
                error: error.as_ref().map(|e| e.to_string()),
            });
            files[o.slot].1 = Some(match error {
                Some(error) => FileOutcome::Stopped { packets: tally.packets, error },
                None => FileOutcome::Recorded { packets: tally.packets },
            });
        }
        summary.totals = pipeline.totals();
        summary.decode_errors =
            pipeline.decode_stats().iter().map(|(r, n)| (r.as_str(), n)).collect();
        summary.devices = pipeline.observer().devices().len();
        summary.alerts = pipeline.alerts_fired();
        summary.files = files.into_iter().filter_map(|(p, o)| o.map(|o| (p, o))).collect();
        let report = RunReport {
            packets: summary.totals.packets,
            bytes: summary.totals.bytes,
            first_ts: summary.totals.first_ts,
            last_ts: summary.totals.last_ts,
            decode_errors: summary.decode_errors.clone(),
            captures,
            had_errors: summary.had_errors(),
        };
        recorder.send(vec![Record::RunFinished(report)])?;
        recorder.finish()?;
    } else {
        summary.files = files.into_iter().filter_map(|(p, o)| o.map(|o| (p, o))).collect();
        if created {
            // Nothing was recorded: leave no empty database behind.
            drop(conn);
            record::remove(&cfg.db);
        }
    }
    Ok(summary)
}

fn record_err(db: &Path, e: rusqlite::Error) -> RecordError {
    RecordError::from_sqlite(db, e)
}
