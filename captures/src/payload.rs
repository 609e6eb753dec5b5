//! Hand-written encoders for the application payloads etherparse has no
//! builder for: DNS / mDNS / LLMNR, DHCP (BOOTP), NetBIOS name service,
//! SSDP, LLDP, CDP, spanning tree BPDUs, a TLS ClientHello, the SMB2 header
//! and a PJL print-job header.
//!
//! Each returns the bytes that go after the UDP/TCP header (or after the
//! Ethernet header for LLDP and STP); [`crate::frames`] wraps them in
//! frames. Encoders write what real stacks write, field for field, but only
//! the fields the scenarios need.

use std::net::{IpAddr, Ipv4Addr};

use gapwatch_rules::MacAddr;

/// DNS, mDNS and LLMNR messages (RFC 1035, 6762, 4795).
pub mod dns {
    use super::*;

    /// Record type A.
    pub const TYPE_A: u16 = 1;
    /// Record type PTR.
    pub const TYPE_PTR: u16 = 12;
    /// Record type TXT.
    pub const TYPE_TXT: u16 = 16;
    /// Record type AAAA.
    pub const TYPE_AAAA: u16 = 28;
    /// Record type SRV.
    pub const TYPE_SRV: u16 = 33;
    /// Class IN.
    pub const CLASS_IN: u16 = 1;
    /// mDNS cache-flush bit in the class of an answer (RFC 6762 §10.2).
    pub const CACHE_FLUSH: u16 = 0x8000;
    /// mDNS unicast-response bit in the class of a question (RFC 6762 §5.4).
    pub const UNICAST_RESPONSE: u16 = 0x8000;
    /// Response code: no error.
    pub const RCODE_NOERROR: u8 = 0;
    /// Response code: name does not exist.
    pub const RCODE_NXDOMAIN: u8 = 3;
    /// Response code: refused.
    pub const RCODE_REFUSED: u8 = 5;
    /// DNS port.
    pub const PORT: u16 = 53;
    /// mDNS port.
    pub const MDNS_PORT: u16 = 5353;
    /// LLMNR port.
    pub const LLMNR_PORT: u16 = 5355;

    /// Appends `name` as uncompressed labels (a trailing dot is ignored).
    pub fn put_name(out: &mut Vec<u8>, name: &str) {
        for label in name.split('.').filter(|l| !l.is_empty()) {
            let b = label.as_bytes();
            let n = b.len().min(63);
            out.push(n as u8);
            out.extend_from_slice(&b[..n]);
        }
        out.push(0);
    }

    fn header(out: &mut Vec<u8>, id: u16, flags: u16, counts: [u16; 4]) {
        out.extend_from_slice(&id.to_be_bytes());
        out.extend_from_slice(&flags.to_be_bytes());
        for c in counts {
            out.extend_from_slice(&c.to_be_bytes());
        }
    }

    fn question(out: &mut Vec<u8>, name: &str, qtype: u16, qclass: u16) {
        put_name(out, name);
        out.extend_from_slice(&qtype.to_be_bytes());
        out.extend_from_slice(&qclass.to_be_bytes());
    }

    fn rr(out: &mut Vec<u8>, name: &str, rtype: u16, class: u16, ttl: u32, rdata: &[u8]) {
        put_name(out, name);
        out.extend_from_slice(&rtype.to_be_bytes());
        out.extend_from_slice(&class.to_be_bytes());
        out.extend_from_slice(&ttl.to_be_bytes());
        out.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
        out.extend_from_slice(rdata);
    }

    /// A standard query for one name (recursion desired, as stub resolvers
    /// send it).
    pub fn query(id: u16, name: &str, qtype: u16) -> Vec<u8> {
        let mut out = Vec::with_capacity(32 + name.len());
        header(&mut out, id, 0x0100, [1, 0, 0, 0]);
        question(&mut out, name, qtype, CLASS_IN);
        out
    }

    /// The response to [`query`] for an A question: `answers` as A records
    /// (compressed name pointer to the question), `rcode` as given, the
    /// authoritative bit set when the server is authoritative for the name.
    pub fn response_a(
        id: u16,
        name: &str,
        answers: &[Ipv4Addr],
        ttl: u32,
        rcode: u8,
        authoritative: bool,
    ) -> Vec<u8> {
        let mut out = Vec::with_capacity(48 + name.len() + 16 * answers.len());
        let mut flags = 0x8000 | 0x0100 | 0x0080 | u16::from(rcode & 0x0f);
        if authoritative {
            flags |= 0x0400;
        }
        header(&mut out, id, flags, [1, answers.len() as u16, 0, 0]);
        question(&mut out, name, TYPE_A, CLASS_IN);
        for a in answers {
            out.extend_from_slice(&[0xc0, 0x0c]);
            out.extend_from_slice(&TYPE_A.to_be_bytes());
            out.extend_from_slice(&CLASS_IN.to_be_bytes());
            out.extend_from_slice(&ttl.to_be_bytes());
            out.extend_from_slice(&4u16.to_be_bytes());
            out.extend_from_slice(&a.octets());
        }
        out
    }

