//! GraphQL enums whose values are stored as lower snake-case text in the database.
//!
//! Each enum carries its stored spelling, so the importer validates data files against the
//! same list the schema publishes.

use crate::error::ApiError;

/// Declares a GraphQL enum together with its database spelling of each value.
macro_rules! db_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$variant_meta:meta])* $variant:ident = $db:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(async_graphql::Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$variant_meta])* $variant),+
        }

        impl $name {
            /// Returns the value as stored in the database and written in data files.
            pub fn as_db(self) -> &'static str {
                match self {
                    $($name::$variant => $db),+
                }
            }

            /// Parses the stored spelling of a value.
            pub fn from_db(value: &str) -> Option<Self> {
                match value {
                    $($db => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// Lists the stored spellings, for error messages.
            pub fn db_values() -> String {
                [$($db),+].join(", ")
            }
        }

        impl DbEnum for $name {
            fn from_db_value(value: &str) -> Option<Self> {
                Self::from_db(value)
            }
        }
    };
}

/// Conversion from a stored column value, shared by every enum declared here.
pub trait DbEnum: Sized {
    /// Parses the stored spelling of a value.
    fn from_db_value(value: &str) -> Option<Self>;
}

/// Reads a stored enum value. A value outside the enum means something other than this API
/// wrote the database, so it is reported as an internal error.
pub fn stored<T: DbEnum>(column: &str, value: &str) -> Result<T, ApiError> {
    T::from_db_value(value)
        .ok_or_else(|| ApiError::Unexpected(format!("column {column} contains the unknown value {value:?}")))
}

db_enum! {
    /// A region of the Americas.
    Region {
        /// Caribbean states.
        Caribbean = "Caribbean",
        /// Central American states, Mexico excluded.
        CentralAmerica = "Central America",
        /// Canada, Mexico and the United States.
        NorthAmerica = "North America",
        /// South American states.
        SouthAmerica = "South America",
    }
}

db_enum! {
    /// A state's participation in the OAS.
    OasStatus {
        /// A member state taking part in the organization.
        Active = "active",
        /// A member state that does not take part in the organization's activities.
        NotParticipating = "not_participating",
        /// A state whose withdrawal from the OAS Charter has taken effect.
        Withdrawn = "withdrawn",
        /// A state whose representation or membership is disputed.
        Contested = "contested",
    }
}

db_enum! {
    /// The kind of an organization.
    OrganizationKind {
        /// An intergovernmental body or one of its organs.
        Intergovernmental = "intergovernmental",
        /// A crime or security observatory.
        Observatory = "observatory",
        /// A university or one of its institutes.
        University = "university",
        /// A police academy or training institute.
        PoliceAcademy = "police_academy",
        /// A police university.
        PoliceUniversity = "police_university",
        /// A ministry or other government agency.
        GovernmentAgency = "government_agency",
        /// A standards body.
        StandardsBody = "standards_body",
        /// An accreditation body.
        AccreditationBody = "accreditation_body",
        /// A network of organizations.
        Network = "network",
        /// A non-governmental organization.
        Ngo = "ngo",
        /// A coalition of organizations.
        Coalition = "coalition",
        /// A donor to the networks' fund.
        Donor = "donor",
        /// A police force or law-enforcement agency; see `PoliceInstitution`.
        PoliceInstitution = "police_institution",
    }
}

db_enum! {
    /// The kind of a police institution.
    PoliceKind {
        /// A national police force.
        NationalPolice = "national_police",
        /// A gendarmerie or police force with military status.
        Gendarmerie = "gendarmerie",
        /// A national criminal-investigation police.
        InvestigativePolice = "investigative_police",
        /// A federal police force.
        FederalPolice = "federal_police",
        /// A state or provincial police force.
        StatePolice = "state_police",
        /// A national guard with police duties.
        NationalGuard = "national_guard",
        /// A federal criminal-investigation agency.
        FederalInvestigativeAgency = "federal_investigative_agency",
        /// A federal law-enforcement agency with a specialized mandate.
        FederalLawEnforcementAgency = "federal_law_enforcement_agency",
        /// A state public-security ministry or secretariat.
        StatePublicSecurityAgency = "state_public_security_agency",
        /// A municipal or city police force.
        MunicipalPolice = "municipal_police",
    }
}

db_enum! {
    /// The level of government an institution serves.
    JurisdictionLevel {
        /// The whole country, in a unitary state.
        National = "national",
        /// The federal level of a federation.
        Federal = "federal",
        /// A state, province or department.
        State = "state",
        /// A municipality or city.
        Municipal = "municipal",
    }
}

