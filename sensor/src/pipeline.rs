//! The pipeline: capture → decode → observe → detect → record, for one
//! frame at a time.
//!
//! Per frame: decode, table updates, two time comparisons. Facts go to the
//! detection engine and, with device states and alert updates, into a batch
//! for the record; batches leave every [`FLUSH_SECS`] of packet time or when
//! full. Live capture and replay drive this same type.

use gapwatch_rules::{Engine, Fact, Policy, Timestamp};

use crate::capture::Frame;
use crate::decode::{DecodeStats, Decoded, capwap, decode};
use crate::observe::Observer;
use crate::record::{DeviceRow, MinuteTraffic, Record, RecordError};

/// Alerts and ended flows reach the record at least this often (packet
/// time), so a dashboard sees them within a second.
pub const FLUSH_SECS: i64 = 1;
/// Device states (counters, last seen) are written this often. A new
/// device or address is a fact and reaches detection at once; only its
/// running counters wait for this.
pub const DEVICE_FLUSH_SECS: i64 = 300;
/// A batch is sent early once it holds this many records.
pub const BATCH_MAX: usize = 4096;

/// Where batches of records go (the SQLite writer, or a test's vector).
pub trait Sink {
    /// Takes one batch.
    fn write(&mut self, batch: Vec<Record>) -> Result<(), RecordError>;
}

impl Sink for crate::record::Recorder {
    fn write(&mut self, batch: Vec<Record>) -> Result<(), RecordError> {
        self.send(batch)
    }
}

/// Frame and byte totals of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Frames.
    pub packets: u64,
    /// Bytes on the wire.
    pub bytes: u64,
    /// Earliest frame.
    pub first_ts: Option<Timestamp>,
    /// Latest frame.
    pub last_ts: Option<Timestamp>,
}

/// The sensor's state for one run.
pub struct Pipeline {
    observer: Observer,
    engine: Engine,
    detection: bool,
    decode_stats: DecodeStats,
    totals: Totals,
    batch: Vec<Record>,
    /// Frames of the current minute.
    minute: Option<MinuteTraffic>,
    /// Minutes over, waiting to ride along with the next batch: alone they
    /// would cost a transaction each, which in a replay (a day of packet
    /// time in seconds) is most of the writer's time.
    minutes_done: Vec<MinuteTraffic>,
    next_flush: Option<Timestamp>,
    next_device_flush: Option<Timestamp>,
}

impl Pipeline {
    /// A pipeline enforcing `policy`.
    pub fn new(policy: Policy) -> Pipeline {
        Pipeline {
            observer: Observer::new(policy.clone()),
            engine: Engine::new(policy),
            detection: true,
            decode_stats: DecodeStats::default(),
            totals: Totals::default(),
            batch: Vec::new(),
            minute: None,
            minutes_done: Vec::new(),
            next_flush: None,
            next_device_flush: None,
        }
    }

    /// Turns the detectors off (or on again): the benchmark measures what
    /// they cost against the same replay without them.
    pub fn set_detection(&mut self, on: bool) {
        self.detection = on;
    }

    /// Turns fingerprinting off (or on again), for the same measurement.
    pub fn set_fingerprinting(&mut self, on: bool) {
        self.observer.set_fingerprinting(on);
    }

    /// Names SYNs with the labels of a p0f database too.
    pub fn set_p0f(&mut self, db: std::sync::Arc<gapwatch_rules::p0f::P0fDb>) {
        self.observer.set_p0f(db);
    }

    /// The observation tables.
    pub fn observer(&self) -> &Observer {
        &self.observer
    }

    /// Undecodable frames by reason.
    pub fn decode_stats(&self) -> &DecodeStats {
        &self.decode_stats
    }

    /// Alerts (kind and subject) raised or updated in this run.
    pub fn alerts_fired(&self) -> usize {
        self.engine.alerts_fired()
    }

    /// Totals so far.
    pub fn totals(&self) -> Totals {
        self.totals
    }

    /// Takes in one frame.
    pub fn process(&mut self, frame: &Frame<'_>, sink: &mut impl Sink) -> Result<(), RecordError> {
        let wire_len = frame.wire_len();
        let t = &mut self.totals;
        t.packets += 1;
        t.bytes += wire_len;
        t.first_ts = Some(t.first_ts.map_or(frame.ts, |f| f.min(frame.ts)));
        t.last_ts = Some(t.last_ts.map_or(frame.ts, |l| l.max(frame.ts)));
        self.count_minute(frame.ts, wire_len);

        let decoded = decode(frame);
        self.observe(&decoded, frame, wire_len);
        // A wireless client's frame inside an access point's tunnel is
        // observed as the frame it is.
        if let Some((inner, len)) = capwap::inner(&decoded, frame.is_snapped()) {
            self.observe(&inner, frame, len);
        }
        if self.observer.has_facts() {
            self.take_facts();
        }
        let due = self.next_flush.is_none_or(|at| frame.ts >= at);
        if due || self.batch.len() >= BATCH_MAX {
            self.flush(frame.ts, sink)?;
        }
        Ok(())
    }

    /// Observes one decoded frame (of `frame`, or tunnelled in it),
    /// counting why it could not be read whole.
    fn observe(&mut self, decoded: &Decoded<'_>, frame: &Frame<'_>, wire_len: u64) {
        if let Some(reason) = decoded.error {
            self.decode_stats.count(reason);
        }
        if let Some(reason) = self.observer.observe(decoded, frame.ts, wire_len)
            && !(reason.is_payload() && frame.is_snapped())
        {
            self.decode_stats.count(reason);
        }
    }

