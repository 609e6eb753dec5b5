//! The policy commands end to end: `gapwatch policy check` and
//! `gapwatch policy import-assets` as the administrator runs them, the
//! warnings a replay prints, and the documented `policy.example.toml`.

use std::path::Path;
use std::process::{Command, Output};

use gapwatch_rules::{MacAddr, Policy};

use crate::util::*;

/// A valid policy with comments, two assets and one role.
const POLICY: &str = r#"# 加工网策略 / processing LAN policy
[site]
name = "测试档案馆"
lan = ["10.20.0.0/16"]

# 已登记 / registered
[[asset]]
mac = "00:1b:21:aa:bb:01"
name = "扫描工位-01"
role = "scanner"
ip = "10.20.1.11"  # 固定 / pinned

[[asset]]
mac = "00:1b:21:aa:bb:02"
name = "导出工位"
role = "export"
ip = "10.20.1.50"

[roles.scanner]
may_serve = []
may_send_bulk_to = ["export"]

[thresholds]
bulk_transfer = "1 GiB"
"#;

/// Runs `gapwatch` in Chinese (the default language).
fn gapwatch_zh(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gapwatch"))
        .env_remove("GAPWATCH_LANG")
        .args(args)
        .output()
        .expect("the gapwatch binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

#[test]
fn check_prints_the_summary_of_a_valid_policy() {
    let tmp = tempfile::tempdir().unwrap();
    let policy = write(tmp.path(), "policy.toml", POLICY.as_bytes());
    let o = ok(gapwatch(["policy", "check", &policy]));
    let out = stdout(&o);
    for line in [
        &format!("policy valid: {policy}"),
        "site: 测试档案馆",
        "time zone: Asia/Shanghai",
        "LAN: 10.20.0.0/16",
        "assets: 2",
        "  scanner: 1",
        "  export: 1",
        "export stations:",
        "  导出工位  00:1b:21:aa:bb:02  10.20.1.50",
        "    may_serve: none (any service answered is an alert)",
        "    may_send_bulk_to: export",
        "  bulk transfer: 1 GiB (one pair of hosts within one hour)",
        "  new MACs per minute: 20",
    ] {
        assert!(out.lines().any(|l| l == line), "no line {line:?} in:\n{out}");
    }
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));

    let zh = stdout(&ok(gapwatch_zh(&["policy", "check", &policy])));
    for line in ["局域网：10.20.0.0/16", "资产：2 台", "  扫描仪（scanner）：1", "导出工作站："]
    {
        assert!(zh.lines().any(|l| l == line), "no line {line:?} in:\n{zh}");
    }
}

#[test]
fn check_of_an_invalid_policy_exits_1_naming_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let text =
        POLICY.replace("lan = [\"10.20.0.0/16\"]", "lan = [\"10.20.0.0/16\", \"10.20.5.0/24\"]");
    let policy = write(tmp.path(), "policy.toml", text.as_bytes());
    let o = gapwatch(["policy", "check", &policy]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(stdout(&o).is_empty());
    assert!(
        err.contains(&format!("{policy}:4:24: lan entries \"10.20.5.0/24\" and \"10.20.0.0/16\"")),
        "{err}"
    );
    let zh = stderr(&gapwatch_zh(&["policy", "check", &policy]));
    assert!(zh.contains(&format!("{policy}:4:24: lan 中的")), "{zh}");

    let missing = tmp.path().join("missing.toml");
    let err = fails_cleanly(&gapwatch(["policy", "check", missing.to_str().unwrap()]));
    assert!(err.contains("cannot read the policy file"), "{err}");
}

#[test]
fn warnings_are_printed_by_check_and_replay_which_both_go_on() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario_policy =
        std::fs::read_to_string(scenario("unregistered-device").join("policy.toml")).unwrap();
    let text = format!("{scenario_policy}\n[roles.fileserver]\nmay_serve = [445, 0]\n");
    let line = text.lines().count();
    let policy = write(tmp.path(), "policy.toml", text.as_bytes());

    let o = ok(gapwatch(["policy", "check", &policy]));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("{policy}:{line}:19: warning: role \"fileserver\" may serve port 0")),
        "{err}"
    );
    assert!(stdout(&o).contains("warnings: 1 (on standard error)"));

    let capture = scenario("unregistered-device").join("capture.pcap");
    let o = ok(replay(&tmp.path().join("gw.db"), Some(Path::new(&policy)), &[&capture]));
    let err = stderr(&o);
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains("warning:")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(err.contains("replayed"), "the replay went on: {err}");
}

