//! Facts: what the observer learned, one small record per change of state.
//!
//! Detection works on facts, not packets: a LAN of 200 devices sends
//! millions of packets a day but only a few thousand facts, so detectors can
//! afford to allocate, format and look things up.

use std::net::{IpAddr, Ipv4Addr};

use crate::net::MacAddr;
use crate::time::Timestamp;

/// The kinds of [`Fact`], for detectors to declare what they read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FactKind {
    /// [`Fact::NewDevice`].
    NewDevice,
    /// [`Fact::NewDeviceRate`].
    NewDeviceRate,
    /// [`Fact::DeviceTableFull`].
    DeviceTableFull,
    /// [`Fact::AddressBound`].
    AddressBound,
    /// [`Fact::AddressConflict`].
    AddressConflict,
    /// [`Fact::RouterSignal`].
    RouterSignal,
    /// [`Fact::NewFlow`].
    NewFlow,
    /// [`Fact::FlowAnswered`].
    FlowAnswered,
    /// [`Fact::TunnelPayload`].
    TunnelPayload,
    /// [`Fact::NameRequested`].
    NameRequested,
    /// [`Fact::DhcpLease`].
    DhcpLease,
    /// [`Fact::Clue`].
    Clue,
    /// [`Fact::ArpAnomaly`].
    ArpAnomaly,
    /// [`Fact::FingerprintChanged`].
    FingerprintChanged,
    /// [`Fact::FlowEnded`].
    FlowEnded,
    /// [`Fact::HourlyVolume`].
    HourlyVolume,
}

impl FactKind {
    /// How many kinds there are.
    pub const COUNT: usize = 16;
}

/// One thing the observer learned.
#[derive(Clone, Debug, PartialEq)]
pub enum Fact {
    /// A MAC address sent its first frame.
    NewDevice {
        /// The new device.
        mac: MacAddr,
        /// Vendor from the IEEE registry, if its prefix is registered.
        vendor: Option<&'static str>,
        /// When it was first seen.
        ts: Timestamp,
    },
    /// How many devices appeared in the minute up to a new one (that one
    /// included): stated with every [`Fact::NewDevice`], for MAC floods.
    NewDeviceRate {
        /// New devices in the trailing minute.
        in_last_minute: u32,
        /// When the latest appeared.
        ts: Timestamp,
    },
    /// The device table reached the policy's `max_devices`: new MACs are
    /// counted from now on, not kept. Stated once.
    DeviceTableFull {
        /// The limit.
        max_devices: u32,
        /// When the first MAC was turned away.
        ts: Timestamp,
    },
    /// A device used an address for the first time.
    AddressBound {
        /// The device.
        mac: MacAddr,
        /// The address it used.
        ip: IpAddr,
        /// How the address was seen.
        source: BindingSource,
        /// When.
        ts: Timestamp,
    },
    /// A device began using an address another device used moments ago
    /// (within [`CONFLICT_WINDOW_SECS`]): two MACs claim one IP. Stated
    /// with the [`Fact::AddressBound`] of the claimant.
    AddressConflict {
        /// The address.
        ip: IpAddr,
        /// The device that used it before.
        owner: MacAddr,
        /// The device that claims it now.
        claimant: MacAddr,
        /// How the claim was seen.
        source: BindingSource,
        /// When.
        ts: Timestamp,
    },
    /// A device sent a message only routers send, or one that says it
    /// forwards packets.
    RouterSignal {
        /// Which message.
        signal: RouterSignal,
        /// The sending device.
        mac: Option<MacAddr>,
        /// Its address.
        ip: IpAddr,
        /// When.
        ts: Timestamp,
    },
    /// A new flow began.
    NewFlow(FlowStart),
    /// The responder of a flow sent its first packet back: the two sides
    /// reach each other. `at` is when the answer came.
    FlowAnswered {
        /// The flow, as it began.
        flow: FlowStart,
        /// The answer's TCP flags (0 for other protocols): SYN+ACK is a
        /// service accepting, RST one refusing.
        tcp_flags: u8,
        /// The answer's packet time.
        at: Timestamp,
    },
    /// The first datagram of a UDP flow has the shape of a tunnel
    /// protocol's first message (whatever the port).
    TunnelPayload {
        /// The flow, as it began.
        flow: FlowStart,
        /// The protocol, e.g. `WireGuard`.
        tunnel: &'static str,
    },
    /// A device asked for a host name (first time for this client, server
    /// and name).
    NameRequested(NameRequest),
    /// A DHCP server offered or acknowledged a lease.
    DhcpLease(DhcpLease),
    /// Something a device said about itself — a host name, a vendor class,
    /// the options it asks for — first time for this device, kind and value.
    Clue(Clue),
    /// ARP that rewrites someone else's mapping, or that no one asked for.
    ArpAnomaly {
        /// The sending device.
        mac: MacAddr,
        /// The address it claims.
        ip: Ipv4Addr,
        /// What is wrong.
        anomaly: ArpAnomaly,
        /// When.
        ts: Timestamp,
    },
    /// A device's traffic shows a stack it had not shown before (the first
    /// sighting is no change and no fact).
    FingerprintChanged {
        /// The device.
        mac: MacAddr,
        /// What it showed until now.
        before: Fingerprint,
        /// What it shows now.
        after: Fingerprint,
        /// When.
        ts: Timestamp,
    },
    /// A flow ended (closed or idle); its final counters.
    FlowEnded(FlowSummary),
    /// What one initiator moved to and from one service within one UTC
    /// hour (reported when the hour is over, or the capture ends).
    HourlyVolume(HourlyVolume),
}

