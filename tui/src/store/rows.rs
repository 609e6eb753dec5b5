//! What the queries return: one plain type per pane and row, and the
//! verdict the overview derives from its counts.

use gapwatch_rules::Timestamp;

/// Severity names by rank, as stored (`severity_rank` 0..=4).
pub const SEVERITIES: [&str; 5] = ["info", "low", "medium", "high", "critical"];

/// The isolation verdict at the top of the screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A run is recording and no alert of medium severity or above is open.
    Isolated,
    /// At least one open alert of medium severity or above.
    Breach,
    /// Nothing heard, or nothing recording any more: the sensor cannot
    /// vouch for the LAN.
    Blind,
}

/// The overview pane.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Overview {
    /// Open alerts by severity rank.
    pub open_by_severity: [u64; 5],
    /// Acknowledged alerts.
    pub acknowledged: u64,
    /// Devices ever seen.
    pub devices: u64,
    /// Devices not in the asset register (only with a register).
    pub unregistered: Option<u64>,
    /// Devices heard in the 24 hours up to the last frame.
    pub seen_last_day: u64,
    /// Latest frame heard.
    pub last_frame: Option<Timestamp>,
    /// Whether a run is still recording (a live sensor or a replay).
    pub recording: bool,
    /// Frames per minute, the last 60 minutes up to the last frame, oldest
    /// first.
    pub per_minute: Vec<u64>,
    /// Bytes moved with each export station in the 24 hours up to the
    /// last frame.
    pub exports: Vec<ExportLine>,
    /// Site name.
    pub site: Option<String>,
}

/// One export station's traffic.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportLine {
    /// Its registered name.
    pub name: String,
    /// Its MAC.
    pub mac: String,
    /// Bytes it received.
    pub bytes_in: u64,
    /// Bytes it sent.
    pub bytes_out: u64,
    /// Devices it exchanged data with.
    pub peers: u64,
}

impl Overview {
    /// Open alerts of every severity.
    pub fn open(&self) -> u64 {
        self.open_by_severity.iter().sum()
    }

    /// The verdict. Open alerts of medium severity or above say there is
    /// an anomaly, whatever else holds; otherwise isolation is vouched for
    /// only while a run records — a sensor that stopped listening cannot
    /// say the LAN is isolated now.
    pub fn verdict(&self) -> Verdict {
        if self.open_by_severity[2..].iter().any(|&n| n > 0) {
            Verdict::Breach
        } else if self.last_frame.is_none() || !self.recording {
            Verdict::Blind
        } else {
            Verdict::Isolated
        }
    }
}

/// Which alerts the list shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StateFilter {
    /// Open alerts (the default).
    #[default]
    Open,
    /// Acknowledged alerts.
    Acknowledged,
    /// Both.
    All,
}

/// The alert list's filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlertFilter {
    /// By state.
    pub state: StateFilter,
    /// Lowest severity rank shown.
    pub min_rank: u8,
    /// Only this kind.
    pub kind: Option<String>,
}

/// One row of the alert list.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertLine {
    /// Database id.
    pub id: i64,
    /// Kind id, e.g. `device.unregistered`.
    pub kind: String,
    /// Severity name.
    pub severity: String,
    /// Severity rank.
    pub rank: u8,
    /// Clause cited.
    pub clause: String,
    /// Subject MAC.
    pub mac: Option<String>,
    /// Subject IP.
    pub ip: Option<String>,
    /// Latest occurrence.
    pub last_seen: Timestamp,
    /// First occurrence.
    pub first_seen: Timestamp,
    /// Occurrences.
    pub count: u64,
    /// The message in the reader's language.
    pub message: String,
    /// The subject's registered name, if the register knows it.
    pub name: Option<String>,
    /// `open` or `acknowledged`.
    pub state: String,
}