#[test]
fn import_merges_a_gbk_register_with_chinese_headers() {
    let tmp = tempfile::tempdir().unwrap();
    let policy = write(tmp.path(), "policy.toml", POLICY.as_bytes());
    let register = write(
        tmp.path(),
        "资产登记表.csv",
        &gbk("序号,设备名称,MAC地址,类型,IP地址,存放位置,责任人\r\n\
              1,扫描工位-01,00-1B-21-AA-BB-01,扫描仪,10.20.1.12,二楼加工室,张三\r\n\
              2,文件服务器,0C:C4:7A:5E:21:0A,文件服务器,10.20.0.10,机房,刘工\r\n"),
    );
    let out = tmp.path().join("merged.toml");
    let o = ok(gapwatch_zh(&[
        "policy",
        "import-assets",
        &register,
        "--policy",
        &policy,
        "--output",
        out.to_str().unwrap(),
    ]));
    let err = stderr(&o);
    assert!(stdout(&o).is_empty(), "the result goes to --output");
    assert!(
        err.contains("按 GB18030/GBK 编码读取") && err.contains("忽略无法识别的列：序号"),
        "{err}"
    );
    assert!(
        err.contains(":2: 更新 00:1b:21:aa:bb:01 \"扫描工位-01\"：ip 10.20.1.11 → 10.20.1.12"),
        "{err}"
    );
    assert!(err.contains(":3: 新增 0c:c4:7a:5e:21:0a \"文件服务器\"（文件服务器）"), "{err}");

    let merged = std::fs::read_to_string(&out).unwrap();
    for comment in [
        "# 加工网策略 / processing LAN policy",
        "# 已登记 / registered",
        "ip = \"10.20.1.12\"  # 固定 / pinned",
    ] {
        assert!(merged.contains(comment), "{comment:?} lost:\n{merged}");
    }
    let p = Policy::load(&out).unwrap();
    assert_eq!(p.assets().len(), 3);
    let server = p.asset(MacAddr([0x0c, 0xc4, 0x7a, 0x5e, 0x21, 0x0a])).unwrap();
    assert_eq!((server.role.as_str(), server.owner.as_deref()), ("fileserver", Some("刘工")));
    assert_eq!(std::fs::read_to_string(&policy).unwrap(), POLICY, "--policy itself untouched");
    ok(gapwatch(["policy", "check", out.to_str().unwrap()]));
}

#[test]
fn import_with_bad_rows_exits_1_lists_every_row_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let policy = write(tmp.path(), "policy.toml", POLICY.as_bytes());
    let register = write(
        tmp.path(),
        "register.csv",
        "\u{feff}MAC,Role,Name\n00:1b:21:aa:bb:07,printer,ok\n01:00:5e:00:00:fb,printer,组播\n00:1b:21:aa:bb:07,scanner,重复\n".as_bytes(),
    );
    let o =
        gapwatch(["policy", "import-assets", &register, "--policy", &policy, "--output", &policy]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("2 bad rows, nothing was written"), "{err}");
    assert!(
        err.contains(&format!("{register}:3: MAC address 01:00:5e:00:00:fb is a multicast")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{register}:4: MAC address 00:1b:21:aa:bb:07 is already on line 2")),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&policy).unwrap(), POLICY, "nothing written");

    let missing = write(tmp.path(), "cols.csv", "名称,IP地址\nx,10.20.1.1\n".as_bytes());
    let o = gapwatch(["policy", "import-assets", &missing]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(
            "line 1: the header row lacks the required column mac, role (found: 名称, IP地址)"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn import_without_a_policy_prints_asset_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let register =
        write(tmp.path(), "register.csv", b"mac,role,ip\n001B21AABB09,workstation,10.20.1.9\n");
    let o = ok(gapwatch(["policy", "import-assets", &register]));
    assert_eq!(
        stdout(&o),
        "[[asset]]\nmac = \"00:1b:21:aa:bb:09\"\nname = \"00:1b:21:aa:bb:09\"\nrole = \"workstation\"\nip = \"10.20.1.9\"\n"
    );
    assert!(stderr(&o).contains(":2: no name given, named after its MAC"), "{}", stderr(&o));
    let o =
        gapwatch(["policy", "import-assets", &tmp.path().join("none.csv").display().to_string()]);
    assert!(fails_cleanly(&o).contains("cannot read"));
}

#[test]
fn example_policy_is_valid_and_documents_every_key() {
    let path = repo().join("policy.example.toml");
    let p = Policy::load(&path).unwrap();
    assert!(p.warnings().is_empty(), "{:?}", p.warnings());
    assert_eq!(p.site().name, "示例档案馆数字化加工场所");
    assert_eq!(p.lan(), &["10.20.0.0/16".parse().unwrap()][..]);
    assert_eq!(p.site().local_domains, ["dig.local"]);
    assert!(p.site().work_hours.is_some());
    let first = &p.assets()[0];
    assert!(first.ip.is_some() && first.location.is_some() && first.owner.is_some(), "{first:?}");
    assert!(p.assets().iter().any(|a| a.role == "export"));
    assert_eq!(p.role("fileserver").unwrap().may_serve.as_deref(), Some(&[445, 139][..]));
    assert!(!p.role("qc").unwrap().checks_services());
    assert_eq!(p.thresholds().bulk_transfer_bytes, 200 << 20);
    assert_eq!((p.thresholds().new_macs_per_minute, p.thresholds().silence_minutes), (20, 10));
    let text = std::fs::read_to_string(&path).unwrap();
    for key in [
        "timezone",
        "work_hours",
        "location",
        "owner",
        "may_serve",
        "may_send_bulk_to",
        "new_macs_per_minute",
        "silence_minutes",
        "device.unexpected_service",
    ] {
        assert!(text.contains(key), "{key} not documented");
    }
    ok(gapwatch(["policy", "check", path.to_str().unwrap()]));
}

#[test]
fn import_can_rewrite_the_policy_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let policy = write(tmp.path(), "policy.toml", POLICY.as_bytes());
    let register = write(tmp.path(), "r.csv", b"MAC,role,owner\n00:1b:21:aa:bb:02,export,Chen\n");
    let o = ok(gapwatch([
        "policy",
        "import-assets",
        &register,
        "--policy",
        &policy,
        "--output",
        &policy,
    ]));
    assert!(
        stderr(&o).contains(":2: updated 00:1b:21:aa:bb:02 \"导出工位\": owner (none) → Chen"),
        "{}",
        stderr(&o)
    );
    let text = std::fs::read_to_string(&policy).unwrap();
    assert!(text.starts_with("# 加工网策略") && text.contains("owner = \"Chen\""), "{text}");
    let leftovers: Vec<_> =
        std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 2, "no temporary file left: {leftovers:?}");
}