impl Fact {
    /// Which kind of fact this is.
    pub fn kind(&self) -> FactKind {
        match self {
            Fact::NewDevice { .. } => FactKind::NewDevice,
            Fact::NewDeviceRate { .. } => FactKind::NewDeviceRate,
            Fact::DeviceTableFull { .. } => FactKind::DeviceTableFull,
            Fact::AddressBound { .. } => FactKind::AddressBound,
            Fact::AddressConflict { .. } => FactKind::AddressConflict,
            Fact::RouterSignal { .. } => FactKind::RouterSignal,
            Fact::NewFlow(_) => FactKind::NewFlow,
            Fact::FlowAnswered { .. } => FactKind::FlowAnswered,
            Fact::TunnelPayload { .. } => FactKind::TunnelPayload,
            Fact::NameRequested(_) => FactKind::NameRequested,
            Fact::DhcpLease(_) => FactKind::DhcpLease,
            Fact::Clue(_) => FactKind::Clue,
            Fact::ArpAnomaly { .. } => FactKind::ArpAnomaly,
            Fact::FingerprintChanged { .. } => FactKind::FingerprintChanged,
            Fact::FlowEnded(_) => FactKind::FlowEnded,
            Fact::HourlyVolume(_) => FactKind::HourlyVolume,
        }
    }

    /// Packet time of the fact.
    pub fn ts(&self) -> Timestamp {
        match self {
            Fact::NewDevice { ts, .. }
            | Fact::AddressBound { ts, .. }
            | Fact::AddressConflict { ts, .. }
            | Fact::RouterSignal { ts, .. }
            | Fact::NewDeviceRate { ts, .. }
            | Fact::ArpAnomaly { ts, .. }
            | Fact::DeviceTableFull { ts, .. }
            | Fact::FingerprintChanged { ts, .. } => *ts,
            Fact::NameRequested(r) => r.ts,
            Fact::DhcpLease(l) => l.ts,
            Fact::Clue(c) => c.ts,
            Fact::NewFlow(f) => f.ts,
            Fact::FlowAnswered { at, .. } => *at,
            Fact::TunnelPayload { flow, .. } => flow.ts,
            Fact::FlowEnded(f) => f.last_seen,
            Fact::HourlyVolume(v) => v.hour,
        }
    }
}

/// An address last used by one device more recently than this, then
/// claimed by another, is a conflict; longer ago, it changed hands (a DHCP
/// lease given anew, a machine replaced).
pub const CONFLICT_WINDOW_SECS: i64 = 600;