db_enum! {
    /// The state of a quality certification or accreditation.
    CertificationStatus {
        /// Implementation or certification is under way; no certificate is confirmed.
        InProgress = "in_progress",
        /// Certified or accredited and in force.
        Active = "active",
        /// Suspended by the certification body.
        Suspended = "suspended",
        /// Withdrawn by the certification body or the institution.
        Withdrawn = "withdrawn",
        /// Past its expiry date without renewal.
        Expired = "expired",
    }
}

db_enum! {
    /// The kind of a publication.
    PublicationKind {
        /// A research or institutional report.
        Report = "report",
        /// A practical guide.
        Guide = "guide",
        /// A manual or handbook.
        Manual = "manual",
        /// A journal or magazine article.
        Article = "article",
        /// A news item.
        News = "news",
        /// A blog post.
        BlogPost = "blog_post",
        /// A video.
        Video = "video",
        /// An infographic.
        Infographic = "infographic",
        /// A data set.
        Dataset = "dataset",
    }
}

db_enum! {
    /// The kind of an initiative.
    InitiativeKind {
        /// A program with its own activities and budget.
        Program = "program",
        /// A practice applied within existing services.
        Practice = "practice",
        /// A public policy or strategy.
        Policy = "policy",
        /// A law or decree.
        Law = "law",
        /// Any other initiative, such as a regional platform or coalition.
        Initiative = "initiative",
    }
}

db_enum! {
    /// How well an initiative is shown to work, normalized across evidence registries.
    EvidenceLevel {
        /// Strong evidence that it achieves the intended outcome.
        Effective = "effective",
        /// Some evidence that it achieves the intended outcome.
        Promising = "promising",
        /// Evidence that it has no effect on the outcome.
        NoEffect = "no_effect",
        /// Evidence that it worsens the outcome.
        Harmful = "harmful",
        /// Evaluated, but the evidence is too weak to conclude.
        InsufficientEvidence = "insufficient_evidence",
        /// No evaluation is known.
        NotEvaluated = "not_evaluated",
    }
}

db_enum! {
    /// How a course or offering is delivered.
    Modality {
        /// In a classroom at a venue.
        OnSite = "on_site",
        /// On a virtual learning platform.
        Virtual = "virtual",
        /// Partly on site and partly virtual.
        Blended = "blended",
    }
}

db_enum! {
    /// The state of a course offering as its organizers set it.
    OfferingStatus {
        /// Scheduled to run (or ran) as planned.
        Scheduled = "scheduled",
        /// Moved to dates not yet fixed.
        Postponed = "postponed",
        /// Will not run.
        Cancelled = "cancelled",
    }
}

db_enum! {
    /// Availability of an offering today, derived from its status, dates and enrolment window.
    OfferingAvailability {
        /// Starts later; enrolment is not open now.
        Upcoming = "upcoming",
        /// Enrolment is open today.
        OpenForEnrolment = "open_for_enrolment",
        /// Started and not yet finished.
        InProgress = "in_progress",
        /// Ended.
        Finished = "finished",
        /// Cancelled or postponed.
        NotRunning = "not_running",
        /// Dates are not known.
        Unscheduled = "unscheduled",
    }
}

db_enum! {
    /// The kind of an event.
    EventKind {
        /// The launch of a network, program or coalition.
        Launch = "launch",
        /// The founding of an organization.
        Founding = "founding",
        /// A session of the OAS General Assembly.
        GeneralAssembly = "general_assembly",
        /// A ministerial meeting, such as MISPA.
        MinisterialMeeting = "ministerial_meeting",
        /// A working or preparatory meeting.
        Meeting = "meeting",
        /// A training course held as an event.
        Training = "training",
        /// A session of the OAS Permanent Council.
        PermanentCouncil = "permanent_council",
        /// A change in a state's OAS membership.
        MembershipChange = "membership_change",
        /// A forum, on site or virtual.
        Forum = "forum",
        /// A seminar or workshop.
        Seminar = "seminar",
        /// A conference.
        Conference = "conference",
    }
}

db_enum! {
    /// Whether an event has taken place.
    EventStatus {
        /// The event took place.
        Held = "held",
        /// The event is planned.
        Planned = "planned",
        /// The event was cancelled.
        Cancelled = "cancelled",
    }
}

