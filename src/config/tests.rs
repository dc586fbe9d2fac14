//! Reading the environment: defaults, errors that name the variable, secrets from files.

use super::*;
use secrecy::ExposeSecret;

fn base() -> HashMap<String, String> {
    [
        ("WHATSAPP_APP_SECRET", "app-secret-value"),
        ("WHATSAPP_VERIFY_TOKEN", "verify-me"),
        ("WHATSAPP_ACCESS_TOKEN", "EAAG-token"),
        ("ASLI_ADMIN_TOKEN", "admin-token-value"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

#[test]
fn defaults_follow_the_contract() {
    let s = Settings::from_map(&base()).unwrap();
    assert_eq!(s.http.bind.to_string(), "127.0.0.1:8080");
    assert_eq!(s.whatsapp.graph_url, "https://graph.facebook.com");
    assert_eq!(s.whatsapp.api_version, "v25.0");
    assert!(!s.whatsapp.dry_run);
    assert!(matches!(s.store, StoreConfig::Embedded(ref p) if p == &PathBuf::from("./data")));
    assert_eq!(s.verify.home_region, Region::INDIA);
}

#[test]
fn a_missing_required_secret_is_named_and_no_secret_is_printed() {
    let mut vars = base();
    vars.remove("WHATSAPP_APP_SECRET");
    let err = Settings::from_map(&vars).unwrap_err();
    assert_eq!(err.variable, "WHATSAPP_APP_SECRET");
    let line = err.to_string();
    for secret in ["verify-me", "EAAG-token", "admin-token-value"] {
        assert!(!line.contains(secret));
    }
}

#[test]
fn an_empty_environment_first_asks_for_the_app_secret() {
    let err = Settings::from_map(&HashMap::new()).unwrap_err();
    assert_eq!(err.variable, "WHATSAPP_APP_SECRET");
}

#[test]
fn the_access_token_may_be_left_out_only_in_dry_run() {
    let mut vars = base();
    vars.remove("WHATSAPP_ACCESS_TOKEN");
    assert_eq!(
        Settings::from_map(&vars).unwrap_err().variable,
        "WHATSAPP_ACCESS_TOKEN"
    );
    vars.insert("WHATSAPP_DRY_RUN".into(), "1".into());
    assert!(
        Settings::from_map(&vars)
            .unwrap()
            .whatsapp
            .access_token
            .is_none()
    );
}

#[test]
fn secrets_can_come_from_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secret");
    std::fs::write(&path, "from-a-file\n").unwrap();
    let mut vars = base();
    vars.remove("ASLI_ADMIN_TOKEN");
    vars.insert("ASLI_ADMIN_TOKEN_FILE".into(), path.display().to_string());
    let s = Settings::from_map(&vars).unwrap();
    assert_eq!(s.admin.token.expose_secret(), "from-a-file");
}

#[test]
fn malformed_values_are_named() {
    for (var, value) in [
        ("ASLI_BIND", "not an address"),
        ("WHATSAPP_DRY_RUN", "maybe"),
        ("WHATSAPP_API_VERSION", "25"),
        ("ASLI_HOME_REGION", "India"),
        ("WHATSAPP_GRAPH_URL", "ftp://x"),
        ("ASLI_WORKERS", "0"),
        ("ASLI_TEMPLATE_EN", "asli_verdict_alert"),
        ("ASLI_TEMPLATE_HI", "Bad Name:hi"),
        ("ASLI_SENDER_LIMIT", "-1"),
        ("ASLI_SENDER_WINDOW_SECS", "0"),
        ("ASLI_JOB_LEASE_SECS", "0"),
    ] {
        let mut vars = base();
        vars.insert(var.into(), value.into());
        assert_eq!(
            Settings::from_map(&vars).unwrap_err().variable,
            var,
            "{var}={value}"
        );
    }
}

#[test]
fn delivery_settings_have_safe_defaults() {
    let s = Settings::from_map(&base()).unwrap();
    assert_eq!(s.whatsapp.templates, WarningTemplates::default());
    assert_eq!(
        s.worker.sender_limit,
        Some(SenderLimit {
            max: 20,
            window: Duration::from_secs(60)
        })
    );
    assert_eq!(s.worker.job_lease, Duration::from_secs(60));
    assert_eq!(s.worker.shutdown_grace, Duration::from_secs(30));
}

#[test]
fn a_sender_limit_of_zero_turns_the_limit_off() {
    let mut vars = base();
    vars.insert("ASLI_SENDER_LIMIT".into(), "0".into());
    assert_eq!(Settings::from_map(&vars).unwrap().worker.sender_limit, None);
}

#[test]
fn hindi_replies_fall_back_to_the_english_template() {
    let mut vars = base();
    vars.insert("ASLI_TEMPLATE_EN".into(), "asli_verdict_alert:en_US".into());
    let s = Settings::from_map(&vars).unwrap();
    let t = s.whatsapp.templates.for_language("hi").unwrap();
    assert_eq!(
        (t.name.as_str(), t.language.as_str()),
        ("asli_verdict_alert", "en_US")
    );
    vars.insert("ASLI_TEMPLATE_HI".into(), "asli_verdict_alert:hi".into());
    let s = Settings::from_map(&vars).unwrap();
    assert_eq!(
        s.whatsapp.templates.for_language("hi").unwrap().language,
        "hi"
    );
    assert_eq!(
        s.whatsapp.templates.for_language("en").unwrap().language,
        "en_US"
    );
}

#[test]
fn named_admin_tokens_are_read_with_their_roles() {
    let h = "a".repeat(64);
    let t = parse_admin_tokens(&format!("ops:admin:{h}, audit-bot:viewer:{h}")).unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(
        (t[1].name.as_str(), t[1].role),
        ("audit-bot", AdminRole::Viewer)
    );
    assert!(parse_admin_tokens("").unwrap().is_empty());
    for bad in [
        format!("ops:root:{h}"),
        "ops:admin:abc".to_string(),
        format!("ops:admin:{h},ops:viewer:{h}"),
        "ops".to_string(),
    ] {
        let err = parse_admin_tokens(&bad).unwrap_err();
        assert_eq!(err.variable, "ASLI_ADMIN_TOKENS", "{bad}");
    }
}

#[test]
fn debug_output_hides_secrets() {
    let s = Settings::from_map(&base()).unwrap();
    let dbg = format!("{s:?}");
    assert!(!dbg.contains("app-secret-value") && !dbg.contains("EAAG-token"));
}
