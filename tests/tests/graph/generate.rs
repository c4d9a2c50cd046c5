//! The synthetic data generator at small scale: counts, capacity, certificates and
//! determinism, on SQLite and on PostgreSQL.

use std::hash::{DefaultHasher, Hash, Hasher};

use api::training::generate::{Scale, generate};
use integration_tests::{Backend, TestApp, on_both};
use sea_orm::prelude::{Date, DateTimeUtc};
use sea_orm::{ConnectionTrait, DatabaseConnection};

const SEED: u64 = 42;

/// Runs a query that returns one number.
async fn number(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db.query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    row.unwrap_or_else(|| panic!("no row from {sql}")).try_get_by_index::<i64>(0).unwrap()
}

/// Opens a second fresh database of the same backend, migrated and with the seed data.
async fn fresh_database(backend: Backend) -> (DatabaseConnection, Option<tempfile::TempDir>) {
    let (url, dir) = match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            (format!("sqlite://{}?mode=rwc", dir.path().join("second.db").display()), Some(dir))
        }
        Backend::Postgres => {
            (integration_tests::fresh_postgres_database().await.expect("the first database was PostgreSQL"), None)
        }
    };
    let (db, _) = api::db::connect(&url).await.unwrap();
    api::db::migrate(&db).await.unwrap();
    api::import::import_seed_if_empty(&db).await.unwrap();
    (db, dir)
}

/// Renders every officer, enrolment and certificate, in id order, as text.
async fn rendered_rows(db: &DatabaseConnection) -> Vec<String> {
    let backend = db.get_database_backend();
    let query = |sql: &str| sea_orm::Statement::from_string(backend, sql);
    let mut rendered = Vec::new();
    let officers = "SELECT id, institution_id, country_id, external_ref, role, rank, display_name, sort_name, email, \
                    active, created_at FROM officers ORDER BY id";
    for row in db.query_all_raw(query(officers)).await.unwrap() {
        rendered.push(format!(
            "officer {} {} {} {:?} {} {:?} {} {} {:?} {} {}",
            row.try_get::<i32>("", "id").unwrap(),
            row.try_get::<i32>("", "institution_id").unwrap(),
            row.try_get::<i32>("", "country_id").unwrap(),
            row.try_get::<Option<String>>("", "external_ref").unwrap(),
            row.try_get::<String>("", "role").unwrap(),
            row.try_get::<Option<String>>("", "rank").unwrap(),
            row.try_get::<String>("", "display_name").unwrap(),
            row.try_get::<String>("", "sort_name").unwrap(),
            row.try_get::<Option<String>>("", "email").unwrap(),
            row.try_get::<bool>("", "active").unwrap(),
            row.try_get::<DateTimeUtc>("", "created_at").unwrap(),
        ));
    }
    let enrolments = "SELECT id, officer_id, offering_id, course_id, status, applied_at, enrolled_at, \
                      waitlisted_at, withdrawn_at, completed_on, score, result FROM enrolments ORDER BY id";
    for row in db.query_all_raw(query(enrolments)).await.unwrap() {
        rendered.push(format!(
            "enrolment {} {} {} {} {} {} {:?} {:?} {:?} {:?} {:?} {:?}",
            row.try_get::<i32>("", "id").unwrap(),
            row.try_get::<i32>("", "officer_id").unwrap(),
            row.try_get::<i32>("", "offering_id").unwrap(),
            row.try_get::<i32>("", "course_id").unwrap(),
            row.try_get::<String>("", "status").unwrap(),
            row.try_get::<DateTimeUtc>("", "applied_at").unwrap(),
            row.try_get::<Option<DateTimeUtc>>("", "enrolled_at").unwrap(),
            row.try_get::<Option<DateTimeUtc>>("", "waitlisted_at").unwrap(),
            row.try_get::<Option<DateTimeUtc>>("", "withdrawn_at").unwrap(),
            row.try_get::<Option<Date>>("", "completed_on").unwrap(),
            row.try_get::<Option<f64>>("", "score").unwrap(),
            row.try_get::<Option<String>>("", "result").unwrap(),
        ));
    }
    let certificates = "SELECT id, enrolment_id, code FROM certificates ORDER BY id";
    for row in db.query_all_raw(query(certificates)).await.unwrap() {
        rendered.push(format!(
            "certificate {} {} {}",
            row.try_get::<i32>("", "id").unwrap(),
            row.try_get::<i32>("", "enrolment_id").unwrap(),
            row.try_get::<String>("", "code").unwrap(),
        ));
    }
    rendered
}

fn digest(rows: &[String]) -> u64 {
    let mut hasher = DefaultHasher::new();
    rows.hash(&mut hasher);
    hasher.finish()
}

