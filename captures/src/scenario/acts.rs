//! What devices do, as frames: DHCP, ARP claims and look-ups, DNS, NTP,
//! Windows' join-the-network chatter, SMB sessions, print jobs, LLDP.
//!
//! Each act takes the time it starts and returns the time of its last (or
//! its significant) frame, so a scenario reads as a timeline.

use std::net::{IpAddr, Ipv4Addr};

use gapwatch_rules::Timestamp;

use super::site::{Dev, Trace, ms, us};
use crate::frames::{self, LLMNR_V4, MDNS_V4, SSDP_V4, Tcp};
use crate::payload::{dhcp, dns, lldp, netbios, pjl_job_header, smb2};
use crate::rng::Rng;

/// DHCP DISCOVER, OFFER, REQUEST, ACK from `client` (at `t`) to `server`
/// handing out `yiaddr`; returns the times of the OFFER and the ACK.
pub fn dhcp_dora(
    tr: &mut Trace,
    rng: &mut Rng,
    client: &dhcp::Client,
    server: &Dev,
    cfg: &dhcp::ServerConfig,
    yiaddr: Ipv4Addr,
    t: Timestamp,
) -> (Timestamp, Timestamp) {
    let xid = rng.next_u32();
    let discover = client.discover(xid, 0, None);
    tr.at(t, frames::dhcp_client(&discover));
    let t1 = us(t, rng.range(800, 3000) as i64);
    let offer = cfg.reply(&discover, dhcp::MessageType::Offer, yiaddr);
    tr.at(t1, frames::dhcp_server(server.mac, server.ip, &offer));
    let t2 = us(t1, rng.range(2000, 12_000) as i64);
    let request = client.request(xid, 0, yiaddr, cfg.server_ip);
    tr.at(t2, frames::dhcp_client(&request));
    let t3 = us(t2, rng.range(600, 2500) as i64);
    let ack = cfg.reply(&request, dhcp::MessageType::Ack, yiaddr);
    tr.at(t3, frames::dhcp_server(server.mac, server.ip, &ack));
    (t1, t3)
}

/// RFC 5227 address claim: an ARP probe (sender 0.0.0.0) at `t`, then a
/// gratuitous ARP about a second later. Returns the announcement's time:
/// the first frame that carries the address as its sender.
pub fn arp_claim(tr: &mut Trace, rng: &mut Rng, dev: &Dev, t: Timestamp) -> Timestamp {
    tr.at(t, frames::arp_probe(dev.mac, dev.ip));
    let ta = us(t, rng.range(1_000_000, 1_200_000) as i64);
    tr.at(ta, frames::arp_gratuitous(dev.mac, dev.ip));
    ta
}

/// `from` asks who has `to`'s address, `to` answers; returns the reply's
/// time.
pub fn arp_resolve(tr: &mut Trace, rng: &mut Rng, from: &Dev, to: &Dev, t: Timestamp) -> Timestamp {
    tr.at(t, frames::arp_request(from.mac, from.ip, to.ip));
    let t1 = us(t, rng.range(150, 900) as i64);
    tr.at(t1, frames::arp_reply(to.mac, to.ip, (from.mac, from.ip)));
    t1
}

/// A DNS query from `client` to `server` for `name`, answered with
/// `answers` (or `rcode`); returns the response's time.
#[allow(clippy::too_many_arguments)]
pub fn dns_lookup(
    tr: &mut Trace,
    rng: &mut Rng,
    client: &Dev,
    server: &Dev,
    name: &str,
    answers: &[Ipv4Addr],
    rcode: u8,
    t: Timestamp,
) -> Timestamp {
    let (sport, id) = (rng.ephemeral_port(), rng.next_u16());
    tr.at(t, frames::dns_query(&client.to(server), sport, id, name));
    let t1 = us(t, rng.range(200, 1500) as i64);
    tr.at(t1, frames::dns_response(&server.to(client), sport, id, name, answers, rcode));
    t1
}

/// NTP seconds of a timestamp (era 0).
fn ntp_secs(t: Timestamp) -> u32 {
    (t.as_secs() + 2_208_988_800) as u32
}

