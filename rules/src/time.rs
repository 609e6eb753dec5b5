//! Packet time.
//!
//! Every timestamp in gapwatch comes from a capture record (or, for a live
//! source, a tick the source emits): nothing below the binary reads the wall
//! clock, so a replay yields exactly the alerts a live capture would have.

use std::fmt;

/// A point in packet time: nanoseconds since the Unix epoch, UTC.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

/// Nanoseconds in one second.
pub const NANOS_PER_SEC: i64 = 1_000_000_000;

impl Timestamp {
    /// The earliest representable time (used as "never").
    pub const MIN: Timestamp = Timestamp(i64::MIN);

    /// From nanoseconds since the epoch.
    pub const fn from_nanos(nanos: i64) -> Timestamp {
        Timestamp(nanos)
    }

    /// From whole seconds since the epoch.
    pub const fn from_secs(secs: i64) -> Timestamp {
        Timestamp(secs.saturating_mul(NANOS_PER_SEC))
    }

    /// From seconds and a sub-second fraction in nanoseconds.
    pub const fn from_parts(secs: i64, nanos: u32) -> Timestamp {
        Timestamp(secs.saturating_mul(NANOS_PER_SEC).saturating_add(nanos as i64))
    }

    /// Nanoseconds since the epoch.
    pub const fn as_nanos(self) -> i64 {
        self.0
    }

    /// Whole seconds since the epoch (rounded down).
    pub const fn as_secs(self) -> i64 {
        self.0.div_euclid(NANOS_PER_SEC)
    }

    /// This time plus `secs` seconds.
    pub const fn plus_secs(self, secs: i64) -> Timestamp {
        Timestamp(self.0.saturating_add(secs.saturating_mul(NANOS_PER_SEC)))
    }

    /// The start of the UTC hour this time falls in.
    pub const fn hour_start(self) -> Timestamp {
        const HOUR: i64 = 3600 * NANOS_PER_SEC;
        Timestamp(self.0 - self.0.rem_euclid(HOUR))
    }

    /// The start of the minute this time falls in.
    pub const fn minute_start(self) -> Timestamp {
        const MINUTE: i64 = 60 * NANOS_PER_SEC;
        Timestamp(self.0 - self.0.rem_euclid(MINUTE))
    }

    /// Seconds elapsed from `earlier` to `self` (negative if `earlier` is later).
    pub const fn secs_since(self, earlier: Timestamp) -> i64 {
        self.0.saturating_sub(earlier.0).div_euclid(NANOS_PER_SEC)
    }

    /// RFC 3339 in UTC with microseconds, e.g. `2026-03-02T00:30:00.000000Z`:
    /// the form of every timestamp in gapwatch's JSON, CSV and tables.
    pub fn rfc3339(self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.as_secs();
        let micros = self.0.rem_euclid(NANOS_PER_SEC) / 1000;
        match jiff::Timestamp::from_second(secs) {
            Ok(t) => write!(f, "{}.{micros:06}Z", t.strftime("%Y-%m-%dT%H:%M:%S")),
            // Outside jiff's range (years beyond ±9999): show the raw count
            // rather than fail; only a corrupt capture can produce this.
            Err(_) => write!(f, "@{}ns", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_rfc3339_utc_with_micros() {
        let t = Timestamp::from_parts(1_772_411_400, 123_456_789);
        assert_eq!(t.rfc3339(), "2026-03-02T00:30:00.123456Z");
        assert_eq!(Timestamp::from_secs(0).rfc3339(), "1970-01-01T00:00:00.000000Z");
    }

    #[test]
    fn minute_start_rounds_down() {
        let t = Timestamp::from_parts(125, 7);
        assert_eq!(t.minute_start(), Timestamp::from_secs(120));
        assert_eq!(Timestamp::from_parts(-1, 0).minute_start(), Timestamp::from_secs(-60));
    }

    #[test]
    fn hour_start_rounds_down() {
        let t = Timestamp::from_parts(1_772_411_400, 5);
        assert_eq!(t.hour_start(), Timestamp::from_secs(1_772_409_600));
        assert_eq!(t.secs_since(t.hour_start()), 1800);
    }

    #[test]
    fn out_of_range_does_not_panic() {
        assert!(
            Timestamp::from_nanos(i64::MAX).to_string().starts_with(|c: char| c.is_ascii_digit())
        );
        assert!(!Timestamp::MIN.to_string().is_empty());
    }
}