async fn small_scale_is_consistent_and_repeatable(app: &TestApp) {
    let summary = generate(&app.db, Scale::Small, SEED).await.unwrap();
    eprintln!("{:?}: {summary}", app.backend);
    assert_eq!(summary.officers, 2_000);
    assert_eq!(summary.enrolments, 10_000);
    assert_eq!(summary.certificates, summary.by_status["completed"]);
    let db = &app.db;

    // Counts, read back from the database.
    assert_eq!(number(db, "SELECT COUNT(*) FROM officers").await, 2_000);
    assert_eq!(number(db, "SELECT COUNT(*) FROM enrolments").await, 10_000);
    assert_eq!(number(db, "SELECT COUNT(*) FROM organizations WHERE kind = 'police_institution'").await, 40);
    let network_offerings = "SELECT COUNT(*) FROM course_offerings o JOIN courses c ON c.id = o.course_id \
                             JOIN networks n ON n.id = c.network_id WHERE n.slug = 'network-redppol'";
    assert_eq!(number(db, network_offerings).await, 100);
    assert_eq!(number(db, "SELECT COUNT(*) FROM courses WHERE slug LIKE 'synthetic-%'").await, 6);
    for table in ["organizations", "courses", "course_offerings"] {
        let flagged = format!("SELECT COUNT(*) FROM {table} WHERE slug LIKE 'synthetic-%' AND NOT illustrative");
        assert_eq!(number(db, &flagged).await, 0, "synthetic {table} not marked illustrative");
    }
    let per_officer = "SELECT COUNT(*) FROM (SELECT officer_id, COUNT(*) AS taken FROM enrolments \
                       GROUP BY officer_id HAVING COUNT(*) > 10) AS busy";
    assert_eq!(number(db, per_officer).await, 0, "officers with more than 10 enrolments");
    assert_eq!(number(db, "SELECT COUNT(DISTINCT officer_id) FROM enrolments").await, 2_000);
    let completed = number(db, "SELECT COUNT(*) FROM enrolments WHERE status = 'completed'").await;
    assert!((4_500..=6_500).contains(&completed), "{completed} of 10,000 enrolments completed");
    let waitlisted = number(db, "SELECT COUNT(*) FROM enrolments WHERE status = 'waitlisted'").await;
    assert!((200..=1_000).contains(&waitlisted), "{waitlisted} of 10,000 enrolments waitlisted");

    // Capacity, seat counts and dates.
    let seat_holders = "(SELECT COUNT(*) FROM enrolments e WHERE e.offering_id = o.id \
                        AND e.status IN ('enrolled', 'completed', 'failed'))";
    let overfull = format!("SELECT COUNT(*) FROM course_offerings o WHERE o.capacity < {seat_holders}");
    assert_eq!(number(db, &overfull).await, 0, "offerings with more seat holders than seats");
    let miscounted = format!("SELECT COUNT(*) FROM course_offerings o WHERE o.seats_taken <> {seat_holders}");
    assert_eq!(number(db, &miscounted).await, 0, "offerings whose seats_taken differs from their seat holders");
    let full = format!("SELECT COUNT(*) FROM course_offerings o WHERE o.capacity = {seat_holders}");
    assert!(number(db, &full).await > 0, "no offering filled its seats, so capacity went untested");
    let outside = "SELECT COUNT(*) FROM enrolments e JOIN course_offerings o ON o.id = e.offering_id \
                   WHERE e.completed_on < o.starts_on OR e.completed_on > o.ends_on OR e.course_id <> o.course_id";
    assert_eq!(number(db, outside).await, 0, "completions outside their offering's dates or course");
    let unscored = "SELECT COUNT(*) FROM enrolments WHERE status IN ('completed', 'failed') AND score IS NULL";
    assert_eq!(number(db, unscored).await, 0, "completed or failed enrolments without a score");

    // One certificate per completed enrolment, and none for the others.
    let uncertified = "SELECT COUNT(*) FROM enrolments e WHERE e.status = 'completed' \
                       AND (SELECT COUNT(*) FROM certificates c WHERE c.enrolment_id = e.id) <> 1";
    assert_eq!(number(db, uncertified).await, 0, "completed enrolments without exactly one certificate");
    let stray = "SELECT COUNT(*) FROM certificates c JOIN enrolments e ON e.id = c.enrolment_id \
                 WHERE e.status <> 'completed'";
    assert_eq!(number(db, stray).await, 0, "certificates of enrolments that are not completed");
    let mismatched = "SELECT COUNT(*) FROM certificates c JOIN enrolments e ON e.id = c.enrolment_id \
                      JOIN officers o ON o.id = e.officer_id WHERE c.holder_name <> o.display_name \
                      OR c.issued_on <> e.completed_on OR c.course_id <> e.course_id OR c.status <> 'valid'";
    assert_eq!(number(db, mismatched).await, 0, "certificates that differ from their enrolment or holder");

    // A second run on the same database is refused.
    let error = generate(db, Scale::Small, SEED).await.unwrap_err().to_string();
    assert!(error.contains("2000 officers"), "{error}");

    // The same seed on another fresh database gives the same rows.
    let (second, _dir) = fresh_database(app.backend).await;
    generate(&second, Scale::Small, SEED).await.unwrap();
    let first_rows = rendered_rows(db).await;
    let second_rows = rendered_rows(&second).await;
    assert_eq!(first_rows.len(), second_rows.len());
    if let Some(at) = first_rows.iter().zip(&second_rows).position(|(first, second)| first != second) {
        panic!("the runs differ first at\n  {}\n  {}", first_rows[at], second_rows[at]);
    }
    assert_eq!(digest(&first_rows), digest(&second_rows));
}
on_both!(small_scale, small_scale_is_consistent_and_repeatable);
