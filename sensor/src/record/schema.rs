//! The database schema and its migrations.
//!
//! The schema version lives in SQLite's `user_version`. Each migration moves
//! the schema one version up, inside one transaction; a database from a newer
//! gapwatch is refused rather than misread.

/// Migrations in order: `MIGRATIONS[i]` takes version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[V1, V2, V3];

/// The version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Version 1: the foundation tables.
const V1: &str = r#"
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    mode        TEXT NOT NULL,              -- 'policy' | 'inventory'
    policy      TEXT,                       -- the policy file, if any
    first_ts    INTEGER,                    -- packet time, ns since epoch
    last_ts     INTEGER,
    packets     INTEGER NOT NULL DEFAULT 0,
    bytes       INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL               -- 'running' | 'complete' | 'errors'
);
CREATE TABLE captures (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES runs(id),
    path        TEXT NOT NULL,
    fingerprint TEXT NOT NULL UNIQUE,       -- sha256 of size, head and tail
    head        TEXT NOT NULL,              -- sha256 of the first 64 KiB
    size        INTEGER NOT NULL,
    packets     INTEGER NOT NULL,
    bytes       INTEGER NOT NULL,
    first_ts    INTEGER,
    last_ts     INTEGER,
    error       TEXT                        -- why reading stopped early
);
CREATE INDEX captures_by_head ON captures(head);
CREATE TABLE decode_errors (
    run_id      INTEGER NOT NULL REFERENCES runs(id),
    reason      TEXT NOT NULL,
    count       INTEGER NOT NULL,
    PRIMARY KEY (run_id, reason)
);
CREATE TABLE assets (
    mac         TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    ip          TEXT,
    location    TEXT,
    owner       TEXT
);
CREATE TABLE devices (
    mac               TEXT PRIMARY KEY,
    vendor            TEXT,
    first_seen        INTEGER NOT NULL,
    last_seen         INTEGER NOT NULL,
    packets_sent      INTEGER NOT NULL,
    bytes_sent        INTEGER NOT NULL,
    packets_received  INTEGER NOT NULL,
    bytes_received    INTEGER NOT NULL
);
CREATE TABLE addresses (
    mac         TEXT NOT NULL,
    ip          TEXT NOT NULL,
    source      TEXT NOT NULL,              -- 'arp' | 'ip'
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    PRIMARY KEY (mac, ip)
);
CREATE INDEX addresses_by_ip ON addresses(ip);
-- Traffic per hour between an initiator (any source port) and a service:
-- the record of every flow, summed, so a day of short connections costs
-- rows per talker and service, not per connection. Append-only: a run adds
-- its hours; two runs over the same hour add two rows, summed on reading
-- (a unique index would make every insert a text-key search).
CREATE TABLE flows (
    id              INTEGER PRIMARY KEY,
    proto           INTEGER NOT NULL,
    orig_mac        TEXT NOT NULL,          -- '' when the link has none
    orig_ip         TEXT NOT NULL,
    resp_mac        TEXT NOT NULL,
    resp_ip         TEXT NOT NULL,
    resp_port       INTEGER NOT NULL,       -- 0 for protocols without ports
    hour            INTEGER NOT NULL,       -- start of the UTC hour, ns
    connections     INTEGER NOT NULL,       -- flows that began in the hour
    first_seen      INTEGER NOT NULL,
    last_seen       INTEGER NOT NULL,
    orig_packets    INTEGER NOT NULL,
    orig_bytes      INTEGER NOT NULL,
    resp_packets    INTEGER NOT NULL,
    resp_bytes      INTEGER NOT NULL,
    tcp_flags       INTEGER NOT NULL
);
CREATE INDEX flows_by_hour ON flows(hour);
-- Per-pair hourly volume, each direction on its own row.
CREATE VIEW pair_volume AS
SELECT src_ip, dst_ip, hour, sum(packets) AS packets, sum(bytes) AS bytes FROM (
    SELECT orig_ip AS src_ip, resp_ip AS dst_ip, hour, orig_packets AS packets, orig_bytes AS bytes
    FROM flows WHERE orig_packets > 0
    UNION ALL
    SELECT resp_ip, orig_ip, hour, resp_packets, resp_bytes FROM flows WHERE resp_packets > 0
) GROUP BY src_ip, dst_ip, hour;
CREATE TABLE alerts (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    severity      TEXT NOT NULL,
    severity_rank INTEGER NOT NULL,         -- 0 info .. 4 critical, for sorting
    clause        TEXT NOT NULL,
    subject_mac   TEXT,
    subject_ip    TEXT,
    subject_key   TEXT NOT NULL,            -- 'mac|ip', '' for a missing part
    first_seen    INTEGER NOT NULL,
    last_seen     INTEGER NOT NULL,
    count         INTEGER NOT NULL,
    message_zh    TEXT NOT NULL,
    message_en    TEXT NOT NULL,
    evidence      TEXT NOT NULL,            -- JSON object
    state         TEXT NOT NULL DEFAULT 'open'
);
CREATE UNIQUE INDEX alerts_open_by_subject ON alerts(kind, subject_key) WHERE state = 'open';
CREATE INDEX alerts_by_rank ON alerts(severity_rank DESC, last_seen DESC);
"#;

