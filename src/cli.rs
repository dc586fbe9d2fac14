//! The subcommands' bodies. Each returns the process exit code.

use std::path::Path;
use std::process::ExitCode;

use asli::app::{Application, open_store};
use asli::config::{Settings, ToolSettings};
use asli::engine::Engine;
use asli::registry::RegistryService;
use asli::telemetry;

/// `asli serve`.
pub async fn serve(settings: Settings) -> ExitCode {
    telemetry::init(settings.log_format);
    tracing::info!(
        bind = %settings.http.bind,
        dry_run = settings.whatsapp.dry_run,
        store = match settings.store {
            asli::config::StoreConfig::Redis { .. } => "redis",
            asli::config::StoreConfig::Embedded(_) => "embedded",
        },
        "asli starting"
    );
    let app = match Application::build(settings).await {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "asli cannot start");
            eprintln!("asli: {e}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(port = app.port(), "listening");
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("asli: server failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Demo credentials: printed on purpose, they protect nothing but a local demo.
const DEMO_APP_SECRET: &str = "demo-app-secret";
const DEMO_ADMIN_TOKEN: &str = "demo-admin-token";

/// `asli demo`: everything a newcomer needs, nothing to configure.
pub async fn demo() -> ExitCode {
    let env =
        |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_string());
    let vars: std::collections::HashMap<String, String> = [
        ("ASLI_BIND", env("ASLI_BIND", "127.0.0.1:8080")),
        ("ASLI_DATA_DIR", env("ASLI_DATA_DIR", "./data-demo")),
        ("WHATSAPP_APP_SECRET", DEMO_APP_SECRET.to_string()),
        ("WHATSAPP_VERIFY_TOKEN", "demo-verify-token".to_string()),
        ("ASLI_ADMIN_TOKEN", DEMO_ADMIN_TOKEN.to_string()),
        ("WHATSAPP_DRY_RUN", "1".to_string()),
        ("ASLI_HOME_REGION", env("ASLI_HOME_REGION", "IN")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let settings = match Settings::from_map(&vars) {
        Ok(s) => s,
        Err(e) => return fail(&e.to_string()),
    };
    telemetry::init(settings.log_format);
    let store = match open_store(&settings.store).await {
        Ok(s) => s,
        Err(e) => return fail(&format!("cannot open the store: {e}")),
    };
    if let Err(e) = seed_sample_registry(store.clone()).await {
        return fail(&e);
    }
    println!(
        "\nasli demo on http://{bind} (dry run: replies are logged, not sent)\n\
         admin token: {DEMO_ADMIN_TOKEN}   app secret: {DEMO_APP_SECRET}\n\
         try, in another terminal:\n  \
         cargo run --release -- simulate --text \"I am in a meeting, send 5 Amazon gift cards. +94 71 234 5678\"\n  \
         curl -s -H 'Authorization: Bearer {DEMO_ADMIN_TOKEN}' http://{bind}/admin/officials\n",
        bind = settings.http.bind
    );
    let app = match asli::app::Application::build_with(settings, store, Default::default()).await {
        Ok(app) => app,
        Err(e) => return fail(&e.to_string()),
    };
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("server failed: {e}")),
    }
}

/// `asli simulate --text ...`: sign like Meta and POST to a running asli.
pub async fn simulate(text: &str, from: &str, url: &str) -> ExitCode {
    use asli::simulate::{envelope, messages_value, meta_bytes, new_message_id, text_message};
    let secret =
        std::env::var("WHATSAPP_APP_SECRET").unwrap_or_else(|_| DEMO_APP_SECRET.to_string());
    let id = new_message_id();
    let body = meta_bytes(&envelope(vec![messages_value(
        from,
        vec![text_message(&id, from, text, true)],
    )]));
    let signature = asli::whatsapp::sign(secret.as_bytes(), &body);
    let response = reqwest::Client::new()
        .post(format!("{}/webhook", url.trim_end_matches('/')))
        .header("content-type", "application/json")
        .header("x-hub-signature-256", signature)
        .timeout(std::time::Duration::from_secs(10))
        .body(body)
        .send()
        .await;
    match response {
        Ok(r) if r.status().is_success() => {
            println!(
                "accepted ({}): message {id}; the reply appears in asli's log",
                r.status()
            );
            ExitCode::SUCCESS
        }
        Ok(r) => fail(&format!("asli answered {}", r.status())),
        Err(e) => fail(&format!("cannot reach {url}: {e}")),
    }
}

/// `asli check --text ... [--phone ...] [--json]`.
pub async fn check(tools: &ToolSettings, text: &str, phone: Option<&str>, json: bool) -> ExitCode {
    let store = match open_store(&tools.store).await {
        Ok(s) => s,
        Err(e) => return fail(&format!("cannot open the store: {e}")),
    };
    let engine = Engine::new(tools.home_region, store);
    let analysis = match engine.check(text, phone).await {
        Ok(a) => a,
        Err(e) => return fail(&format!("cannot load the registry: {e}")),
    };
    if json {
        match serde_json::to_string_pretty(&analysis) {
            Ok(s) => println!("{s}"),
            Err(e) => return fail(&format!("cannot print the analysis: {e}")),
        }
    } else {
        println!("{}", analysis.reply);
    }
    ExitCode::SUCCESS
}

/// `asli registry import FILE [--dry-run]`.
pub async fn import(tools: &ToolSettings, file: &Path, dry_run: bool) -> ExitCode {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => return fail(&format!("cannot read {}: {e}", file.display())),
    };
    let service = match registry_service(tools).await {
        Ok(s) => s,
        Err(code) => return code,
    };
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match service
        .import_file_bytes(&bytes, &ext, "cli", dry_run)
        .await
    {
        Ok(report) => {
            println!(
                "{}{} created, {} updated, {} unchanged; registry version {}",
                if dry_run { "dry run: " } else { "" },
                report.created.len(),
                report.updated.len(),
                report.unchanged.len(),
                report.version
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(&format!(
            "import refused, nothing written: {}",
            describe(&e)
        )),
    }
}

/// `asli registry export [--out FILE]`.
pub async fn export(tools: &ToolSettings, out: Option<&Path>) -> ExitCode {
    let service = match registry_service(tools).await {
        Ok(s) => s,
        Err(code) => return code,
    };
    let csv = match service.export_csv().await {
        Ok(csv) => csv,
        Err(e) => return fail(&format!("cannot export: {e}")),
    };
    let written = match out {
        Some(path) => std::fs::write(path, &csv),
        None => std::io::Write::write_all(&mut std::io::stdout().lock(), &csv),
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("cannot write the export: {e}")),
    }
}

async fn registry_service(tools: &ToolSettings) -> Result<RegistryService, ExitCode> {
    match open_store(&tools.store).await {
        Ok(store) => Ok(RegistryService::new(store, tools.home_region)),
        Err(e) => Err(fail(&format!("cannot open the store: {e}"))),
    }
}

/// A registry error with its row-level details, one per line, for a terminal.
fn describe(e: &asli::registry::RegistryError) -> String {
    match e {
        asli::registry::RegistryError::Rows(rows) => {
            let lines: Vec<String> = rows
                .iter()
                .map(|r| format!("  row {}, {}: {}", r.row, r.field, r.message))
                .collect();
            format!("{e}\n{}", lines.join("\n"))
        }
        other => other.to_string(),
    }
}

/// The fictional sample registry shipped with asli, for demos.
const SAMPLE_REGISTRY: &[u8] = include_bytes!("../samples/registry.csv");

/// Import the sample registry when the registry is empty.
async fn seed_sample_registry(store: asli::store::Stores) -> Result<(), String> {
    let version = store
        .registry
        .registry_version()
        .await
        .map_err(|e| format!("cannot read the registry: {e}"))?;
    if version > 0 {
        return Ok(());
    }
    let service = RegistryService::new(store, asli::phone::Region::INDIA);
    service
        .import_file_bytes(SAMPLE_REGISTRY, "csv", "demo", false)
        .await
        .map(|report| println!("sample registry loaded: {} officials", report.created.len()))
        .map_err(|e| format!("cannot load the sample registry: {e}"))
}

fn fail(message: &str) -> ExitCode {
    eprintln!("asli: {message}");
    ExitCode::FAILURE
}
