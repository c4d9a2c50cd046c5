//! sea-orm entities for the network graph, one module per table.
//!
//! Columns mirror the migrations; JSON columns hold per-locale text maps (`{"en": ...}`)
//! or lists whose shape the API documents.

#![allow(missing_docs, reason = "derived column enums and fields mirror the documented migrations")]

pub mod countries;
pub mod topics;
pub mod organizations;
pub mod networks;
pub mod quality_certifications;
pub mod publications;
pub mod initiatives;
pub mod evidence_ratings;
pub mod courses;
pub mod accreditations;
pub mod course_offerings;
pub mod events;
pub mod targets;
pub mod publication_topics;
pub mod publication_countries;
pub mod publication_organizations;
pub mod publication_initiatives;
pub mod initiative_topics;
pub mod initiative_countries;
pub mod initiative_organizations;
pub mod course_topics;
pub mod offering_organizations;
pub mod event_organizations;
pub mod event_networks;
