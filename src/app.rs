//! Builds the whole service from [`Settings`]: the store, the HTTP server(s), the workers,
//! and shutdown.
//!
//! [`Application::build`] binds its listeners before returning, so tests ask for port 0 and
//! read the port back. [`Application::run_until_stopped`] serves until SIGINT/SIGTERM (or the
//! shutdown token), then stops taking requests and work, lets in-flight steps finish, and
//! returns.

use std::net::TcpListener;
use std::sync::{Arc, OnceLock};

use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::{App, Error as ActixError, HttpServer, body::MessageBody, web};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use secrecy::ExposeSecret;
use tokio_util::sync::CancellationToken;
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RootSpanBuilder, TracingLogger};

use crate::config::{Settings, StoreConfig};
use crate::engine::Engine;
use crate::jobs::Pseudonyms;
use crate::routes;
use crate::routes::admin::AdminState;
use crate::store::embedded::EmbeddedStore;
use crate::store::redis::RedisStore;
use crate::store::{StoreError, Stores, WakingInbox};
use crate::worker::{CredentialHealth, RetryPolicy, WorkerContext, Workers};

/// Largest webhook body Meta sends (3 MB); anything larger is refused with 413.
pub const MAX_WEBHOOK_BODY: usize = 3 * 1024 * 1024;

/// What request handlers share.
pub struct AppState {
    /// The settings the process started with.
    pub settings: Arc<Settings>,
    /// All state.
    pub stores: Stores,
    /// The verification engine for the current registry.
    pub engine: Arc<Engine>,
    /// Renders `/metrics`.
    pub metrics: PrometheusHandle,
    /// Whether Meta accepts our access token (`/readyz` reports it).
    pub credentials: Arc<CredentialHealth>,
    /// Staff pseudonyms (the inbox group of each webhook update).
    pub pseudonyms: Pseudonyms,
}

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The store could not be opened or reached.
    #[error("cannot open the store: {0}")]
    Store(#[from] StoreError),
    /// The worker runtime could not be started.
    #[error("cannot start the workers: {0}")]
    Workers(std::io::Error),
    /// A listener could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
}

/// How to build: tests turn the background workers off and drive
/// [`crate::worker::try_execute_task`] themselves.
#[derive(Debug, Clone, Copy)]
pub struct BuildOptions {
    /// Start `ASLI_WORKERS` background worker loops.
    pub spawn_workers: bool,
    /// Reply retry policy.
    pub retry: RetryPolicy,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            spawn_workers: true,
            retry: RetryPolicy::default(),
        }
    }
}

/// A built, bound, not yet running service.
pub struct Application {
    port: u16,
    admin_port: Option<u16>,
    servers: Vec<Server>,
    workers: Workers,
    shutdown: CancellationToken,
    state: web::Data<AppState>,
    worker_ctx: Arc<WorkerContext>,
}

/// Open the store the configuration names.
pub async fn open_store(config: &StoreConfig) -> Result<Stores, StoreError> {
    Ok(match config {
        StoreConfig::Redis { url, shards } => Stores::of(Arc::new(
            RedisStore::connect_with(
                url.expose_secret(),
                crate::store::redis::DEFAULT_TIMEOUT,
                *shards,
            )
            .await?,
        )),
        StoreConfig::Embedded(dir) => Stores::of(Arc::new(EmbeddedStore::open(dir)?)),
    })
}

/// The process-wide Prometheus recorder (installed once; later calls share it).
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .install_recorder()
                .expect("no other metrics recorder is installed")
        })
        .clone()
}

impl Application {
    /// Open the configured store and build with default options.
    pub async fn build(settings: Settings) -> Result<Application, StartError> {
        let store = open_store(&settings.store).await?;
        Application::build_with(settings, store, BuildOptions::default()).await
    }

