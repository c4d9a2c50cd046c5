//! sea-orm entities for the network graph, one module per table.
//!
//! Columns mirror the migrations; JSON columns hold per-locale text maps (`{"en": ...}`)
//! or lists whose shape the API documents.

#![allow(missing_docs, reason = "derived column enums and fields mirror the documented migrations")]

pub mod accreditations;
pub mod api_tokens;
pub mod certificates;
pub mod countries;
pub mod course_offerings;
pub mod course_topics;
pub mod courses;
pub mod enrolments;
pub mod event_networks;
pub mod event_organizations;
pub mod events;
pub mod evidence_ratings;
pub mod initiative_countries;
pub mod initiative_organizations;
pub mod initiative_topics;
pub mod initiatives;
pub mod member_institution_roles;
pub mod member_network_roles;
pub mod members;
pub mod networks;
pub mod offering_organizations;
pub mod officers;
pub mod organizations;
pub mod progress_counts;
pub mod publication_countries;
pub mod publication_initiatives;
pub mod publication_organizations;
pub mod publication_topics;
pub mod publications;
pub mod quality_certifications;
pub mod revisions;
pub mod targets;
pub mod topics;
