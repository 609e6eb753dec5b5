//! Tests of `policy.toml` loading: one per error kind (kind, line, column,
//! message), a full valid file, inventory mode, and a mutation "fuzz".

use std::net::IpAddr;

use jiff::civil::{Time, Weekday, date};

use super::*;
use crate::lang::Lang;

const VALID: &str = r#"# gapwatch site policy
[site]
name = "示例档案馆数字化加工场所"
timezone = "Asia/Shanghai"
lan = ["10.20.0.0/16", "fd20::/48"]
local_domains = ["Dig.Local"]
work_hours = { days = "Mon-Fri", start = "08:30", end = "17:30" }

[[asset]]
mac = "00:1b:21:aa:bb:01"
name = "扫描工位-01"
role = "scanner"
ip = "10.20.1.11"
location = "二楼加工室"
owner = "张三"

[[asset]]
mac = "00-1B-21-AA-BB-02"
name = "导出工位"
role = "qc"

[[asset]]
mac = "001b.21aa.bb03"
name = "文件服务器"
role = "fileserver"
ip = "fd20::5"

[roles.scanner]
may_serve = [9100]
may_send_bulk_to = ["export", "fileserver"]

[roles.qc]
may_send_bulk_to = ["fileserver"]

[thresholds]
bulk_transfer = "1 GiB"
new_macs_per_minute = 30
silence_minutes = 5
"#;

/// Lines 1-3: the smallest valid `[site]`.
const SITE: &str = "[site]\nname = \"站点\"\nlan = [\"10.20.0.0/16\"]\n";

fn parse(text: &str) -> Result<Policy, PolicyError> {
    Policy::parse(text, "policy.toml")
}

fn parse_err(text: &str) -> PolicyError {
    match parse(text) {
        Ok(policy) => panic!("expected an error, got {policy:?}"),
        Err(e) => e,
    }
}

