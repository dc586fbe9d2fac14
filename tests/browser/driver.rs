//! A real headless Chromium per test, driven over WebDriver (Debian's `chromedriver`, through
//! `fantoccini`). Every wait is for something on the page, bounded; nothing sleeps a fixed time.
//!
//! `ASLI_CHROMEDRIVER` and `ASLI_CHROMIUM` override the binaries (`/usr/bin/chromedriver`,
//! `/usr/bin/chromium`). Each browser gets a fresh profile directory, and the flags that keep
//! Chromium from reaching out to the (closed) network.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

/// How long any wait for the page may take before the test fails.
const WAIT: Duration = Duration::from_secs(30);

/// A headless Chromium showing the console at `base`.
pub struct Browser {
    client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
    base: String,
    name: String,
}

impl Browser {
    /// Start chromedriver and a browser for the test `name` (its screenshots are named so).
    pub async fn start(base: &str, name: &str) -> Browser {
        let port = free_port();
        let log =
            std::fs::File::create(std::env::temp_dir().join(format!("chromedriver-{name}.log")))
                .expect("chromedriver log file");
        let driver = Command::new(binary("ASLI_CHROMEDRIVER", "/usr/bin/chromedriver"))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start chromedriver ({e}); install it: apt-get install chromium chromium-driver")
            });
        let url = format!("http://127.0.0.1:{port}");
        wait_until_ready(&url).await;
        let profile = tempfile::Builder::new()
            .prefix("asli-chromium-")
            .tempdir()
            .expect("profile dir");
        let mut caps = Capabilities::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": binary("ASLI_CHROMIUM", "/usr/bin/chromium"),
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                    "--lang=en-US", "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&url)
            .await
            .expect("a WebDriver session with Chromium");
        Browser {
            client,
            driver,
            _profile: profile,
            base: base.to_string(),
            name: name.to_string(),
        }
    }

    /// Open a console path.
    pub async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .expect("navigate");
    }

    /// Wait for an element matching `css`.
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no `{css}` on the page: {e}"))
    }

    /// How many elements match `css` now.
    pub async fn count(&self, css: &str) -> usize {
        self.client
            .find_all(Locator::Css(css))
            .await
            .expect("find_all")
            .len()
    }

    /// Wait for `css` and return its text.
    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.expect("text")
    }

    /// Wait until the text of `css` satisfies `ok` (the next page may still be on its way);
    /// returns the text, or fails with the last text seen.
    pub async fn text_when(&self, css: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let text = match self.client.find(Locator::Css(css)).await {
                Ok(el) => el.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if ok(&text) {
                return text;
            }
            assert!(
                start.elapsed() < WAIT,
                "`{css}` never became right; last: {text:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Wait until `css` reads exactly `expected`.
    pub async fn expect_text(&self, css: &str, expected: &str) {
        self.text_when(css, |t| t == expected).await;
    }

    /// Type `text` into the field `css` (after clearing it).
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("clear");
        field.send_keys(text).await.expect("type");
    }

    /// Click `css`.
    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.expect("click");
    }

    /// Run `script` in the page.
    pub async fn run(&self, script: &str) -> serde_json::Value {
        self.client.execute(script, vec![]).await.expect("script")
    }

    /// Wait for the page's confirm dialog and accept it.
    pub async fn accept_confirm(&self) {
        let start = Instant::now();
        while self.client.get_alert_text().await.is_err() {
            assert!(start.elapsed() < WAIT, "no confirm dialog appeared");
            tokio::task::yield_now().await;
        }
        self.client.accept_alert().await.expect("accept the dialog");
    }

    /// Press Tab, as a keyboard user would.
    pub async fn press_tab(&self) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let tab = '\u{E004}';
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: tab })
            .then(KeyAction::Up { value: tab });
        self.client.perform_actions(keys).await.expect("press Tab");
    }

    /// Make the window the size of a phone (or back).
    pub async fn resize(&self, width: u32, height: u32) {
        self.client
            .set_window_size(width, height)
            .await
            .expect("resize");
    }

    /// Save a screenshot of the whole page as `target/ui-screenshots/<name>.png` (the window
    /// grows to the page's height for it, then goes back).
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let (width, height) = self.client.get_window_size().await.expect("window size");
        let page = self
            .run("window.scrollTo(0, 0); return document.documentElement.scrollHeight;")
            .await
            .as_u64()
            .unwrap_or(height)
            .clamp(height, 6000);
        self.resize(width as u32, page as u32).await;
        let png = self.client.screenshot().await.expect("screenshot");
        self.resize(width as u32, height as u32).await;
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// Screenshot the page the test ends on (`<test name>.png`) and close the browser.
    pub async fn finish(mut self) {
        self.screenshot(&self.name.clone()).await;
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A failed test still stops its chromedriver (which takes its Chromium along).
        let _ = self.driver.kill();
    }
}

fn binary(var: &str, default: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| default.to_string())
}

/// `target/ui-screenshots`, next to the test binary's `target/<profile>/deps`.
fn screenshot_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let target = exe
        .ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("target"));
    target.join("ui-screenshots")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Wait (bounded) for chromedriver to answer `/status` with ready.
async fn wait_until_ready(url: &str) {
    let client = reqwest::Client::new();
    let start = Instant::now();
    loop {
        let ready = client
            .get(format!("{url}/status"))
            .timeout(Duration::from_secs(2))
            .send()
            .await
            .ok()
            .map(|r| r.json::<serde_json::Value>());
        if let Some(body) = ready
            && let Ok(v) = body.await
            && v["value"]["ready"] == json!(true)
        {
            return;
        }
        assert!(start.elapsed() < WAIT, "chromedriver did not become ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