    /// The capture is over: ends every flow and writes everything.
    pub fn finish(&mut self, sink: &mut impl Sink) -> Result<(), RecordError> {
        self.minutes_done.extend(self.minute.take());
        self.batch.extend(self.minutes_done.drain(..).map(Record::Traffic));
        self.observer.finish();
        self.take_facts();
        self.write_devices();
        self.write_alerts();
        self.send(sink)
    }

    fn count_minute(&mut self, ts: Timestamp, wire_len: u64) {
        match &mut self.minute {
            Some(m) if ts >= m.minute && ts < m.minute.plus_secs(60) => {
                m.packets += 1;
                m.bytes += wire_len;
            }
            current => {
                let next = MinuteTraffic { minute: ts.minute_start(), packets: 1, bytes: wire_len };
                if let Some(done) = current.replace(next) {
                    self.minutes_done.push(done);
                }
            }
        }
    }

    fn take_facts(&mut self) {
        for fact in self.observer.facts() {
            if self.detection {
                self.engine.on_fact(&fact);
            }
            match fact {
                Fact::HourlyVolume(v) => self.batch.push(Record::Volume(v)),
                Fact::Clue(c) => self.batch.push(Record::Clue(c)),
                Fact::NewDevice { .. }
                | Fact::AddressBound { .. }
                | Fact::AddressConflict { .. }
                | Fact::RouterSignal { .. }
                | Fact::NewDeviceRate { .. }
                | Fact::DeviceTableFull { .. }
                | Fact::NewFlow(_)
                | Fact::FlowAnswered { .. }
                | Fact::NameRequested(_)
                | Fact::TunnelPayload { .. }
                | Fact::DhcpLease(_)
                | Fact::ArpAnomaly { .. }
                | Fact::FingerprintChanged { .. }
                | Fact::FlowEnded(_) => {}
            }
        }
    }

    fn flush(&mut self, now: Timestamp, sink: &mut impl Sink) -> Result<(), RecordError> {
        self.next_flush = Some(now.plus_secs(FLUSH_SECS));
        if self.next_device_flush.is_none_or(|at| now >= at) {
            self.next_device_flush = Some(now.plus_secs(DEVICE_FLUSH_SECS));
            self.write_devices();
        }
        self.write_alerts();
        // Finished minutes go with whatever else is sent, and at the
        // latest with the device states (every DEVICE_FLUSH_SECS).
        if !self.batch.is_empty() {
            self.batch.extend(self.minutes_done.drain(..).map(Record::Traffic));
        }
        self.send(sink)
    }

    fn write_devices(&mut self) {
        let dirty = self.observer.devices_mut().take_dirty();
        self.batch.extend(dirty.map(|d| Record::Device(DeviceRow::from(d))));
    }

    fn write_alerts(&mut self) {
        if self.engine.has_updates() {
            self.batch.extend(self.engine.take_updates().into_iter().map(Record::Alert));
        }
    }

    fn send(&mut self, sink: &mut impl Sink) -> Result<(), RecordError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.batch);
        sink.write(batch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::LinkType;

    /// Keeps every batch.
    #[derive(Default)]
    struct Batches(Vec<Vec<Record>>);

    impl Sink for Batches {
        fn write(&mut self, batch: Vec<Record>) -> Result<(), RecordError> {
            self.0.push(batch);
            Ok(())
        }
    }

    /// A broadcast ARP frame from one device: nothing but frames to count.
    fn arp_frame() -> Vec<u8> {
        let mut f = vec![0xff; 6];
        f.extend([0x02, 0, 0, 0, 0, 1, 0x08, 0x06]);
        f.extend([0, 1, 8, 0, 6, 4, 0, 1, 0x02, 0, 0, 0, 0, 1, 10, 0, 0, 1]);
        f.extend([0; 6]);
        f.extend([10, 0, 0, 2]);
        f
    }

    #[test]
    fn minutes_ride_along_instead_of_costing_a_transaction_each() {
        let mut pipeline = Pipeline::new(Policy::inventory());
        let mut sink = Batches::default();
        let data = arp_frame();
        // Thirty minutes of one frame every ten seconds.
        for i in 0..180 {
            let frame = Frame {
                ts: Timestamp::from_secs(1_772_409_600 + i * 10),
                link: LinkType::ETHERNET,
                data: &data,
                orig_len: 60,
            };
            pipeline.process(&frame, &mut sink).unwrap();
        }
        pipeline.finish(&mut sink).unwrap();
        // The device states go every five minutes (and at the end); the
        // thirty minutes of traffic travel with them, not on their own.
        assert!(sink.0.len() <= 8, "{} batches", sink.0.len());
        let traffic: Vec<&MinuteTraffic> = sink
            .0
            .iter()
            .flatten()
            .filter_map(|r| match r {
                Record::Traffic(t) => Some(t),
                _ => None,
            })
            .collect();
        assert_eq!(traffic.len(), 30);
        assert_eq!(traffic.iter().map(|t| t.packets).sum::<u64>(), 180);
        assert!(traffic.iter().all(|t| t.minute.as_nanos() % 60_000_000_000 == 0));
    }
}
