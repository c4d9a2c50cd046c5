//! The admin commands a new installation starts with: create the first admin, then a token.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap is a failed test")]

use std::process::Command;

fn api(database: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_api"))
        .args(args)
        .env("DATABASE_URL", database)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run the api binary")
}

#[test]
fn first_admin_and_token_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("cli.db").display());

    let created = api(&database, &["create-member", "--name", "Ada Admin", "--subject", "ada", "--admin"]);
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let id = String::from_utf8(created.stdout).unwrap().trim().to_owned();
    assert_eq!(id, "1", "the command prints the new member's id");

    let token = api(&database, &["create-token", "--member-id", &id, "--name", "setup", "--scope", "admin"]);
    assert!(token.status.success(), "{}", String::from_utf8_lossy(&token.stderr));
    let secret = String::from_utf8(token.stdout).unwrap().trim().to_owned();
    assert!(secret.starts_with("oasn_"), "a token is printed: {secret:?}");
    assert!(secret.len() > 40, "the token carries 32 random bytes: {secret:?}");

    let duplicate = api(&database, &["create-member", "--name", "Other", "--subject", "ada"]);
    assert!(!duplicate.status.success());
    let message = String::from_utf8(duplicate.stderr).unwrap();
    assert!(message.contains("already has the subject \"ada\""), "{message}");

    let unknown = api(&database, &["create-member", "--name", "Eve", "--editor", "network-unknown"]);
    let message = String::from_utf8(unknown.stderr).unwrap();
    assert!(message.contains("no network has the slug \"network-unknown\""), "{message}");

    let missing = api(&database, &["create-token", "--member-id", "99", "--name", "x", "--scope", "read"]);
    let message = String::from_utf8(missing.stderr).unwrap();
    assert!(message.contains("no member has the id 99"), "{message}");
}
