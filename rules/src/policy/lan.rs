//! Membership in the LAN's networks, as integer masks.
//!
//! Every frame's source address and both ends of every new flow are
//! checked against the LAN; `IpNet::contains` over the list took a
//! twentieth of the pipeline thread in a replay. The networks are turned
//! into (network, mask) pairs once, per address family.

use std::net::IpAddr;

use ipnet::IpNet;

/// The LAN's networks, ready to test addresses against.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LanSet {
    v4: Vec<(u32, u32)>,
    v6: Vec<(u128, u128)>,
}

impl LanSet {
    /// The set of `nets`.
    pub fn new(nets: &[IpNet]) -> LanSet {
        let mut set = LanSet::default();
        for net in nets {
            match net {
                IpNet::V4(n) => {
                    set.v4.push((u32::from(n.network()), u32::from(n.netmask())));
                }
                IpNet::V6(n) => {
                    set.v6.push((u128::from(n.network()), u128::from(n.netmask())));
                }
            }
        }
        set
    }

    /// True when `ip` (or the IPv4 address an IPv4-mapped `ip` carries) is
    /// in one of the networks.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match ip.to_canonical() {
            IpAddr::V4(a) => {
                let a = u32::from(a);
                self.v4.iter().any(|&(net, mask)| a & mask == net)
            }
            IpAddr::V6(a) => {
                let a = u128::from(a);
                self.v6.iter().any(|&(net, mask)| a & mask == net)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Agrees with `IpNet::contains` on addresses at, inside and just
    /// outside each network's edges, for prefixes of every length.
    #[test]
    fn agrees_with_ipnet_at_every_edge() {
        let nets: Vec<IpNet> = [
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.1.128/25",
            "203.0.113.7/32",
            "0.0.0.0/0",
            "fe80::/10",
            "fc00::/7",
            "2001:db8::1/128",
            "::/0",
        ]
        .iter()
        .map(|n| n.parse().unwrap())
        .collect();
        let mut probes: Vec<IpAddr> = Vec::new();
        for net in &nets {
            for ip in [net.network(), net.broadcast()] {
                probes.push(ip);
                match ip {
                    IpAddr::V4(a) => {
                        let n = u32::from(a);
                        probes.extend(
                            [n.wrapping_sub(1), n.wrapping_add(1)].map(|n| IpAddr::V4(n.into())),
                        );
                        probes.push(IpAddr::V6(a.to_ipv6_mapped()));
                    }
                    IpAddr::V6(a) => {
                        let n = u128::from(a);
                        probes.extend(
                            [n.wrapping_sub(1), n.wrapping_add(1)].map(|n| IpAddr::V6(n.into())),
                        );
                    }
                }
            }
        }
        for i in 0..nets.len() {
            // Each network alone and with the ones after it.
            for chosen in [&nets[i..=i], &nets[i..]] {
                let set = LanSet::new(chosen);
                for &ip in &probes {
                    let canonical = ip.to_canonical();
                    let expected = chosen.iter().any(|n| n.contains(&canonical));
                    assert_eq!(set.contains(ip), expected, "{ip} in {chosen:?}");
                }
            }
        }
    }

    #[test]
    fn an_empty_set_holds_nothing() {
        let set = LanSet::new(&[]);
        assert!(!set.contains("10.0.0.1".parse().unwrap()));
        assert!(!set.contains("fe80::1".parse().unwrap()));
    }
}
