//! Capture sources over files written by the project's own writers, and
//! over deliberately broken ones.

use std::io::Write;
use std::path::{Path, PathBuf};

use gapwatch_captures::writer::{PcapNgWriter, PcapOptions, PcapWriter};
use gapwatch_rules::Timestamp;

use super::*;

fn ts(secs: i64, nanos: u32) -> Timestamp {
    Timestamp::from_parts(secs, nanos)
}

/// Three frames with distinct sizes and sub-microsecond times.
fn sample() -> Vec<(Timestamp, Vec<u8>)> {
    vec![
        (ts(1_772_409_600, 123_456_789), vec![0xaa; 60]),
        (ts(1_772_409_601, 1), vec![0xbb; 590]),
        (ts(1_772_409_602, 999_999_999), vec![0xcc; 1514]),
    ]
}

fn legacy(opts: PcapOptions, frames: &[(Timestamp, Vec<u8>)]) -> Vec<u8> {
    let mut w = PcapWriter::new(Vec::new(), opts).unwrap();
    for (t, data) in frames {
        w.write(*t, data, data.len() as u32).unwrap();
    }
    w.into_inner()
}

fn source(bytes: Vec<u8>) -> Result<FileSource, CaptureError> {
    FileSource::from_reader(PathBuf::from("test.pcap"), std::io::Cursor::new(bytes))
}

/// A frame read back: time, link, bytes, wire length.
type Read = (Timestamp, LinkType, Vec<u8>, u32);

fn read_all(src: &mut impl Source) -> (Vec<Read>, Option<CaptureError>) {
    let mut out = Vec::new();
    loop {
        match src.next_frame() {
            Ok(Some(f)) => out.push((f.ts, f.link, f.data.to_vec(), f.orig_len)),
            Ok(None) => return (out, None),
            Err(e) => return (out, Some(e)),
        }
    }
}

#[test]
fn legacy_pcap_in_every_resolution_and_byte_order() {
    for nanos in [false, true] {
        for big_endian in [false, true] {
            let opts = PcapOptions { nanos, big_endian, ..PcapOptions::default() };
            let (frames, err) = read_all(&mut source(legacy(opts, &sample())).unwrap());
            assert!(err.is_none(), "{opts:?}: {err:?}");
            assert_eq!(frames.len(), 3, "{opts:?}");
            for ((t, link, data, orig), (want_t, want)) in frames.iter().zip(sample()) {
                let want_t = if nanos {
                    want_t
                } else {
                    Timestamp::from_nanos(want_t.as_nanos() / 1000 * 1000)
                };
                assert_eq!(
                    (*t, *link, data, *orig),
                    (want_t, LinkType::ETHERNET, &want, want.len() as u32)
                );
            }
        }
    }
}

#[test]
fn pcapng_with_several_interfaces_keeps_each_link_and_resolution() {
    let mut w = PcapNgWriter::new(Vec::new()).unwrap();
    let eth = w.add_interface(1, 65535, false).unwrap();
    let raw = w.add_interface(101, 65535, true).unwrap();
    let s = sample();
    w.write(eth, s[0].0, &s[0].1, 60).unwrap();
    w.write(raw, s[1].0, &s[1].1, 590).unwrap();
    w.write(eth, s[2].0, &s[2].1[..100], 1514).unwrap();
    let (frames, err) = read_all(&mut source(w.into_inner()).unwrap());
    assert!(err.is_none(), "{err:?}");
    assert_eq!(frames.len(), 3);
    assert_eq!(frames[0].0, ts(1_772_409_600, 123_456_000), "microsecond interface");
    assert_eq!(frames[1].0, s[1].0, "nanosecond interface");
    assert_eq!(
        (frames[0].1, frames[1].1, frames[2].1),
        (LinkType::ETHERNET, LinkType::RAW, LinkType::ETHERNET)
    );
    assert_eq!(frames[1].2, s[1].1, "EPB padding is not part of the packet");
    assert_eq!(
        (frames[2].2.len(), frames[2].3),
        (100, 1514),
        "snap-cut record keeps its wire length"
    );
}

#[test]
fn not_a_capture_is_refused() {
    let err = source(b"hello, this is a text file and certainly no capture at all".to_vec())
        .err()
        .unwrap();
    assert!(matches!(err.kind, CaptureErrorKind::NotACapture), "{err}");
    assert!(err.to_string().contains("test.pcap"));
    let err = source(Vec::new()).err().unwrap();
    assert!(matches!(err.kind, CaptureErrorKind::Empty), "{err}");
    let err = source(vec![0xd4, 0xc3]).err().unwrap();
    assert!(matches!(err.kind, CaptureErrorKind::NotACapture), "{err}");
}

#[test]
fn truncated_file_yields_every_whole_record_then_the_offset() {
    let bytes = legacy(PcapOptions::default(), &sample());
    // Header 24 + (16 + 60) + (16 + 590) = 706: the third record starts there.
    let cut = bytes[..706 + 16 + 100].to_vec();
    let mut src = source(cut).unwrap();
    let (frames, err) = read_all(&mut src);
    assert_eq!(frames.len(), 2);
    let err = err.expect("a truncated file is an error");
    assert!(matches!(err.kind, CaptureErrorKind::Truncated), "{err}");
    assert_eq!(err.offset, Some(706));
    assert!(err.to_string().contains("byte offset 706"), "{err}");
    assert!(matches!(src.next_frame(), Ok(None)), "a failed source stays finished");
}