/// An NTP client request and the server's reply (w32time: 123 → 123).
pub fn ntp(tr: &mut Trace, rng: &mut Rng, client: &Dev, server: &Dev, t: Timestamp) -> Timestamp {
    let mut req = [0u8; 48];
    req[0] = 0x23; // v4, client
    req[40..44].copy_from_slice(&ntp_secs(t).to_be_bytes());
    tr.at(t, frames::udp(&client.to(server), 123, 123, &req));
    let t1 = us(t, rng.range(150, 700) as i64);
    let mut resp = [0u8; 48];
    resp[0] = 0x24; // v4, server
    resp[1] = 1; // stratum 1: its own clock (air-gapped)
    resp[2] = 6;
    resp[3] = 0xe9;
    resp[12..16].copy_from_slice(b"LOCL");
    resp[16..20].copy_from_slice(&ntp_secs(t).to_be_bytes());
    resp[24..28].copy_from_slice(&ntp_secs(t).to_be_bytes());
    resp[32..36].copy_from_slice(&ntp_secs(t1).to_be_bytes());
    resp[40..44].copy_from_slice(&ntp_secs(t1).to_be_bytes());
    tr.at(t1, frames::udp(&server.to(client), 123, 123, &resp));
    t1
}

/// What Windows says when it joins a network, from `t`: IGMP joins,
/// NetBIOS name registrations to `bcast`, LLMNR for `wpad`, an mDNS
/// announcement, SSDP searches; with `ipv6` also duplicate address
/// detection of its link-local address and LLMNR over IPv6. All of it
/// local in scope. Returns the time of its last frame.
pub fn windows_chatter(
    tr: &mut Trace,
    rng: &mut Rng,
    dev: &Dev,
    bcast: Ipv4Addr,
    t: Timestamp,
    ipv6: bool,
) -> Timestamp {
    let mut last = t;
    let mut put = |tr: &mut Trace, at: Timestamp, f: Vec<u8>| {
        if at > last {
            last = at;
        }
        tr.at(at, f);
    };
    put(tr, t, frames::igmp_join(dev.mac, dev.ip, &[LLMNR_V4, SSDP_V4, MDNS_V4]));
    let trn = rng.next_u16();
    for i in 0..3 {
        let at = ms(t, 20 + 750 * i);
        put(
            tr,
            at,
            frames::nbns_registration(
                dev.mac,
                dev.ip,
                bcast,
                trn,
                dev.host,
                netbios::SUFFIX_WORKSTATION,
            ),
        );
    }
    let id = rng.next_u16();
    put(
        tr,
        ms(t, 45),
        frames::llmnr_query(dev.mac, IpAddr::V4(dev.ip), rng.ephemeral_port(), id, "wpad"),
    );
    let host = format!("{}.local", dev.host.to_ascii_lowercase());
    put(
        tr,
        ms(t, 60),
        frames::mdns(
            dev.mac,
            IpAddr::V4(dev.ip),
            &dns::mdns_announce(&host, &[IpAddr::V4(dev.ip)]),
        ),
    );
    let sport = rng.ephemeral_port();
    for i in 0..2 {
        let at = ms(t, 1100 + 1000 * i);
        put(
            tr,
            at,
            frames::ssdp_msearch(dev.mac, dev.ip, sport, "urn:dial-multiscreen-org:service:dial:1"),
        );
    }
    if ipv6 {
        put(tr, ms(t, 5), frames::icmp6_ns(dev.mac, std::net::Ipv6Addr::UNSPECIFIED, dev.ll()));
        let id6 = rng.next_u16();
        put(
            tr,
            ms(t, 1250),
            frames::llmnr_query(dev.mac, IpAddr::V6(dev.ll()), rng.ephemeral_port(), id6, "wpad"),
        );
    }
    last
}

/// What an SMB2 session does.
#[derive(Clone, Debug)]
pub struct SmbPlan {
    /// Files: (size in bytes, pause in ms before it).
    pub files: Vec<(usize, u64)>,
    /// The client writes (push to a share) rather than reads.
    pub write: bool,
    /// Pacing of the data, bits per second.
    pub rate_bps: u64,
    /// Stop after the session setup (a guest or a failed logon).
    pub no_logon: bool,
    /// Idle time before the client closes, ms.
    pub linger_ms: u64,
}

/// An SMB2 conversation over [`Tcp`].
struct Smb {
    tcp: Tcp,
    mid: u64,
    session: u64,
    tree: u32,
}