    /// An mDNS query (id 0, flags 0) for `(name, type)` pairs; with
    /// `unicast_response` the QU bit is set, as on the first query after a
    /// device joins.
    pub fn mdns_query(questions: &[(&str, u16)], unicast_response: bool) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        header(&mut out, 0, 0, [questions.len() as u16, 0, 0, 0]);
        let class = CLASS_IN | if unicast_response { UNICAST_RESPONSE } else { 0 };
        for (name, qtype) in questions {
            question(&mut out, name, *qtype, class);
        }
        out
    }

    /// An unsolicited mDNS announcement of `host` (e.g. `scan-01.local`)
    /// with its addresses (A / AAAA, cache-flush, TTL 120).
    pub fn mdns_announce(host: &str, addrs: &[IpAddr]) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        header(&mut out, 0, 0x8400, [0, addrs.len() as u16, 0, 0]);
        for a in addrs {
            match a {
                IpAddr::V4(v4) => {
                    rr(&mut out, host, TYPE_A, CLASS_IN | CACHE_FLUSH, 120, &v4.octets())
                }
                IpAddr::V6(v6) => {
                    rr(&mut out, host, TYPE_AAAA, CLASS_IN | CACHE_FLUSH, 120, &v6.octets())
                }
            }
        }
        out
    }

    /// An mDNS service announcement (DNS-SD): PTR `service` → `instance`,
    /// SRV `instance` → `host`:`port`, an empty TXT, and `host`'s A record.
    /// `service` is like `_uscan._tcp.local`.
    pub fn mdns_service(
        instance: &str,
        service: &str,
        host: &str,
        port: u16,
        addr: Ipv4Addr,
    ) -> Vec<u8> {
        let mut out = Vec::with_capacity(160);
        header(&mut out, 0, 0x8400, [0, 1, 0, 3]);
        let full = format!("{instance}.{service}");
        let mut ptr = Vec::new();
        put_name(&mut ptr, &full);
        rr(&mut out, service, TYPE_PTR, CLASS_IN, 4500, &ptr);
        let mut srv = Vec::new();
        srv.extend_from_slice(&[0, 0, 0, 0]); // priority, weight
        srv.extend_from_slice(&port.to_be_bytes());
        put_name(&mut srv, host);
        rr(&mut out, &full, TYPE_SRV, CLASS_IN | CACHE_FLUSH, 120, &srv);
        rr(&mut out, &full, TYPE_TXT, CLASS_IN | CACHE_FLUSH, 4500, &[0]);
        rr(&mut out, host, TYPE_A, CLASS_IN | CACHE_FLUSH, 120, &addr.octets());
        out
    }

    /// An LLMNR query (RFC 4795): DNS format, flags 0.
    pub fn llmnr_query(id: u16, name: &str, qtype: u16) -> Vec<u8> {
        let mut out = Vec::with_capacity(32 + name.len());
        header(&mut out, id, 0, [1, 0, 0, 0]);
        question(&mut out, name, qtype, CLASS_IN);
        out
    }
}

/// DHCP over BOOTP (RFC 2131, 2132).
pub mod dhcp {
    use super::*;

    /// Server port.
    pub const SERVER_PORT: u16 = 67;
    /// Client port.
    pub const CLIENT_PORT: u16 = 68;
    /// The magic cookie that starts the options.
    pub const MAGIC_COOKIE: [u8; 4] = [99, 130, 83, 99];
    /// Shortest BOOTP message relays and old servers accept; clients pad to it.
    pub const MIN_LEN: usize = 300;

    /// Option codes used here.
    pub mod opt {
        /// Subnet mask.
        pub const SUBNET_MASK: u8 = 1;
        /// Router (default gateway).
        pub const ROUTER: u8 = 3;
        /// DNS servers.
        pub const DNS: u8 = 6;
        /// Host name.
        pub const HOSTNAME: u8 = 12;
        /// Domain name.
        pub const DOMAIN_NAME: u8 = 15;
        /// Requested IP address.
        pub const REQUESTED_IP: u8 = 50;
        /// Lease time.
        pub const LEASE_TIME: u8 = 51;
        /// DHCP message type.
        pub const MESSAGE_TYPE: u8 = 53;
        /// Server identifier.
        pub const SERVER_ID: u8 = 54;
        /// Parameter request list.
        pub const PARAM_REQUEST: u8 = 55;
        /// Maximum message size.
        pub const MAX_MESSAGE_SIZE: u8 = 57;
        /// Renewal (T1) time.
        pub const RENEWAL_TIME: u8 = 58;
        /// Rebinding (T2) time.
        pub const REBINDING_TIME: u8 = 59;
        /// Vendor class identifier.
        pub const VENDOR_CLASS: u8 = 60;
        /// Client identifier.
        pub const CLIENT_ID: u8 = 61;
        /// End of options.
        pub const END: u8 = 255;
    }