/// Everything about one alert.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertDetail {
    /// The row.
    pub line: AlertLine,
    /// Evidence, the JSON object as stored.
    pub evidence: String,
    /// Who acknowledged it, when (wall clock), and their note.
    pub ack: Option<(String, i64, String)>,
    /// The device it concerns: registered name and role, vendor.
    pub device: Option<DeviceLine>,
}

/// Device list order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DeviceSort {
    /// Latest seen first.
    #[default]
    LastSeen,
    /// Unregistered first, then by MAC.
    Unregistered,
    /// Most bytes first.
    Bytes,
    /// By MAC.
    Mac,
}

impl DeviceSort {
    /// The next order (the `s` key).
    pub fn next(self) -> DeviceSort {
        match self {
            DeviceSort::LastSeen => DeviceSort::Unregistered,
            DeviceSort::Unregistered => DeviceSort::Bytes,
            DeviceSort::Bytes => DeviceSort::Mac,
            DeviceSort::Mac => DeviceSort::LastSeen,
        }
    }

    pub(super) fn order_by(self) -> &'static str {
        match self {
            DeviceSort::LastSeen => "d.last_seen DESC, d.mac",
            DeviceSort::Unregistered => "(a.mac IS NOT NULL), d.mac",
            DeviceSort::Bytes => "(d.bytes_sent + d.bytes_received) DESC, d.mac",
            DeviceSort::Mac => "d.mac",
        }
    }
}

/// One row of the device list.
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceLine {
    /// MAC.
    pub mac: String,
    /// Vendor from the IEEE registry.
    pub vendor: Option<String>,
    /// Registered name.
    pub name: Option<String>,
    /// Registered role.
    pub role: Option<String>,
    /// Addresses used, comma-separated.
    pub addresses: String,
    /// First seen.
    pub first_seen: Timestamp,
    /// Last seen.
    pub last_seen: Timestamp,
    /// Bytes sent and received.
    pub bytes: u64,
    /// In the asset register.
    pub registered: bool,
    /// Open alerts about it.
    pub open_alerts: u64,
}

/// A device's traffic in one hour, both directions.
#[derive(Clone, Debug, PartialEq)]
pub struct TalkerLine {
    /// Its address.
    pub ip: String,
    /// Its registered name, when the register knows the address's device.
    pub name: Option<String>,
    /// Bytes it sent and received.
    pub bytes: u64,
    /// Whether it is an export station.
    pub export: bool,
}

/// One row of the flow pane: an initiator and a service over one hour.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowLine {
    /// Protocol name.
    pub proto: String,
    /// Initiator address.
    pub orig_ip: String,
    /// Responder address.
    pub resp_ip: String,
    /// Responder port.
    pub resp_port: u16,
    /// Connections begun.
    pub connections: u64,
    /// Bytes both ways.
    pub bytes: u64,
    /// Either side is an export station.
    pub export: bool,
    /// Registered names of both sides, when known.
    pub names: (Option<String>, Option<String>),
}

/// A page of rows and how many there are in all.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The rows from the offset asked for.
    pub rows: Vec<T>,
    /// Rows matching, in all.
    pub total: u64,
}

impl<T> Default for Page<T> {
    fn default() -> Page<T> {
        Page { rows: Vec::new(), total: 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isolation_is_vouched_for_only_while_recording() {
        let heard = Overview {
            last_frame: Some(Timestamp::from_secs(1)),
            recording: true,
            ..Overview::default()
        };
        assert_eq!(heard.verdict(), Verdict::Isolated);
        let ended = Overview { recording: false, ..heard.clone() };
        assert_eq!(ended.verdict(), Verdict::Blind, "a stopped sensor cannot say");
        assert_eq!(Overview::default().verdict(), Verdict::Blind, "nothing heard");
        let mut low = heard.clone();
        low.open_by_severity[1] = 3;
        assert_eq!(low.verdict(), Verdict::Isolated, "low alerts do not flip it");
        let mut medium = ended;
        medium.open_by_severity[2] = 1;
        assert_eq!(medium.verdict(), Verdict::Breach, "an anomaly shows even when stopped");
    }
}
