//! meldpunt: a confidential reporting portal for concerns about professional secrecy
//! and privacy in social work. See DESIGN.md for the picture; this crate holds the
//! portal, its storage and its cryptography, shared by the binary and the tests.
#![forbid(unsafe_code)]

/// Domain types: report, message envelope, statuses, deadlines.
pub mod case;
/// Command line and environment configuration.
pub mod config;
/// age sealing and opening, padding, key derivation.
pub mod crypto;
/// Typed texts in Dutch and English.
pub mod i18n;
/// Logging that never lets request data through.
pub mod logging;
/// Pickup codes: generate, parse, display, derive.
pub mod pickup;
/// Start-up of the portal.
pub mod serve;
/// Every SQL statement.
pub mod storage;
/// The portal's HTTP side.
pub mod web;

use std::process::ExitCode;

use clap::Parser;

use config::{Cli, Command, ServeArgs};

/// Runs the command line: parses it and hands over to the chosen role.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("meldpunt: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Some(Command::Serve(args)) => serve::run(args).await,
            None => serve::run(ServeArgs::from_env()).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("meldpunt: {e}");
            ExitCode::FAILURE
        }
    }
}