    /// Build over already-open stores.
    pub async fn build_with(
        settings: Settings,
        stores: Stores,
        options: BuildOptions,
    ) -> Result<Application, StartError> {
        let settings = Arc::new(settings);
        // Work this process enqueues wakes its idle workers at once (no poll delay).
        let inbox = Arc::new(WakingInbox::new(stores.inbox.clone()));
        let stores = stores.with_inbox(inbox);
        let engine = Arc::new(Engine::new(settings.verify.home_region, stores.clone()));
        let pseudonyms = settings.pseudonyms();
        let credentials = Arc::new(CredentialHealth::new(settings.worker.credentials_probe));
        let worker_ctx = Arc::new(WorkerContext::new(
            &settings,
            stores.clone(),
            engine.clone(),
            credentials.clone(),
            options.retry,
        ));
        let engine_for_watch = engine.clone();
        let state = web::Data::new(AppState {
            settings: settings.clone(),
            stores,
            engine,
            metrics: metrics_handle(),
            credentials,
            pseudonyms,
        });
        let admin = web::Data::new(AdminState::from_app(&state));

        let public = bind(&settings.http.bind.to_string())?;
        let port = public.local_addr().map(|a| a.port()).unwrap_or(0);
        let admin_here = settings.admin.bind.is_none().then(|| admin.clone());
        let mut servers = vec![public_server(public, state.clone(), admin_here)?];
        let mut admin_port = None;
        if let Some(addr) = settings.admin.bind {
            let listener = bind(&addr.to_string())?;
            admin_port = listener.local_addr().ok().map(|a| a.port());
            servers.push(admin_server(listener, state.clone(), admin)?);
        }

        let shutdown = CancellationToken::new();
        tokio::spawn(engine_for_watch.follow_announcements(shutdown.clone()));
        let workers = if options.spawn_workers {
            Workers::spawn(
                worker_ctx.clone(),
                settings.worker.workers,
                settings.worker.threads,
                shutdown.clone(),
            )
            .map_err(StartError::Workers)?
        } else {
            Workers::none()
        };
        Ok(Application {
            port,
            admin_port,
            servers,
            workers,
            shutdown,
            state,
            worker_ctx,
        })
    }

    /// The public HTTP port (useful when bound to port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The admin port, when `/admin` has its own listener.
    pub fn admin_port(&self) -> Option<u16> {
        self.admin_port
    }

    /// Cancel this to stop the service as SIGTERM would.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// The shared handler state (tests reach the store through it).
    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// What a worker step needs (tests drive [`crate::worker::try_execute_task`] with it).
    pub fn worker_context(&self) -> Arc<WorkerContext> {
        self.worker_ctx.clone()
    }

    /// Serve until a signal or the shutdown token; then drain and return.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let handles: Vec<_> = self.servers.iter().map(|s| s.handle()).collect();
        let token = self.shutdown.clone();
        tokio::spawn({
            let handles = handles.clone();
            async move {
                token.cancelled().await;
                for h in handles {
                    h.stop(true).await;
                }
            }
        });
        // Each server stops gracefully on SIGINT/SIGTERM by itself; when the first one ends,
        // stop the rest and the workers.
        let (result, _, rest) = futures::future::select_all(self.servers).await;
        self.shutdown.cancel();
        for h in &handles {
            h.stop(true).await;
        }
        futures::future::join_all(rest).await;
        tracing::info!("HTTP stopped; waiting for in-flight work");
        let grace = self.state.settings.worker.shutdown_grace;
        if !self.workers.join(grace).await {
            tracing::warn!("workers did not finish in time; their jobs return after the lease");
        }
        tracing::info!("stopped");
        result
    }
}

fn bind(addr: &str) -> Result<TcpListener, StartError> {
    TcpListener::bind(addr).map_err(|source| StartError::Bind {
        addr: addr.to_string(),
        source,
    })
}

fn public_server(
    listener: TcpListener,
    state: web::Data<AppState>,
    admin: Option<web::Data<AdminState>>,
) -> Result<Server, StartError> {
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let server = HttpServer::new(move || {
        let app = App::new()
            .wrap(TracingLogger::<QuietRootSpan>::new())
            .app_data(state.clone())
            .app_data(web::PayloadConfig::new(MAX_WEBHOOK_BODY))
            .route("/healthz", web::get().to(routes::health::healthz))
            .route("/readyz", web::get().to(routes::health::readyz))
            .route("/metrics", web::get().to(routes::metrics::metrics))
            .route("/webhook", web::get().to(routes::webhook::handshake))
            .route("/webhook", web::post().to(routes::webhook::receive));
        match &admin {
            Some(admin) => app.app_data(admin.clone()).service(routes::admin::scope()),
            None => app,
        }
    })
    .listen(listener)
    .map_err(|source| StartError::Bind { addr, source })?
    .run();
    Ok(server)
}

fn admin_server(
    listener: TcpListener,
    state: web::Data<AppState>,
    admin: web::Data<AdminState>,
) -> Result<Server, StartError> {
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let server = HttpServer::new(move || {
        App::new()
            .wrap(TracingLogger::<QuietRootSpan>::new())
            .app_data(state.clone())
            .app_data(admin.clone())
            .service(routes::admin::scope())
    })
    .listen(listener)
    .map_err(|source| StartError::Bind { addr, source })?
    .run();
    Ok(server)
}

/// The request span: method, path (never the query string, which carries the verify token
/// during the handshake), a request id, and the status once known.
pub struct QuietRootSpan;

impl RootSpanBuilder for QuietRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        tracing::info_span!(
            "http",
            method = %request.method(),
            // The route pattern, not the path: `/admin/lookup/{phone}` must not log the number.
            path = %request.match_pattern().unwrap_or_else(|| "unmatched".to_string()),
            request_id = %uuid::Uuid::new_v4(),
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(
        span: Span,
        outcome: &Result<ServiceResponse<B>, ActixError>,
    ) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}