    /// DHCP message type (option 53).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum MessageType {
        /// DHCPDISCOVER.
        Discover = 1,
        /// DHCPOFFER.
        Offer = 2,
        /// DHCPREQUEST.
        Request = 3,
        /// DHCPACK.
        Ack = 5,
        /// DHCPRELEASE.
        Release = 7,
        /// DHCPINFORM.
        Inform = 8,
    }

    /// One BOOTP message with DHCP options (in the order given).
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Message {
        /// 1 = BOOTREQUEST, 2 = BOOTREPLY.
        pub op: u8,
        /// Transaction id.
        pub xid: u32,
        /// Seconds since the client began.
        pub secs: u16,
        /// Broadcast flag: the client wants replies broadcast.
        pub broadcast: bool,
        /// Client address (when it already has one).
        pub ciaddr: Ipv4Addr,
        /// "Your" address: what the server hands out.
        pub yiaddr: Ipv4Addr,
        /// Next server address.
        pub siaddr: Ipv4Addr,
        /// Relay agent address.
        pub giaddr: Ipv4Addr,
        /// Client hardware address.
        pub chaddr: MacAddr,
        /// Options after the magic cookie, without END.
        pub options: Vec<(u8, Vec<u8>)>,
    }

    impl Message {
        /// The message type option, if present.
        pub fn message_type(&self) -> Option<u8> {
            self.options
                .iter()
                .find(|(c, _)| *c == opt::MESSAGE_TYPE)
                .and_then(|(_, v)| v.first().copied())
        }

        /// Encodes the message, padded to [`MIN_LEN`].
        pub fn encode(&self) -> Vec<u8> {
            let mut out = Vec::with_capacity(MIN_LEN + 64);
            out.extend_from_slice(&[self.op, 1, 6, 0]);
            out.extend_from_slice(&self.xid.to_be_bytes());
            out.extend_from_slice(&self.secs.to_be_bytes());
            out.extend_from_slice(&(if self.broadcast { 0x8000u16 } else { 0 }).to_be_bytes());
            for a in [self.ciaddr, self.yiaddr, self.siaddr, self.giaddr] {
                out.extend_from_slice(&a.octets());
            }
            out.extend_from_slice(&self.chaddr.octets());
            out.extend_from_slice(&[0; 10]); // chaddr padding
            out.extend_from_slice(&[0; 64]); // sname
            out.extend_from_slice(&[0; 128]); // file
            out.extend_from_slice(&MAGIC_COOKIE);
            for (code, val) in &self.options {
                out.push(*code);
                out.push(val.len() as u8);
                out.extend_from_slice(val);
            }
            out.push(opt::END);
            if out.len() < MIN_LEN {
                out.resize(MIN_LEN, 0);
            }
            out
        }
    }

    /// What a client puts in its requests.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Client {
        /// Its MAC (chaddr and client id).
        pub mac: MacAddr,
        /// Option 12.
        pub hostname: Option<String>,
        /// Option 60 (e.g. `MSFT 5.0`).
        pub vendor_class: Option<String>,
        /// Option 55.
        pub param_request: Vec<u8>,
        /// Ask for broadcast replies (iOS and many embedded stacks do).
        pub broadcast: bool,
        /// Option 57, when the stack sends it.
        pub max_message_size: Option<u16>,
    }

    impl Client {
        /// A Windows 10/11 client (`MSFT 5.0`, its usual request list,
        /// unicast replies).
        pub fn windows(mac: MacAddr, hostname: &str) -> Client {
            Client {
                mac,
                hostname: Some(hostname.to_string()),
                vendor_class: Some("MSFT 5.0".to_string()),
                param_request: vec![1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252],
                broadcast: false,
                max_message_size: None,
            }
        }

        /// An iPhone (no vendor class, option 57, broadcast replies).
        pub fn iphone(mac: MacAddr, hostname: &str) -> Client {
            Client {
                mac,
                hostname: Some(hostname.to_string()),
                vendor_class: None,
                param_request: vec![1, 121, 3, 6, 15, 108, 114, 119, 252],
                broadcast: true,
                max_message_size: Some(1500),
            }
        }

        /// An embedded device (printer, scanner) with a short request list.
        pub fn embedded(mac: MacAddr, hostname: &str, vendor_class: &str) -> Client {
            Client {
                mac,
                hostname: Some(hostname.to_string()),
                vendor_class: Some(vendor_class.to_string()),
                param_request: vec![1, 3, 6, 12, 15, 42],
                broadcast: true,
                max_message_size: Some(576),
            }
        }

        fn base(&self, xid: u32, secs: u16, kind: MessageType) -> Message {
            let mut client_id = vec![1];
            client_id.extend_from_slice(&self.mac.octets());
            Message {
                op: 1,
                xid,
                secs,
                broadcast: self.broadcast,
                ciaddr: Ipv4Addr::UNSPECIFIED,
                yiaddr: Ipv4Addr::UNSPECIFIED,
                siaddr: Ipv4Addr::UNSPECIFIED,
                giaddr: Ipv4Addr::UNSPECIFIED,
                chaddr: self.mac,
                options: vec![(opt::MESSAGE_TYPE, vec![kind as u8]), (opt::CLIENT_ID, client_id)],
            }
        }

        fn tail(&self, m: &mut Message) {
            if let Some(n) = self.max_message_size {
                m.options.push((opt::MAX_MESSAGE_SIZE, n.to_be_bytes().to_vec()));
            }
            if let Some(h) = &self.hostname {
                m.options.push((opt::HOSTNAME, h.as_bytes().to_vec()));
            }
            if let Some(v) = &self.vendor_class {
                m.options.push((opt::VENDOR_CLASS, v.as_bytes().to_vec()));
            }
            m.options.push((opt::PARAM_REQUEST, self.param_request.clone()));
        }

        /// DHCPDISCOVER, optionally asking for the address it had before.
        pub fn discover(&self, xid: u32, secs: u16, previous: Option<Ipv4Addr>) -> Message {
            let mut m = self.base(xid, secs, MessageType::Discover);
            if let Some(ip) = previous {
                m.options.push((opt::REQUESTED_IP, ip.octets().to_vec()));
            }
            self.tail(&mut m);
            m
        }

        /// DHCPREQUEST selecting `server`'s offer of `requested`.
        pub fn request(
            &self,
            xid: u32,
            secs: u16,
            requested: Ipv4Addr,
            server: Ipv4Addr,
        ) -> Message {
            let mut m = self.base(xid, secs, MessageType::Request);
            m.options.push((opt::REQUESTED_IP, requested.octets().to_vec()));
            m.options.push((opt::SERVER_ID, server.octets().to_vec()));
            self.tail(&mut m);
            m
        }
    }

    /// A server's scope: what it puts in its replies.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct ServerConfig {
        /// Its own address (option 54 and the IP source).
        pub server_ip: Ipv4Addr,
        /// Option 1.
        pub subnet_mask: Ipv4Addr,
        /// Option 3, when the scope hands out a router.
        pub router: Option<Ipv4Addr>,
        /// Option 6.
        pub dns: Vec<Ipv4Addr>,
        /// Option 15.
        pub domain: Option<String>,
        /// Option 51, seconds.
        pub lease_secs: u32,
    }

    impl ServerConfig {
        /// The reply (`Offer` or `Ack`) to `request`, handing out `yiaddr`.
        pub fn reply(&self, request: &Message, kind: MessageType, yiaddr: Ipv4Addr) -> Message {
            let mut options = vec![
                (opt::MESSAGE_TYPE, vec![kind as u8]),
                (opt::SERVER_ID, self.server_ip.octets().to_vec()),
                (opt::LEASE_TIME, self.lease_secs.to_be_bytes().to_vec()),
                (opt::RENEWAL_TIME, (self.lease_secs / 2).to_be_bytes().to_vec()),
                (opt::REBINDING_TIME, (self.lease_secs / 8 * 7).to_be_bytes().to_vec()),
                (opt::SUBNET_MASK, self.subnet_mask.octets().to_vec()),
            ];
            if let Some(r) = self.router {
                options.push((opt::ROUTER, r.octets().to_vec()));
            }
            if !self.dns.is_empty() {
                options.push((opt::DNS, self.dns.iter().flat_map(|a| a.octets()).collect()));
            }
            if let Some(d) = &self.domain {
                options.push((opt::DOMAIN_NAME, d.as_bytes().to_vec()));
            }
            Message {
                op: 2,
                xid: request.xid,
                secs: 0,
                broadcast: request.broadcast,
                ciaddr: Ipv4Addr::UNSPECIFIED,
                yiaddr,
                siaddr: Ipv4Addr::UNSPECIFIED,
                giaddr: Ipv4Addr::UNSPECIFIED,
                chaddr: request.chaddr,
                options,
            }
        }
    }
}

