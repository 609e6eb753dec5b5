//! MAC address vendor lookup from a bundled snapshot of the IEEE registry.
//!
//! Stage: observe. When the sensor sees a new device it records the
//! organization its MAC address was assigned to, so an operator can tell a
//! scanner's Ethernet port from a contractor's laptop at a glance. Nothing is
//! fetched at run time: the sensor is meant for air-gapped LANs, so the
//! registry is compiled into the binary.
//!
//! # The registry
//!
//! The IEEE Registration Authority hands out blocks of universally
//! administered MAC addresses. Four public registries cover them:
//!
//! * **MA-L** (MAC Address Block Large, formerly "OUI"): a 24-bit prefix,
//!   2^24 addresses.
//! * **MA-M** (Medium): a 28-bit prefix, 2^20 addresses.
//! * **MA-S** (Small, formerly "OUI-36"): a 36-bit prefix, 4096 addresses.
//! * **IAB** (Individual Address Block): also a 36-bit prefix; a closed
//!   registry (no new assignments since 2014) whose blocks are still in use.
//!
//! MA-M, MA-S and IAB blocks are carved out of MA-L blocks registered to
//! "IEEE Registration Authority", so a lookup takes the longest matching
//! prefix: 36 bits, then 28, then 24. An address in such a block whose
//! sub-block is not (yet) in the snapshot is reported as "IEEE Registration
//! Authority", which is what the registry says about it.
//!
//! The name is the assignee as registered, not necessarily the brand on the
//! device (NIC chip makers, contract manufacturers, since-acquired
//! companies). Some assignees are listed as "Private". A handful of early
//! MA-L prefixes are listed more than once; the first row of the sorted
//! snapshot (alphabetical by name) wins. Locally administered addresses
//! (randomized Wi-Fi addresses, virtual machines, containers) and group
//! addresses have no vendor; this includes a few pre-standard MA-L rows that
//! fall in that space (e.g. `02:60:8C`, 3COM).
//!
//! # The snapshot and how to refresh it
//!
//! `sensor/data/oui.tsv` holds one line per registry row,
//! `<hex prefix>\t<organization name>`, where the prefix has 6 hex digits
//! (MA-L), 7 (MA-M) or 9 (MA-S, IAB), after `#` comment lines naming the
//! source, the snapshot date and the row counts. It is generated, never
//! edited by hand:
//!
//! ```text
//! scripts/refresh-oui            # download from standards-oui.ieee.org,
//!                                # else use Debian's /usr/share/ieee-data
//! scripts/refresh-oui DIR        # oui.csv, mam.csv, oui36.csv [, iab.csv] in DIR
//! scripts/refresh-oui --offline  # /usr/share/ieee-data (package ieee-data)
//! ```
//!
//! then rebuild. On an air-gapped site, download the CSVs from
//! <https://standards-oui.ieee.org/> on a connected machine and carry them
//! over as DIR. The file is parsed once, on the first lookup, into sorted
//! arrays of integer prefixes whose names borrow from the embedded text.
//! Malformed lines are skipped.

use std::sync::OnceLock;

use gapwatch_rules::MacAddr;

/// The bundled snapshot (see the module documentation).
static DATA: &str = include_str!("../data/oui.tsv");

/// Vendor of a MAC address from the bundled IEEE registry: the longest registered prefix wins (MA-S 36 bits, then MA-M 28 bits, then MA-L 24 bits). None for unregistered prefixes and for locally administered or multicast addresses (their prefix is not an assignment).
///
/// The first call parses the embedded registry (a few milliseconds); later
/// calls are binary searches.
pub fn vendor(mac: MacAddr) -> Option<&'static str> {
    if mac.is_multicast() || mac.is_locally_administered() {
        return None;
    }
    registry().lookup(mac.0)
}

/// Number of registry entries loaded (for `gapwatch stats` and tests).
///
/// Counts distinct prefixes: a prefix the registry lists more than once
/// counts once.
pub fn registry_len() -> usize {
    registry().len()
}

fn registry() -> &'static Registry<'static> {
    static REGISTRY: OnceLock<Registry<'static>> = OnceLock::new();
    REGISTRY.get_or_init(|| Registry::parse(DATA))
}

