//! Tests of the register import: encodings, headers, every kind of bad row
//! (each named by its line), merging that keeps the policy's comments, and
//! mutated sheets that must never panic.

use encoding_rs::GB18030;

use super::*;
use crate::policy::Policy;

const POLICY: &str = r#"# 站点策略 / site policy
[site]
name = "示例档案馆"
lan = ["10.20.0.0/16"]

# 已登记设备 / registered devices
[[asset]]
mac = "00:1b:21:aa:bb:01"
name = "扫描工位-01"
role = "scanner"
ip = "10.20.1.11"  # 固定地址 / pinned

[[asset]]
mac = "00:1b:21:aa:bb:02"
name = "导出工位"
role = "export"
ip = "10.20.1.50"

# 角色 / roles
[roles.qc]
may_serve = []
may_send_bulk_to = ["fileserver"]
"#;

fn policy() -> Policy {
    Policy::parse(POLICY, "policy.toml").unwrap()
}

fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = GB18030.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

fn import_err(csv: &[u8], base: Option<(&Policy, &str)>) -> RegisterError {
    match import(csv, "register.csv", base) {
        Ok(imported) => panic!("expected an error, got {}", imported.text),
        Err(e) => e,
    }
}

/// The bad rows of an error as (line, English text).
fn rows(e: &RegisterError) -> Vec<(usize, String)> {
    let RegisterErrorKind::Rows(rows) = &e.kind else { panic!("expected bad rows: {e}") };
    rows.iter().map(|r| (r.line, r.kind.text(Lang::En))).collect()
}

#[test]
fn gbk_sheet_with_chinese_headers_merges_and_keeps_comments() {
    let policy = policy();
    let csv = gbk("设备名称,MAC地址,类型,IP地址,存放位置,负责人,备注\r\n\
         扫描工位-01,00-1B-21-AA-BB-01,扫描仪,10.20.1.12,二楼加工室,张三,\r\n\
         导出工位,00:1b:21:aa:bb:02,导出工作站,10.20.1.50,,,\r\n\
         文件服务器,001B21AABB03,文件服务器,10.20.0.10,机房,刘工,新购\r\n");
    let imported = import(&csv, "register.csv", Some((&policy, POLICY))).unwrap();
    assert_eq!(imported.encoding, TextEncoding::Gb18030);
    assert_eq!(imported.ignored_columns, ["备注"]);
    assert_eq!(imported.unchanged, [3]);
    let [updated] = &imported.updated[..] else { panic!("{:?}", imported.updated) };
    assert_eq!((updated.line, updated.name.as_str()), (2, "扫描工位-01"));
    let changed: Vec<(&str, Option<&str>, &str)> = updated
        .changes
        .iter()
        .map(|c| (c.column.key(), c.old.as_deref(), c.new.as_str()))
        .collect();
    assert_eq!(
        changed,
        [
            ("ip", Some("10.20.1.11"), "10.20.1.12"),
            ("location", None, "二楼加工室"),
            ("owner", None, "张三")
        ]
    );
    let [added] = &imported.added[..] else { panic!("{:?}", imported.added) };
    assert_eq!(
        (added.line, added.name.as_str(), added.role.as_str()),
        (4, "文件服务器", "fileserver")
    );

    let text = &imported.text;
    for kept in ["# 站点策略 / site policy", "# 已登记设备 / registered devices", "# 角色 / roles"]
    {
        assert!(text.contains(kept), "{kept:?} lost:\n{text}");
    }
    // The changed value keeps its comment; the new asset follows the last
    // one, before [roles].
    assert!(text.contains("ip = \"10.20.1.12\"  # 固定地址 / pinned\n"), "{text}");
    let new_at = text.find("00:1b:21:aa:bb:03").unwrap();
    assert!(text.find("00:1b:21:aa:bb:02").unwrap() < new_at, "{text}");
    assert!(new_at < text.find("# 角色 / roles").unwrap(), "{text}");

    let merged = Policy::parse(text, "policy.toml").unwrap();
    assert_eq!(merged.assets().len(), 3);
    let server = merged.asset(MacAddr([0x00, 0x1b, 0x21, 0xaa, 0xbb, 0x03])).unwrap();
    assert_eq!(server.location.as_deref(), Some("机房"));
    assert_eq!(server.ip, Some("10.20.0.10".parse().unwrap()));

    let report = imported.report("register.csv", Lang::En).join("\n");
    assert!(report.contains("register.csv: read as GB18030/GBK"), "{report}");
    assert!(report.contains("ignored columns: 备注"), "{report}");
    assert!(
        report.contains("register.csv:2: updated 00:1b:21:aa:bb:01 \"扫描工位-01\": ip 10.20.1.11 → 10.20.1.12; location (none) → 二楼加工室"),
        "{report}"
    );
    assert!(report.contains("register.csv:4: added 00:1b:21:aa:bb:03 \"文件服务器\" (fileserver)"));
    assert!(report.ends_with("1 added, 1 updated, 1 unchanged"), "{report}");
    let zh = imported.report("register.csv", Lang::Zh).join("\n");
    assert!(zh.contains("新增 1 项，更新 1 项，1 项无变化"), "{zh}");
}