impl Smb {
    /// One request and its response, the server answering after a short
    /// think time; `req_data` / `resp_data` bytes of file data follow the
    /// fixed bodies (WRITE requests, READ responses).
    fn exchange(
        &mut self,
        out: &mut Vec<crate::Record>,
        rng: &mut Rng,
        cmd: u16,
        req_data: u32,
        resp_data: u32,
    ) {
        for (response, data) in [(false, req_data), (true, resp_data)] {
            let body = smb2::body(cmd, response, data);
            let smb_len = 64 + body.len() as u32 + data;
            let mut head =
                smb2::header(smb_len, cmd, response, self.mid, self.session, self.tree).to_vec();
            head.extend_from_slice(&body);
            self.tcp.send(out, !response, 4 + smb_len as usize, &head);
            self.tcp.wait_us(if response { rng.range(40, 250) } else { rng.range(90, 450) });
        }
        self.mid += 1;
    }
}

/// SMB2 chunk size of one READ or WRITE.
const SMB_CHUNK: usize = 65_536;

/// An SMB2 session from `client` to `server`:445 starting at `t`: connect,
/// negotiate, session setup, tree connect, then per file CREATE, READ or
/// WRITE in 64 KiB chunks, CLOSE; finally the client closes the
/// connection. Returns the time of the last frame.
pub fn smb_session(
    tr: &mut Trace,
    rng: &mut Rng,
    client: &Dev,
    server: &Dev,
    t: Timestamp,
    plan: &SmbPlan,
) -> Timestamp {
    let seed = rng.next_u64();
    let tcp = Tcp::new(client.peer(rng.ephemeral_port()), server.peer(smb2::PORT), t, seed)
        .with_rate(plan.rate_bps);
    let mut s = Smb { tcp, mid: 0, session: 0, tree: 0 };
    let out = &mut tr.recs;
    s.tcp.connect(out);
    s.exchange(out, rng, smb2::NEGOTIATE, 0, 0);
    s.exchange(out, rng, smb2::SESSION_SETUP, 0, 0);
    s.session = 0x0000_1000_0000_0000 | (seed & 0xffff_ffff);
    s.exchange(out, rng, smb2::SESSION_SETUP, 0, 0);
    if !plan.no_logon {
        s.tree = 1 + (seed >> 40) as u32 % 8;
        s.exchange(out, rng, smb2::TREE_CONNECT, 0, 0);
        for &(size, pause) in &plan.files {
            s.tcp.wait_ms(pause);
            s.exchange(out, rng, smb2::CREATE, 0, 0);
            let mut left = size;
            while left > 0 {
                let n = left.min(SMB_CHUNK);
                if plan.write {
                    s.exchange(out, rng, smb2::WRITE, n as u32, 0);
                } else {
                    s.exchange(out, rng, smb2::READ, 0, n as u32);
                }
                left -= n;
            }
            s.exchange(out, rng, smb2::CLOSE, 0, 0);
        }
    }
    s.tcp.wait_ms(plan.linger_ms);
    s.tcp.close(out, true);
    s.tcp.now()
}

/// A raw print job (port 9100) of `bytes` from `client` to `printer`.
#[allow(clippy::too_many_arguments)]
pub fn print_job(
    tr: &mut Trace,
    rng: &mut Rng,
    client: &Dev,
    printer: &Dev,
    t: Timestamp,
    bytes: usize,
    job: &str,
    user: &str,
) -> Timestamp {
    let seed = rng.next_u64();
    let mut tcp = Tcp::new(client.peer(rng.ephemeral_port()), printer.peer(9100), t, seed)
        .with_rate(60_000_000);
    let out = &mut tr.recs;
    tcp.connect(out);
    tcp.send(out, true, bytes, &pjl_job_header(job, user));
    tcp.wait_ms(rng.range(20, 120));
    tcp.close(out, true);
    tcp.now()
}

/// LLDP from the switch every `every_s` seconds in `[from, until)`.
pub fn lldp_series(
    tr: &mut Trace,
    switch: &Dev,
    info: &lldp::Info<'_>,
    from: Timestamp,
    until: Timestamp,
    every_s: i64,
) {
    let mut t = from;
    while t < until {
        tr.at(t, frames::lldp(switch.mac, info));
        t = t.plus_secs(every_s);
    }
}

/// Spanning tree BPDUs from the switch every 2 s in `[from, until)`.
pub fn stp_series(tr: &mut Trace, switch: &Dev, from: Timestamp, until: Timestamp) {
    let mut t = from;
    while t < until {
        tr.at(t, frames::stp(switch.mac, 32768, 24));
        t = t.plus_secs(2);
    }
}
