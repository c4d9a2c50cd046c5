//! The GraphQL schema: object types per area, root query, filters and relations.

pub mod certificates;
pub mod common;
pub mod content;
pub mod editorial;
mod field_errors;
pub mod field_order;
pub mod filters;
pub mod initiative_writes;
pub mod lifecycle;
pub mod members;
pub mod network_writes;
pub mod organizations;
pub mod places;
pub mod progress;
pub mod publication_writes;
pub mod query;
pub mod record_imports;
pub mod records;
pub mod reference_writes;
pub mod relations;
pub mod scalars;
pub mod training;
pub mod training_writes;
pub mod write_support;

use async_graphql::{EmptySubscription, MergedObject, Schema};

/// Read access to the networks' graph.
#[derive(MergedObject, Default)]
pub struct Query(query::CoreQuery, records::RecordQueries, certificates::CertificateQuery);

/// Every mutation of the API.
#[derive(MergedObject, Default)]
pub struct Mutation(
    publication_writes::PublicationMutations,
    initiative_writes::InitiativeMutations,
    reference_writes::ReferenceMutations,
    network_writes::NetworkContentMutations,
    training_writes::TrainingMutations,
    lifecycle::LifecycleMutations,
    members::AdminMutations,
    records::RecordMutations,
    record_imports::RecordImportMutations,
);

/// The API's schema type.
pub type ApiSchema = Schema<Query, Mutation, EmptySubscription>;

/// The default of `MAX_QUERY_DEPTH`: the deepest selection nesting a query may have.
pub const MAX_DEPTH: usize = 15;
/// The default of `MAX_QUERY_COMPLEXITY`: the highest complexity a query may have. Each
/// field costs 1, and a connection multiplies the cost of its selection by its page size.
pub const MAX_COMPLEXITY: usize = 20_000;

/// Builds the schema with the default limits, as `print-schema` prints it; request data
/// (database, loaders, locale) is added per request.
pub fn build_schema() -> ApiSchema {
    build_schema_with(&crate::limits::LimitsConfig::default())
}

/// Builds the schema with the depth and complexity limits of `limits`.
pub fn build_schema_with(limits: &crate::limits::LimitsConfig) -> ApiSchema {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        // Registered first, so it wraps the limit checks below: a query they reject failed
        // validation and is charged 1 point, not its complexity.
        .extension(crate::rate_limit::RateLimitExtension)
        // Checks MAX_QUERY_DEPTH and MAX_QUERY_COMPLEXITY after validation has computed them.
        .extension(crate::limits::CostLimits::new(limits))
        // A field that fails becomes null, or makes its nearest nullable ancestor null.
        .extension(field_errors::NullFailedFields)
        .finish()
}

/// Returns the schema in GraphQL SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    build_schema().sdl()
}
