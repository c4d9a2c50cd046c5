//! Every parent-to-children relation of the graph, each described once as a listing and
//! a parent expression; the generic list, page and count loaders do the rest.

use entities::{
    accreditations, api_tokens, certificates, countries, course_offerings, courses, enrolments, events,
    evidence_ratings, initiatives, networks, officers, organizations, publications, quality_certifications, targets,
    topics,
};
use sea_orm::sea_query::{Expr, ExprTrait};

use crate::loaders::Relation;
use crate::pagination::{Listing, Ordering};

/// Declares a relation marker type.
macro_rules! relation {
    ($(#[$meta:meta])* $name:ident => $model:ty, $listing:expr, $parent:expr) => {
        $(#[$meta])*
        pub struct $name;

        impl Relation for $name {
            type Model = $model;

            fn listing() -> Listing {
                $listing
            }

            fn parent() -> Expr {
                $parent
            }
        }
    };
}

fn col(table: &'static str, column: &'static str) -> Expr {
    Expr::col((table, column))
}

fn names(table: &'static str) -> Listing {
    Listing::new(table, Ordering::by_name(table))
}

fn newest_publications() -> Listing {
    Listing::new("publications", Ordering::by_int("NEWEST", "publications", "published_year", true))
}

fn latest_events() -> Listing {
    Listing::new("events", Ordering::by_date("LATEST", "events", "starts_on", true))
}

fn latest_offerings() -> Listing {
    Listing::new("course_offerings", Ordering::by_date("LATEST", "course_offerings", "starts_on", true))
}

fn police_institutions() -> Listing {
    names("organizations").filter(col("organizations", "kind").eq("police_institution"))
}

relation!(
    /// A country's police institutions.
    CountryInstitutions => organizations::Model, police_institutions(), col("organizations", "country_id")
);
relation!(
    /// Organizations based in a country, police institutions included.
    CountryOrganizations => organizations::Model, names("organizations"), col("organizations", "country_id")
);
relation!(
    /// Publications about a country.
    CountryPublications => publications::Model,
    newest_publications().join_link("publication_countries", "publication_id"),
    col("publication_countries", "country_id")
);
relation!(
    /// Initiatives carried out in, or joined by, a country.
    CountryInitiatives => initiatives::Model,
    names("initiatives").join_link("initiative_countries", "initiative_id"),
    col("initiative_countries", "country_id")
);
relation!(
    /// Events held in a country.
    CountryEvents => events::Model, latest_events(), col("events", "country_id")
);
relation!(
    /// Course offerings held in a country.
    CountryOfferings => course_offerings::Model, latest_offerings(), col("course_offerings", "country_id")
);
relation!(
    /// A topic's direct subtopics.
    TopicChildren => topics::Model, names("topics"), col("topics", "parent_id")
);
relation!(
    /// Publications tagged with a topic.
    TopicPublications => publications::Model,
    newest_publications().join_link("publication_topics", "publication_id"),
    col("publication_topics", "topic_id")
);
relation!(
    /// Initiatives tagged with a topic.
    TopicInitiatives => initiatives::Model,
    names("initiatives").join_link("initiative_topics", "initiative_id"),
    col("initiative_topics", "topic_id")
);
relation!(
    /// Courses tagged with a topic.
    TopicCourses => courses::Model,
    names("courses").join_link("course_topics", "course_id"),
    col("course_topics", "topic_id")
);
relation!(
    /// A network's courses.
    NetworkCourses => courses::Model, names("courses"), col("courses", "network_id")
);
relation!(
    /// Events of a network.
    NetworkEvents => events::Model,
    latest_events().join_link("event_networks", "event_id"),
    col("event_networks", "network_id")
);
relation!(
    /// A network's targets.
    NetworkTargets => targets::Model,
    Listing::new("targets", Ordering::by_int("ID", "targets", "id", false)),
    col("targets", "network_id")
);
relation!(
    /// Quality certifications a network's program supported.
    NetworkCertifications => quality_certifications::Model,
    Listing::new("quality_certifications", Ordering::by_name("quality_certifications")),
    col("quality_certifications", "network_id")
);
relation!(
    /// Initiatives a network runs.
    NetworkInitiatives => initiatives::Model, names("initiatives"), col("initiatives", "network_id")
);
relation!(
    /// An organization's units (organizations whose parent it is).
    OrganizationUnits => organizations::Model, names("organizations"), col("organizations", "parent_id")
);
relation!(
    /// Publications an organization published.
    OrganizationPublications => publications::Model, newest_publications(), col("publications", "publisher_id")
);
relation!(
    /// Course offerings an organization hosted as venue.
    OrganizationOfferings => course_offerings::Model, latest_offerings(), col("course_offerings", "venue_id")
);
relation!(
    /// Initiatives an organization implements or supports.
    OrganizationInitiatives => initiatives::Model,
    names("initiatives").join_link("initiative_organizations", "initiative_id"),
    col("initiative_organizations", "organization_id")
);
relation!(
    /// Events an organization organized.
    OrganizationEvents => events::Model,
    latest_events().join_link("event_organizations", "event_id"),
    col("event_organizations", "organization_id")
);
relation!(
    /// A police institution's quality certifications.
    InstitutionCertifications => quality_certifications::Model,
    Listing::new("quality_certifications", Ordering::by_name("quality_certifications")),
    col("quality_certifications", "institution_id")
);
relation!(
    /// Courses a university accredits or certifies.
    UniversityAccreditations => accreditations::Model,
    Listing::new("accreditations", Ordering::by_int("ID", "accreditations", "id", false)),
    col("accreditations", "university_id")
);
relation!(
    /// A publication's topics.
    PublicationTopics => topics::Model,
    names("topics").join_link("publication_topics", "topic_id"),
    col("publication_topics", "publication_id")
);
relation!(
    /// Countries a publication covers.
    PublicationCountries => countries::Model,
    names("countries").join_link("publication_countries", "country_id"),
    col("publication_countries", "publication_id")
);
relation!(
    /// A publication's co-publishers.
    PublicationCoPublishers => organizations::Model,
    names("organizations")
        .join_link("publication_organizations", "organization_id")
        .filter(col("publication_organizations", "role").eq("co_publisher")),
    col("publication_organizations", "publication_id")
);
relation!(
    /// Organizations a publication is about or credits.
    PublicationRelatedOrganizations => organizations::Model,
    names("organizations")
        .join_link("publication_organizations", "organization_id")
        .filter(col("publication_organizations", "role").eq("related")),
    col("publication_organizations", "publication_id")
);
relation!(
    /// Initiatives a publication evaluates or describes.
    PublicationInitiatives => initiatives::Model,
    names("initiatives").join_link("publication_initiatives", "initiative_id"),
    col("publication_initiatives", "publication_id")
);
relation!(
    /// Countries where an initiative is carried out.
    InitiativeCountries => countries::Model,
    names("countries")
        .join_link("initiative_countries", "country_id")
        .filter(col("initiative_countries", "role").eq("implementing")),
    col("initiative_countries", "initiative_id")
);
relation!(
    /// Countries taking part in a multinational initiative.
    InitiativeParticipants => countries::Model,
    names("countries")
        .join_link("initiative_countries", "country_id")
        .filter(col("initiative_countries", "role").eq("participating")),
    col("initiative_countries", "initiative_id")
);
relation!(
    /// An initiative's topics.
    InitiativeTopics => topics::Model,
    names("topics").join_link("initiative_topics", "topic_id"),
    col("initiative_topics", "initiative_id")
);
relation!(
    /// Organizations implementing an initiative.
    InitiativeImplementers => organizations::Model,
    names("organizations")
        .join_link("initiative_organizations", "organization_id")
        .filter(col("initiative_organizations", "role").eq("implementing")),
    col("initiative_organizations", "initiative_id")
);
relation!(
    /// Organizations supporting an initiative.
    InitiativePartners => organizations::Model,
    names("organizations")
        .join_link("initiative_organizations", "organization_id")
        .filter(col("initiative_organizations", "role").eq("partner")),
    col("initiative_organizations", "initiative_id")
);
relation!(
    /// An initiative's evidence ratings, in data-set order.
    InitiativeEvidence => evidence_ratings::Model,
    Listing::new("evidence_ratings", Ordering::by_int("POSITION", "evidence_ratings", "position", false)),
    col("evidence_ratings", "initiative_id")
);
relation!(
    /// Publications that evaluate or describe an initiative.
    InitiativePublications => publications::Model,
    newest_publications().join_link("publication_initiatives", "publication_id"),
    col("publication_initiatives", "initiative_id")
);
relation!(
    /// A course's topics.
    CourseTopics => topics::Model,
    names("topics").join_link("course_topics", "topic_id"),
    col("course_topics", "course_id")
);
relation!(
    /// A course's offerings, latest first.
    CourseOfferings => course_offerings::Model, latest_offerings(), col("course_offerings", "course_id")
);
relation!(
    /// A course's offerings that start today or later, earliest first.
    CourseUpcomingOfferings => course_offerings::Model,
    Listing::new("course_offerings", Ordering::by_date("STARTS_FIRST", "course_offerings", "starts_on", false))
        .filter(col("course_offerings", "starts_on").gte(Expr::cust("CURRENT_DATE"))),
    col("course_offerings", "course_id")
);
relation!(
    /// Universities accrediting or certifying a course.
    CourseAccreditations => accreditations::Model,
    Listing::new("accreditations", Ordering::by_int("ID", "accreditations", "id", false)),
    col("accreditations", "course_id")
);
relation!(
    /// An offering's academic partners.
    OfferingAcademicPartners => organizations::Model,
    names("organizations")
        .join_link("offering_organizations", "organization_id")
        .filter(col("offering_organizations", "role").eq("academic_partner")),
    col("offering_organizations", "offering_id")
);
relation!(
    /// Institutions that sent participants to an offering.
    OfferingParticipants => organizations::Model,
    names("organizations")
        .join_link("offering_organizations", "organization_id")
        .filter(col("offering_organizations", "role").eq("participating_institution")),
    col("offering_organizations", "offering_id")
);
relation!(
    /// Events that record an offering.
    OfferingEvents => events::Model, latest_events(), col("events", "offering_id")
);
relation!(
    /// An event's organizers.
    EventHosts => organizations::Model,
    names("organizations").join_link("event_organizations", "organization_id"),
    col("event_organizations", "event_id")
);
relation!(
    /// Networks an event belongs to.
    EventNetworks => networks::Model,
    names("networks").join_link("event_networks", "network_id"),
    col("event_networks", "event_id")
);

relation!(
    /// The networks in which a member is an editor.
    MemberEditorNetworks => networks::Model,
    names("networks")
        .join_link("member_network_roles", "network_id")
        .filter(col("member_network_roles", "role").eq("editor")),
    col("member_network_roles", "member_id")
);
relation!(
    /// A member's API tokens, newest first.
    MemberApiTokens => api_tokens::Model,
    Listing::new("api_tokens", Ordering::by_int("NEWEST", "api_tokens", "id", true)),
    col("api_tokens", "member_id")
);
relation!(
    /// An officer's enrolments, oldest first.
    OfficerEnrolments => enrolments::Model, Listing::new("enrolments", Ordering::by_id("enrolments")), col("enrolments", "officer_id")
);
relation!(
    /// Enrolments in offerings of a course, oldest first.
    CourseEnrolments => enrolments::Model, Listing::new("enrolments", Ordering::by_id("enrolments")), col("enrolments", "course_id")
);
relation!(
    /// Enrolments in one offering, oldest first.
    OfferingEnrolments => enrolments::Model, Listing::new("enrolments", Ordering::by_id("enrolments")), col("enrolments", "offering_id")
);
relation!(
    /// The certificate of an enrolment (at most one).
    EnrolmentCertificates => certificates::Model,
    Listing::new("certificates", Ordering::by_id("certificates")),
    col("certificates", "enrolment_id")
);
relation!(
    /// The officer record of a member (at most one).
    MemberOfficers => officers::Model, Listing::new("officers", Ordering::by_id("officers")), col("officers", "member_id")
);
relation!(
    /// Officers of a police institution, by name.
    InstitutionOfficers => officers::Model, names("officers"), col("officers", "institution_id")
);
