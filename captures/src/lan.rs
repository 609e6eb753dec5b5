//! The benchmark LAN: a synthetic working day on an air-gapped LAN of any
//! size, streamed as classic pcap at well over a million packets a second.
//!
//! About 200 devices (10.20.0.0/16, MACs from real vendor OUIs) do what such
//! a LAN does: long SMB reads and writes against two file servers, many short
//! TCP conversations (HTTP, SSH, RDP, LDAP, Kerberos, SQL, WinRM, IPP, raw
//! printing), DNS to a LAN server, NTP, syslog and SNMP, ARP, DHCP, mDNS,
//! NetBIOS, ICMP echo, IPv6 link-local neighbour discovery and TCP, and
//! about 0.2 % of frames tagged 802.1Q (VLAN 20 / 30). Nothing leaves the
//! LAN. Frame sizes follow the simple IMIX 7:4:1 of 60, 590 and 1514 bytes on
//! the wire: each new conversation is picked from the size class that is
//! furthest behind its share, counting every frame already committed.
//!
//! Time: the capture covers about 8 hours (08:30–16:30 in Shanghai on
//! 2026-03-02) whatever the packet count, i.e. about N / 28 800 packets a
//! second; 32 conversations are interleaved at any moment, and each ends
//! (FIN, or a last datagram), so flows go idle and the live flow table of a
//! sensor stays bounded.
//!
//! Speed: frames are written field by field into one reused buffer; checksums
//! are real (a mirror port sees what the wire carries) and cheap, because
//! payload filler has precomputed prefix sums.

use std::io::{self, BufWriter, Write};

use gapwatch_rules::{MacAddr, Timestamp};

use crate::frames::Os;
use crate::payload::smb2;
use crate::rng::Rng;
use crate::writer::{PcapOptions, PcapWriter};

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LanOptions {
    /// Number of frames.
    pub packets: u64,
    /// Seed: the same seed gives the same file.
    pub seed: u64,
    /// Devices on the LAN (at least 24).
    pub devices: u32,
}

impl Default for LanOptions {
    /// One million packets, seed 1, 200 devices.
    fn default() -> LanOptions {
        LanOptions { packets: 1_000_000, seed: 1, devices: 200 }
    }
}

/// What was written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LanStats {
    /// Frames written.
    pub packets: u64,
    /// Bytes of those frames on the wire (without pcap headers).
    pub bytes: u64,
}

/// Start of the capture: 2026-03-02T00:30:00Z, 08:30 in Asia/Shanghai.
pub const START_SECS: i64 = 1_772_411_400;
/// Time the capture covers, whatever its size: 8 hours.
pub const SPAN_NANOS: u64 = 8 * 3600 * 1_000_000_000;
/// Conversations interleaved at any moment.
const SLOTS: usize = 32;
/// IMIX shares of the small, medium and large size classes.
const IMIX: [u64; 3] = [7, 4, 1];
/// Largest frame of the small class.
pub const SMALL_MAX: usize = 200;
/// Largest frame of the medium class.
pub const MEDIUM_MAX: usize = 1000;

/// Size class of a frame of `len` bytes: 0 small (IMIX 60), 1 medium (590),
/// 2 large (1514).
pub fn size_class(len: usize) -> usize {
    if len <= SMALL_MAX {
        0
    } else if len <= MEDIUM_MAX {
        1
    } else {
        2
    }
}

/// Vendor OUIs of the LAN's devices and the stack each usually runs.
const OUIS: [([u8; 3], Os); 20] = [
    ([0x00, 0x14, 0x22], Os::Windows),  // Dell
    ([0xf8, 0xbc, 0x12], Os::Windows),  // Dell
    ([0x3c, 0xd9, 0x2b], Os::Windows),  // Hewlett Packard
    ([0x04, 0x0e, 0x3c], Os::Windows),  // HP Inc.
    ([0x10, 0xc5, 0x95], Os::Windows),  // Lenovo
    ([0xa4, 0x11, 0x94], Os::Windows),  // Lenovo
    ([0x3c, 0x97, 0x0e], Os::Windows),  // Wistron (ThinkPad)
    ([0x00, 0x1b, 0x21], Os::Linux),    // Intel
    ([0x00, 0x25, 0x90], Os::Linux),    // Super Micro
    ([0x00, 0x50, 0x56], Os::Linux),    // VMware
    ([0xb8, 0x27, 0xeb], Os::Linux),    // Raspberry Pi
    ([0xf0, 0x18, 0x98], Os::Apple),    // Apple
    ([0x00, 0x80, 0x17], Os::Embedded), // PFU (Fujitsu scanners)
    ([0x00, 0x1e, 0x8f], Os::Embedded), // Canon
    ([0x64, 0xeb, 0x8c], Os::Embedded), // Seiko Epson
    ([0x00, 0x07, 0x5c], Os::Embedded), // Eastman Kodak
    ([0x30, 0x05, 0x5c], Os::Embedded), // Brother
    ([0x00, 0x40, 0x8c], Os::Embedded), // Axis
    ([0x50, 0x98, 0xb8], Os::Embedded), // New H3C
    ([0x30, 0xfb, 0xb8], Os::Embedded), // Huawei
];

/// Servers: 0 and 1 SMB file servers, 2 DNS/DHCP/NTP, 3 syslog/SNMP
/// manager, 4..SERVERS application servers; clients after.
const SERVERS: usize = 20;
const FILE_SERVERS: usize = 2;
const INFRA: usize = 2;
const LOGSRV: usize = 3;

#[derive(Clone, Debug)]
struct Dev {
    mac: [u8; 6],
    ip: [u8; 4],
    ll6: [u8; 16],
    os: Os,
    dns_name: Vec<u8>, // wire-format name "host-017.dig.local"
}

/// Kinds of conversation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Kind {
    #[default]
    SmbRead,
    SmbWrite,
    ShortTcp,
    Syslog,
    Snmp,
    Dhcp,
    Dns,
    Arp,
    GratArp,
    Ntp,
    Icmp,
    Mdns,
    Nd,
    Nbns,
}