/// One well-formed line of the snapshot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Entry<'a> {
    /// MA-L: 24-bit prefix.
    Large(u32, &'a str),
    /// MA-M: 28-bit prefix.
    Medium(u32, &'a str),
    /// MA-S or IAB: 36-bit prefix.
    Small(u64, &'a str),
}

impl<'a> Entry<'a> {
    /// `<hex prefix>\t<name>`; None for comments, blank and malformed lines.
    fn parse(line: &'a str) -> Option<Self> {
        if line.starts_with('#') {
            return None;
        }
        let (prefix, name) = line.split_once('\t')?;
        // `from_str_radix` alone would also take a leading `+`.
        if !prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let name = name.trim();
        match prefix.len() {
            6 => Some(Entry::Large(u32::from_str_radix(prefix, 16).ok()?, name)),
            7 => Some(Entry::Medium(u32::from_str_radix(prefix, 16).ok()?, name)),
            9 => Some(Entry::Small(u64::from_str_radix(prefix, 16).ok()?, name)),
            _ => None,
        }
    }
}

/// Prefixes of one length, sorted, with their names.
struct Table<'a, K> {
    keys: Box<[K]>,
    names: Box<[&'a str]>,
}

impl<'a, K: Ord + Copy> Table<'a, K> {
    fn new(mut rows: Vec<(K, &'a str)>) -> Self {
        // Stable, and linear on the (already sorted) snapshot; of repeated
        // prefixes the first row is kept.
        rows.sort_by_key(|&(key, _)| key);
        rows.dedup_by_key(|&mut (key, _)| key);
        let (keys, names): (Vec<K>, Vec<&'a str>) = rows.into_iter().unzip();
        Table { keys: keys.into_boxed_slice(), names: names.into_boxed_slice() }
    }

    fn get(&self, key: K) -> Option<&'a str> {
        self.keys.binary_search(&key).ok().map(|i| self.names[i])
    }

    fn len(&self) -> usize {
        self.keys.len()
    }
}

/// The parsed registry, one table per prefix length.
struct Registry<'a> {
    large: Table<'a, u32>,
    medium: Table<'a, u32>,
    small: Table<'a, u64>,
}

impl<'a> Registry<'a> {
    fn parse(text: &'a str) -> Self {
        let (mut large, mut medium, mut small) = (Vec::new(), Vec::new(), Vec::new());
        for entry in text.lines().filter_map(Entry::parse) {
            match entry {
                Entry::Large(key, name) => large.push((key, name)),
                Entry::Medium(key, name) => medium.push((key, name)),
                Entry::Small(key, name) => small.push((key, name)),
            }
        }
        Registry { large: Table::new(large), medium: Table::new(medium), small: Table::new(small) }
    }

    /// Longest-prefix match on the raw octets (no I/G or U/L filtering).
    fn lookup(&self, o: [u8; 6]) -> Option<&'a str> {
        let p24 = u32::from(o[0]) << 16 | u32::from(o[1]) << 8 | u32::from(o[2]);
        let p28 = p24 << 4 | u32::from(o[3] >> 4);
        let p36 = u64::from(p24) << 12 | u64::from(o[3]) << 4 | u64::from(o[4] >> 4);
        self.small.get(p36).or_else(|| self.medium.get(p28)).or_else(|| self.large.get(p24))
    }

    fn len(&self) -> usize {
        self.large.len() + self.medium.len() + self.small.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mac(s: &str) -> MacAddr {
        s.parse().expect("test MAC address")
    }

    fn known(s: &str) -> &'static str {
        vendor(mac(s)).unwrap_or_else(|| panic!("{s}: no vendor in the bundled registry"))
    }

    #[test]
    fn ma_l_known_vendors() {
        assert_eq!(known("00:1b:21:12:34:56"), "Intel Corporate");
        assert_eq!(known("b8:27:eb:00:00:01"), "Raspberry Pi Foundation");
        assert_eq!(known("00:50:56:c0:00:08"), "VMware, Inc.");
    }

    #[test]
    fn ma_m_overrides_ieee_ma_l_block() {
        // 84:8B:CD is an MA-L block of the IEEE RA, split into MA-M blocks.
        let parent = Registry::parse(DATA).large.get(0x848BCD);
        assert_eq!(parent, Some("IEEE Registration Authority"));
        assert_eq!(known("84:8b:cd:50:00:01"), "exodraft a/s");
        assert_eq!(known("84:8b:cd:5f:ff:ff"), "exodraft a/s");
        assert_eq!(known("84:8b:cd:20:00:01"), "CCX Technologies Inc.");
        // 84:8B:CD:Fx has no MA-M assignment in the snapshot: the MA-L holds.
        assert_eq!(known("84:8b:cd:f0:00:01"), "IEEE Registration Authority");
    }

    #[test]
    fn ma_s_overrides_ieee_ma_l_block() {
        let parent = Registry::parse(DATA).large.get(0x70B3D5);
        assert_eq!(parent, Some("IEEE Registration Authority"));
        assert_eq!(known("70:b3:d5:f2:f0:01"), "TELEPLATFORMS");
        assert_eq!(known("70:b3:d5:f2:ff:ff"), "TELEPLATFORMS");
        // 70:B3:D5:F2:0x is not sub-assigned in the snapshot.
        assert_eq!(known("70:b3:d5:f2:00:01"), "IEEE Registration Authority");
    }

    #[test]
    fn iab_overrides_ieee_ma_l_block() {
        assert_eq!(known("00:50:c2:7d:50:01"), "DEUTA-WERKE GmbH");
    }

    #[test]
    fn unregistered_prefix_is_none() {
        // Universally administered unicast, but not assigned as of the
        // snapshot; if a refresh assigns it, pick another unassigned prefix.
        assert!(!DATA.lines().any(|l| l.starts_with("F0F0F0")));
        assert_eq!(vendor(mac("f0:f0:f0:12:34:56")), None);
    }

    #[test]
    fn locally_administered_and_multicast_are_none() {
        // Intel's prefix with the U/L bit, then with the I/G bit set.
        assert_eq!(vendor(mac("02:1b:21:12:34:56")), None);
        assert_eq!(vendor(mac("01:1b:21:12:34:56")), None);
        assert_eq!(vendor(mac("01:00:5e:00:00:fb")), None);
        assert_eq!(vendor(mac("33:33:00:00:00:01")), None);
        assert_eq!(vendor(MacAddr::BROADCAST), None);
        // Legacy rows in the registry that fall in the local / group space
        // are not assignments a device can carry.
        let raw = Registry::parse(DATA);
        assert_eq!(raw.lookup([0x02, 0x60, 0x8c, 0, 0, 1]), Some("3COM"));
        assert_eq!(vendor(mac("02:60:8c:00:00:01")), None);
        assert_eq!(raw.lookup([0xaa, 0x00, 0x04, 0, 0, 1]), Some("DIGITAL EQUIPMENT CORPORATION"));
        assert_eq!(vendor(mac("aa:00:04:00:00:01")), None);
        assert_eq!(raw.lookup([0x11, 0x11, 0x11, 0, 0, 1]), Some("Private"));
        assert_eq!(vendor(mac("11:11:11:00:00:01")), None);
    }

    #[test]
    fn registry_len_is_tens_of_thousands() {
        let n = registry_len();
        assert!((30_000..200_000).contains(&n), "registry_len() = {n}");
        let raw = Registry::parse(DATA);
        assert!(raw.large.len() > 20_000);
        assert!(raw.medium.len() > 1_000);
        assert!(raw.small.len() > 1_000);
        assert_eq!(n, raw.len());
    }

    #[test]
    fn repeated_prefix_first_row_wins() {
        // 08:00:30 is listed three times; the snapshot sorts them by name.
        assert_eq!(known("08:00:30:00:00:01"), "CERN");
    }

    #[test]
    fn bundled_snapshot_is_well_formed() {
        let mut comments = 0;
        let mut rows = 0;
        let mut header_total = None;
        for line in DATA.lines() {
            if let Some(comment) = line.strip_prefix('#') {
                comments += 1;
                if let Some(rest) = comment.trim().strip_prefix("rows:") {
                    header_total = rest
                        .rsplit_once("total ")
                        .and_then(|(_, n)| n.trim().parse::<usize>().ok());
                }
                continue;
            }
            assert!(Entry::parse(line).is_some(), "malformed snapshot line {line:?}");
            rows += 1;
        }
        assert!(comments > 0, "the snapshot header names its source and date");
        assert_eq!(header_total, Some(rows), "`# rows:` header vs data lines");
    }

    #[test]
    fn prefix_bits_at_nibble_boundaries() {
        let reg = Registry::parse(
            "# test\n\
             ABCDEF\tlarge\n\
             ABCDEF1\tmedium\n\
             ABCDEF123\tsmall\n",
        );
        assert_eq!(reg.lookup([0xab, 0xcd, 0xef, 0x12, 0x3f, 0xff]), Some("small"));
        assert_eq!(reg.lookup([0xab, 0xcd, 0xef, 0x12, 0x30, 0x00]), Some("small"));
        assert_eq!(reg.lookup([0xab, 0xcd, 0xef, 0x12, 0x40, 0x00]), Some("medium"));
        assert_eq!(reg.lookup([0xab, 0xcd, 0xef, 0x1f, 0xff, 0xff]), Some("medium"));
        assert_eq!(reg.lookup([0xab, 0xcd, 0xef, 0x20, 0x00, 0x00]), Some("large"));
        assert_eq!(reg.lookup([0xab, 0xcd, 0xee, 0x12, 0x30, 0x00]), None);
    }

    #[test]
    fn malformed_lines_are_skipped() {
        let text = "# comment\n\
                    \n\
                    no tab here\n\
                    12345\tfive digits\n\
                    12345678\teight digits\n\
                    1234567890\tten digits\n\
                    +12345\tsign\n\
                    -12345\tsign\n\
                    12 345\tspace\n\
                    GHIJKL\tnot hex\n\
                    \tno prefix\n\
                    00000ü\tnon-ascii\n\
                    001122\tGood One  \r\n\
                    00112A\tTab\tin name\n\
                    aabbcc\tlower case\n\
                    001122\tDuplicate\n";
        let reg = Registry::parse(text);
        assert_eq!(reg.len(), 3);
        assert_eq!(reg.lookup([0x00, 0x11, 0x22, 0, 0, 0]), Some("Good One"));
        assert_eq!(reg.lookup([0x00, 0x11, 0x2a, 0, 0, 0]), Some("Tab\tin name"));
        assert_eq!(reg.lookup([0xaa, 0xbb, 0xcc, 0, 0, 0]), Some("lower case"));
        assert_eq!(reg.lookup([0x12, 0x34, 0x50, 0, 0, 0]), None);
        assert_eq!(Registry::parse("").len(), 0);
    }
}
