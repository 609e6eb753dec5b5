//! The hot path does not allocate: once every device, address and flow of a
//! traffic mix is known, replaying the same frames again — reading them from
//! a pcap, decoding, updating the tables, running detection — performs no
//! heap allocation at all. Checked with a counting global allocator, so this
//! test is its own binary.

use std::alloc::{GlobalAlloc, Layout, System};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use gapwatch_captures::frames::{self, Ends, TcpHdr};
use gapwatch_captures::writer::{PcapOptions, PcapWriter};
use gapwatch_rules::{MacAddr, Policy, Timestamp};
use gapwatch_sensor::capture::{FileSource, Source};
use gapwatch_sensor::pipeline::{Pipeline, Sink};
use gapwatch_sensor::record::{Record, RecordError};

struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

struct CountingSink(usize);

impl Sink for CountingSink {
    fn write(&mut self, batch: Vec<Record>) -> Result<(), RecordError> {
        self.0 += batch.len();
        Ok(())
    }
}

fn mac(last: u8) -> MacAddr {
    MacAddr([0x00, 0x1b, 0x21, 0x00, 0x01, last])
}

/// A mix of what a LAN carries: DNS queries, TCP data, an HTTP request,
/// ARP, ICMP, IPv6, VLAN tags, an off-LAN destination, and malformed
/// frames; no SYN or FIN, so the second pass learns nothing new.
fn traffic() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for i in 1..=40u8 {
        let ip = |n: u8| IpAddr::V4(Ipv4Addr::new(10, 20, 1, n));
        let to_server = Ends::new(mac(i), ip(i), mac(200), ip(200));
        out.push(frames::dns_query(&to_server, 40000 + u16::from(i), 7, "fs01.dig.local"));
        let hdr = TcpHdr {
            sport: 50000,
            dport: 445,
            seq: 1,
            ack: 1,
            flags: 0x10,
            window: 512,
            options: &[],
        };
        out.push(frames::tcp(&to_server, &hdr, &[0u8; 1400]));
        out.push(frames::tcp(
            &to_server.reverse(),
            &TcpHdr { sport: 445, dport: 50000, ..hdr },
            &[],
        ));
        out.push(frames::arp_request(
            mac(i),
            Ipv4Addr::new(10, 20, 1, i),
            Ipv4Addr::new(10, 20, 1, 200),
        ));
        out.push(frames::icmp_echo(&to_server, true, 7, u16::from(i), b"ping"));
        out.push(frames::vlan_tag(&frames::udp(&to_server, 123, 123, b"ntp"), 20, 0));
        let v6 = Ends::new(
            mac(i),
            IpAddr::V6(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, u16::from(i))),
            mac(200),
            IpAddr::V6(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 200)),
        );
        out.push(frames::udp(&v6, 546, 547, b"dhcpv6"));
        let outside =
            Ends::new(mac(i), ip(i), mac(254), IpAddr::V4(Ipv4Addr::new(114, 114, 114, 114)));
        out.push(frames::dns_query(&outside, 41000 + u16::from(i), 8, "www.example.com"));
        let web = TcpHdr { dport: 80, flags: 0x18, ..hdr };
        out.push(frames::tcp(&to_server, &web, b"GET / HTTP/1.1\r\nHost: fs01.dig.local\r\n\r\n"));
        let mut bad = frames::udp(&to_server, 1, 2, b"x");
        bad[14] = 0x44; // IPv4 header length 16: counted, skipped
        out.push(bad);
    }
    out
}

fn capture(frames: &[Vec<u8>]) -> Vec<u8> {
    let mut w = PcapWriter::new(Vec::new(), PcapOptions::default()).unwrap();
    for (i, f) in frames.iter().enumerate() {
        // All within one second of packet time: no flush or sweep falls due.
        w.write(Timestamp::from_parts(1_772_409_600, i as u32 * 1000), f, f.len() as u32).unwrap();
    }
    w.into_inner()
}

fn replay(pipeline: &mut Pipeline, bytes: &[u8], sink: &mut CountingSink, count: bool) -> u64 {
    let mut source =
        FileSource::from_reader(PathBuf::from("mix.pcap"), std::io::Cursor::new(bytes.to_vec()))
            .unwrap();
    COUNTING.store(count, Ordering::SeqCst);
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    while let Ok(Some(frame)) = source.next_frame() {
        pipeline.process(&frame, sink).unwrap();
    }
    COUNTING.store(false, Ordering::SeqCst);
    ALLOCATIONS.load(Ordering::SeqCst) - before
}

#[test]
fn known_traffic_replays_without_allocating() {
    let bytes = capture(&traffic());
    let policy = Policy::parse("[site]\nlan = [\"10.20.0.0/16\"]\n", "policy.toml").unwrap();
    let mut pipeline = Pipeline::new(policy);
    let mut sink = CountingSink(0);
    let learning = replay(&mut pipeline, &bytes, &mut sink, true);
    assert!(learning > 0, "the first pass learns devices and flows, which allocates ({learning})");
    let devices = pipeline.observer().devices().len();
    let flows = pipeline.observer().flows().len();
    let steady = replay(&mut pipeline, &bytes, &mut sink, true);
    assert_eq!(steady, 0, "allocations while replaying known traffic");
    assert_eq!(pipeline.totals().packets, 2 * traffic().len() as u64);
    assert_eq!(
        (pipeline.observer().devices().len(), pipeline.observer().flows().len()),
        (devices, flows)
    );
    assert!(pipeline.decode_stats().total() == 80, "malformed frames were counted on both passes");
}