/// NetBIOS name service (RFC 1002), as Windows broadcasts it.
pub mod netbios {
    use super::*;

    /// Name service port.
    pub const PORT: u16 = 137;
    /// Suffix of a workstation name.
    pub const SUFFIX_WORKSTATION: u8 = 0x00;
    /// Suffix of a file server name.
    pub const SUFFIX_SERVER: u8 = 0x20;

    /// The first-level encoded name: length byte 32, the 16-byte name
    /// (upper case, space padded, suffix last) as 32 letters, root label.
    pub fn encode_name(name: &str, suffix: u8) -> [u8; 34] {
        let mut raw = [b' '; 16];
        for (d, s) in raw.iter_mut().zip(name.bytes().take(15)) {
            *d = s.to_ascii_uppercase();
        }
        raw[15] = suffix;
        let mut out = [0u8; 34];
        out[0] = 32;
        for (i, b) in raw.iter().enumerate() {
            out[1 + 2 * i] = b'A' + (b >> 4);
            out[2 + 2 * i] = b'A' + (b & 0x0f);
        }
        out
    }

    /// A broadcast name registration of `name` for `ip`.
    pub fn registration(trn_id: u16, name: &str, suffix: u8, ip: Ipv4Addr, group: bool) -> Vec<u8> {
        let mut out = Vec::with_capacity(68);
        out.extend_from_slice(&trn_id.to_be_bytes());
        out.extend_from_slice(&0x2910u16.to_be_bytes()); // registration, RD, broadcast
        out.extend_from_slice(&[0, 1, 0, 0, 0, 0, 0, 1]);
        out.extend_from_slice(&encode_name(name, suffix));
        out.extend_from_slice(&[0, 0x20, 0, 1]); // NB, IN
        out.extend_from_slice(&[0xc0, 0x0c, 0, 0x20, 0, 1]);
        out.extend_from_slice(&300_000u32.to_be_bytes());
        out.extend_from_slice(&6u16.to_be_bytes());
        out.extend_from_slice(&(if group { 0x8000u16 } else { 0 }).to_be_bytes());
        out.extend_from_slice(&ip.octets());
        out
    }

