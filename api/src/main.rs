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
    /// Create a member, such as the first admin, then exit.
    CreateMember {
        /// The name shown for the member.
        #[arg(long)]
        name: String,
        /// The identity provider's subject (`sub` claim) of the member's access tokens, or a
        /// partner application's client id.
        #[arg(long)]
        subject: Option<String>,
        /// The member's email address.
        #[arg(long)]
        email: Option<String>,
        /// Make the member an admin.
        #[arg(long)]
        admin: bool,
        /// Make the member an editor of the network with this slug (repeatable), such as
        /// network-crime-prevention.
        #[arg(long = "editor", value_name = "NETWORK_SLUG")]
        editor_of: Vec<String>,
        /// Make the member a training coordinator of the police institution with this slug
        /// (repeatable): coordinators read and write their institution's officers,
        /// enrolments and completions.
        #[arg(long = "coordinator", value_name = "INSTITUTION_SLUG")]
        coordinator_of: Vec<String>,
        /// Create a partner application rather than a person.
        #[arg(long)]
        application: bool,
    },
    /// Issue an API token for a member and print it once, then exit.
    CreateToken {
        /// The member's id, as printed by create-member.
        #[arg(long)]
        member_id: i32,
        /// Purpose of the token, such as `academy sync`.
        #[arg(long)]
        name: String,
        /// A scope: read, write-content or admin (repeatable).
        #[arg(long = "scope", value_enum, required = true)]
        scopes: Vec<Scope>,
        /// Days until the token expires (1 to 366).
        #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(i32).range(1..=366))]
        days: i32,
    },
}

/// An API token scope, as written on the command line.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Scope {
    /// Read members-only content the member may read.
    Read,
    /// Change content in the networks the member edits.
    WriteContent,
    /// Manage members and tokens, if the member is an admin.
    Admin,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    api::telemetry::init();
    let cli = Cli::parse();
    match run(cli.command.unwrap_or(Command::Serve)).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            // The error chain in one line; set RUST_LOG=debug for more context.
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
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
        Command::CreateMember { name, subject, email, admin, editor_of, coordinator_of, application } => {
            let config = Config::from_env()?;
            let (db, _) = api::app::prepare_database(&config).await?;
            let new =
                api::admin::NewMember { name, subject, email, is_admin: admin, editor_of, coordinator_of, application };
            let id = api::admin::create_member(&db, new).await?;
            println!("{id}");
            tracing::info!(member_id = id, "created the member; pass its id to create-token");
            Ok(())
        }
        Command::CreateToken { member_id, name, scopes, days } => {
            let config = Config::from_env()?;
            let (db, _) = api::app::prepare_database(&config).await?;
            let scopes = scopes
                .into_iter()
                .map(|scope| match scope {
                    Scope::Read => api::auth::TokenScope::Read,
                    Scope::WriteContent => api::auth::TokenScope::WriteContent,
                    Scope::Admin => api::auth::TokenScope::Admin,
                })
                .collect::<Vec<_>>();
            let secret = api::admin::create_token(&db, member_id, &name, &scopes, days).await?;
            println!("{secret}");
            tracing::info!(member_id, "issued an API token; it is printed once and stored only as a hash");
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