/// Asserts the error's position and that both languages carry `fragment`
/// (English) and a non-empty Chinese text with the same position.
fn assert_at(e: &PolicyError, line: usize, column: usize, fragment: &str) {
    assert_eq!((e.line, e.column), (Some(line), Some(column)), "{e}");
    let en = e.to_string();
    assert!(en.starts_with(&format!("policy.toml:{line}:{column}: ")), "{en}");
    assert!(en.contains(fragment), "{en:?} lacks {fragment:?}");
    assert_eq!(e.message(Lang::En), en);
    let zh = e.message(Lang::Zh);
    assert!(zh.starts_with(&format!("policy.toml:{line}:{column}: ")), "{zh}");
    assert_ne!(zh, en);
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn valid_example_loads_completely() {
    let p = parse(VALID).unwrap();
    assert_eq!(p.origin(), Some("policy.toml"));
    assert_eq!(p.site().name, "示例档案馆数字化加工场所");
    assert_eq!(p.site().timezone, "Asia/Shanghai");
    assert_eq!(p.lan(), &["10.20.0.0/16".parse().unwrap(), "fd20::/48".parse().unwrap()][..]);
    assert_eq!(p.site().local_domains, ["dig.local"]);
    let hours = p.site().work_hours.as_ref().unwrap();
    use Weekday::*;
    assert_eq!(hours.days, [Monday, Tuesday, Wednesday, Thursday, Friday]);
    assert_eq!(
        (hours.start, hours.end),
        (Time::constant(8, 30, 0, 0), Time::constant(17, 30, 0, 0))
    );

    assert!(p.has_register());
    assert_eq!(p.assets().len(), 3);
    let scanner = p.asset(MacAddr([0x00, 0x1b, 0x21, 0xaa, 0xbb, 0x01])).unwrap();
    assert_eq!(scanner.name, "扫描工位-01");
    assert_eq!(scanner.role, "scanner");
    assert_eq!(scanner.ip, Some(ip("10.20.1.11")));
    assert_eq!(scanner.location.as_deref(), Some("二楼加工室"));
    assert_eq!(scanner.owner.as_deref(), Some("张三"));
    let export = p.asset(MacAddr([0x00, 0x1b, 0x21, 0xaa, 0xbb, 0x02])).unwrap();
    assert_eq!((export.role.as_str(), export.ip, export.location.as_deref()), ("qc", None, None));
    let server = p.asset(MacAddr([0x00, 0x1b, 0x21, 0xaa, 0xbb, 0x03])).unwrap();
    assert_eq!(server.ip, Some(ip("fd20::5")));
    assert!(p.asset(MacAddr([0x00, 0x1b, 0x21, 0xaa, 0xbb, 0x04])).is_none());

    assert_eq!(p.roles().keys().collect::<Vec<_>>(), ["qc", "scanner"]);
    let scanner_role = p.role("scanner").unwrap();
    assert!(scanner_role.may_serve_port(9100) && !scanner_role.may_serve_port(80));
    assert!(scanner_role.may_send_bulk_to_role("export"));
    let qc = p.role("qc").unwrap();
    assert_eq!(qc.may_serve, None, "may_serve not declared");
    assert!(!qc.checks_services() && qc.may_serve_port(80) && scanner_role.checks_services());
    assert!(p.warnings().is_empty(), "{:?}", p.warnings());
    assert!(p.is_known_role("printer") && p.is_known_role("qc") && !p.is_known_role("Scanner"));

    assert_eq!(
        *p.thresholds(),
        Thresholds {
            bulk_transfer_bytes: 1 << 30,
            new_macs_per_minute: 30,
            silence_minutes: 5,
            max_devices: 65_536,
        }
    );
}

#[test]
fn optional_keys_take_defaults() {
    let p = parse(SITE).unwrap();
    assert_eq!(p.site().timezone, DEFAULT_TIMEZONE);
    assert!(p.site().local_domains.is_empty() && p.site().work_hours.is_none());
    assert!(!p.has_register() && p.roles().is_empty());
    assert_eq!(*p.thresholds(), Thresholds::default());
    assert_eq!(p.thresholds().bulk_transfer_bytes, 200 * 1024 * 1024);
    assert_eq!(p.is_work_time(Timestamp::from_secs(0)), None);
    let unnamed = parse("[site]\nlan = [\"10.20.0.0/16\"]\n").unwrap();
    assert_eq!(unnamed.site().name, "");
}

#[test]
fn thresholds_accept_integers_and_decimal_units() {
    let p = parse(&format!("{SITE}[thresholds]\nbulk_transfer = 5000\n")).unwrap();
    assert_eq!(p.thresholds().bulk_transfer_bytes, 5000);
    let p = parse(&format!("{SITE}[thresholds]\nbulk_transfer = \"1.5 MB\"\n")).unwrap();
    assert_eq!(p.thresholds().bulk_transfer_bytes, 1_500_000);
}

#[test]
fn inventory_mode_treats_private_ranges_as_lan() {
    let p = Policy::inventory();
    for lan in [
        "10.1.2.3",
        "192.168.1.1",
        "172.20.0.1",
        "169.254.1.1",
        "fe80::1",
        "fd12::1",
        "::ffff:10.0.0.1",
    ] {
        assert!(p.is_lan(ip(lan)), "{lan}");
    }
    for off in ["8.8.8.8", "172.32.0.1", "2001:db8::1", "172.15.255.255", "11.0.0.1"] {
        assert!(!p.is_lan(ip(off)), "{off}");
    }
    assert!(!p.has_register());
    assert!(p.assets().is_empty() && p.roles().is_empty());
    assert_eq!(p.origin(), None);
    assert_eq!(*p.thresholds(), Thresholds::default());
    assert!(p.asset(MacAddr([0, 0x1b, 0x21, 0, 0, 1])).is_none());
}

#[test]
fn custom_lan_replaces_the_private_ranges() {
    let p = parse(VALID).unwrap();
    for lan in ["10.20.0.1", "10.20.255.254", "fd20::1", "::ffff:10.20.3.4"] {
        assert!(p.is_lan(ip(lan)), "{lan}");
    }
    for off in ["10.21.0.1", "192.168.1.1", "fd21::1", "8.8.8.8", "fe80::1"] {
        assert!(!p.is_lan(ip(off)), "{off}");
    }
}

#[test]
fn work_time_is_read_in_the_site_time_zone() {
    let p = parse(VALID).unwrap();
    // 2026-03-02 is a Monday; 01:00 UTC is 09:00 in Shanghai.
    let monday_0900_local = Timestamp::from_secs(1_772_413_200);
    assert_eq!(p.is_work_time(monday_0900_local), Some(true));
    assert_eq!(p.is_work_time(monday_0900_local.plus_secs(9 * 3600)), Some(false));
    // Saturday.
    assert_eq!(p.is_work_time(monday_0900_local.plus_secs(5 * 86_400)), Some(false));
}

#[test]
fn night_shift_belongs_to_the_day_it_starts() {
    let hours = WorkHours {
        days: vec![Weekday::Friday],
        start: Time::constant(22, 0, 0, 0),
        end: Time::constant(6, 0, 0, 0),
    };
    // 2026-03-06 is a Friday.
    assert!(hours.contains(date(2026, 3, 6).at(23, 0, 0, 0)));
    assert!(hours.contains(date(2026, 3, 7).at(5, 59, 0, 0)));
    assert!(!hours.contains(date(2026, 3, 7).at(23, 0, 0, 0)));
    assert!(!hours.contains(date(2026, 3, 6).at(5, 0, 0, 0)));
}

#[test]
fn local_domains_match_names_inside_them() {
    let p = parse(VALID).unwrap();
    for name in ["dig.local", "DIG.LOCAL.", "nas.dig.local", "a.b.Dig.Local"] {
        assert!(p.is_local_domain(name), "{name}");
    }
    for name in ["xdig.local", "dig.local.evil.com", "local", "", "扫描.com"] {
        assert!(!p.is_local_domain(name), "{name}");
    }
}

#[test]
fn byte_order_mark_is_ignored() {
    let p = parse(&format!("\u{feff}{SITE}")).unwrap();
    assert_eq!(p.site().name, "站点");
    let e = parse_err(&format!("\u{feff}{SITE}bogus = 1\n"));
    assert_at(&e, 4, 1, "unknown key \"bogus\"");
}

// ---- one test per error kind ----

#[test]
fn syntax_error() {
    let e = parse_err("[site]\nname = \"unterminated\nlan = []\n");
    assert!(matches!(e.kind, PolicyErrorKind::Syntax { .. }), "{e:?}");
    assert_eq!(e.line, Some(2), "{e}");
    assert!(e.to_string().contains("TOML syntax error"), "{e}");
    assert!(e.message(Lang::Zh).contains("TOML 语法错误"));

    let e = parse_err("[site]\nname = \"a\"\nname = \"b\"\n");
    assert!(matches!(e.kind, PolicyErrorKind::Syntax { .. }), "duplicate key: {e:?}");
    assert_eq!(e.line, Some(3), "{e}");
}

#[test]
fn unknown_key() {
    let e = parse_err(&format!("{SITE}language = \"zh\"\n"));
    assert!(
        matches!(&e.kind, PolicyErrorKind::UnknownKey { key, expected }
        if key == "language" && expected.iter().any(|k| k == "timezone")),
        "{e:?}"
    );
    assert_at(&e, 4, 1, "unknown key \"language\": expected one of \"name\", \"timezone\"");

    let e = parse_err(&format!(
        "{SITE}[[asset]]\nmac = \"00:1b:21:aa:bb:01\"\nname = \"x\"\nrole = \"other\"\nmodel = \"x\"\n"
    ));
    assert!(matches!(&e.kind, PolicyErrorKind::UnknownKey { key, .. } if key == "model"), "{e:?}");
    assert_at(&e, 8, 1, "\"owner\"");

    let e = parse_err(&format!("{SITE}[sensor]\n"));
    assert!(matches!(&e.kind, PolicyErrorKind::UnknownKey { key, .. } if key == "sensor"), "{e:?}");
    assert_eq!(e.line, Some(4));
}

#[test]
fn missing_key() {
    let e = parse_err("[site]\nname = \"x\"\n");
    assert!(
        matches!(&e.kind, PolicyErrorKind::MissingKey { key, table } if key == "lan" && table == "[site]"),
        "{e:?}"
    );
    assert_at(&e, 1, 1, "missing required key \"lan\" in [site]");
    assert!(e.message(Lang::Zh).contains("[site] 缺少必需的键 \"lan\""));

    let e = parse_err(&format!("{SITE}\n[[asset]]\nmac = \"00:1b:21:aa:bb:01\"\nname = \"x\"\n"));
    assert!(matches!(&e.kind, PolicyErrorKind::MissingKey { key, .. } if key == "role"), "{e:?}");
    assert_at(&e, 5, 1, "missing required key \"role\" in [[asset]]");

    let e = parse_err("[thresholds]\nsilence_minutes = 5\n");
    assert!(
        matches!(&e.kind, PolicyErrorKind::MissingKey { key, table } if key == "site" && table.is_empty())
    );
    assert_eq!((e.line, e.column), (None, None));
    assert_eq!(e.to_string(), "policy.toml: missing required table [site]");
}

#[test]
fn bad_value_type() {
    let e = parse_err(&format!("{SITE}[roles.scanner]\nmay_serve = [70000]\n"));
    assert!(matches!(e.kind, PolicyErrorKind::BadValue { .. }), "{e:?}");
    assert_at(&e, 5, 14, "bad value");

    let e = parse_err("[site]\nname = \"x\"\nlan = \"10.0.0.0/8\"\n");
    assert!(matches!(e.kind, PolicyErrorKind::BadValue { .. }), "{e:?}");
    assert_at(&e, 3, 7, "bad value");
}

#[test]
fn wrong_table_kind() {
    let e = parse_err(&format!(
        "{SITE}[asset]  # one device\nmac = \"00:1b:21:aa:bb:01\"\nname = \"x\"\nrole = \"other\"\n"
    ));
    assert!(
        matches!(&e.kind, PolicyErrorKind::WrongTableKind { header } if header == "[asset]"),
        "{e:?}"
    );
    assert_at(&e, 4, 1, "write [[asset]] for each entry");
    let e = parse_err("[[site]]\nname = \"x\"\n");
    assert_at(&e, 1, 1, "[[site]] starts a list of tables, but this table is single: write [site]");
    let e = parse_err(&format!("{SITE}[[thresholds]]\n"));
    assert_at(&e, 4, 1, "write [thresholds]");
}

#[test]
fn empty_value() {
    let e = parse_err(&format!(
        "{SITE}[[asset]]\nmac = \"00:1b:21:aa:bb:01\"\nname = \" \"\nrole = \"other\"\n"
    ));
    assert!(matches!(&e.kind, PolicyErrorKind::EmptyValue { key } if key == "name"), "{e:?}");
    assert_at(&e, 6, 8, "\"name\" is empty");
}

#[test]
fn bad_mac() {
    let text = format!(
        "{SITE}\n# 扫描仪\n\n\n\n\n\n[[asset]]\nmac = \"00:1b:21:aa:bb\"\nname = \"x\"\nrole = \"other\"\n"
    );
    let e = parse_err(&text);
    assert!(
        matches!(&e.kind, PolicyErrorKind::BadMac { text } if text == "00:1b:21:aa:bb"),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "policy.toml:12:7: bad MAC address \"00:1b:21:aa:bb\": expected six hex octets separated by ':' or '-', like 00:1b:21:aa:bb:01"
    );
    assert_eq!(
        e.message(Lang::Zh),
        "policy.toml:12:7: MAC 地址 \"00:1b:21:aa:bb\" 无效：应为六组十六进制数，如 00:1b:21:aa:bb:01"
    );
}

#[test]
fn group_mac_is_not_an_asset() {
    for mac in ["01:00:5e:00:00:fb", "ff:ff:ff:ff:ff:ff", "00:00:00:00:00:00"] {
        let e = parse_err(&format!(
            "{SITE}[[asset]]\nmac = \"{mac}\"\nname = \"x\"\nrole = \"other\"\n"
        ));
        assert!(matches!(e.kind, PolicyErrorKind::NotUnicastMac { .. }), "{e:?}");
        assert_at(&e, 5, 7, "which no device owns");
    }
}

#[test]
fn duplicate_mac_names_both_places() {
    let text = format!(
        "{SITE}[[asset]]\nmac = \"00:1b:21:aa:bb:01\"\nname = \"扫描工位-01\"\nrole = \"scanner\"\n\n\
         [[asset]]\nmac = \"00-1B-21-AA-BB-01\"\nname = \"扫描工位-02\"\nrole = \"scanner\"\n"
    );
    let e = parse_err(&text);
    assert!(
        matches!(&e.kind, PolicyErrorKind::DuplicateMac { first_line: 5, first_name, .. } if first_name == "扫描工位-01"),
        "{e:?}"
    );
    assert_at(
        &e,
        10,
        7,
        "duplicate asset MAC 00:1b:21:aa:bb:01: already registered at line 5 as \"扫描工位-01\"",
    );
    assert!(e.message(Lang::Zh).contains("已在第 5 行登记"));
}

#[test]
fn bad_ip() {
    let e = parse_err(&format!(
        "{SITE}[[asset]]\nmac = \"00:1b:21:aa:bb:01\"\nname = \"x\"\nrole = \"other\"\nip = \"10.20.1\"\n"
    ));
    assert!(matches!(&e.kind, PolicyErrorKind::BadIp { text } if text == "10.20.1"), "{e:?}");
    assert_at(&e, 8, 6, "bad IP address \"10.20.1\"");
}

#[test]
fn asset_ip_outside_lan() {
    let e = parse_err(&format!(
        "{SITE}[[asset]]\nmac = \"00:1b:21:aa:bb:01\"\nname = \"x\"\nrole = \"other\"\nip = \"10.21.1.11\"\n"
    ));
    assert!(matches!(e.kind, PolicyErrorKind::AssetIpOffLan { .. }), "{e:?}");
    assert_at(&e, 8, 6, "asset address 10.21.1.11 is outside the LAN (10.20.0.0/16)");
}

#[test]
fn bad_cidr() {
    for (lan, column) in [("10.20.0.0/33", 8), ("10.20.0/16", 8), ("10.20.0.1", 8)] {
        let e = parse_err(&format!("[site]\nname = \"x\"\nlan = [\"{lan}\"]\n"));
        assert!(
            matches!(&e.kind, PolicyErrorKind::BadCidr { text, suggestion: None } if text == lan),
            "{e:?}"
        );
        assert_at(&e, 3, column, "expected CIDR notation like 10.20.0.0/16");
    }
    let e = parse_err("[site]\nname = \"x\"\nlan = [\"192.168.0.0/24\", \"10.20.1.5/16\"]\n");
    assert!(matches!(&e.kind, PolicyErrorKind::BadCidr { suggestion: Some(_), .. }), "{e:?}");
    assert_at(&e, 3, 26, "host bits are set; did you mean \"10.20.0.0/16\"?");
    assert!(e.message(Lang::Zh).contains("是否应为 \"10.20.0.0/16\""));
}

#[test]
fn empty_lan() {
    let e = parse_err("[site]\nname = \"x\"\nlan = []\n");
    assert_eq!(e.kind, PolicyErrorKind::EmptyLan);
    assert_at(&e, 3, 7, "lan is empty");
}

#[test]
fn overlapping_lan_names_both() {
    let e = parse_err(
        "[site]\nname = \"x\"\nlan = [\n  \"10.20.0.0/16\",\n  \"192.168.1.0/24\",\n  \"10.20.5.0/24\",\n]\n",
    );
    assert!(matches!(e.kind, PolicyErrorKind::OverlappingLan { first_line: 4, .. }), "{e:?}");
    assert_at(&e, 6, 3, "lan entries \"10.20.5.0/24\" and \"10.20.0.0/16\" (line 4) overlap");
}

#[test]
fn unknown_role_lists_known_ones() {
    let e = parse_err(&format!(
        "{SITE}[[asset]]\nmac = \"00:1b:21:aa:bb:01\"\nname = \"x\"\nrole = \"scaner\"\n"
    ));
    assert!(
        matches!(&e.kind, PolicyErrorKind::UnknownRole { role, known } if role == "scaner" && known.len() == 8),
        "{e:?}"
    );
    assert_at(
        &e,
        7,
        8,
        "unknown role \"scaner\": known roles are export, fileserver, other, printer, scanner, server, switch, workstation",
    );
    // A role defined under [roles] becomes known.
    parse(&format!(
        "{SITE}[[asset]]\nmac = \"00:1b:21:aa:bb:01\"\nname = \"x\"\nrole = \"qc\"\n[roles.qc]\n"
    ))
    .unwrap();
}

#[test]
fn unknown_bulk_target() {
    let e =
        parse_err(&format!("{SITE}[roles.scanner]\nmay_send_bulk_to = [\"export\", \"usb\"]\n"));
    assert!(
        matches!(&e.kind, PolicyErrorKind::UnknownBulkTarget { from, role, .. } if from == "scanner" && role == "usb"),
        "{e:?}"
    );
    assert_at(&e, 5, 31, "role \"scanner\" may send bulk to unknown role \"usb\"");
}

#[test]
fn bad_size() {
    for (value, fragment) in
        [("\"200 XB\"", "bad size \"200 XB\""), ("-5", "bad size -5"), ("true", "bad size true")]
    {
        let e = parse_err(&format!("{SITE}[thresholds]\nbulk_transfer = {value}\n"));
        assert!(matches!(e.kind, PolicyErrorKind::BadSize { .. }), "{e:?}");
        assert_at(&e, 5, 17, fragment);
    }
}

#[test]
fn zero_threshold() {
    let e = parse_err(&format!("{SITE}[thresholds]\nsilence_minutes = 0\n"));
    assert!(
        matches!(&e.kind, PolicyErrorKind::ZeroThreshold { key } if key == "silence_minutes"),
        "{e:?}"
    );
    assert_at(&e, 5, 19, "silence_minutes is 0");
    let e = parse_err(&format!("{SITE}[thresholds]\nbulk_transfer = \"0 MiB\"\n"));
    assert!(matches!(e.kind, PolicyErrorKind::ZeroThreshold { .. }), "{e:?}");
}

#[test]
fn bad_work_days() {
    let e = parse_err(&format!(
        "{SITE}work_hours = {{ days = \"Mon-Fry\", start = \"08:30\", end = \"17:30\" }}\n"
    ));
    assert!(matches!(&e.kind, PolicyErrorKind::BadWorkDays { text } if text == "Mon-Fry"), "{e:?}");
    assert_at(&e, 4, 23, "bad work days \"Mon-Fry\"");
}

#[test]
fn bad_work_time() {
    let e = parse_err(&format!(
        "{SITE}work_hours = {{ days = \"Mon-Fri\", start = \"8.30\", end = \"17:30\" }}\n"
    ));
    assert!(matches!(&e.kind, PolicyErrorKind::BadWorkTime { text } if text == "8.30"), "{e:?}");
    assert_at(&e, 4, 42, "bad time \"8.30\": expected 24-hour HH:MM");
    let e = parse_err(&format!(
        "{SITE}work_hours = {{ days = \"Mon-Fri\", start = \"08:30\", end = \"25:00\" }}\n"
    ));
    assert!(matches!(e.kind, PolicyErrorKind::BadWorkTime { .. }), "{e:?}");
    assert_at(&e, 4, 57, "bad time \"25:00\"");
}

#[test]
fn empty_work_hours() {
    let e = parse_err(&format!(
        "{SITE}work_hours = {{ days = \"Mon\", start = \"08:30\", end = \"8:30\" }}\n"
    ));
    assert!(matches!(e.kind, PolicyErrorKind::EmptyWorkHours { .. }), "{e:?}");
    assert_at(&e, 4, 53, "start and end are both 08:30");
    let e = parse_err(&format!("{SITE}work_hours = {{ days = \"Mon\", start = \"08:30\" }}\n"));
    assert!(
        matches!(&e.kind, PolicyErrorKind::MissingKey { key, table } if key == "end" && table == "work_hours"),
        "{e:?}"
    );
    assert_at(&e, 4, 14, "missing required key \"end\" in work_hours");
}

#[test]
fn unknown_time_zone() {
    let e =
        parse_err("[site]\nname = \"x\"\ntimezone = \"Asia/Beijing\"\nlan = [\"10.0.0.0/8\"]\n");
    assert!(
        matches!(&e.kind, PolicyErrorKind::UnknownTimeZone { name } if name == "Asia/Beijing"),
        "{e:?}"
    );
    assert_at(&e, 3, 12, "unknown time zone \"Asia/Beijing\"");
}

#[test]
fn bad_local_domain() {
    let e = parse_err(&format!("{SITE}local_domains = [\"dig.local\", \"http://nas\"]\n"));
    assert!(matches!(e.kind, PolicyErrorKind::BadDomain { .. }), "{e:?}");
    assert_at(&e, 4, 31, "bad local domain \"http://nas\"");
}

#[test]
fn column_counts_characters_not_bytes() {
    // Each Chinese character is three bytes in UTF-8 but one column.
    let text =
        format!("asset = [{{ name = \"扫描工位\", role = \"other\", mac = \"zz\" }}]\n{SITE}");
    let e = parse_err(&text);
    assert!(matches!(e.kind, PolicyErrorKind::BadMac { .. }), "{e:?}");
    let line = text.lines().next().unwrap();
    let expected_column = line[..line.find("\"zz\"").unwrap()].chars().count() + 1;
    assert_eq!(expected_column, 49);
    assert_at(&e, 1, expected_column, "bad MAC address \"zz\"");
}

#[test]
fn unreadable_file_names_file_and_reason() {
    let dir = std::env::temp_dir().join(format!("gapwatch-policy-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    let missing = dir.join("missing.toml");
    let e = Policy::load(&missing).unwrap_err();
    assert!(matches!(e.kind, PolicyErrorKind::Unreadable { .. }), "{e:?}");
    assert_eq!(e.line, None);
    let en = e.to_string();
    assert!(
        en.starts_with(&format!("{}: cannot read the policy file: ", missing.display())),
        "{en}"
    );
    assert!(e.message(Lang::Zh).contains("无法读取策略文件"));

    let e = Policy::load(&dir).unwrap_err();
    assert!(matches!(e.kind, PolicyErrorKind::Unreadable { .. }), "directory: {e:?}");

    let gbk = dir.join("gbk.toml");
    // "[site]\nname = \"" then 档案 in GBK.
    std::fs::write(&gbk, b"[site]\nname = \"\xb5\xb5\xb0\xb8\"\n").unwrap();
    let e = Policy::load(&gbk).unwrap_err();
    assert_eq!(e.kind, PolicyErrorKind::NotUtf8);
    assert_eq!((e.line, e.column), (Some(2), Some(9)));
    assert!(e.to_string().contains("not UTF-8"), "{e}");

    let good = dir.join("policy.toml");
    std::fs::write(&good, VALID).unwrap();
    let p = Policy::load(&good).unwrap();
    assert_eq!(p.origin(), Some(good.display().to_string().as_str()));

    std::fs::remove_dir_all(&dir).unwrap();
}

/// A tiny deterministic PRNG (xorshift64*), enough to mutate inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn mutated_inputs_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let original = VALID.as_bytes();
    const SPECIAL: &[u8] = b"\"'[]{}=,.:-/#\n 0123456789abcdef\\\xe6\x89\xab";
    let mut errors = 0;
    for round in 0..600 {
        let mut bytes = original.to_vec();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(bytes.len());
            match rng.below(4) {
                0 => bytes[at] ^= 1 << rng.below(8),
                1 => bytes[at] = SPECIAL[rng.below(SPECIAL.len())],
                2 => bytes.truncate(at.max(1)),
                _ => {
                    bytes.remove(at);
                }
            }
            if bytes.is_empty() {
                break;
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        match parse(&text) {
            Ok(_) => {}
            Err(e) => {
                errors += 1;
                let lines = text.split('\n').count();
                assert!(e.line.is_none_or(|line| line >= 1 && line <= lines), "round {round}: {e}");
                assert!(!e.message(Lang::Zh).is_empty() && !e.to_string().is_empty());
            }
        }
    }
    // The mutations must actually exercise the error paths.
    assert!(errors > 100, "only {errors} errors");
}

#[test]
fn error_stays_small() {
    // Clippy's result_large_err limit: every loader returns this by value.
    assert!(size_of::<PolicyError>() < 128, "{}", size_of::<PolicyError>());
}