    /// A broadcast name query for `name`.
    pub fn query(trn_id: u16, name: &str, suffix: u8) -> Vec<u8> {
        let mut out = Vec::with_capacity(50);
        out.extend_from_slice(&trn_id.to_be_bytes());
        out.extend_from_slice(&0x0110u16.to_be_bytes()); // query, RD, broadcast
        out.extend_from_slice(&[0, 1, 0, 0, 0, 0, 0, 0]);
        out.extend_from_slice(&encode_name(name, suffix));
        out.extend_from_slice(&[0, 0x20, 0, 1]);
        out
    }
}

/// SSDP (UPnP discovery).
pub mod ssdp {
    /// SSDP port.
    pub const PORT: u16 = 1900;

    /// An `M-SEARCH` for search target `st` with `MX` seconds, as Windows
    /// sends it.
    pub fn m_search(st: &str, mx: u8) -> Vec<u8> {
        format!(
            "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: {mx}\r\nST: {st}\r\n\r\n"
        )
        .into_bytes()
    }
}

/// LLDP (IEEE 802.1AB) data units.
pub mod lldp {
    use super::*;

    /// What a switch says about one of its ports.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Info<'a> {
        /// Chassis id (MAC subtype).
        pub chassis: MacAddr,
        /// Port id (interface-name subtype), e.g. `GigabitEthernet1/0/24`.
        pub port: &'a str,
        /// Time to live, seconds.
        pub ttl: u16,
        /// System name.
        pub system_name: &'a str,
        /// System description.
        pub system_description: &'a str,
        /// Management address.
        pub management: Option<Ipv4Addr>,
        /// Capabilities supported, then enabled (802.1AB bits: 0x04
        /// bridge, 0x08 WLAN access point, 0x10 router).
        pub capabilities: [u16; 2],
    }

    fn tlv(out: &mut Vec<u8>, kind: u16, value: &[u8]) {
        out.extend_from_slice(&((kind << 9) | value.len() as u16).to_be_bytes());
        out.extend_from_slice(value);
    }

    /// The LLDPDU (after the Ethernet header, ethertype 0x88cc).
    pub fn encode(info: &Info<'_>) -> Vec<u8> {
        let mut out = Vec::with_capacity(160);
        let mut chassis = vec![4];
        chassis.extend_from_slice(&info.chassis.octets());
        tlv(&mut out, 1, &chassis);
        let mut port = vec![5];
        port.extend_from_slice(info.port.as_bytes());
        tlv(&mut out, 2, &port);
        tlv(&mut out, 3, &info.ttl.to_be_bytes());
        tlv(&mut out, 4, info.port.as_bytes());
        tlv(&mut out, 5, info.system_name.as_bytes());
        tlv(&mut out, 6, info.system_description.as_bytes());
        let [supported, enabled] = info.capabilities;
        tlv(&mut out, 7, &[supported.to_be_bytes(), enabled.to_be_bytes()].concat());
        if let Some(ip) = info.management {
            let mut m = vec![5, 1];
            m.extend_from_slice(&ip.octets());
            m.push(2); // ifIndex
            m.extend_from_slice(&1u32.to_be_bytes());
            m.push(0); // no OID
            tlv(&mut out, 8, &m);
        }
        tlv(&mut out, 0, &[]);
        out
    }
}

/// Cisco Discovery Protocol messages (version 2).
pub mod cdp {
    /// What a Cisco device says about itself.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Info<'a> {
        /// Device id (its host name).
        pub device_id: &'a str,
        /// Port id, e.g. `FastEthernet0`.
        pub port: &'a str,
        /// Software version (may span lines).
        pub software: &'a str,
        /// Platform, e.g. `cisco 2911`.
        pub platform: &'a str,
        /// Capability bits (0x01 router, 0x08 switch, 0x10 host).
        pub capabilities: u32,
    }

    fn tlv(out: &mut Vec<u8>, kind: u16, value: &[u8]) {
        out.extend_from_slice(&kind.to_be_bytes());
        out.extend_from_slice(&(value.len() as u16 + 4).to_be_bytes());
        out.extend_from_slice(value);
    }

    /// The CDP message (after LLC/SNAP), with its checksum.
    pub fn encode(info: &Info<'_>) -> Vec<u8> {
        let mut out = vec![2, 180, 0, 0]; // version 2, hold time 180 s
        tlv(&mut out, 0x0001, info.device_id.as_bytes());
        tlv(&mut out, 0x0005, info.software.as_bytes());
        tlv(&mut out, 0x0006, info.platform.as_bytes());
        tlv(&mut out, 0x0003, info.port.as_bytes());
        tlv(&mut out, 0x0004, &info.capabilities.to_be_bytes());
        let sum = checksum(&out);
        out[2..4].copy_from_slice(&sum.to_be_bytes());
        out
    }

    /// The IP checksum, as CDP uses it (an odd last byte is added as is,
    /// sign-extended, as Cisco's implementation does).
    fn checksum(data: &[u8]) -> u16 {
        let mut sum: u32 = 0;
        let mut pairs = data.chunks_exact(2);
        for pair in &mut pairs {
            sum += u32::from(u16::from_be_bytes([pair[0], pair[1]]));
        }
        if let [last] = pairs.remainder() {
            sum += (i32::from(*last as i8) as u32) & 0xffff;
        }
        while sum >> 16 != 0 {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        !(sum as u16)
    }
}

