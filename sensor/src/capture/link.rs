//! Link-layer types of captured frames (the pcap LINKTYPE_* registry).

use std::fmt;

/// A pcap link type: an open set, named where gapwatch knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LinkType(pub u32);

impl LinkType {
    /// BSD loopback: 4-byte address family in host order, then IP.
    pub const NULL: LinkType = LinkType(0);
    /// Ethernet II / 802.3.
    pub const ETHERNET: LinkType = LinkType(1);
    /// Raw IP as some BSDs number it in files.
    pub const RAW_BSD12: LinkType = LinkType(12);
    /// Raw IP as OpenBSD numbers it in files.
    pub const RAW_BSD14: LinkType = LinkType(14);
    /// Raw IPv4 or IPv6, no link header.
    pub const RAW: LinkType = LinkType(101);
    /// IEEE 802.11 without radio header.
    pub const IEEE802_11: LinkType = LinkType(105);
    /// OpenBSD loopback: 4-byte address family in network order.
    pub const LOOP: LinkType = LinkType(108);
    /// Linux cooked capture v1 (`tcpdump -i any`).
    pub const LINUX_SLL: LinkType = LinkType(113);
    /// Prism monitor-mode header + 802.11.
    pub const IEEE802_11_PRISM: LinkType = LinkType(119);
    /// Radiotap header + 802.11.
    pub const IEEE802_11_RADIOTAP: LinkType = LinkType(127);
    /// AVS monitor-mode header + 802.11.
    pub const IEEE802_11_AVS: LinkType = LinkType(163);
    /// PPI header + 802.11.
    pub const PPI: LinkType = LinkType(192);
    /// Raw IPv4.
    pub const IPV4: LinkType = LinkType(228);
    /// Raw IPv6.
    pub const IPV6: LinkType = LinkType(229);
    /// Linux cooked capture v2.
    pub const LINUX_SLL2: LinkType = LinkType(276);

    /// The link type a capture file's header field names: its low 16 bits
    /// (the upper ones say whether frames carry a frame check sequence).
    pub fn from_file_field(field: u32) -> LinkType {
        LinkType(field & 0xffff)
    }

    /// True for the link types gapwatch reads. Wireless ones are accepted
    /// and their frames counted as not decoded (the wireless issue decodes
    /// them).
    pub fn is_supported(self) -> bool {
        self.is_wired() || self.is_wireless()
    }

    /// Link types whose frames gapwatch decodes.
    pub fn is_wired(self) -> bool {
        matches!(
            self,
            LinkType::NULL
                | LinkType::ETHERNET
                | LinkType::RAW_BSD12
                | LinkType::RAW_BSD14
                | LinkType::RAW
                | LinkType::LOOP
                | LinkType::LINUX_SLL
                | LinkType::IPV4
                | LinkType::IPV6
                | LinkType::LINUX_SLL2
        )
    }

    /// 802.11 link types (monitor-mode captures).
    pub fn is_wireless(self) -> bool {
        matches!(
            self,
            LinkType::IEEE802_11
                | LinkType::IEEE802_11_PRISM
                | LinkType::IEEE802_11_RADIOTAP
                | LinkType::IEEE802_11_AVS
                | LinkType::PPI
        )
    }

    /// The registry's name, when gapwatch knows it.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "NULL",
            1 => "ETHERNET",
            6 => "IEEE802_5",
            8 => "SLIP",
            9 => "PPP",
            10 => "FDDI",
            12 | 14 | 101 => "RAW",
            50 => "PPP_HDLC",
            51 => "PPP_ETHER",
            104 => "C_HDLC",
            105 => "IEEE802_11",
            108 => "LOOP",
            113 => "LINUX_SLL",
            119 => "IEEE802_11_PRISM",
            127 => "IEEE802_11_RADIOTAP",
            147..=162 => "USER",
            163 => "IEEE802_11_AVS",
            192 => "PPI",
            195 => "IEEE802_15_4",
            201 => "BLUETOOTH_HCI_H4_WITH_PHDR",
            220 => "USB_LINUX_MMAPPED",
            228 => "IPV4",
            229 => "IPV6",
            249 => "USBPCAP",
            276 => "LINUX_SLL2",
            _ => return None,
        })
    }
}

impl fmt::Display for LinkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{} ({name})", self.0),
            None => write!(f, "{}", self.0),
        }
    }
}