/// Messages that give a router away.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RouterSignal {
    /// ICMPv6 router advertisement (type 134): "route through me".
    Ipv6RouterAdvertisement,
    /// ICMP or ICMPv6 redirect (type 5 / 137): "use this other router".
    Redirect,
    /// ICMP time exceeded in transit (type 11 / 3, code 0): a hop that
    /// forwards, as traceroute shows.
    TimeExceeded,
    /// A DHCPv6 Advertise (server port 547 to client port 546): a server
    /// configuring IPv6 hosts, which comes with a router.
    Dhcpv6Advertise,
    /// Traffic from [`ROUTER_SOURCED_OFFLAN`] different off-LAN addresses
    /// arrived from this MAC: it brings the outside in. `ip` is the latest.
    SourcesOffLan,
    /// This MAC was the next hop for [`ROUTER_SUNK_OFFLAN`] different
    /// off-LAN destinations: devices use it as their gateway. `ip` is the
    /// latest.
    SinksOffLan,
}

/// Off-LAN addresses one MAC must bring in before it counts as a router:
/// one could be a host with a misconfigured public address, two cannot.
pub const ROUTER_SOURCED_OFFLAN: usize = 2;

/// Off-LAN destinations sent to one MAC before it counts as a router (it
/// may never answer: the devices treat it as their gateway all the same).
pub const ROUTER_SUNK_OFFLAN: usize = 8;

impl RouterSignal {
    /// What an ICMP (`proto` 1) or ICMPv6 (58) message of `icmp_type` and
    /// `code` gives away, if anything.
    pub fn of_icmp(proto: u8, icmp_type: u8, code: u8) -> Option<RouterSignal> {
        match (proto, icmp_type, code) {
            (58, 134, _) => Some(RouterSignal::Ipv6RouterAdvertisement),
            (1, 5, _) | (58, 137, _) => Some(RouterSignal::Redirect),
            (1, 11, 0) | (58, 3, 0) => Some(RouterSignal::TimeExceeded),
            _ => None,
        }
    }
}

/// A device sending ARP for this many different addresses of its own is
/// answering for others (proxy ARP or poisoning).
pub const ARP_MANY_ADDRESSES: u32 = 16;

/// ARP that looks like poisoning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArpAnomaly {
    /// A reply to a question nobody asked in the seconds before.
    UnsolicitedReply,
    /// A gratuitous ARP claiming an address another device is using.
    GratuitousClaim {
        /// The device using it until now.
        owner: MacAddr,
    },
    /// One MAC claiming many addresses in ARP.
    ManyAddresses {
        /// How many (reported once, on reaching [`ARP_MANY_ADDRESSES`]).
        count: u32,
    },
}

/// One aspect of what the machine behind a MAC is, as its traffic shows
/// it: a change compares like with like.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fingerprint {
    /// The initial TTL its TCP packets leave with (32, 64, 128 or 255):
    /// 64 for Linux, macOS and most embedded stacks, 128 for Windows, 255
    /// for network gear.
    Ttl(u8),
    /// The OS family a strong clue names ([`crate::classify::os_family`]),
    /// with the rule's reason (Chinese, English).
    Os {
        /// `Windows`, `Apple`, `Linux`, …
        family: &'static str,
        /// Why the clue says so.
        why: (&'static str, &'static str),
    },
    /// The device class a strong clue names, with the rule's reason.
    Class {
        /// `workstation`, `phone`, `router`, …
        class: &'static str,
        /// Why the clue says so.
        why: (&'static str, &'static str),
    },
}

/// How a host name reached the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NameVia {
    /// A DNS query (port 53).
    Dns,
    /// The `Host` header of an HTTP request.
    HttpHost,
    /// The server name (SNI) of a TLS ClientHello.
    TlsSni,
}

impl NameVia {
    /// Stable name for evidence.
    pub fn as_str(self) -> &'static str {
        match self {
            NameVia::Dns => "dns",
            NameVia::HttpHost => "http",
            NameVia::TlsSni => "tls",
        }
    }
}

/// A host name a device asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameRequest {
    /// IP protocol of the request (17 UDP, 6 TCP).
    pub proto: u8,
    /// Who asked.
    pub client: Endpoint,
    /// Whom: the resolver, or the web server.
    pub server: Endpoint,
    /// The name, lower case, without a trailing dot.
    pub name: String,
    /// How it was asked.
    pub via: NameVia,
    /// When.
    pub ts: Timestamp,
}

