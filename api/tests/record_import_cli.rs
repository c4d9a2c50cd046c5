//! The import-officers and import-completions commands: report, row errors and exit code.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap is a failed test")]

use std::path::Path;
use std::process::{Command, Output};

fn api(database: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_api"))
        .args(args)
        .env("DATABASE_URL", database)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run the api binary")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write(dir: &Path, name: &str, content: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path.display().to_string()
}

#[test]
fn completions_with_a_row_error_fail_unless_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("records.db").display());

    let officers = write(
        dir.path(),
        "officers.csv",
        "institution,external_ref,name\ninst-pnc-col,CO-001,Ana Pérez\ninst-pn-hnd,HN-001,José Martínez\n",
    );
    let imported = api(&database, &["import-officers", &officers]);
    assert!(imported.status.success(), "{}", text(&imported.stderr));
    let stdout = text(&imported.stdout);
    assert!(stdout.contains("rows 2, created 2, updated 0, unchanged 0, rejected 0"), "{stdout}");

    let completions = write(
        dir.path(),
        "completions.txt",
        "institution,external_ref,offering,outcome,completed_on\n\
         inst-pnc-col,CO-001,offering-redppol-onsite-2019-ecu,completed,2019-06-14\n\
         inst-pn-hnd,HN-001,offering-redppol-onsite-2019-ecu,completed,2999-06-14\n",
    );
    let unknown = api(&database, &["import-completions", &completions]);
    assert!(!unknown.status.success());
    let stderr = text(&unknown.stderr);
    assert!(stderr.contains("--format csv"), "the format cannot come from .txt: {stderr}");

    let rejected = api(&database, &["import-completions", &completions, "--format", "csv"]);
    assert_eq!(rejected.status.code(), Some(1), "a row error fails an all-or-nothing import");
    let stdout = text(&rejected.stdout);
    assert!(stdout.contains("line 3, completed_on: INVALID: 2999-06-14 is in the future"), "{stdout}");
    assert!(stdout.contains("rows 2, created 0, updated 0, unchanged 0, rejected 2"), "{stdout}");
    let stderr = text(&rejected.stderr);
    assert!(stderr.contains("1 of 2 rows have errors, so nothing was imported"), "{stderr}");

    let skipped = api(&database, &["import-completions", &completions, "--format", "csv", "--skip-invalid"]);
    assert!(skipped.status.success(), "{}", text(&skipped.stderr));
    let stdout = text(&skipped.stdout);
    assert!(stdout.contains("line 3, completed_on: INVALID"), "a skipped row is still reported: {stdout}");
    assert!(stdout.contains("rows 2, created 1, updated 0, unchanged 0, rejected 1"), "{stdout}");

    let again = api(&database, &["import-completions", &completions, "--format", "csv", "--skip-invalid"]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(text(&again.stdout).contains("created 0, updated 0, unchanged 1, rejected 1"), "{}", text(&again.stdout));
}
