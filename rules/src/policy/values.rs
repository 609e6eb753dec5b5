//! Parsers for the values `policy.toml` writes as text: sizes, weekdays,
//! times of day, networks and domain names. Each returns `None` (or the
//! correction to suggest) and leaves the message to the caller.

use ipnet::IpNet;
use jiff::civil::{Time, Weekday};

/// Parses a size: an integer of bytes, or a number (decimals allowed) with a
/// unit B, KiB, MiB, GiB, TiB (1024-based) or KB, MB, GB, TB (1000-based),
/// with or without a space, unit case-insensitive.
pub(super) fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let unit_at = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at(unit_at);
    scale(number, unit_multiplier(unit.trim())?)
}

/// Bytes in one `unit`.
fn unit_multiplier(unit: &str) -> Option<u64> {
    let multiplier = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        "tib" => 1 << 40,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "tb" => 1_000_000_000_000,
        _ => return None,
    };
    Some(multiplier)
}

/// `number` (digits, optionally `.` and more digits) times `multiplier`,
/// rounded down to whole bytes; None on overflow or a malformed number.
fn scale(number: &str, multiplier: u64) -> Option<u64> {
    let (whole, fraction) = match number.split_once('.') {
        Some((whole, fraction)) if !fraction.is_empty() => (whole, fraction),
        Some(_) => return None,
        None => (number, ""),
    };
    // Longer fractions than this cannot matter and would overflow 10^n.
    if !is_digits(whole) || !(fraction.is_empty() || is_digits(fraction)) || fraction.len() > 18 {
        return None;
    }
    let whole_bytes = whole.parse::<u64>().ok()?.checked_mul(multiplier)?;
    if fraction.is_empty() {
        return Some(whole_bytes);
    }
    let numerator = fraction.parse::<u128>().ok()? * u128::from(multiplier);
    let fraction_bytes = numerator / 10u128.pow(fraction.len() as u32);
    whole_bytes.checked_add(u64::try_from(fraction_bytes).ok()?)
}

/// True for a non-empty run of ASCII digits.
fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Parses days like `Mon-Fri`, `Mon,Wed,Fri`, `Mon-Wed,Sat` or `周一-周五`
/// into a Monday-first list without repeats. A range may wrap over the
/// weekend (`Fri-Mon`).
pub(super) fn parse_days(text: &str) -> Option<Vec<Weekday>> {
    let mut chosen = [false; 7];
    for part in text.split([',', '，', '、']) {
        let part = part.trim();
        let (first, last) = match part.split_once('-') {
            Some((first, last)) => (parse_weekday(first)?, parse_weekday(last)?),
            None => (parse_weekday(part)?, parse_weekday(part)?),
        };
        let mut day = first;
        loop {
            chosen[monday_index(day)] = true;
            if day == last {
                break;
            }
            day = day.next();
        }
    }
    let mut days = Vec::new();
    let mut day = Weekday::Monday;
    for is_chosen in chosen {
        if is_chosen {
            days.push(day);
        }
        day = day.next();
    }
    Some(days)
}

/// 0 for Monday up to 6 for Sunday.
fn monday_index(day: Weekday) -> usize {
    day.to_monday_zero_offset().unsigned_abs() as usize
}

/// One day name: English (short or long, any case) or Chinese.
fn parse_weekday(name: &str) -> Option<Weekday> {
    let day = match name.trim().to_lowercase().as_str() {
        "mon" | "monday" | "周一" | "星期一" => Weekday::Monday,
        "tue" | "tues" | "tuesday" | "周二" | "星期二" => Weekday::Tuesday,
        "wed" | "wednesday" | "周三" | "星期三" => Weekday::Wednesday,
        "thu" | "thur" | "thurs" | "thursday" | "周四" | "星期四" => Weekday::Thursday,
        "fri" | "friday" | "周五" | "星期五" => Weekday::Friday,
        "sat" | "saturday" | "周六" | "星期六" => Weekday::Saturday,
        "sun" | "sunday" | "周日" | "周天" | "星期日" | "星期天" => Weekday::Sunday,
        _ => return None,
    };
    Some(day)
}