/// Spanning tree BPDUs (IEEE 802.1D/802.1w).
pub mod stp {
    use super::*;

    /// A rapid spanning tree configuration BPDU with its 802.2 LLC header
    /// (DSAP/SSAP 0x42): the switch as root bridge with `priority`,
    /// sent from `port` (port id 0x80nn).
    pub fn rstp_bpdu(bridge: MacAddr, priority: u16, port: u8) -> Vec<u8> {
        let mut out = Vec::with_capacity(39);
        out.extend_from_slice(&[0x42, 0x42, 0x03]);
        out.extend_from_slice(&[0, 0, 2, 2]); // protocol 0, version 2 (RSTP), type 2
        out.push(0x3c); // forwarding, learning, designated port
        let mut id = priority.to_be_bytes().to_vec();
        id.extend_from_slice(&bridge.octets());
        out.extend_from_slice(&id); // root
        out.extend_from_slice(&0u32.to_be_bytes()); // root path cost
        out.extend_from_slice(&id); // bridge
        out.extend_from_slice(&[0x80, port]);
        for secs in [0u16, 20, 2, 15] {
            out.extend_from_slice(&(secs * 256).to_be_bytes()); // age, max age, hello, forward delay
        }
        out.push(0); // version 1 length
        out
    }
}

/// TLS handshake records (RFC 8446).
pub mod tls {
    /// Cipher suites in a browser's order: TLS 1.3's three, then ECDHE
    /// with AES-GCM and ChaCha20, then the old CBC and RSA ones.
    const CIPHERS: [u16; 15] = [
        0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014,
        0x009c, 0x009d, 0x002f, 0x0035,
    ];
    /// Length a browser pads its ClientHello record to.
    const PADDED_LEN: usize = 517;

    fn ext(out: &mut Vec<u8>, kind: u16, data: &[u8]) {
        out.extend_from_slice(&kind.to_be_bytes());
        out.extend_from_slice(&(data.len() as u16).to_be_bytes());
        out.extend_from_slice(data);
    }

    /// A list with a 2-byte length of `items` 2-byte values.
    fn u16_list(items: &[u16]) -> Vec<u8> {
        let mut out = ((items.len() * 2) as u16).to_be_bytes().to_vec();
        items.iter().for_each(|i| out.extend_from_slice(&i.to_be_bytes()));
        out
    }

    /// A TLS 1.3 ClientHello record as a current browser sends it, for
    /// `server_name`, offering `alpn`, padded to 517 bytes; `random` fills
    /// the random, the session id and the key share.
    pub fn client_hello(server_name: &str, alpn: &[&str], random: [u8; 32]) -> Vec<u8> {
        let mut exts = Vec::new();
        let name = server_name.as_bytes();
        let mut sni = ((name.len() + 3) as u16).to_be_bytes().to_vec();
        sni.push(0);
        sni.extend_from_slice(&(name.len() as u16).to_be_bytes());
        sni.extend_from_slice(name);
        ext(&mut exts, 0x0000, &sni);
        ext(&mut exts, 0x0017, &[]); // extended master secret
        ext(&mut exts, 0xff01, &[0]); // renegotiation info
        ext(&mut exts, 0x000a, &u16_list(&[0x001d, 0x0017, 0x0018])); // groups
        ext(&mut exts, 0x000b, &[1, 0]); // point formats: uncompressed
        ext(&mut exts, 0x0023, &[]); // session ticket
        let mut protocols = Vec::new();
        for p in alpn {
            protocols.push(p.len() as u8);
            protocols.extend_from_slice(p.as_bytes());
        }
        let mut alpn_ext = (protocols.len() as u16).to_be_bytes().to_vec();
        alpn_ext.extend_from_slice(&protocols);
        ext(&mut exts, 0x0010, &alpn_ext);
        ext(&mut exts, 0x0005, &[1, 0, 0, 0, 0]); // status request (OCSP)
        let sig_algs = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601];
        ext(&mut exts, 0x000d, &u16_list(&sig_algs));
        ext(&mut exts, 0x0012, &[]); // signed certificate timestamps
        let mut share = vec![0, 36, 0x00, 0x1d, 0, 32]; // x25519
        share.extend_from_slice(&random);
        ext(&mut exts, 0x0033, &share);
        ext(&mut exts, 0x002d, &[1, 1]); // PSK with (EC)DHE
        ext(&mut exts, 0x002b, &[4, 0x03, 0x04, 0x03, 0x03]); // TLS 1.3, 1.2

        let mut body = vec![0x03, 0x03];
        body.extend_from_slice(&random);
        body.push(32);
        body.extend_from_slice(&random);
        body.extend_from_slice(&u16_list(&CIPHERS));
        body.extend_from_slice(&[1, 0]); // no compression
        // Record (5) + handshake header (4) + body + extensions length (2)
        // + extensions + padding's own header (4).
        let fixed = 5 + 4 + body.len() + 2 + exts.len() + 4;
        ext(&mut exts, 0x0015, &vec![0; PADDED_LEN.saturating_sub(fixed)]);
        body.extend_from_slice(&(exts.len() as u16).to_be_bytes());
        body.extend_from_slice(&exts);