#[test]
fn unsupported_link_type_is_named() {
    let opts = PcapOptions { linktype: 9, ..PcapOptions::default() };
    let err = source(legacy(opts, &sample())).err().unwrap();
    assert!(matches!(err.kind, CaptureErrorKind::UnsupportedLinkType(LinkType(9))), "{err}");
    assert!(err.to_string().contains("9 (PPP)"), "{err}");
    let mut w = PcapNgWriter::new(Vec::new()).unwrap();
    w.add_interface(147, 65535, false).unwrap();
    let err = source(w.into_inner()).err().unwrap();
    assert!(err.to_string().contains("147 (USER)"), "{err}");
}

#[test]
fn fcs_bits_of_the_link_field_are_ignored() {
    let opts = PcapOptions { linktype: 0x4000_0001, ..PcapOptions::default() };
    let (frames, err) = read_all(&mut source(legacy(opts, &sample())).unwrap());
    assert!(err.is_none());
    assert!(frames.iter().all(|f| f.1 == LinkType::ETHERNET));
}

#[test]
fn zero_length_and_256_kib_records() {
    let big = vec![0x5a; 256 * 1024];
    let frames = vec![(ts(1, 0), Vec::new()), (ts(2, 0), big.clone()), (ts(3, 0), vec![1; 60])];
    let opts = PcapOptions { snaplen: 262_144, ..PcapOptions::default() };
    let (got, err) = read_all(&mut source(legacy(opts, &frames)).unwrap());
    assert!(err.is_none(), "{err:?}");
    assert_eq!(got.len(), 3);
    assert!(got[0].2.is_empty());
    assert_eq!(got[1].2, big);
}

#[test]
fn absurd_record_length_is_corruption_not_a_panic() {
    let mut bytes = legacy(PcapOptions::default(), &sample());
    // caplen of the second record: 24 + 16 + 60 + 8.
    bytes[108..112].copy_from_slice(&0xfff0_0000u32.to_le_bytes());
    let (frames, err) = read_all(&mut source(bytes).unwrap());
    assert_eq!(frames.len(), 1);
    let err = err.unwrap();
    assert!(matches!(err.kind, CaptureErrorKind::RecordTooLarge(_)), "{err}");
    assert_eq!(err.offset, Some(100));
}

#[test]
fn every_prefix_of_a_file_reads_without_panic() {
    let mut w = PcapNgWriter::new(Vec::new()).unwrap();
    let i = w.add_interface(1, 65535, true).unwrap();
    let small: Vec<(Timestamp, Vec<u8>)> =
        sample().into_iter().map(|(t, d)| (t, d[..60].to_vec())).collect();
    for (t, d) in &small {
        w.write(i, *t, d, d.len() as u32).unwrap();
    }
    for bytes in [w.into_inner(), legacy(PcapOptions::default(), &small)] {
        for n in 0..bytes.len() {
            if let Ok(mut src) = source(bytes[..n].to_vec()) {
                let (frames, _) = read_all(&mut src);
                assert!(frames.len() <= 3);
            }
        }
    }
}

fn write_file(dir: &Path, name: &str, frames: &[(Timestamp, Vec<u8>)]) -> PathBuf {
    let path = dir.join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(&legacy(PcapOptions::default(), frames))
        .unwrap();
    path
}

#[test]
fn merged_files_come_out_in_packet_time_order() {
    let dir = tempfile::tempdir().unwrap();
    let a = write_file(dir.path(), "a.pcap", &[(ts(1, 0), vec![1; 60]), (ts(4, 0), vec![4; 60])]);
    let b = write_file(dir.path(), "b.pcap", &[(ts(2, 0), vec![2; 60]), (ts(3, 0), vec![3; 60])]);
    let files = vec![FileSource::open(&a).unwrap(), FileSource::open(&b).unwrap()];
    let mut merged = MergedSource::new(files);
    let mut order = Vec::new();
    while let Ok(Some(f)) = merged.next_frame() {
        order.push((f.data[0], merged.last_file()));
    }
    assert_eq!(order, vec![(1, 0), (2, 1), (3, 1), (4, 0)]);
    assert_eq!(merged.tallies()[0].packets, 2);
    assert_eq!(merged.tallies()[1].first_ts, Some(ts(2, 0)));
}

#[test]
fn a_failing_file_stops_alone() {
    let dir = tempfile::tempdir().unwrap();
    let good =
        write_file(dir.path(), "good.pcap", &[(ts(1, 0), vec![1; 60]), (ts(5, 0), vec![5; 60])]);
    let bad = dir.path().join("bad.pcap");
    let bytes = legacy(PcapOptions::default(), &[(ts(2, 0), vec![2; 60]), (ts(3, 0), vec![3; 60])]);
    std::fs::write(&bad, &bytes[..bytes.len() - 10]).unwrap();
    let files = vec![FileSource::open(&good).unwrap(), FileSource::open(&bad).unwrap()];
    let mut merged = MergedSource::new(files);
    let mut seen = Vec::new();
    while let Ok(Some(f)) = merged.next_frame() {
        seen.push(f.data[0]);
    }
    assert_eq!(seen, vec![1, 2, 5]);
    let errors = merged.take_errors();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].0, 1);
    assert!(matches!(errors[0].1.kind, CaptureErrorKind::Truncated));
}

#[test]
fn opening_a_directory_or_missing_file_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let err = FileSource::open(dir.path()).err().unwrap();
    assert!(err.to_string().contains(&dir.path().display().to_string()), "{err}");
    let err = FileSource::open(dir.path().join("nope.pcap")).err().unwrap();
    assert!(matches!(err.kind, CaptureErrorKind::Io(_)) && err.to_string().contains("nope.pcap"));
}
