//! Create and update mutations for the reference data that no network owns: countries,
//! topics, organizations, police institutions and the networks themselves. Only admins
//! change them.

mod countries;
mod networks;
mod organizations;
mod topics;

use async_graphql::MergedObject;

/// Mutations on reference data.
#[derive(MergedObject, Default)]
pub struct ReferenceMutations(
    countries::CountryMutations,
    topics::TopicMutations,
    organizations::OrganizationMutations,
    networks::NetworkMutations,
);