#[test]
fn utf8_bom_english_headers_without_policy_gives_asset_tables() {
    let csv = "\u{feff}Owner,Role,MAC,Name\n李四,printer,30:05:5c:8a:41:2f,激光打印机\n,Scanner,00:80:17:6b:0e:11,\n";
    let imported = import(csv.as_bytes(), "register.csv", None).unwrap();
    assert_eq!(imported.encoding, TextEncoding::Utf8Bom);
    assert_eq!(imported.unnamed, [3]);
    let text = &imported.text;
    assert!(text.starts_with("[[asset]]\nmac = \"30:05:5c:8a:41:2f\"\nname = \"激光打印机\"\nrole = \"printer\"\nowner = \"李四\"\n"), "{text}");
    assert!(text.contains("name = \"00:80:17:6b:0e:11\"\nrole = \"scanner\"\n"), "{text}");
    assert!(!text.contains("[site]"), "{text}");
    let report = imported.report("register.csv", Lang::En).join("\n");
    assert!(report.contains("register.csv:3: no name given, named after its MAC"), "{report}");
}

#[test]
fn missing_columns_name_what_is_missing_and_what_was_found() {
    let e = import_err("名称,IP地址,位置\n扫描工位-01,10.20.1.11,二楼\n".as_bytes(), None);
    assert_eq!(
        e.kind,
        RegisterErrorKind::MissingColumns {
            missing: vec![Column::Mac, Column::Role],
            found: vec!["名称".into(), "IP地址".into(), "位置".into()],
        }
    );
    let en = e.to_string();
    assert!(en.starts_with("register.csv: line 1: the header row lacks the required column mac, role (found: 名称, IP地址, 位置)"), "{en}");
    let zh = e.message(Lang::Zh);
    assert!(zh.contains("第 1 行表头缺少必需的列 MAC地址（mac）、角色（role）"), "{zh}");

    let e = import_err(b"MAC,Name\n00:1b:21:aa:bb:01,x\n", None);
    assert!(
        matches!(&e.kind, RegisterErrorKind::MissingColumns { missing, .. } if missing == &[Column::Role]),
        "{e:?}"
    );
}

#[test]
fn repeated_column_is_an_error() {
    let e = import_err("MAC,物理地址,角色\n".as_bytes(), None);
    assert!(
        matches!(e.kind, RegisterErrorKind::RepeatedColumn { column: Column::Mac, .. }),
        "{e:?}"
    );
    assert!(
        e.to_string().contains("headers \"MAC\" and \"物理地址\" both name the mac column"),
        "{e}"
    );
}

#[test]
fn duplicate_macs_name_both_lines() {
    let csv = "MAC,role,name\n00:1b:21:aa:bb:01,scanner,a\n00:1b:21:aa:bb:09,other,b\n00-1B-21-AA-BB-01,printer,c\n";
    let e = import_err(csv.as_bytes(), None);
    assert_eq!(
        rows(&e),
        [(4, "MAC address 00:1b:21:aa:bb:01 is already on line 2: list each device once".into())]
    );
    let en = e.to_string();
    assert!(en.starts_with("register.csv: 1 bad row, nothing was written"), "{en}");
    assert!(
        en.contains("\nregister.csv:4: MAC address 00:1b:21:aa:bb:01 is already on line 2"),
        "{en}"
    );
    assert!(
        e.message(Lang::Zh).contains("register.csv:4: MAC 地址 00:1b:21:aa:bb:01 已出现在第 2 行")
    );
}

