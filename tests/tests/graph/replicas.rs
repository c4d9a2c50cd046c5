//! Replicas that start together on one empty PostgreSQL database migrate and seed it once.

use api::config::Config;
use sea_orm::{EntityTrait, PaginatorTrait};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_start_together_on_one_database() {
    let Some(url) = integration_tests::fresh_postgres_database().await else { return };
    let config = Config {
        database_url: url,
        listen_addr: "127.0.0.1:0".parse().unwrap(),
        import_seed: true,
        request_timeout: std::time::Duration::from_secs(60),
        oauth: None,
        training: api::config::TrainingConfig::default(),
        sql_statement_header: false,
        rate_limit: api::rate_limit::RateLimitConfig::default(),
        limits: api::limits::LimitsConfig::default(),
        ops: api::ops::OpsConfig::default(),
    };
    let (first, second, third) =
        tokio::join!(api::app::build(&config), api::app::build(&config), api::app::build(&config));
    let first = first.unwrap();
    assert!(second.is_ok(), "second replica: {:?}", second.err());
    assert!(third.is_ok(), "third replica: {:?}", third.err());
    let countries = entities::countries::Entity::find().count(&first.db).await.unwrap();
    assert_eq!(countries, 35, "the seed data was imported once");
}
