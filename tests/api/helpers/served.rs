//! `asli serve` as a real child process over a test's state: for SIGTERM, `kill -9` and
//! several instances sharing one store.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::app::{ADMIN_TOKEN, APP_SECRET, StoreHandle, VERIFY_TOKEN};

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// `asli serve` as a child process over `state`, sending to `graph_url`.
pub struct Served {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    _cwd: tempfile::TempDir,
}

impl Served {
    /// Start `asli serve` over `state` (plus `extra` variables) and wait until it is ready.
    pub async fn start(state: &StoreHandle, graph_url: &str, extra: &[(&str, &str)]) -> Served {
        let port = free_port();
        let cwd = tempfile::tempdir().expect("temp dir");
        let mut command = Command::new(env!("CARGO_BIN_EXE_asli"));
        command
            .arg("serve")
            .current_dir(cwd.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("ASLI_BIND", format!("127.0.0.1:{port}"))
            .env("WHATSAPP_APP_SECRET", APP_SECRET)
            .env("WHATSAPP_VERIFY_TOKEN", VERIFY_TOKEN)
            .env("WHATSAPP_ACCESS_TOKEN", crate::helpers::graph::ACCESS_TOKEN)
            .env("WHATSAPP_API_VERSION", crate::helpers::graph::API_VERSION)
            .env("WHATSAPP_GRAPH_URL", graph_url)
            .env("ASLI_ADMIN_TOKEN", ADMIN_TOKEN)
            .env("RUST_LOG", "warn")
            .envs(state.env())
            .envs(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let address = format!("http://127.0.0.1:{port}");
        // Owned by `Served` at once, so that its Drop reaps the child on every path.
        let mut served = Served {
            child: command.spawn().expect("asli starts"),
            address,
            _cwd: cwd,
        };
        let client = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(r) = client
                .get(format!("{}/readyz", served.address))
                .send()
                .await
                && r.status() == 200
            {
                return served;
            }
            if let Ok(Some(status)) = served.child.try_wait() {
                panic!("asli serve exited at start: {status:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("asli serve did not become ready");
    }

    /// Send the signal `name` (`TERM`, `KILL`).
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// Wait (up to 30 s) for the process to exit; its exit status.
    pub async fn wait(&mut self) -> std::process::ExitStatus {
        for _ in 0..600 {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("asli did not exit");
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
