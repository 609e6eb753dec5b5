//! Tests of what is legal but suspicious (warnings, with their position)
//! and of the address-sharing error, apart from `tests.rs` which covers
//! every other error kind.

use super::*;
use crate::lang::Lang;

/// Lines 1-3: the smallest valid `[site]`.
const SITE: &str = "[site]\nname = \"站点\"\nlan = [\"10.20.0.0/16\"]\n";

fn parse(text: &str) -> Policy {
    match Policy::parse(text, "policy.toml") {
        Ok(policy) => policy,
        Err(e) => panic!("expected a valid policy: {e}"),
    }
}

/// Asserts the only warning's position, kind and English fragment, and that
/// the Chinese text differs and carries the same position.
fn assert_single(p: &Policy, line: usize, column: usize, fragment: &str) -> PolicyWarningKind {
    let [w] = p.warnings() else { panic!("expected one warning, got {:?}", p.warnings()) };
    assert_eq!((w.line, w.column), (line, column), "{w}");
    let en = w.message(Lang::En);
    assert!(en.starts_with(&format!("policy.toml:{line}:{column}: warning: ")), "{en}");
    assert!(en.contains(fragment), "{en:?} lacks {fragment:?}");
    let zh = w.message(Lang::Zh);
    assert!(zh.starts_with(&format!("policy.toml:{line}:{column}: 警告: ")), "{zh}");
    assert_ne!(zh, en);
    w.kind.clone()
}

#[test]
fn port_zero_is_no_wildcard() {
    let p = parse(&format!("{SITE}[roles.scanner]\nmay_serve = [9100, 0]\n"));
    let kind = assert_single(&p, 5, 20, "does not mean \"any port\"");
    assert_eq!(kind, PolicyWarningKind::PortZero { role: "scanner".into() });
    // The policy still loads, and 0 stays what it is: one more listed port.
    let role = p.role("scanner").unwrap();
    assert_eq!(role.may_serve.as_deref(), Some(&[9100, 0][..]));
    assert!(!role.may_serve_port(80));
}

#[test]
fn role_allowing_every_port_is_named() {
    let ports: Vec<String> = (1..=MANY_PORTS + 1).map(|p| p.to_string()).collect();
    let text = format!("{SITE}[roles.server]\nmay_serve = [{}]\n", ports.join(", "));
    let p = parse(&text);
    let kind = assert_single(&p, 5, 13, "may serve 1001 ports, so it allows practically every");
    assert_eq!(kind, PolicyWarningKind::ManyPorts { role: "server".into(), count: 1001 });
    assert!(p.warnings()[0].message(Lang::Zh).contains("几乎放行一切服务"));

    // Exactly at the limit is a long but deliberate list.
    let ports: Vec<String> = (1..=MANY_PORTS).map(|p| p.to_string()).collect();
    let p = parse(&format!("{SITE}[roles.server]\nmay_serve = [{}]\n", ports.join(", ")));
    assert!(p.warnings().is_empty(), "{:?}", p.warnings());
}

#[test]
fn duplicate_port_names_the_first() {
    let p = parse(&format!(
        "{SITE}[roles.fileserver]\nmay_serve = [\n  445,\n  139,\n  445,\n]\n\
         may_send_bulk_to = [\"export\"]\n"
    ));
    let kind = assert_single(&p, 8, 3, "lists port 445 twice (first at line 6)");
    assert_eq!(
        kind,
        PolicyWarningKind::DuplicatePort { role: "fileserver".into(), port: 445, first_line: 6 }
    );
    assert_eq!(p.role("fileserver").unwrap().may_serve.as_deref(), Some(&[445, 139][..]));
}

#[test]
fn unused_role_of_the_sites_own_is_a_likely_typo() {
    let asset = "[[asset]]\nmac = \"00:1b:21:aa:bb:01\"\nname = \"x\"\nrole = \"scanner\"\n";
    // `scaner` was meant to be the rules of `scanner`.
    let p = parse(&format!("{SITE}{asset}\n[roles.scaner]\nmay_serve = []\n"));
    let kind = assert_single(&p, 9, 1, "role \"scaner\" is defined but no asset has it");
    assert_eq!(kind, PolicyWarningKind::UnusedRole { role: "scaner".into() });

    // A built-in role without devices, or a role that is only a bulk
    // target, is fine.
    let p = parse(&format!(
        "{SITE}{asset}[roles.printer]\nmay_serve = [9100]\n\
         [roles.scanner]\nmay_send_bulk_to = [\"archive\"]\n[roles.archive]\n"
    ));
    assert!(p.warnings().is_empty(), "{:?}", p.warnings());
}

#[test]
fn warnings_come_in_file_order() {
    let p =
        parse(&format!("{SITE}[roles.zz]\nmay_serve = [0]\n[roles.aa]\nmay_serve = [22, 22]\n"));
    let lines: Vec<usize> = p.warnings().iter().map(|w| w.line).collect();
    // zz's port 0 (5), zz unused (4), aa's repeat (7), aa unused (6).
    assert_eq!(lines, [4, 5, 6, 7], "{:?}", p.warnings());
}

#[test]
fn inventory_mode_has_no_warnings() {
    assert!(Policy::inventory().warnings().is_empty());
}

#[test]
fn one_address_pinned_on_two_assets_is_an_error() {
    let text = format!(
        "{SITE}[[asset]]\nmac = \"00:1b:21:aa:bb:01\"\nname = \"扫描工位-01\"\nrole = \"scanner\"\n\
         ip = \"10.20.1.11\"\n\n[[asset]]\nmac = \"00:1b:21:aa:bb:02\"\nname = \"扫描工位-02\"\n\
         role = \"scanner\"\nip = \"10.20.1.11\"\n"
    );
    let e = Policy::parse(&text, "policy.toml").unwrap_err();
    assert!(
        matches!(&e.kind, PolicyErrorKind::DuplicateIp { first_line: 5, first_name, .. }
            if first_name == "扫描工位-01"),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "policy.toml:14:6: address 10.20.1.11 is already pinned to asset \"扫描工位-01\" at line 5: two devices cannot share one address; correct one of them"
    );
    assert!(e.message(Lang::Zh).contains("已在第 5 行固定给资产"), "{}", e.message(Lang::Zh));

    // The same address written as IPv4-mapped IPv6 is the same address.
    let text = text.replacen("ip = \"10.20.1.11\"\n\n", "ip = \"::ffff:10.20.1.11\"\n\n", 1);
    let e = Policy::parse(&text, "policy.toml").unwrap_err();
    assert!(matches!(e.kind, PolicyErrorKind::DuplicateIp { .. }), "{e:?}");
}