#[test]
fn every_bad_row_is_listed_by_line() {
    let policy = policy();
    let csv = "MAC地址,角色,IP地址,名称\n\
        00:1b:21:aa:bb:0g,扫描仪,,坏MAC\n\
        01:00:5e:00:00:fb,扫描仪,,组播\n\
        00:1b:21:aa:bb:10,扫描器,,未知角色\n\
        00:1b:21:aa:bb:11,printer,10.20.1,坏IP\n\
        00:1b:21:aa:bb:12,printer,192.168.1.5,局域网外\n\
        ,printer,,缺MAC\n\
        00:1b:21:aa:bb:13,,,缺角色\n\
        00:1b:21:aa:bb:14,printer,10.20.9.9,甲\n\
        00:1b:21:aa:bb:15,printer,10.20.9.9,乙\n\
        00:1b:21:aa:bb:16,printer,10.20.1.50,占用\n\
        00:1b:21:aa:bb:17,printer,224.0.0.251,组播IP\n\
        00:1b:21:aa:bb:18,qc,10.20.3.3,好\n\
        00:1b:21:aa:bb:0h,扫描器,,两处错\n";
    let e = import_err(csv.as_bytes(), Some((&policy, POLICY)));
    let found = rows(&e);
    let expect: [(usize, &str); 11] = [
        (2, "bad MAC address \"00:1b:21:aa:bb:0g\""),
        (3, "MAC address 01:00:5e:00:00:fb is a multicast"),
        (4, "unknown role \"扫描器\": use one of 工作站/workstation, 扫描仪/scanner"),
        (5, "bad IP address \"10.20.1\""),
        (6, "IP address 192.168.1.5 is outside the LAN (10.20.0.0/16)"),
        (7, "the mac cell is empty"),
        (8, "the role cell is empty"),
        (10, "IP address 10.20.9.9 is already on line 9"),
        (11, "IP address 10.20.1.50 is pinned to \"导出工位\" (00:1b:21:aa:bb:02) in the policy"),
        (12, "IP address 224.0.0.251 is a multicast"),
        (4, ", qc"),
    ];
    assert_eq!(found.len(), 12, "{found:#?}");
    assert_eq!(found.iter().filter(|(line, _)| *line == 14).count(), 2, "both problems of line 14");
    for (line, fragment) in expect {
        assert!(
            found.iter().any(|(l, text)| *l == line && text.contains(fragment)),
            "no line {line} with {fragment:?} in {found:#?}"
        );
    }
    assert!(e.to_string().starts_with("register.csv: 11 bad rows, nothing was written"));
    let zh = e.message(Lang::Zh);
    assert!(zh.starts_with("register.csv: 11 行有误，未写入任何内容"), "{zh}");
    assert!(zh.contains("\nregister.csv:7: “MAC地址”为空"), "{zh}");
}

#[test]
fn swapping_two_pinned_addresses_is_no_conflict() {
    let policy = policy();
    let csv =
        "MAC,role,IP\n00:1b:21:aa:bb:01,scanner,10.20.1.50\n00:1b:21:aa:bb:02,export,10.20.1.11\n";
    let imported = import(csv.as_bytes(), "register.csv", Some((&policy, POLICY))).unwrap();
    assert_eq!(imported.updated.len(), 2);
    let merged = Policy::parse(&imported.text, "policy.toml").unwrap();
    let scanner = merged.asset(MacAddr([0x00, 0x1b, 0x21, 0xaa, 0xbb, 0x01])).unwrap();
    assert_eq!(scanner.ip, Some("10.20.1.50".parse().unwrap()));
}

#[test]
fn broken_encoding_names_the_lines() {
    let mut csv = gbk("MAC地址,角色,名称\n00:1b:21:aa:bb:01,扫描仪,扫描工位\n");
    csv.extend_from_slice(b"00:1b:21:aa:bb:02,\xff\xfe,x\n");
    let e = import_err(&csv, None);
    assert_eq!(e.kind, RegisterErrorKind::Undecodable { lines: vec![3] });
    assert!(e.to_string().contains("line 3 is neither UTF-8 nor GBK/GB18030"), "{e}");
    assert!(e.message(Lang::Zh).contains("第 3 行既不是 UTF-8 也不是 GBK/GB18030"));
}

#[test]
fn utf16_and_empty_files_are_explained() {
    let e = import_err(b"\xff\xfeM\0A\0C\0", None);
    assert_eq!(e.kind, RegisterErrorKind::Utf16);
    assert!(e.to_string().contains("save the sheet as \"CSV UTF-8\""), "{e}");
    let e = import_err(b"", None);
    assert_eq!(e.kind, RegisterErrorKind::Empty);
}