db_enum! {
    /// How precise a date is; imprecise dates are stored as the first day of their period.
    DatePrecision {
        /// Exact to the day.
        Day = "day",
        /// Known to the month.
        Month = "month",
        /// Known to the year.
        Year = "year",
        /// Not known.
        Unknown = "unknown",
    }
}

db_enum! {
    /// The part an organization plays in an initiative.
    InitiativeRole {
        /// Implements the initiative.
        Implementing = "implementing",
        /// Supports or partners in the initiative.
        Partner = "partner",
    }
}

db_enum! {
    /// How an organization relates to a publication besides its main publisher.
    PublicationRole {
        /// Published it together with the main publisher.
        CoPublisher = "co_publisher",
        /// Is its subject or contributed to it.
        Related = "related",
    }
}

db_enum! {
    /// How an organization takes part in a course offering.
    OfferingRole {
        /// Teaches or designs the offering.
        AcademicPartner = "academic_partner",
        /// Sends participants to the offering.
        ParticipatingInstitution = "participating_institution",
    }
}

db_enum! {
    /// What a university does for a course.
    AccreditationRole {
        /// Certifies the participants who complete the course.
        Certifying = "certifying",
        /// Accredits the course for academic credit.
        Accrediting = "accrediting",
    }
}

db_enum! {
    /// How a country takes part in an initiative.
    CountryRole {
        /// The initiative is carried out in this country.
        Implementing = "implementing",
        /// The country takes part in a multinational initiative.
        Participating = "participating",
    }
}

impl ApiError {
    /// Builds the error for a stored or submitted enum value outside its list.
    pub fn unknown_value(field: &str, value: &str, expected: &str) -> ApiError {
        ApiError::bad_input(field, format!("Unknown value \"{value}\" for `{field}`; expected one of: {expected}."))
    }
}

db_enum! {
    /// Stage of a record in the editorial life cycle.
    ContentStatus {
        /// Being written; seen only by its network's editors and admins, in the draft preview.
        Draft = "draft",
        /// Submitted for review; still hidden from readers.
        InReview = "in_review",
        /// Seen by its audience.
        Published = "published",
        /// Withdrawn from readers; an editor can restore it as a draft.
        Archived = "archived",
    }
}

db_enum! {
    /// Audience of a published record.
    Visibility {
        /// Everyone, signed in or not.
        Public = "public",
        /// Signed-in members of the networks only.
        MembersOnly = "members_only",
    }
}

db_enum! {
    /// Action that a revision recorded.
    RevisionAction {
        /// Created the record.
        Create = "create",
        /// Changed the record's fields.
        Update = "update",
        /// Submitted the record for review.
        Submit = "submit",
        /// Published the record.
        Publish = "publish",
        /// Took the record back to draft.
        Unpublish = "unpublish",
        /// Archived the record.
        Archive = "archive",
        /// Restored an archived record as a draft.
        Restore = "restore",
    }
}

db_enum! {
    /// Whether a member is a person or a partner application.
    MemberKind {
        /// A person, such as an officer, instructor or secretariat editor.
        Person = "person",
        /// A partner application that calls the API as itself.
        Application = "application",
    }
}

db_enum! {
    /// Kind of person an officer record describes.
    OfficerRole {
        /// A police officer who takes courses.
        Officer = "officer",
        /// An instructor who teaches courses.
        Instructor = "instructor",
    }
}

db_enum! {
    /// Status of an officer's enrolment in a course offering.
    EnrolmentStatus {
        /// Applied; a coordinator has not enrolled the officer yet.
        Applied = "applied",
        /// Holds a seat.
        Enrolled = "enrolled",
        /// Waiting for a seat; the first waitlisted officer gets the next free seat.
        Waitlisted = "waitlisted",
        /// Completed the course; a certificate is issued.
        Completed = "completed",
        /// Took part but did not pass.
        Failed = "failed",
        /// Left the offering, or the application was withdrawn.
        Withdrawn = "withdrawn",
    }
}

impl EnrolmentStatus {
    /// Whether an officer in this status holds one of the offering's seats. Officers who
    /// completed or failed took their seat in that edition, so it is not given again.
    pub fn holds_seat(self) -> bool {
        matches!(self, EnrolmentStatus::Enrolled | EnrolmentStatus::Completed | EnrolmentStatus::Failed)
    }
}

db_enum! {
    /// Whether a certificate still attests its completion.
    CertificateStatus {
        /// The certificate is valid.
        Valid = "valid",
        /// The certificate was revoked, for example after a recorded completion was corrected.
        Revoked = "revoked",
    }
}