/// One conversation in progress.
#[derive(Clone, Copy, Debug, Default)]
struct Flow {
    kind: Kind,
    step: u32,
    a: u32,
    b: u32,
    sport: u16,
    dport: u16,
    seq: [u32; 2],
    msg: u32,
    nmsgs: u32,
    sent: u32,
    seg_in_msg: u32,
    ack_due: bool,
    /// Short TCP: segments of each response, and which are large.
    resp_segs: [u8; 4],
    resp_large: u8,
    /// Datagrams / echo pairs left, transaction id.
    count: u32,
    id: u32,
    vlan: u16,
    v6: bool,
}

/// An SNMPv2c get-response for sysDescr.0 up to its value: a 495-byte
/// OCTET STRING follows, 548 bytes in all (a 590-byte frame).
const SNMP_RESPONSE_HEAD: [u8; 53] = [
    0x30, 0x82, 0x02, 0x20, // message, 544 bytes
    0x02, 0x01, 0x01, // version 2c
    0x04, 0x06, b'p', b'u', b'b', b'l', b'i', b'c', // community
    0xa2, 0x82, 0x02, 0x11, // get-response, 529 bytes
    0x02, 0x04, 0x1b, 0x2c, 0x3d, 0x4e, // request id
    0x02, 0x01, 0x00, 0x02, 0x01, 0x00, // error status, index
    0x30, 0x82, 0x02, 0x01, // varbind list, 513 bytes
    0x30, 0x82, 0x01, 0xfd, // varbind, 509 bytes
    0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, // sysDescr.0
    0x04, 0x82, 0x01, 0xef, // OCTET STRING, 495 bytes
];

const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const PSH: u8 = 0x08;
const ACK: u8 = 0x10;
const ETH_IPV4: u16 = 0x0800;
const ETH_ARP: u16 = 0x0806;
const ETH_IPV6: u16 = 0x86dd;
const BROADCAST: [u8; 6] = [0xff; 6];
const MSS: u32 = 1460;
const MEDIUM_PAYLOAD: u32 = 536; // 590-byte frames over IPv4
const SMB_CHUNK: u32 = 65_536;

/// One's-complement sum of `data` as big-endian 16-bit words (odd tail
/// padded), unfolded.
#[inline]
fn sum16(data: &[u8]) -> u64 {
    let mut acc = 0u64;
    let mut chunks = data.chunks_exact(4);
    for c in &mut chunks {
        acc += u64::from(u32::from_be_bytes([c[0], c[1], c[2], c[3]]));
    }
    let rest = chunks.remainder();
    let mut i = 0;
    while i + 1 < rest.len() {
        acc += u64::from(u16::from_be_bytes([rest[i], rest[i + 1]]));
        i += 2;
    }
    if i < rest.len() {
        acc += u64::from(rest[i]) << 8;
    }
    acc
}

