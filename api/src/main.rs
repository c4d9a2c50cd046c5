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
    /// Import officers and instructors from a CSV or JSON Lines file (data/RECORDS.md), then exit.
    ImportOfficers(RecordImportArgs),
    /// Import completed and failed course offerings of existing officers from a CSV or JSON
    /// Lines file (data/RECORDS.md), then exit.
    ImportCompletions(RecordImportArgs),
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
        /// A scope: read, write-content, admin or enrolments (repeatable).
        #[arg(long = "scope", value_enum, required = true)]
        scopes: Vec<Scope>,
        /// Days until the token expires (1 to 366).
        #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(i32).range(1..=366))]
        days: i32,
    },
    /// Recount the progress behind the networks' targets from the enrolments, then exit.
    RebuildProgress,
    /// Fill DATABASE_URL with the deterministic synthetic data set used by the benchmark,
    /// then exit. A fresh database is migrated and given the seed data first, and a
    /// database that already has officers is refused.
    Generate {
        /// Size of the data set. Full is the program's real scale (500 police institutions,
        /// 2,000 offerings, 200,000 officers, 1,000,000 enrolments), and small is a set for
        /// tests (40, 100, 2,000 and 10,000).
        #[arg(long, value_enum, default_value = "full")]
        scale: api::training::generate::Scale,
        /// Seed of the random generator; the same seed gives the same rows and ids.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Measure the main read operations of a running server started on a generated
    /// database, and print the results as a Markdown table. DATABASE_URL must name the
    /// server's database, which the benchmark reads its inputs from.
    Bench {
        /// GraphQL endpoint of the running server.
        #[arg(long, default_value = "http://127.0.0.1:8080/graphql")]
        url: String,
        /// Requests in flight at once.
        #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=512))]
        concurrency: u16,
        /// Seconds each operation is measured, after its warm-up.
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=3600))]
        seconds: u64,
        /// Seconds each operation runs before it is measured.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(0..=600))]
        warm_up: u64,
        /// Process id of the server, to report its peak resident memory (VmHWM in /proc/PID/status).
        #[arg(long)]
        pid: Option<u32>,
    },
}

/// The arguments of import-officers and import-completions.
#[derive(clap::Args)]
struct RecordImportArgs {
    /// The file to import.
    file: PathBuf,
    /// The file's format; by default the extension decides (.csv, or .jsonl and .ndjson
    /// for JSON Lines).
    #[arg(long, value_enum)]
    format: Option<RecordFormat>,
    /// Import the valid rows even when other rows have errors. By default any row error
    /// means nothing is written.
    #[arg(long)]
    skip_invalid: bool,
}

/// The format of an import file, as written on the command line.
#[derive(Clone, Copy, clap::ValueEnum)]
enum RecordFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// JSON Lines: one JSON object per line.
    Jsonl,
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
    /// Read and write the training records of the institutions the member coordinates.
    Enrolments,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    if let Err(err) = api::telemetry::init() {
        eprintln!("error: {err:#}");
        return std::process::ExitCode::FAILURE;
    }
    api::ops::panic::install_hook();
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
        Command::ImportOfficers(args) => import_records(api::training::import::RecordKind::Officers, args).await,
        Command::ImportCompletions(args) => import_records(api::training::import::RecordKind::Completions, args).await,
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
                    Scope::Enrolments => api::auth::TokenScope::Enrolments,
                })
                .collect::<Vec<_>>();
            let secret = api::admin::create_token(&db, member_id, &name, &scopes, days).await?;
            println!("{secret}");
            tracing::info!(member_id, "issued an API token; it is printed once and stored only as a hash");
            Ok(())
        }
        Command::RebuildProgress => {
            let config = Config::from_env()?;
            let (db, _) = api::app::prepare_database(&config).await?;
            let started = std::time::Instant::now();
            let cells = api::training::progress::rebuild_and_count(&db).await?;
            println!("rebuilt {cells} progress cells in {:.1} s", started.elapsed().as_secs_f64());
            Ok(())
        }
        Command::Generate { scale, seed } => {
            let config = Config::from_env()?;
            let (db, _) = api::app::prepare_database(&config).await?;
            let summary = api::training::generate::generate(&db, scale, seed).await?;
            print!("{summary}");
            Ok(())
        }
        Command::Bench { url, concurrency, seconds, warm_up, pid } => {
            let config = Config::from_env()?;
            let (db, _) = api::db::connect(&config.database_url).await?;
            let options = api::bench::BenchOptions {
                url,
                concurrency: usize::from(concurrency),
                duration: std::time::Duration::from_secs(seconds),
                warm_up: std::time::Duration::from_secs(warm_up),
                server_pid: pid,
            };
            let report = api::bench::run(&db, options).await?;
            print!("{}", report.markdown());
            Ok(())
        }
        Command::Serve => {
            let config = Config::from_env()?;
            let app = api::app::build(&config).await?;
            let listener = tokio::net::TcpListener::bind(config.listen_addr)
                .await
                .with_context(|| format!("could not listen on {}", config.listen_addr))?;
            let address = listener.local_addr().context("could not read the bound address")?;
            // Tests started with LISTEN_ADDR=127.0.0.1:0 read the bound port from this line.
            tracing::info!(address = %address, graphql = %format!("http://{address}/graphql"), "listening");
            api::app::serve(listener, app, config.ops.shutdown_grace).await
        }
    }
}

/// Imports a file of training records as an operator, prints the report with every row
/// error, and fails when row errors stopped an all-or-nothing import.
async fn import_records(kind: api::training::import::RecordKind, args: RecordImportArgs) -> anyhow::Result<()> {
    use api::training::import::{Format, Mode, RecordFile, import_file};

    let format = args.format.map(|format| match format {
        RecordFormat::Csv => Format::Csv,
        RecordFormat::Jsonl => Format::JsonLines,
    });
    // Read the file first, so that a wrong path creates no database.
    let file = RecordFile::read(&args.file, format)?;
    let config = Config::from_env()?;
    let (db, _) = api::app::prepare_database(&config).await?;
    let mode = if args.skip_invalid { Mode::SkipInvalid } else { Mode::AllOrNothing };
    let report = import_file(&db, kind, &file, mode).await?;
    for error in &report.row_errors {
        println!("{error}");
    }
    println!("{}", report.summary());
    if mode == Mode::AllOrNothing && report.invalid_rows > 0 {
        anyhow::bail!(
            "{} of {} rows have errors, so nothing was imported; fix the rows listed above and import the file again, or pass --skip-invalid to import the valid rows",
            report.invalid_rows,
            report.rows
        );
    }
    Ok(())
}