/// What kind of thing a [`Clue`] says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClueKind {
    /// DHCP option 12.
    DhcpHostName,
    /// DHCP option 81, the client's fully qualified domain name.
    DhcpFqdn,
    /// DHCP option 60 (e.g. `MSFT 5.0`, `android-dhcp-13`).
    DhcpVendorClass,
    /// DHCP option 55, the parameter request list in order (`1,3,6,15`):
    /// the classic DHCP fingerprint of a stack.
    DhcpParameterList,
    /// DHCP option 61, the client identifier (hex).
    DhcpClientId,
    /// A name the device answers for in mDNS (A, AAAA or SRV target).
    MdnsHostName,
    /// A service type it announces in mDNS (`_ipp._tcp`).
    MdnsService,
    /// A name it answers for in LLMNR.
    LlmnrName,
    /// Its NetBIOS workstation or server name.
    NetbiosName,
    /// The signature of a SYN it sent (p0f 3's notation).
    TcpSyn,
    /// The signature of a SYN+ACK it sent.
    TcpSynAck,
    /// The stack family its SYN or SYN+ACK matches (`tcp-stacks.tsv`).
    TcpStack,
    /// The label its SYN or SYN+ACK matches in a p0f database the user
    /// gave (`gapwatch replay --p0f`).
    TcpP0f,
    /// The `User-Agent` of its HTTP requests.
    HttpUserAgent,
    /// The identification line of its SSH client or server.
    SshBanner,
    /// The JA3 fingerprint of its TLS ClientHello.
    TlsJa3,
    /// The JA4 fingerprint of its TLS ClientHello.
    TlsJa4,
    /// The first protocol its TLS ClientHello offers in ALPN (`h2`).
    TlsAlpn,
    /// The system name it sends in LLDP.
    LldpSystemName,
    /// The system description it sends in LLDP (model, software).
    LldpDescription,
    /// The capabilities it says are enabled in LLDP (`bridge,router`).
    LldpCapabilities,
    /// The device id it sends in CDP (usually its host name).
    CdpDeviceId,
    /// Its platform in CDP (`cisco WS-C3560-24TS`).
    CdpPlatform,
    /// The first line of its software version in CDP.
    CdpSoftware,
    /// Its capabilities in CDP, in LLDP's words (`bridge,router`).
    CdpCapabilities,
    /// The bridge id in the spanning-tree BPDUs it sends: it bridges.
    StpBridgeId,
    /// The vendor class of its DHCPv6 requests (`MSFT 5.0`).
    Dhcpv6VendorClass,
    /// The name in its DHCPv6 client FQDN option.
    Dhcpv6Fqdn,
    /// The DUID type of its DHCPv6 client identifier (`DUID-LLT`).
    Dhcpv6DuidType,
    /// The options its DHCPv6 requests ask for, in order (`17,23,24,39`).
    Dhcpv6OptionRequest,
    /// The `SERVER` of its SSDP announcements and answers.
    SsdpServer,
    /// The `USER-AGENT` of its SSDP searches.
    SsdpUserAgent,
    /// The UPnP device type it announces (`urn:…:device:MediaRenderer:1`).
    SsdpDeviceType,
    /// The OS version in its NetBIOS browser announcements (`10.0`).
    BrowserOsVersion,
    /// The server type bits of its browser announcements, named
    /// (`workstation,server,nt`).
    BrowserServerType,
}