/// Folds a sum and complements it: the Internet checksum.
#[inline]
fn fold(mut acc: u64) -> u16 {
    while acc >> 16 != 0 {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    !(acc as u16)
}

/// The generator: devices, filler, counters, the 32 conversations.
struct Gen {
    rng: Rng,
    devs: Vec<Dev>,
    ipid: Vec<u16>,
    filler: Vec<u8>,
    /// `fill_sum[n]` = `sum16(&filler[..n])` for even `n` (odd handled by sum16).
    fill_sum: Vec<u64>,
    committed: [u64; 3],
    smb_max_ops: u32,
    syslog: Vec<u8>,
}

const SERVER_PORTS: [u16; 12] = [80, 443, 443, 22, 3389, 389, 88, 1433, 5985, 8080, 631, 9100];

impl Gen {
    fn new(opts: &LanOptions) -> Gen {
        let mut rng = Rng::derive(opts.seed, 0x006c_616e);
        let n = opts.devices.max(24) as usize;
        let mut devs = Vec::with_capacity(n);
        let mut used = std::collections::HashSet::new();
        for i in 0..n {
            let (oui, os) = match i {
                0 | 1 => ([0x00, 0x25, 0x90], Os::Windows), // Supermicro file servers
                INFRA => ([0xf8, 0xbc, 0x12], Os::Windows), // Dell PowerEdge
                LOGSRV => ([0x00, 0x50, 0x56], Os::Linux),  // VMware VM
                _ => OUIS[rng.below(OUIS.len() as u64) as usize],
            };
            let mac = loop {
                let nic = rng.next_u32() & 0x00ff_ffff;
                let m = [oui[0], oui[1], oui[2], (nic >> 16) as u8, (nic >> 8) as u8, nic as u8];
                if used.insert(m) {
                    break m;
                }
            };
            let ip = if i < SERVERS {
                [10, 20, 0, 10 + i as u8]
            } else {
                let c = i - SERVERS;
                [10, 20, 1 + (c / 250) as u8, 1 + (c % 250) as u8]
            };
            let ll6 = crate::frames::link_local(MacAddr(mac)).octets();
            let host = match i {
                0 | 1 => format!("fs{:02}", i + 1),
                INFRA => "ns1".to_string(),
                LOGSRV => "log1".to_string(),
                _ if i < SERVERS => format!("app{:02}", i - 3),
                _ => format!("ws-{:03}", i - SERVERS + 1),
            };
            let mut dns_name = Vec::new();
            crate::payload::dns::put_name(&mut dns_name, &format!("{host}.dig.local"));
            devs.push(Dev { mac, ip, ll6, os, dns_name });
        }
        let filler: Vec<u8> = (0..4096).map(|_| rng.next_u64() as u8).collect();
        let mut fill_sum = vec![0u64; filler.len() + 1];
        for k in (2..=filler.len()).step_by(2) {
            fill_sum[k] =
                fill_sum[k - 2] + u64::from(u16::from_be_bytes([filler[k - 2], filler[k - 1]]));
        }
        let ipid = (0..n).map(|_| rng.next_u16()).collect();
        let mut syslog = b"<134>1 2026-03-02T08:30:00+08:00 ws app 4242 - - batch ".to_vec();
        while syslog.len() < 548 {
            syslog.extend_from_slice(b"page scanned and stored; ");
        }
        syslog.truncate(548);
        Gen {
            rng,
            devs,
            ipid,
            filler,
            fill_sum,
            committed: [0; 3],
            smb_max_ops: (opts.packets / 4000).clamp(4, 200) as u32,
            syslog,
        }
    }

    fn n_devs(&self) -> u32 {
        self.devs.len() as u32
    }

    fn client(&mut self) -> u32 {
        SERVERS as u32 + self.rng.below(u64::from(self.n_devs()) - SERVERS as u64) as u32
    }

    fn any_dev(&mut self) -> u32 {
        self.rng.below(u64::from(self.n_devs())) as u32
    }

    /// The size class furthest behind its IMIX share (ties: large first).
    fn lagging_class(&self) -> usize {
        let total: u64 = self.committed.iter().sum();
        let mut best = 2;
        let mut best_d = i128::MIN;
        for c in [2usize, 1, 0] {
            let d = i128::from(IMIX[c]) * i128::from(total) - 12 * i128::from(self.committed[c]);
            if d > best_d {
                best_d = d;
                best = c;
            }
        }
        best
    }

    /// A new conversation, chosen to keep the IMIX.
    fn spawn(&mut self) -> Flow {
        let mut f = Flow::default();
        let class = self.lagging_class();
        f.kind = match class {
            2 => {
                if self.rng.chance(7, 10) {
                    Kind::SmbRead
                } else {
                    Kind::SmbWrite
                }
            }
            1 => [Kind::ShortTcp, Kind::Syslog, Kind::Snmp, Kind::Dhcp]
                [self.rng.weighted(&[70, 12, 10, 8])],
            _ => [
                Kind::Dns,
                Kind::Arp,
                Kind::GratArp,
                Kind::Ntp,
                Kind::Icmp,
                Kind::Mdns,
                Kind::Nd,
                Kind::Nbns,
            ][self.rng.weighted(&[35, 18, 3, 10, 10, 10, 8, 6])],
        };
        f.seq = [self.rng.next_u32(), self.rng.next_u32()];
        f.id = self.rng.next_u32();
        f.sport = self.rng.ephemeral_port();
        match f.kind {
            Kind::SmbRead | Kind::SmbWrite => {
                f.a = self.client();
                f.b = self.rng.below(FILE_SERVERS as u64) as u32;
                f.dport = smb2::PORT;
                let ops = self
                    .rng
                    .range(u64::from(self.smb_max_ops / 4).max(1), u64::from(self.smb_max_ops))
                    as u32;
                f.nmsgs = 2 * ops;
            }
            Kind::ShortTcp => {
                f.a = self.client();
                f.b = (FILE_SERVERS
                    + 1
                    + self.rng.below((SERVERS - FILE_SERVERS - 1) as u64) as usize)
                    as u32;
                f.dport = *self.rng.pick(&SERVER_PORTS);
                f.v6 = self.rng.chance(1, 20);
                let n = self.rng.range(1, 4) as u32;
                f.nmsgs = 2 * n;
                for i in 0..n as usize {
                    f.resp_segs[i] = self.rng.range(1, 3) as u8;
                    if self.rng.chance(1, 10) {
                        f.resp_large |= 1 << i;
                    }
                }
            }
            Kind::Syslog => {
                f.a = self.any_dev();
                f.b = LOGSRV as u32;
                f.count = self.rng.range(1, 5) as u32;
            }
            Kind::Snmp => {
                f.a = LOGSRV as u32;
                f.b = self.any_dev();
            }
            Kind::Dhcp => {
                f.a = self.client();
                f.b = INFRA as u32;
            }
            Kind::Dns | Kind::Ntp => {
                f.a = self.any_dev();
                f.b = INFRA as u32;
                f.count = self.rng.below(u64::from(self.n_devs())) as u32; // name asked for
            }
            Kind::Icmp => {
                f.a = self.any_dev();
                f.b = self.rng.below(SERVERS as u64) as u32;
                f.count = self.rng.range(1, 4) as u32;
            }
            Kind::Arp | Kind::Nd => {
                f.a = self.any_dev();
                f.b = self.any_dev();
            }
            Kind::GratArp | Kind::Mdns | Kind::Nbns => {
                f.a = self.any_dev();
                f.v6 = f.kind == Kind::Mdns && self.rng.chance(1, 2);
            }
        }
        if f.a == f.b && !matches!(f.kind, Kind::GratArp | Kind::Mdns | Kind::Nbns) {
            if matches!(f.kind, Kind::Dns | Kind::Ntp | Kind::Syslog) {
                f.a = SERVERS as u32; // the server does not ask itself
            } else {
                f.b = if f.a == 0 { 1 } else { f.a - 1 };
            }
        }
        if !matches!(f.kind, Kind::SmbRead | Kind::SmbWrite) && self.rng.chance(1, 400) {
            f.vlan = if f.a % 2 == 0 { 20 } else { 30 };
        }
        let comp = self.composition(&f);
        for (c, n) in self.committed.iter_mut().zip(comp) {
            *c += n;
        }
        f
    }

    /// Message `i` of a TCP conversation: (from server?, length, segment
    /// size, whether it starts with an SMB2 header).
    fn tcp_msg(&self, f: &Flow, i: u32) -> (usize, u32, u32, bool) {
        let server = (i % 2) as usize;
        let v6_less = if f.v6 { 20 } else { 0 };
        match f.kind {
            Kind::SmbRead => {
                if server == 0 {
                    (0, smb2::HEADER_LEN as u32 + 49, MSS, true)
                } else {
                    (1, smb2::HEADER_LEN as u32 + 16 + SMB_CHUNK, MSS, true)
                }
            }
            Kind::SmbWrite => {
                if server == 0 {
                    (0, smb2::HEADER_LEN as u32 + 48 + SMB_CHUNK, MSS, true)
                } else {
                    (1, smb2::HEADER_LEN as u32 + 16, MSS, true)
                }
            }
            _ => {
                let k = (i / 2) as usize;
                if server == 0 {
                    (0, MEDIUM_PAYLOAD - v6_less, MEDIUM_PAYLOAD - v6_less, false)
                } else {
                    let seg = if f.resp_large & (1 << k) != 0 {
                        MSS - v6_less
                    } else {
                        MEDIUM_PAYLOAD - v6_less
                    };
                    (1, seg * u32::from(f.resp_segs[k]), seg, false)
                }
            }
        }
    }

    /// How many frames of each size class `f` will produce.
    fn composition(&self, f: &Flow) -> [u64; 3] {
        let l2 = if f.vlan != 0 { 18 } else { 14 };
        let mut c = [0u64; 3];
        match f.kind {
            Kind::SmbRead | Kind::SmbWrite | Kind::ShortTcp => {
                let l3 = if f.v6 { 40 } else { 20 };
                c[0] += 6; // handshake and teardown
                for i in 0..f.nmsgs {
                    let (_, len, seg, _) = self.tcp_msg(f, i);
                    let full = len / seg;
                    let rest = len % seg;
                    c[size_class(l2 + l3 + 20 + seg as usize)] += u64::from(full);
                    if rest > 0 {
                        c[size_class(l2 + l3 + 20 + rest as usize)] += 1;
                    }
                    c[0] += u64::from((full + u32::from(rest > 0)) / 2); // ACK every second segment
                }
            }
            Kind::Syslog => c[1] += u64::from(f.count),
            Kind::Snmp => {
                c[0] += 1;
                c[1] += 1;
            }
            Kind::Dhcp => c[1] += 4,
            Kind::Icmp => c[0] += 2 * u64::from(f.count),
            Kind::Dns | Kind::Ntp | Kind::Arp | Kind::Nd => c[0] += 2,
            Kind::GratArp | Kind::Mdns | Kind::Nbns => c[0] += 1,
        }
        c
    }

    // ---- frame writing -------------------------------------------------

    fn eth(&self, buf: &mut Vec<u8>, dst: &[u8; 6], src: &[u8; 6], vlan: u16, ethertype: u16) {
        buf.clear();
        buf.extend_from_slice(dst);
        buf.extend_from_slice(src);
        if vlan != 0 {
            buf.extend_from_slice(&[0x81, 0x00]);
            buf.extend_from_slice(&vlan.to_be_bytes());
        }
        buf.extend_from_slice(&ethertype.to_be_bytes());
    }

    /// IPv4 header for `payload_len` bytes of `proto` from device `from`.
    #[allow(clippy::too_many_arguments)]
    fn ipv4(
        &mut self,
        buf: &mut Vec<u8>,
        from: u32,
        src: [u8; 4],
        dst: [u8; 4],
        proto: u8,
        payload_len: usize,
        df: bool,
    ) {
        let id = &mut self.ipid[from as usize];
        *id = id.wrapping_add(1);
        let total = (20 + payload_len) as u16;
        // mDNS goes out with TTL 255 (RFC 6762), everything else with the stack's.
        let ttl = if dst == [224, 0, 0, 251] { 255 } else { self.devs[from as usize].os.ttl() };
        let mut h = [0u8; 20];
        h[0] = 0x45;
        h[2..4].copy_from_slice(&total.to_be_bytes());
        h[4..6].copy_from_slice(&id.to_be_bytes());
        if df {
            h[6] = 0x40;
        }
        h[8] = ttl;
        h[9] = proto;
        h[12..16].copy_from_slice(&src);
        h[16..20].copy_from_slice(&dst);
        let c = fold(sum16(&h));
        h[10..12].copy_from_slice(&c.to_be_bytes());
        buf.extend_from_slice(&h);
    }

    fn ipv6(
        buf: &mut Vec<u8>,
        src: &[u8; 16],
        dst: &[u8; 16],
        next: u8,
        payload_len: usize,
        hop: u8,
    ) {
        buf.extend_from_slice(&[0x60, 0, 0, 0]);
        buf.extend_from_slice(&(payload_len as u16).to_be_bytes());
        buf.push(next);
        buf.push(hop);
        buf.extend_from_slice(src);
        buf.extend_from_slice(dst);
    }

    /// Pseudo-header sum for a transport checksum.
    fn pseudo(src: &[u8], dst: &[u8], proto: u8, len: usize) -> u64 {
        sum16(src) + sum16(dst) + u64::from(proto) + len as u64
    }

    /// Appends `head` and filler up to `total` payload bytes; returns their
    /// unfolded checksum sum (O(1) for the filler).
    fn payload(&self, buf: &mut Vec<u8>, head: &[u8], total: usize) -> u64 {
        let h = head.len().min(total);
        let start = buf.len();
        buf.extend_from_slice(&head[..h]);
        let k = total - h;
        buf.extend_from_slice(&self.filler[..k]);
        if h.is_multiple_of(2) && k.is_multiple_of(2) {
            sum16(&head[..h]) + self.fill_sum[k]
        } else {
            sum16(&buf[start..])
        }
    }

    fn pad(buf: &mut Vec<u8>) {
        if buf.len() < 60 {
            buf.resize(60, 0);
        }
    }

    /// One TCP segment of `f` from side `from` (0 client, 1 server).
    fn tcp_seg(
        &mut self,
        buf: &mut Vec<u8>,
        f: &Flow,
        from: usize,
        flags: u8,
        head: &[u8],
        len: usize,
    ) {
        let (me, peer) = if from == 0 { (f.a, f.b) } else { (f.b, f.a) };
        let (sport, dport) = if from == 0 { (f.sport, f.dport) } else { (f.dport, f.sport) };
        let os = self.devs[me as usize].os;
        let opts: &[u8] = if flags & SYN != 0 { os.syn_options() } else { &[] };
        let tcp_len = 20 + opts.len() + len;
        let (mac_s, mac_d) = (self.devs[me as usize].mac, self.devs[peer as usize].mac);
        let pseudo = if f.v6 {
            self.eth(buf, &mac_d, &mac_s, f.vlan, ETH_IPV6);
            let (s, d) = (self.devs[me as usize].ll6, self.devs[peer as usize].ll6);
            Gen::ipv6(buf, &s, &d, 6, tcp_len, 64);
            Gen::pseudo(&s, &d, 6, tcp_len)
        } else {
            self.eth(buf, &mac_d, &mac_s, f.vlan, ETH_IPV4);
            let (s, d) = (self.devs[me as usize].ip, self.devs[peer as usize].ip);
            self.ipv4(buf, me, s, d, 6, tcp_len, true);
            Gen::pseudo(&s, &d, 6, tcp_len)
        };
        let hstart = buf.len();
        let window = if flags & SYN != 0 { os.syn_window() } else { os.window() };
        let ack = if flags & ACK != 0 { f.seq[1 - from] } else { 0 };
        buf.extend_from_slice(&sport.to_be_bytes());
        buf.extend_from_slice(&dport.to_be_bytes());
        buf.extend_from_slice(&f.seq[from].to_be_bytes());
        buf.extend_from_slice(&ack.to_be_bytes());
        buf.push((((20 + opts.len()) / 4) as u8) << 4);
        buf.push(flags);
        buf.extend_from_slice(&window.to_be_bytes());
        buf.extend_from_slice(&[0, 0, 0, 0]);
        buf.extend_from_slice(opts);
        let hsum = sum16(&buf[hstart..]);
        let psum = self.payload(buf, head, len);
        let c = fold(pseudo + hsum + psum);
        buf[hstart + 16..hstart + 18].copy_from_slice(&c.to_be_bytes());
        Gen::pad(buf);
    }

    /// One UDP datagram from device `from` (its IPv4 address, or `src`
    /// when given) to `dst_mac`/`dst`.
    #[allow(clippy::too_many_arguments)]
    fn udp4(
        &mut self,
        buf: &mut Vec<u8>,
        f: &Flow,
        from: u32,
        src: [u8; 4],
        dst_mac: &[u8; 6],
        dst: [u8; 4],
        ports: (u16, u16),
        head: &[u8],
        len: usize,
    ) {
        let mac_s = self.devs[from as usize].mac;
        self.eth(buf, dst_mac, &mac_s, f.vlan, ETH_IPV4);
        let udp_len = 8 + len;
        self.ipv4(buf, from, src, dst, 17, udp_len, false);
        let hstart = buf.len();
        buf.extend_from_slice(&ports.0.to_be_bytes());
        buf.extend_from_slice(&ports.1.to_be_bytes());
        buf.extend_from_slice(&(udp_len as u16).to_be_bytes());
        buf.extend_from_slice(&[0, 0]);
        let s = Gen::pseudo(&src, &dst, 17, udp_len)
            + sum16(&buf[hstart..])
            + self.payload(buf, head, len);
        let mut c = fold(s);
        if c == 0 {
            c = 0xffff;
        }
        buf[hstart + 6..hstart + 8].copy_from_slice(&c.to_be_bytes());
        Gen::pad(buf);
    }

    /// An IPv6 datagram (`next` 17 UDP or 58 ICMPv6) whose transport header
    /// and payload are `body` with the checksum at `csum_at`.
    #[allow(clippy::too_many_arguments)]
    fn ip6_body(
        &mut self,
        buf: &mut Vec<u8>,
        f: &Flow,
        from: u32,
        dst_mac: &[u8; 6],
        dst: &[u8; 16],
        next: u8,
        hop: u8,
        body: &[u8],
        csum_at: usize,
    ) {
        let d = &self.devs[from as usize];
        let (mac_s, src) = (d.mac, d.ll6);
        self.eth(buf, dst_mac, &mac_s, f.vlan, ETH_IPV6);
        Gen::ipv6(buf, &src, dst, next, body.len(), hop);
        let start = buf.len();
        buf.extend_from_slice(body);
        let c = fold(Gen::pseudo(&src, dst, next, body.len()) + sum16(body));
        buf[start + csum_at..start + csum_at + 2].copy_from_slice(&c.to_be_bytes());
        Gen::pad(buf);
    }

    fn arp(
        &mut self,
        buf: &mut Vec<u8>,
        f: &Flow,
        op: u16,
        from: u32,
        to_mac: &[u8; 6],
        target: ([u8; 6], [u8; 4]),
    ) {
        let d = &self.devs[from as usize];
        let (mac, ip) = (d.mac, d.ip);
        self.eth(buf, to_mac, &mac, f.vlan, ETH_ARP);
        buf.extend_from_slice(&[0, 1, 0x08, 0x00, 6, 4]);
        buf.extend_from_slice(&op.to_be_bytes());
        buf.extend_from_slice(&mac);
        buf.extend_from_slice(&ip);
        buf.extend_from_slice(&target.0);
        buf.extend_from_slice(&target.1);
        Gen::pad(buf);
    }

    /// Writes the next frame of `f` into `buf`; returns false when `f` is
    /// finished (and writes nothing).
    fn next(&mut self, f: &mut Flow, buf: &mut Vec<u8>) -> bool {
        match f.kind {
            Kind::SmbRead | Kind::SmbWrite | Kind::ShortTcp => self.next_tcp(f, buf),
            _ => self.next_other(f, buf),
        }
    }

    fn next_tcp(&mut self, f: &mut Flow, buf: &mut Vec<u8>) -> bool {
        match f.step {
            0 => {
                self.tcp_seg(buf, f, 0, SYN, &[], 0);
                f.seq[0] = f.seq[0].wrapping_add(1);
                f.step = 1;
            }
            1 => {
                self.tcp_seg(buf, f, 1, SYN | ACK, &[], 0);
                f.seq[1] = f.seq[1].wrapping_add(1);
                f.step = 2;
            }
            2 => {
                self.tcp_seg(buf, f, 0, ACK, &[], 0);
                f.step = 3;
            }
            3 => {
                if f.msg >= f.nmsgs && !f.ack_due {
                    f.step = 4;
                    return self.next_tcp(f, buf);
                }
                let (from, len, seg, smb) =
                    self.tcp_msg(f, if f.ack_due { f.msg - u32::from(f.sent == 0) } else { f.msg });
                if f.ack_due {
                    // the receiver of the message acknowledges two segments
                    self.tcp_seg(buf, f, 1 - from, ACK, &[], 0);
                    f.ack_due = false;
                    return true;
                }
                let n = (len - f.sent).min(seg);
                let hdr;
                let head: &[u8] = if smb && f.sent == 0 {
                    let (cmd, data) = match (f.kind, from) {
                        (Kind::SmbRead, 0) => (smb2::READ, 0),
                        (Kind::SmbRead, _) => (smb2::READ, SMB_CHUNK),
                        (_, 0) => (smb2::WRITE, SMB_CHUNK),
                        _ => (smb2::WRITE, 0),
                    };
                    let mut h = smb2::header(
                        len - 4,
                        cmd,
                        from == 1,
                        u64::from(f.msg / 2),
                        u64::from(f.id),
                        1,
                    )
                    .to_vec();
                    h.extend_from_slice(&smb2::body(cmd, from == 1, data));
                    hdr = h;
                    &hdr
                } else {
                    &[]
                };
                let last = f.sent + n == len;
                self.tcp_seg(buf, f, from, if last { ACK | PSH } else { ACK }, head, n as usize);
                f.seq[from] = f.seq[from].wrapping_add(n);
                f.sent += n;
                f.seg_in_msg += 1;
                if f.seg_in_msg.is_multiple_of(2) {
                    f.ack_due = true;
                }
                if last {
                    f.msg += 1;
                    f.sent = 0;
                    f.seg_in_msg = 0;
                }
            }
            4 => {
                self.tcp_seg(buf, f, 0, FIN | ACK, &[], 0);
                f.seq[0] = f.seq[0].wrapping_add(1);
                f.step = 5;
            }
            5 => {
                self.tcp_seg(buf, f, 1, FIN | ACK, &[], 0);
                f.seq[1] = f.seq[1].wrapping_add(1);
                f.step = 6;
            }
            6 => {
                self.tcp_seg(buf, f, 0, ACK, &[], 0);
                f.step = 7;
            }
            _ => return false,
        }
        true
    }

    fn next_other(&mut self, f: &mut Flow, buf: &mut Vec<u8>) -> bool {
        let step = f.step;
        f.step += 1;
        let (a, b) = (f.a as usize, f.b as usize);
        match (f.kind, step) {
            (Kind::Dns, 0 | 1) => {
                let asked = f.count as usize % self.devs.len();
                let mut msg = [0u8; 128];
                let id = (f.id as u16).to_be_bytes();
                let name = &self.devs[asked].dns_name;
                msg[0..2].copy_from_slice(&id);
                msg[2..4].copy_from_slice(if step == 0 { &[0x01, 0x00] } else { &[0x85, 0x80] });
                msg[5] = 1;
                msg[7] = step as u8; // one answer in the response
                let mut n = 12;
                msg[n..n + name.len()].copy_from_slice(name);
                n += name.len();
                msg[n..n + 4].copy_from_slice(&[0, 1, 0, 1]);
                n += 4;
                if step == 1 {
                    msg[n..n + 12]
                        .copy_from_slice(&[0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4]);
                    n += 12;
                    msg[n..n + 4].copy_from_slice(&self.devs[asked].ip);
                    n += 4;
                }
                let msg = &msg[..n];
                if step == 0 {
                    let (s, d, m) = (self.devs[a].ip, self.devs[b].ip, self.devs[b].mac);
                    self.udp4(buf, f, f.a, s, &m, d, (f.sport, 53), msg, n);
                } else {
                    let (s, d, m) = (self.devs[b].ip, self.devs[a].ip, self.devs[a].mac);
                    self.udp4(buf, f, f.b, s, &m, d, (53, f.sport), msg, n);
                }
            }
            (Kind::Ntp, 0 | 1) => {
                let mut msg = [0u8; 48];
                msg[0] = if step == 0 { 0x23 } else { 0x24 };
                let (from, to) = if step == 0 { (a, b) } else { (b, a) };
                let (s, d, m) = (self.devs[from].ip, self.devs[to].ip, self.devs[to].mac);
                self.udp4(buf, f, from as u32, s, &m, d, (123, 123), &msg, 48);
            }
            (Kind::Syslog, k) if k < f.count => {
                let (s, d, m) = (self.devs[a].ip, self.devs[b].ip, self.devs[b].mac);
                let msg = std::mem::take(&mut self.syslog);
                self.udp4(buf, f, f.a, s, &m, d, (f.sport, 514), &msg, msg.len());
                self.syslog = msg;
            }
            (Kind::Snmp, 0) => {
                let get = b"\x30\x26\x02\x01\x01\x04\x06public\xa0\x19\x02\x04\x1b\x2c\x3d\x4e\x02\x01\x00\x02\x01\x00\x30\x0b\x30\x09\x06\x05\x2b\x06\x01\x02\x01\x05\x00";
                let (s, d, m) = (self.devs[a].ip, self.devs[b].ip, self.devs[b].mac);
                self.udp4(buf, f, f.a, s, &m, d, (f.sport, 161), get, get.len());
            }
            (Kind::Snmp, 1) => {
                let (s, d, m) = (self.devs[b].ip, self.devs[a].ip, self.devs[a].mac);
                self.udp4(buf, f, f.b, s, &m, d, (161, f.sport), &SNMP_RESPONSE_HEAD, 548);
            }
            (Kind::Dhcp, 0..=3) => {
                let client = step.is_multiple_of(2);
                let mut m = [0u8; 548];
                m[0] = if client { 1 } else { 2 };
                m[1] = 1;
                m[2] = 6;
                m[4..8].copy_from_slice(&f.id.to_be_bytes());
                if !client {
                    m[16..20].copy_from_slice(&self.devs[a].ip);
                }
                m[28..34].copy_from_slice(&self.devs[a].mac);
                m[236..240].copy_from_slice(&crate::payload::dhcp::MAGIC_COOKIE);
                let kind = [1u8, 2, 3, 5][step as usize];
                m[240..243].copy_from_slice(&[53, 1, kind]);
                m[243..249].copy_from_slice(&[54, 4, 10, 20, 0, 10 + INFRA as u8]);
                m[249] = 255;
                if client {
                    self.udp4(buf, f, f.a, [0; 4], &BROADCAST, [255; 4], (68, 67), &m, 548);
                } else {
                    let (s, d, mac) = (self.devs[b].ip, self.devs[a].ip, self.devs[a].mac);
                    self.udp4(buf, f, f.b, s, &mac, d, (67, 68), &m, 548);
                }
            }
            (Kind::Arp, 0) => {
                let target = ([0; 6], self.devs[b].ip);
                self.arp(buf, f, 1, f.a, &BROADCAST, target);
            }
            (Kind::Arp, 1) => {
                let (m, ip) = (self.devs[a].mac, self.devs[a].ip);
                self.arp(buf, f, 2, f.b, &m, (m, ip));
            }
            (Kind::GratArp, 0) => {
                let ip = self.devs[a].ip;
                self.arp(buf, f, 1, f.a, &BROADCAST, ([0; 6], ip));
            }
            (Kind::Icmp, k) if k < 2 * f.count => {
                let request = k % 2 == 0;
                let (from, to) = if request { (a, b) } else { (b, a) };
                let (s, d, mac_s, mac_d) =
                    (self.devs[from].ip, self.devs[to].ip, self.devs[from].mac, self.devs[to].mac);
                self.eth(buf, &mac_d, &mac_s, f.vlan, ETH_IPV4);
                self.ipv4(buf, from as u32, s, d, 1, 64, false);
                let start = buf.len();
                buf.extend_from_slice(&[if request { 8 } else { 0 }, 0, 0, 0]);
                buf.extend_from_slice(&(f.id as u16).to_be_bytes());
                buf.extend_from_slice(&((k / 2) as u16 + 1).to_be_bytes());
                let ps = self.payload(buf, &[], 56);
                let c = fold(sum16(&buf[start..start + 8]) + ps);
                buf[start + 2..start + 4].copy_from_slice(&c.to_be_bytes());
            }
            (Kind::Nd, 0 | 1) => {
                let (from, to) = if step == 0 { (a, b) } else { (b, a) };
                let target = self.devs[if step == 0 { b } else { a }].ll6;
                let target_owner = if step == 0 { b } else { a };
                let mut body = [0u8; 32];
                body[0] = if step == 0 { 135 } else { 136 };
                if step == 1 {
                    body[4] = 0x60; // solicited, override
                }
                body[8..24].copy_from_slice(&if step == 0 {
                    target
                } else {
                    self.devs[target_owner].ll6
                });
                body[24] = if step == 0 { 1 } else { 2 };
                body[25] = 1;
                body[26..32]
                    .copy_from_slice(&self.devs[if step == 0 { from } else { target_owner }].mac);
                let (dst, dst_mac) = if step == 0 {
                    let mut g = [0u8; 16];
                    g[0] = 0xff;
                    g[1] = 0x02;
                    g[11] = 1;
                    g[12] = 0xff;
                    g[13..16].copy_from_slice(&target[13..16]);
                    (g, [0x33, 0x33, 0xff, target[13], target[14], target[15]])
                } else {
                    (self.devs[to].ll6, self.devs[to].mac)
                };
                self.ip6_body(buf, f, from as u32, &dst_mac, &dst, 58, 255, &body, 2);
            }
            (Kind::Mdns, 0) => {
                let d = &self.devs[a];
                let mut msg = Vec::with_capacity(96);
                msg.extend_from_slice(&[0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
                let name = &d.dns_name;
                // "<host>" label of the DNS name, then "local"
                let first = name[0] as usize;
                msg.extend_from_slice(&name[..=first]);
                msg.extend_from_slice(b"\x05local\x00");
                if f.v6 {
                    msg.extend_from_slice(&[0, 28, 0x80, 1, 0, 0, 0, 120, 0, 16]);
                    msg.extend_from_slice(&d.ll6);
                    let mut body = vec![0x14, 0xe9, 0x14, 0xe9, 0, 0, 0, 0];
                    let l = (8 + msg.len()) as u16;
                    body[4..6].copy_from_slice(&l.to_be_bytes());
                    body.extend_from_slice(&msg);
                    let group = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfb];
                    self.ip6_body(
                        buf,
                        f,
                        f.a,
                        &[0x33, 0x33, 0, 0, 0, 0xfb],
                        &group,
                        17,
                        255,
                        &body,
                        6,
                    );
                } else {
                    msg.extend_from_slice(&[0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4]);
                    msg.extend_from_slice(&d.ip);
                    let s = d.ip;
                    self.udp4(
                        buf,
                        f,
                        f.a,
                        s,
                        &[0x01, 0x00, 0x5e, 0, 0, 0xfb],
                        [224, 0, 0, 251],
                        (5353, 5353),
                        &msg,
                        msg.len(),
                    );
                }
            }
            (Kind::Nbns, 0) => {
                let d = &self.devs[a];
                let label = &d.dns_name[1..=d.dns_name[0] as usize];
                let mut raw = [b' '; 16];
                for (r, c) in raw.iter_mut().zip(label.iter().take(15)) {
                    *r = c.to_ascii_uppercase();
                }
                raw[15] = 0;
                let mut msg = Vec::with_capacity(68);
                msg.extend_from_slice(&(f.id as u16).to_be_bytes());
                msg.extend_from_slice(&[0x29, 0x10, 0, 1, 0, 0, 0, 0, 0, 1, 32]);
                for c in raw {
                    msg.push(b'A' + (c >> 4));
                    msg.push(b'A' + (c & 0x0f));
                }
                msg.extend_from_slice(&[
                    0, 0, 0x20, 0, 1, 0xc0, 0x0c, 0, 0x20, 0, 1, 0, 4, 0x93, 0xe0, 0, 6, 0, 0,
                ]);
                msg.extend_from_slice(&d.ip);
                let s = d.ip;
                self.udp4(
                    buf,
                    f,
                    f.a,
                    s,
                    &BROADCAST,
                    [10, 20, 255, 255],
                    (137, 137),
                    &msg,
                    msg.len(),
                );
            }
            _ => return false,
        }
        true
    }
}

/// Streams `opts.packets` frames of the benchmark LAN to `out` as a classic
/// pcap (microseconds, little-endian, Ethernet, snaplen 65535, whole frames).
pub fn write_lan<W: Write>(out: W, opts: &LanOptions) -> io::Result<LanStats> {
    let mut g = Gen::new(opts);
    let mut w = PcapWriter::new(BufWriter::with_capacity(1 << 20, out), PcapOptions::default())?;
    let mut slots = [Flow::default(); SLOTS];
    for s in slots.iter_mut() {
        *s = g.spawn();
    }
    let mut buf = Vec::with_capacity(2048);
    let mut clock = Rng::derive(opts.seed, 0x0063_6c6f_636b);
    let mean = (SPAN_NANOS / opts.packets.max(1)).max(1);
    let start = START_SECS as u64 * 1_000_000_000;
    let mut t = 0u64;
    let mut stats = LanStats::default();
    while stats.packets < opts.packets {
        let k = g.rng.below(SLOTS as u64) as usize;
        let mut f = slots[k];
        while !g.next(&mut f, &mut buf) {
            f = g.spawn();
        }
        slots[k] = f;
        // Gaps: 3/4 short (0..mean), 1/4 long (mean..4·mean): mean `mean`.
        let r = clock.next_u64();
        t += if r & 3 != 0 { (r >> 2) % mean } else { mean + (r >> 2) % (3 * mean) };
        w.write(Timestamp::from_nanos((start + t) as i64), &buf, buf.len() as u32)?;
        stats.packets += 1;
        stats.bytes += buf.len() as u64;
    }
    w.flush()?;
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use etherparse::SlicedPacket;

    fn lan_bytes(packets: u64, seed: u64) -> Vec<u8> {
        let mut out = Vec::new();
        let stats = write_lan(&mut out, &LanOptions { packets, seed, devices: 200 }).unwrap();
        assert_eq!(stats.packets, packets);
        out
    }

    /// Records of a classic LE pcap: (ts µs, frame).
    fn records(b: &[u8]) -> Vec<(u64, &[u8])> {
        let mut o = 24;
        let mut v = Vec::new();
        while o < b.len() {
            let rd = |x: usize| u32::from_le_bytes(b[x..x + 4].try_into().unwrap());
            let ts = u64::from(rd(o)) * 1_000_000 + u64::from(rd(o + 4));
            let cap = rd(o + 8) as usize;
            assert_eq!(cap, rd(o + 12) as usize, "whole frames");
            v.push((ts, &b[o + 16..o + 16 + cap]));
            o += 16 + cap;
        }
        v
    }

    #[test]
    fn deterministic_per_seed() {
        let a = lan_bytes(20_000, 7);
        let b = lan_bytes(20_000, 7);
        let c = lan_bytes(20_000, 8);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn imix_and_time_span() {
        let b = lan_bytes(20_000, 1);
        let recs = records(&b);
        assert_eq!(recs.len(), 20_000);
        let mut class = [0u64; 3];
        let mut exact = 0;
        let mut vlan = 0;
        for (_, f) in &recs {
            class[size_class(f.len())] += 1;
            if [60, 590, 1514].contains(&f.len()) {
                exact += 1;
            }
            if f[12..14] == [0x81, 0x00] {
                vlan += 1;
            }
        }
        let n = recs.len() as f64;
        for (c, want) in [(0, 7.0 / 12.0), (1, 4.0 / 12.0), (2, 1.0 / 12.0)] {
            let got = class[c] as f64 / n;
            assert!((got - want).abs() < 0.03, "class {c}: {got:.3} vs {want:.3} ({class:?})");
        }
        assert!(exact as f64 / n > 0.7, "most frames are exactly 60/590/1514: {exact}");
        assert!(vlan > 0 && (vlan as f64) / n < 0.01, "a few VLAN-tagged frames: {vlan}");
        let (first, last) = (recs[0].0, recs[recs.len() - 1].0);
        let hours = (last - first) as f64 / 3.6e9;
        assert!((7.5..8.5).contains(&hours), "spans a working day: {hours:.2} h");
        assert!(recs.windows(2).all(|w| w[0].0 <= w[1].0), "time never goes back");
    }

    #[test]
    fn frames_parse_and_checksums_hold() {
        let b = lan_bytes(5_000, 3);
        for (i, (_, f)) in records(&b).iter().enumerate() {
            let p = SlicedPacket::from_ethernet(f).unwrap_or_else(|e| panic!("frame {i}: {e:?}"));
            if let Some(etherparse::NetSlice::Ipv4(ip)) = &p.net {
                let h = ip.header().slice();
                assert_eq!(fold(sum16(h)), 0, "frame {i}: IPv4 header checksum");
                let dst = ip.header().destination();
                assert!(
                    dst[0] == 10 || dst[0] >= 224 || dst == [255; 4],
                    "frame {i} leaves the LAN: {dst:?}"
                );
            }
            match &p.transport {
                Some(etherparse::TransportSlice::Tcp(t)) => {
                    let ok = match &p.net {
                        Some(etherparse::NetSlice::Ipv4(ip)) => {
                            t.calc_checksum_ipv4(ip.header().source(), ip.header().destination())
                        }
                        Some(etherparse::NetSlice::Ipv6(ip)) => {
                            t.calc_checksum_ipv6(ip.header().source(), ip.header().destination())
                        }
                        _ => unreachable!(),
                    };
                    assert_eq!(ok.unwrap(), t.checksum(), "frame {i}: TCP checksum");
                }
                Some(etherparse::TransportSlice::Udp(u)) => {
                    if let Some(etherparse::NetSlice::Ipv4(ip)) = &p.net {
                        let want = u
                            .to_header()
                            .calc_checksum_ipv4(&ip.header().to_header(), u.payload())
                            .unwrap();
                        assert_eq!(want, u.checksum(), "frame {i}: UDP checksum");
                    }
                }
                _ => {}
            }
        }
    }

    #[test]
    fn composition_matches_frames() {
        let opts = LanOptions { packets: 20_000, seed: 5, devices: 60 };
        let mut g = Gen::new(&opts);
        let mut buf = Vec::new();
        for _ in 0..3000 {
            let mut f = g.spawn();
            let want = g.composition(&f);
            let mut got = [0u64; 3];
            while g.next(&mut f, &mut buf) {
                got[size_class(buf.len())] += 1;
            }
            assert_eq!(got, want, "{:?}", f.kind);
        }
    }
}