#[test]
fn lines_count_across_quoted_newlines_and_blank_rows_are_reported() {
    let csv = "MAC,role,location\n00:1b:21:aa:bb:01,scanner,\"二楼\n加工室\"\n,,\n00:1b:21:aa:bb:0z,scanner,x\n";
    let e = import_err(csv.as_bytes(), None);
    assert_eq!(rows(&e).iter().map(|(l, _)| *l).collect::<Vec<_>>(), [5]);
    let ok = "MAC,role\n00:1b:21:aa:bb:01,scanner\n,\n\n00:1b:21:aa:bb:02,scanner\n";
    let imported = import(ok.as_bytes(), "register.csv", None).unwrap();
    assert_eq!(imported.blank_lines, [3]);
    assert_eq!(imported.added.iter().map(|a| a.line).collect::<Vec<_>>(), [2, 5]);
}

#[test]
fn semicolons_and_tabs_separate_too() {
    let imported =
        import(b"MAC;role;IP\n00:1b:21:aa:bb:01;scanner;10.20.1.11\n", "r.csv", None).unwrap();
    assert!(imported.text.contains("ip = \"10.20.1.11\""), "{}", imported.text);
    let imported = import(b"MAC\trole\n00:1b:21:aa:bb:01\tscanner\n", "r.csv", None).unwrap();
    assert_eq!(imported.added.len(), 1);
}

#[test]
fn policy_without_assets_gets_them_after_its_tables() {
    let text = "# 策略\n[site]\nlan = [\"10.20.0.0/16\"]\n\n[thresholds]\nsilence_minutes = 5\n";
    let policy = Policy::parse(text, "policy.toml").unwrap();
    let csv = "MAC,role\n00:1b:21:aa:bb:01,scanner\n00:1b:21:aa:bb:02,export\n";
    let imported = import(csv.as_bytes(), "r.csv", Some((&policy, text))).unwrap();
    assert!(imported.text.starts_with(text), "{}", imported.text);
    assert_eq!(Policy::parse(&imported.text, "policy.toml").unwrap().assets().len(), 2);
}

#[test]
fn inline_asset_list_is_refused() {
    let text = "asset = []\n[site]\nlan = [\"10.20.0.0/16\"]\n";
    let policy = Policy::parse(text, "policy.toml").unwrap();
    let e = import_err(b"MAC,role\n00:1b:21:aa:bb:01,scanner\n", Some((&policy, text)));
    assert_eq!(e.kind, RegisterErrorKind::AssetsNotTables);
}

/// A tiny deterministic PRNG (xorshift64*), enough to mutate inputs.
fn next(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

#[test]
fn mutated_sheets_never_panic() {
    let policy = policy();
    let original = gbk(
        "MAC地址,角色,IP地址,名称\n00:1b:21:aa:bb:01,扫描仪,10.20.1.11,甲\n00:1b:21:aa:bb:05,qc,,\"乙,丙\"\n",
    );
    const SPECIAL: &[u8] = b",;\t\"\n\r :-.0123456789abcdef\xff\x81\xe6\xef\xbb\xbf";
    let mut state = 0x9e37_79b9_7f4a_7c15;
    let (mut ok, mut errors) = (0, 0);
    for _ in 0..800 {
        let mut bytes = original.clone();
        for _ in 0..1 + next(&mut state) % 4 {
            let at = (next(&mut state) % bytes.len().max(1) as u64) as usize;
            let special = SPECIAL[(next(&mut state) % SPECIAL.len() as u64) as usize];
            match next(&mut state) % 3 {
                0 if at < bytes.len() => bytes[at] = special,
                1 => bytes.insert(at.min(bytes.len()), special),
                _ if at < bytes.len() => {
                    bytes.remove(at);
                }
                _ => {}
            }
        }
        match import(&bytes, "r.csv", Some((&policy, POLICY))) {
            Ok(imported) => {
                ok += 1;
                Policy::parse(&imported.text, "policy.toml").unwrap();
            }
            Err(e) => {
                errors += 1;
                assert!(!e.message(Lang::Zh).is_empty() && !e.to_string().is_empty());
            }
        }
    }
    assert!(ok >= 20 && errors >= 100, "{ok} imported, {errors} refused");
}

#[test]
fn windows_line_ends_are_kept() {
    let text = POLICY.replace('\n', "\r\n");
    let policy = Policy::parse(&text, "policy.toml").unwrap();
    let csv = "MAC,role\n00:1b:21:aa:bb:01,printer\n00:1b:21:aa:bb:07,other\n";
    let imported = import(csv.as_bytes(), "r.csv", Some((&policy, &text))).unwrap();
    let lone = imported.text.replace("\r\n", "");
    assert!(!lone.contains('\n'), "a line end without \\r: {:?}", imported.text);
    assert!(imported.text.contains("role = \"printer\"\r\n"), "{:?}", imported.text);
    assert_eq!(Policy::parse(&imported.text, "policy.toml").unwrap().assets().len(), 3);
}