impl ClueKind {
    /// Every kind.
    pub const ALL: [ClueKind; 35] = [
        ClueKind::DhcpHostName,
        ClueKind::DhcpFqdn,
        ClueKind::DhcpVendorClass,
        ClueKind::DhcpParameterList,
        ClueKind::DhcpClientId,
        ClueKind::MdnsHostName,
        ClueKind::MdnsService,
        ClueKind::LlmnrName,
        ClueKind::NetbiosName,
        ClueKind::TcpSyn,
        ClueKind::TcpSynAck,
        ClueKind::TcpStack,
        ClueKind::TcpP0f,
        ClueKind::HttpUserAgent,
        ClueKind::SshBanner,
        ClueKind::TlsJa3,
        ClueKind::TlsJa4,
        ClueKind::TlsAlpn,
        ClueKind::LldpSystemName,
        ClueKind::LldpDescription,
        ClueKind::LldpCapabilities,
        ClueKind::CdpDeviceId,
        ClueKind::CdpPlatform,
        ClueKind::CdpSoftware,
        ClueKind::CdpCapabilities,
        ClueKind::StpBridgeId,
        ClueKind::Dhcpv6VendorClass,
        ClueKind::Dhcpv6Fqdn,
        ClueKind::Dhcpv6DuidType,
        ClueKind::Dhcpv6OptionRequest,
        ClueKind::SsdpServer,
        ClueKind::SsdpUserAgent,
        ClueKind::SsdpDeviceType,
        ClueKind::BrowserOsVersion,
        ClueKind::BrowserServerType,
    ];

    /// Stable name for records (`dhcp.hostname`).
    pub fn as_str(self) -> &'static str {
        match self {
            ClueKind::DhcpHostName => "dhcp.hostname",
            ClueKind::DhcpFqdn => "dhcp.fqdn",
            ClueKind::DhcpVendorClass => "dhcp.vendor_class",
            ClueKind::DhcpParameterList => "dhcp.prl",
            ClueKind::DhcpClientId => "dhcp.client_id",
            ClueKind::MdnsHostName => "mdns.hostname",
            ClueKind::MdnsService => "mdns.service",
            ClueKind::LlmnrName => "llmnr.name",
            ClueKind::NetbiosName => "netbios.name",
            ClueKind::TcpSyn => "tcp.syn",
            ClueKind::TcpSynAck => "tcp.synack",
            ClueKind::TcpStack => "tcp.stack",
            ClueKind::TcpP0f => "tcp.p0f",
            ClueKind::HttpUserAgent => "http.user_agent",
            ClueKind::SshBanner => "ssh.banner",
            ClueKind::TlsJa3 => "tls.ja3",
            ClueKind::TlsJa4 => "tls.ja4",
            ClueKind::TlsAlpn => "tls.alpn",
            ClueKind::LldpSystemName => "lldp.system_name",
            ClueKind::LldpDescription => "lldp.description",
            ClueKind::LldpCapabilities => "lldp.capabilities",
            ClueKind::CdpDeviceId => "cdp.device_id",
            ClueKind::CdpPlatform => "cdp.platform",
            ClueKind::CdpSoftware => "cdp.software",
            ClueKind::CdpCapabilities => "cdp.capabilities",
            ClueKind::StpBridgeId => "stp.bridge_id",
            ClueKind::Dhcpv6VendorClass => "dhcpv6.vendor_class",
            ClueKind::Dhcpv6Fqdn => "dhcpv6.fqdn",
            ClueKind::Dhcpv6DuidType => "dhcpv6.duid_type",
            ClueKind::Dhcpv6OptionRequest => "dhcpv6.oro",
            ClueKind::SsdpServer => "ssdp.server",
            ClueKind::SsdpUserAgent => "ssdp.user_agent",
            ClueKind::SsdpDeviceType => "ssdp.device_type",
            ClueKind::BrowserOsVersion => "browser.os_version",
            ClueKind::BrowserServerType => "browser.server_type",
        }
    }

    /// True for kinds that name the host.
    pub fn is_host_name(self) -> bool {
        matches!(
            self,
            ClueKind::DhcpHostName
                | ClueKind::DhcpFqdn
                | ClueKind::MdnsHostName
                | ClueKind::LlmnrName
                | ClueKind::NetbiosName
                | ClueKind::LldpSystemName
                | ClueKind::CdpDeviceId
                | ClueKind::Dhcpv6Fqdn
        )
    }
}

/// Something a device said about itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clue {
    /// The device.
    pub mac: MacAddr,
    /// What it is.
    pub kind: ClueKind,
    /// The value, as text (printable; other bytes shown as `?`).
    pub value: String,
    /// When first seen.
    pub ts: Timestamp,
}