/// Parses a 24-hour `HH:MM` (or `H:MM`).
pub(super) fn parse_time(text: &str) -> Option<Time> {
    let (hour, minute) = text.trim().split_once(':')?;
    if !is_digits(hour) || hour.len() > 2 || !is_digits(minute) || minute.len() != 2 {
        return None;
    }
    let hour: i8 = hour.parse().ok()?;
    let minute: i8 = minute.parse().ok()?;
    Time::new(hour, minute, 0, 0).ok()
}

/// Why a text is not an acceptable LAN network.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum CidrProblem {
    /// Not `address/prefix` at all.
    Malformed,
    /// A valid CIDR whose host bits are set; the network it probably means.
    HostBits(IpNet),
}

/// Parses a network in CIDR notation whose host bits are zero.
pub(super) fn parse_cidr(text: &str) -> Result<IpNet, CidrProblem> {
    let net: IpNet = text.trim().parse().map_err(|_| CidrProblem::Malformed)?;
    let network = net.trunc();
    if network == net { Ok(net) } else { Err(CidrProblem::HostBits(network)) }
}

/// Normalizes a DNS domain (lower case, no dots at either end), or None
/// when it is not one: empty labels, spaces or URL punctuation.
pub(super) fn normalize_domain(text: &str) -> Option<String> {
    let domain = text.trim().trim_matches('.').to_ascii_lowercase();
    let label_ok = |label: &str| {
        !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    };
    domain.split('.').all(label_ok).then_some(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("200 MiB"), Some(200 << 20));
        assert_eq!(parse_size("200MiB"), Some(200 << 20));
        assert_eq!(parse_size("1.5 GiB"), Some(3 << 29));
        assert_eq!(parse_size("2 GB"), Some(2_000_000_000));
        assert_eq!(parse_size("10 kb"), Some(10_000));
        assert_eq!(parse_size("123"), Some(123));
        assert_eq!(parse_size("123 B"), Some(123));
        for bad in [
            "",
            "MiB",
            "200 MB/s",
            "-1 MiB",
            "1..2 MiB",
            "1. MiB",
            ".5 MiB",
            "99999999999 TiB",
            "2e3",
        ] {
            assert_eq!(parse_size(bad), None, "{bad}");
        }
    }

    #[test]
    fn days() {
        use Weekday::*;
        assert_eq!(parse_days("Mon-Fri"), Some(vec![Monday, Tuesday, Wednesday, Thursday, Friday]));
        assert_eq!(parse_days("Mon,Wed,Fri"), Some(vec![Monday, Wednesday, Friday]));
        assert_eq!(parse_days("fri-mon"), Some(vec![Monday, Friday, Saturday, Sunday]));
        assert_eq!(
            parse_days("周一-周六"),
            Some(vec![Monday, Tuesday, Wednesday, Thursday, Friday, Saturday])
        );
        assert_eq!(parse_days("Sunday, Sun"), Some(vec![Sunday]));
        for bad in ["", "Mon-", "Mon,,Tue", "Monday-Funday", "Mo-Fr"] {
            assert_eq!(parse_days(bad), None, "{bad}");
        }
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("08:30"), Time::new(8, 30, 0, 0).ok());
        assert_eq!(parse_time("8:30"), Time::new(8, 30, 0, 0).ok());
        for bad in ["24:00", "08:60", "0830", "08:3", "+8:30", "08:30:00", "", "１８:00"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn cidrs() {
        assert_eq!(parse_cidr("10.20.0.0/16"), Ok("10.20.0.0/16".parse().unwrap()));
        assert_eq!(
            parse_cidr("10.20.1.5/16"),
            Err(CidrProblem::HostBits("10.20.0.0/16".parse().unwrap()))
        );
        for bad in ["10.20.0.0/33", "10.20.0/16", "10.20.0.0", "fe80::/129", ""] {
            assert_eq!(parse_cidr(bad), Err(CidrProblem::Malformed), "{bad}");
        }
    }

    #[test]
    fn domains() {
        assert_eq!(normalize_domain("Dig.Local."), Some("dig.local".to_owned()));
        for bad in ["", "dig..local", "dig local", "http://dig.local"] {
            assert_eq!(normalize_domain(bad), None, "{bad}");
        }
    }
}