        let mut out = vec![0x16, 0x03, 0x01];
        out.extend_from_slice(&((body.len() + 4) as u16).to_be_bytes());
        out.push(1); // ClientHello
        out.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
        out.extend_from_slice(&body);
        out
    }
}

/// SMB2 message headers (MS-SMB2), for the start of each message of a
/// file copy.
pub mod smb2 {
    /// SMB port.
    pub const PORT: u16 = 445;
    /// NEGOTIATE.
    pub const NEGOTIATE: u16 = 0;
    /// SESSION_SETUP.
    pub const SESSION_SETUP: u16 = 1;
    /// LOGOFF.
    pub const LOGOFF: u16 = 2;
    /// TREE_CONNECT.
    pub const TREE_CONNECT: u16 = 3;
    /// CREATE.
    pub const CREATE: u16 = 5;
    /// CLOSE.
    pub const CLOSE: u16 = 6;
    /// READ.
    pub const READ: u16 = 8;
    /// WRITE.
    pub const WRITE: u16 = 9;
    /// Length of the NetBIOS session header plus the SMB2 header.
    pub const HEADER_LEN: usize = 68;

    /// The fixed part of a message body (MS-SMB2 §2.2): the right
    /// StructureSize and the fields a dissector follows (offsets, lengths,
    /// dialects, the share path); everything else zero. For READ responses
    /// and WRITE requests `data_len` bytes of file data follow it.
    pub fn body(command: u16, response: bool, data_len: u32) -> Vec<u8> {
        let mut b = Vec::with_capacity(96);
        let u16le = |b: &mut Vec<u8>, v: u16| b.extend_from_slice(&v.to_le_bytes());
        let u32le = |b: &mut Vec<u8>, v: u32| b.extend_from_slice(&v.to_le_bytes());
        match (command, response) {
            (NEGOTIATE, false) => {
                u16le(&mut b, 36);
                u16le(&mut b, 2); // dialect count
                u16le(&mut b, 1); // signing enabled
                b.extend_from_slice(&[0; 30]);
                u16le(&mut b, 0x0210);
                u16le(&mut b, 0x0302);
            }
            (NEGOTIATE, true) => {
                u16le(&mut b, 65);
                u16le(&mut b, 1);
                u16le(&mut b, 0x0302);
                b.extend_from_slice(&[0; 52]);
                u16le(&mut b, 0); // security buffer offset
                u16le(&mut b, 0); // and length: none
                u32le(&mut b, 0);
                b.push(0);
            }
            (SESSION_SETUP, false) => {
                u16le(&mut b, 25);
                b.extend_from_slice(&[0, 1]);
                b.extend_from_slice(&[0; 8]);
                u16le(&mut b, 0);
                u16le(&mut b, 0);
                b.extend_from_slice(&[0; 8]);
                b.push(0);
            }
            (SESSION_SETUP, true) => {
                u16le(&mut b, 9);
                b.extend_from_slice(&[0; 6]);
                b.push(0);
            }
            (TREE_CONNECT, false) => {
                let path: Vec<u8> =
                    "\\\\FS01\\scans".encode_utf16().flat_map(|c| c.to_le_bytes()).collect();
                u16le(&mut b, 9);
                u16le(&mut b, 0);
                u16le(&mut b, 72); // path offset: header + 8
                u16le(&mut b, path.len() as u16);
                b.extend_from_slice(&path);
            }
            (TREE_CONNECT, true) => {
                u16le(&mut b, 16);
                b.extend_from_slice(&[1, 0]); // disk share
                u32le(&mut b, 0);
                u32le(&mut b, 0);
                u32le(&mut b, 0x001f_01ff);
            }
            (CREATE, false) => {
                u16le(&mut b, 57);
                b.extend_from_slice(&[0; 54]);
                b.push(0);
            }
            (CREATE, true) => {
                u16le(&mut b, 89);
                b.extend_from_slice(&[0; 86]);
                b.push(0);
            }
            (CLOSE, false) => {
                u16le(&mut b, 24);
                b.extend_from_slice(&[0; 22]);
            }
            (CLOSE, true) => {
                u16le(&mut b, 60);
                b.extend_from_slice(&[0; 58]);
            }
            (READ, false) => {
                u16le(&mut b, 49);
                b.extend_from_slice(&[0x50, 0]);
                u32le(&mut b, data_len);
                b.extend_from_slice(&[0; 40]);
                b.push(0);
            }
            (READ, true) => {
                u16le(&mut b, 17);
                b.extend_from_slice(&[0x50, 0]);
                u32le(&mut b, data_len);
                b.extend_from_slice(&[0; 8]);
            }
            (WRITE, false) => {
                u16le(&mut b, 49);
                u16le(&mut b, 0x70); // data offset: header + 48
                u32le(&mut b, data_len);
                b.extend_from_slice(&[0; 40]);
            }
            (WRITE, true) => {
                u16le(&mut b, 17);
                u16le(&mut b, 0);
                u32le(&mut b, data_len);
                b.extend_from_slice(&[0; 8]);
            }
            (_, _) => {
                u16le(&mut b, 4);
                u16le(&mut b, 0);
            }
        }
        b
    }

