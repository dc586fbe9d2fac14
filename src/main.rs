//! The `asli` binary: parse the command line, load configuration, start telemetry, run.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use asli::config::{Settings, ToolSettings};

mod cli;

/// asli — tells government staff whether a WhatsApp message really comes from their official.
#[derive(Debug, Parser)]
#[command(name = "asli", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the bot: webhook, reply workers and admin API.
    Serve,
    /// Run a self-contained demo: embedded store in ./data-demo, sample registry, dry run.
    Demo,
    /// Send a signed webhook carrying a forwarded text to a running asli (as Meta would).
    Simulate {
        /// The forwarded message text.
        #[arg(long)]
        text: String,
        /// The staff member's WhatsApp id (digits with country code).
        #[arg(long, default_value = "919812300001")]
        from: String,
        /// Where asli listens.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
    },
    /// Print the verdict the bot would give for a message, without sending anything.
    Check {
        /// The message text (as forwarded or typed by a staff member).
        #[arg(long, default_value = "")]
        text: String,
        /// The suspicious sender's number, when known.
        #[arg(long)]
        phone: Option<String>,
        /// Print the full analysis as JSON instead of the reply.
        #[arg(long)]
        json: bool,
    },
    /// Manage the registry of official numbers.
    Registry {
        #[command(subcommand)]
        command: RegistryCommand,
    },
}

#[derive(Debug, Subcommand)]
enum RegistryCommand {
    /// Create or update officials from a CSV or JSON file (all or nothing).
    Import {
        /// The file (`.csv` or `.json`).
        file: std::path::PathBuf,
        /// Only report what would change.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write the whole registry as CSV (to standard output, or to a file).
    Export {
        /// Where to write; standard output when absent.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("asli: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(cli))
}

async fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Serve => match Settings::from_env() {
            Ok(settings) => cli::serve(settings).await,
            Err(e) => config_error(e),
        },
        Command::Demo => cli::demo().await,
        Command::Simulate { text, from, url } => cli::simulate(&text, &from, &url).await,
        command => {
            let tools = match ToolSettings::from_env() {
                Ok(t) => t,
                Err(e) => return config_error(e),
            };
            match command {
                Command::Check { text, phone, json } => {
                    cli::check(&tools, &text, phone.as_deref(), json).await
                }
                Command::Registry {
                    command: RegistryCommand::Import { file, dry_run },
                } => cli::import(&tools, &file, dry_run).await,
                Command::Registry {
                    command: RegistryCommand::Export { out },
                } => cli::export(&tools, out.as_deref()).await,
                Command::Serve | Command::Demo | Command::Simulate { .. } => {
                    unreachable!("handled above")
                }
            }
        }
    }
}

/// One clear line naming the variable, exit code 2.
fn config_error(e: asli::config::ConfigError) -> ExitCode {
    eprintln!("asli: {e}");
    ExitCode::from(2)
}