/// Which server message a lease fact came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DhcpMessage {
    /// DHCPOFFER.
    Offer,
    /// DHCPACK.
    Ack,
}

/// A DHCP server's offer or acknowledgement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DhcpLease {
    /// Which message.
    pub message: DhcpMessage,
    /// The server (port 67).
    pub server: Endpoint,
    /// The client's hardware address, from the message.
    pub client_mac: Option<MacAddr>,
    /// The address offered.
    pub offered: Ipv4Addr,
    /// Routers handed out (option 3).
    pub routers: Vec<Ipv4Addr>,
    /// DNS servers handed out (option 6).
    pub dns_servers: Vec<Ipv4Addr>,
    /// When.
    pub ts: Timestamp,
}

/// How an address was bound to a MAC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BindingSource {
    /// The sender fields of an ARP packet.
    Arp,
    /// The source address of an IP packet from inside the LAN.
    IpSource,
}

impl BindingSource {
    /// Stable name for records.
    pub fn as_str(self) -> &'static str {
        match self {
            BindingSource::Arp => "arp",
            BindingSource::IpSource => "ip",
        }
    }
}

/// One end of a flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Endpoint {
    /// Link address, when the link layer has one (not for raw-IP captures).
    pub mac: Option<MacAddr>,
    /// Network address.
    pub ip: IpAddr,
    /// Transport port; 0 for protocols without ports.
    pub port: u16,
}

/// The first packet of a flow: its initiator sent it to its responder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlowStart {
    /// IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...).
    pub proto: u8,
    /// Who sent the first packet.
    pub initiator: Endpoint,
    /// To whom.
    pub responder: Endpoint,
    /// When.
    pub ts: Timestamp,
}

/// Why a flow ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlowEnd {
    /// Both sides sent FIN.
    Fin,
    /// One side sent RST.
    Rst,
    /// No packet for the idle timeout.
    Idle,
    /// Still open when the capture ended.
    EndOfCapture,
}

impl FlowEnd {
    /// Stable name for records.
    pub fn as_str(self) -> &'static str {
        match self {
            FlowEnd::Fin => "fin",
            FlowEnd::Rst => "rst",
            FlowEnd::Idle => "idle",
            FlowEnd::EndOfCapture => "open",
        }
    }
}

/// A flow's counters, initiator → responder ("orig") and back ("resp").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlowSummary {
    /// How it began.
    pub start: FlowStart,
    /// Last packet in either direction.
    pub last_seen: Timestamp,
    /// Packets initiator → responder.
    pub orig_packets: u64,
    /// Bytes on the wire initiator → responder.
    pub orig_bytes: u64,
    /// Packets responder → initiator.
    pub resp_packets: u64,
    /// Bytes on the wire responder → initiator.
    pub resp_bytes: u64,
    /// TCP flags seen from the initiator (OR of all).
    pub orig_tcp_flags: u8,
    /// TCP flags seen from the responder (OR of all).
    pub resp_tcp_flags: u8,
    /// Why it ended.
    pub end: FlowEnd,
}

/// The traffic of one hour between an initiator and a service: every flow
/// from `initiator` (any source port) to `responder` (its port), summed over
/// the part of the hour each was live. Per-pair hourly volume is the sum of
/// these over the ports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HourlyVolume {
    /// IP protocol.
    pub proto: u8,
    /// Who opened the flows (port 0: client ports are ephemeral).
    pub initiator: Endpoint,
    /// The service they reached.
    pub responder: Endpoint,
    /// Start of the UTC hour.
    pub hour: Timestamp,
    /// Flows that began in this hour.
    pub connections: u64,
    /// First packet counted in this hour.
    pub first_seen: Timestamp,
    /// Last packet counted in this hour.
    pub last_seen: Timestamp,
    /// Packets initiator → responder.
    pub orig_packets: u64,
    /// Bytes on the wire initiator → responder.
    pub orig_bytes: u64,
    /// Packets responder → initiator.
    pub resp_packets: u64,
    /// Bytes on the wire responder → initiator.
    pub resp_bytes: u64,
    /// TCP flags seen either way (OR).
    pub tcp_flags: u8,
}
