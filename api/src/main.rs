//! Command-line entry point: serve (the default), print the schema, migrate, or import.

use std::path::PathBuf;

use anyhow::Context as _;
use api::config::Config;
use clap::{Parser, Subcommand};

/// GraphQL API for the OAS crime-prevention and police networks.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve GraphQL at LISTEN_ADDR on DATABASE_URL (the default command).
    Serve,
    /// Print the GraphQL schema (SDL) to standard output.
    PrintSchema,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Validate and import a data directory (one JSON file per kind), then exit.
    Import {
        /// Folder holding countries.json, topics.json and the other data files.
        dir: PathBuf,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    api::telemetry::init();
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::PrintSchema => {
            print!("{}", api::graphql::sdl());
            Ok(())
        }
        Command::Migrate => {
            let config = Config::from_env()?;
            let (db, _) = api::db::connect(&config.database_url).await?;
            api::db::migrate(&db).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Import { dir } => {
            let config = Config::from_env()?;
            // Parse the files first, so that a wrong path creates no database.
            let dataset = api::import::Dataset::from_dir(&dir)?;
            let (db, _) = api::db::connect(&config.database_url).await?;
            api::db::migrate(&db).await?;
            let report = api::import::import(&db, &dataset).await?;
            tracing::info!(created = report.created, updated = report.updated, unchanged = report.unchanged, dir = %dir.display(), "import finished");
            Ok(())
        }
        Command::Serve => {
            let config = Config::from_env()?;
            let app = api::app::build(&config).await?;
            let listener = tokio::net::TcpListener::bind(config.listen_addr)
                .await
                .with_context(|| format!("could not listen on {}", config.listen_addr))?;
            tracing::info!(address = %config.listen_addr, "serving GraphQL at http://{}/graphql", config.listen_addr);
            api::app::serve(listener, app.router).await
        }
    }
}
