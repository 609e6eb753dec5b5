//! Replay: capture files through the whole pipeline into the database.
//!
//! Files are merged by packet time. A file already recorded in the database
//! (same fingerprint) is skipped, so replaying a capture twice duplicates
//! nothing. A file that cannot be read, or stops early, is reported and the
//! others go on; everything read before the fault is recorded.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use gapwatch_rules::Policy;
use sha2::{Digest, Sha256};

use crate::capture::{CaptureError, CaptureErrorKind, FileSource, MergedSource, Source};
use crate::pipeline::{Pipeline, Totals};
use crate::record::{self, CaptureRow, Record, RecordError, Recorder, RunReport, query};

/// Bytes from each end of a file that, with its size, identify it.
const FINGERPRINT_SPAN: u64 = 1 << 20;
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
        /// That run.
        run_id: i64,
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
}

impl ReplaySummary {
    /// True when some file could not be read fully.
    pub fn had_errors(&self) -> bool {
        self.files
            .iter()
            .any(|(_, o)| matches!(o, FileOutcome::Stopped { .. } | FileOutcome::Failed(_)))
    }
}

/// Identity of a capture file: SHA-256 over its size and its first and
/// last MiB. Reading it all would cost as much as the replay; two distinct
/// captures with equal size and equal ends do not happen in practice, since
/// every record carries its own timestamp.
pub fn fingerprint(path: &Path) -> std::io::Result<(String, u64)> {
    let mut file = File::open(path)?;
    let size = file.metadata()?.len();
    let mut hasher = Sha256::new();
    hasher.update(size.to_le_bytes());
    let mut buf = vec![0u8; FINGERPRINT_SPAN.min(size) as usize];
    file.read_exact(&mut buf)?;
    hasher.update(&buf);
    if size > FINGERPRINT_SPAN {
        let tail = FINGERPRINT_SPAN.min(size - FINGERPRINT_SPAN);
        file.seek(SeekFrom::End(-(tail as i64)))?;
        buf.resize(tail as usize, 0);
        file.read_exact(&mut buf)?;
        hasher.update(&buf);
    }
    let hex = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok((hex, size))
}

/// A capture file opened for this run.
struct Opened {
    /// Its place in the order given.
    slot: usize,
    fingerprint: String,
    size: u64,
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
        let (fingerprint, size) = match fingerprint(path) {
            Ok(id) => id,
            Err(e) => {
                let err = CaptureError::new(path, None, CaptureErrorKind::Io(e));
                sel.files.push(decided(FileOutcome::Failed(err)));
                continue;
            }
        };
        let seen = query::capture_recorded(conn, &fingerprint).map_err(|e| record_err(db, e))?;
        if let Some((run_id, _)) = seen {
            sel.files.push(decided(FileOutcome::AlreadyRecorded { run_id }));
        } else if sel.opened.iter().any(|o| o.fingerprint == fingerprint) {
            // The same file named twice in one run is read once.
            sel.files.push(decided(FileOutcome::AlreadyRecorded { run_id: 0 }));
        } else {
            match FileSource::open(path) {
                Ok(source) => {
                    sel.opened.push(Opened { slot, fingerprint, size });
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
    let conn = record::open_read_write(&cfg.db)?;
    let Selection { mut files, opened, sources } = select(&conn, &cfg.db, &cfg.captures)?;
    let mut summary = ReplaySummary {
        run_id: None,
        files: Vec::new(),
        totals: Totals::default(),
        decode_errors: Vec::new(),
        devices: 0,
    };
    if !sources.is_empty() {
        let total_bytes: u64 = opened.iter().map(|o| o.size).sum();
        let mut recorder = Recorder::start(conn, &cfg.db, &cfg.policy, cfg.jsonl)?;
        summary.run_id = Some(recorder.run_id());
        let mut pipeline = Pipeline::new(cfg.policy);
        let mut merged = MergedSource::new(sources);
        let mut read = 0u64;
        // MergedSource keeps file errors aside: next_frame itself never fails.
        while let Ok(Some(frame)) = merged.next_frame() {
            pipeline.process(&frame, &mut recorder)?;
            read += 1;
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
        let mut captures = Vec::new();
        for ((o, tally), error) in opened.into_iter().zip(merged.tallies()).zip(errors) {
            captures.push(CaptureRow {
                path: files[o.slot].0.clone(),
                fingerprint: o.fingerprint,
                size: o.size,
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
    }
    Ok(summary)
}

fn record_err(db: &Path, e: rusqlite::Error) -> RecordError {
    RecordError::from_sqlite(db, e)
}