/// Version 2: what the dashboard needs — acknowledgements, the action log,
/// and traffic per minute.
const V2: &str = r#"
ALTER TABLE alerts ADD COLUMN acked_at INTEGER;     -- wall clock, ns
ALTER TABLE alerts ADD COLUMN acked_by TEXT;
ALTER TABLE alerts ADD COLUMN ack_note TEXT;
CREATE INDEX alerts_by_state ON alerts(state, severity_rank DESC, last_seen DESC);
CREATE INDEX alerts_by_subject_mac ON alerts(subject_mac);
-- What people did, append-only and hash-chained: each row's hash covers the
-- previous row's hash and its own fields, so a changed, inserted or removed
-- row breaks the chain (三员分离: the role is part of every row).
CREATE TABLE actions (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,           -- wall clock, ns: when the person acted
    actor       TEXT NOT NULL,
    role        TEXT NOT NULL,              -- 'officer' | 'administrator' | 'auditor'
    action      TEXT NOT NULL,              -- e.g. 'alert.acknowledge'
    target      TEXT NOT NULL,              -- e.g. 'alert:17'
    note        TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,              -- '' for the first row
    hash        TEXT NOT NULL
);
-- Frames per minute of packet time: the dashboard's rate and its proof that
-- the sensor still hears the LAN.
CREATE TABLE traffic (
    minute      INTEGER PRIMARY KEY,        -- start of the minute, ns
    packets     INTEGER NOT NULL,
    bytes       INTEGER NOT NULL
);
-- Traffic with each export station (policy role 'export') per hour and
-- peer, kept as volumes are written, so the export ledger (clause 5.9)
-- never scans the flows.
CREATE TABLE export_ledger (
    hour        INTEGER NOT NULL,           -- start of the UTC hour, ns
    station     TEXT NOT NULL,              -- the export station's MAC
    peer        TEXT NOT NULL,              -- the other side's MAC ('' if none)
    bytes_in    INTEGER NOT NULL,           -- received by the station
    bytes_out   INTEGER NOT NULL,           -- sent by the station
    connections INTEGER NOT NULL,
    PRIMARY KEY (hour, station, peer)
);
-- The site a run watched, so times are shown in its zone.
ALTER TABLE runs ADD COLUMN site TEXT;
ALTER TABLE runs ADD COLUMN timezone TEXT;            -- IANA name
"#;

/// Version 3: what devices say about themselves, each clue once per device,
/// kind and value, with when it was first and last reported.
const V3: &str = r#"
CREATE TABLE clues (
    mac         TEXT NOT NULL,
    kind        TEXT NOT NULL,              -- e.g. 'dhcp.hostname', 'dhcp.prl'
    value       TEXT NOT NULL,
    first_seen  INTEGER NOT NULL,           -- packet time, ns
    last_seen   INTEGER NOT NULL,
    PRIMARY KEY (mac, kind, value)
) WITHOUT ROWID;
"#;