    /// The NetBIOS session header and SMB2 sync header of one message whose
    /// SMB2 part (header included) is `smb_len` bytes long.
    pub fn header(
        smb_len: u32,
        command: u16,
        response: bool,
        message_id: u64,
        session_id: u64,
        tree_id: u32,
    ) -> [u8; HEADER_LEN] {
        let mut h = [0u8; HEADER_LEN];
        h[0] = 0; // session message
        h[1..4].copy_from_slice(&smb_len.to_be_bytes()[1..4]);
        h[4..8].copy_from_slice(&[0xfe, b'S', b'M', b'B']);
        h[8..10].copy_from_slice(&64u16.to_le_bytes());
        h[10..12].copy_from_slice(&1u16.to_le_bytes()); // credit charge
        // status 12..16 = 0
        h[16..18].copy_from_slice(&command.to_le_bytes());
        h[18..20].copy_from_slice(&(if response { 33u16 } else { 31 }).to_le_bytes()); // credits
        h[20..24].copy_from_slice(&(if response { 1u32 } else { 0 }).to_le_bytes()); // flags
        h[28..36].copy_from_slice(&message_id.to_le_bytes());
        h[40..44].copy_from_slice(&tree_id.to_le_bytes());
        h[44..52].copy_from_slice(&session_id.to_le_bytes());
        h
    }
}

/// The PJL header a Windows driver sends first in a raw (port 9100) job.
pub fn pjl_job_header(job: &str, user: &str) -> Vec<u8> {
    format!(
        "\x1b%-12345X@PJL JOB NAME=\"{job}\"\r\n@PJL SET USERNAME=\"{user}\"\r\n@PJL ENTER LANGUAGE=PCL\r\n\x1bE"
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_query_golden() {
        let q = dns::query(0x1234, "fs01.dig.local", dns::TYPE_A);
        let mut want = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
        want.extend_from_slice(b"\x04fs01\x03dig\x05local\x00\x00\x01\x00\x01");
        assert_eq!(q, want);
        let r = dns::response_a(
            0x1234,
            "fs01.dig.local",
            &[Ipv4Addr::new(10, 20, 0, 10)],
            3600,
            0,
            true,
        );
        assert_eq!(&r[2..4], &[0x85, 0x80]);
        assert_eq!(&r[r.len() - 4..], &[10, 20, 0, 10]);
    }

    #[test]
    fn netbios_name_encoding() {
        // "FRED" padded, suffix 0x00, from RFC 1001 §14.1's example shape.
        let n = netbios::encode_name("fred", 0);
        assert_eq!(&n[1..9], b"EGFCEFEE");
        assert_eq!(&n[9..31], b"CACACACACACACACACACACA");
        assert_eq!(&n[31..33], b"AA");
        assert_eq!(n[33], 0);
    }

    #[test]
    fn dhcp_message_layout() {
        let mac: MacAddr = "a4:8c:db:12:34:56".parse().unwrap();
        let c = dhcp::Client::windows(mac, "LAPTOP-7Q2M");
        let m = c.discover(0xdeadbeef, 0, None);
        let b = m.encode();
        assert_eq!(b.len(), dhcp::MIN_LEN);
        assert_eq!(&b[4..8], &[0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(&b[28..34], &mac.octets());
        assert_eq!(&b[236..240], &dhcp::MAGIC_COOKIE);
        assert_eq!(&b[240..243], &[53, 1, 1]);
        assert_eq!(m.message_type(), Some(1));
    }

    #[test]
    fn a_client_hello_is_padded_to_517_bytes_with_consistent_lengths() {
        let hello = tls::client_hello("www.example.com", &["h2", "http/1.1"], [7; 32]);
        assert_eq!(hello.len(), 517);
        assert_eq!(&hello[..3], &[0x16, 0x03, 0x01]);
        assert_eq!(usize::from(u16::from_be_bytes([hello[3], hello[4]])), 517 - 5);
        let body_len = u32::from_be_bytes([0, hello[6], hello[7], hello[8]]) as usize;
        assert_eq!(body_len, 517 - 9);
        let name_at = hello.windows(15).position(|w| w == b"www.example.com");
        assert!(name_at.is_some());
    }

    #[test]
    fn lldp_ends_with_end_tlv() {
        let info = lldp::Info {
            chassis: "50:98:b8:00:00:01".parse().unwrap(),
            port: "GE1/0/1",
            ttl: 120,
            system_name: "sw",
            system_description: "x",
            management: Some(Ipv4Addr::new(10, 20, 0, 1)),
            capabilities: [0x14, 0x04],
        };
        let b = lldp::encode(&info);
        assert_eq!(&b[..3], &[0x02, 0x07, 4]);
        assert_eq!(&b[b.len() - 2..], &[0, 0]);
    }

    #[test]
    fn smb2_header_magic() {
        let h = smb2::header(1000, smb2::WRITE, false, 7, 1, 5);
        assert_eq!(&h[0..4], &[0, 0, 0x03, 0xe8]);
        assert_eq!(&h[4..8], b"\xfeSMB");
        assert_eq!(h[16], 9);
    }
}
