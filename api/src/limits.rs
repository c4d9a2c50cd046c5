//! Limits on what one GraphQL request may cost, checked before it runs.
//!
//! [`check_document`] measures the query text (bytes, lexical tokens and bracket nesting)
//! before anything parses it, so that a huge or deeply nested document is rejected without
//! building its syntax tree. It then parses the document once, stores the parsed document in
//! the request for execution, and counts aliases, root fields and directives, looks for
//! fragment cycles and, when introspection is switched off, for `__schema` and `__type`.
//! Depth and complexity need the schema, so [`CostLimits`] checks them as a schema extension
//! after async-graphql's validation has computed them.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextValidation};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{Positioned, ServerError, ValidationResult};

use crate::config::{count_var, non_empty_var};

/// The code of every error about a limit on a request's size or cost.
pub const QUERY_TOO_COMPLEX: &str = "QUERY_TOO_COMPLEX";
/// The code of documents that are not valid for this schema and server.
pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";

/// The largest value `MAX_PAGE_SIZE` accepts. Connections are priced for the complexity limit
/// at their requested page size up to this value, because the schema's cost functions cannot
/// read a server's settings.
pub const PAGE_SIZE_CEILING: i32 = 1_000;

/// Limits on one request, each read from the environment variable named on its field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LimitsConfig {
    /// `MAX_QUERY_DEPTH`: the deepest nesting of fields a query may select (default 15).
    pub max_query_depth: usize,
    /// `MAX_QUERY_COMPLEXITY`: the highest cost a query may have (default 20,000). Each field
    /// costs 1, and a connection multiplies the cost of its selection by its page size.
    pub max_query_complexity: usize,
    /// `MAX_ALIASES`: the most aliases a document may use, fragments included (default 30).
    pub max_aliases: usize,
    /// `MAX_ROOT_FIELDS`: the most fields the selected operation may select at its root,
    /// fields reached through fragments included (default 20).
    pub max_root_fields: usize,
    /// `MAX_DIRECTIVES`: the most directives a document may carry in total (default 50).
    pub max_directives: usize,
    /// `MAX_QUERY_BYTES`: the longest `query` text, in bytes (default 65,536).
    pub max_query_bytes: usize,
    /// `MAX_QUERY_TOKENS`: the most lexical tokens the `query` text may have (default 10,000).
    pub max_query_tokens: usize,
    /// `MAX_QUERY_NESTING`: the deepest nesting of brackets (`{`, `(`, `[`) in the `query`
    /// text, selections and input values alike (default 64).
    pub max_query_nesting: usize,
    /// `MAX_BODY_BYTES`: the largest request body, in bytes (default 32 MiB, because a bulk
    /// import carries up to 10 MB of records, which grow when escaped as JSON).
    pub max_body_bytes: usize,
    /// `MAX_PAGE_SIZE`: the largest `first` or `last` a connection accepts (default 100).
    pub max_page_size: i32,
    /// `INTROSPECTION`: whether `__schema` and `__type` may be queried (default `true`).
    pub introspection: bool,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            max_query_depth: crate::graphql::MAX_DEPTH,
            max_query_complexity: crate::graphql::MAX_COMPLEXITY,
            max_aliases: 30,
            max_root_fields: 20,
            max_directives: 50,
            max_query_bytes: 64 * 1024,
            max_query_tokens: 10_000,
            max_query_nesting: 64,
            max_body_bytes: crate::app::MAX_BODY_BYTES,
            max_page_size: crate::pagination::MAX_PAGE_SIZE,
            introspection: true,
        }
    }
}

impl LimitsConfig {
    /// Reads the limits from the environment. A value outside the setting's range is an
    /// error naming the variable, the range and the value.
    pub fn from_env() -> anyhow::Result<LimitsConfig> {
        let defaults = LimitsConfig::default();
        let introspection = match non_empty_var("INTROSPECTION").as_deref() {
            None | Some("true" | "1") => true,
            Some("false" | "0") => false,
            Some(other) => anyhow::bail!("INTROSPECTION must be true or false, got {other:?}"),
        };
        let max_page_size = count_var("MAX_PAGE_SIZE", defaults.max_page_size as usize, 1, PAGE_SIZE_CEILING as usize)?;
        Ok(LimitsConfig {
            max_query_depth: count_var("MAX_QUERY_DEPTH", defaults.max_query_depth, 1, 50)?,
            max_query_complexity: count_var("MAX_QUERY_COMPLEXITY", defaults.max_query_complexity, 1, 10_000_000)?,
            max_aliases: count_var("MAX_ALIASES", defaults.max_aliases, 0, 1_000)?,
            max_root_fields: count_var("MAX_ROOT_FIELDS", defaults.max_root_fields, 1, 1_000)?,
            max_directives: count_var("MAX_DIRECTIVES", defaults.max_directives, 0, 1_000)?,
            max_query_bytes: count_var("MAX_QUERY_BYTES", defaults.max_query_bytes, 1_024, 16 * 1024 * 1024)?,
            max_query_tokens: count_var("MAX_QUERY_TOKENS", defaults.max_query_tokens, 10, 1_000_000)?,
            // The parser recurses once per bracket, so this range keeps it far from the end
            // of a worker thread's stack.
            max_query_nesting: count_var("MAX_QUERY_NESTING", defaults.max_query_nesting, 2, 128)?,
            max_body_bytes: count_var("MAX_BODY_BYTES", defaults.max_body_bytes, 1_024, 1024 * 1024 * 1024)?,
            max_page_size: i32::try_from(max_page_size)?,
            introspection,
        })
    }
}

/// The largest `first` or `last` of this request, put in every request's data by the server
/// so that pagination follows the server's `MAX_PAGE_SIZE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaxPageSize(pub i32);

/// A request rejected before execution: a limit it exceeds, or a document this server does
/// not run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentRejection {
    /// The machine code: [`QUERY_TOO_COMPLEX`] or [`GRAPHQL_VALIDATION_FAILED`].
    pub code: &'static str,
    /// The setting that rejected the request, such as `MAX_ALIASES`.
    pub limit: Option<&'static str>,
    /// The setting's value, for numeric limits.
    pub max: Option<usize>,
    /// The request's value, for numeric limits.
    pub actual: Option<usize>,
    /// A message that names the value and the fix.
    pub message: String,
}

impl DocumentRejection {
    /// Builds the rejection of a request whose `actual` value exceeds the `max` of `setting`.
    fn exceeded(setting: &'static str, measure: &str, max: usize, actual: usize, fix: &str) -> DocumentRejection {
        DocumentRejection {
            code: QUERY_TOO_COMPLEX,
            limit: Some(setting),
            max: Some(max),
            actual: Some(actual),
            message: format!("The {measure} is {actual}, above the maximum of {max} set by {setting}; {fix}"),
        }
    }

    /// Converts the rejection into a GraphQL error with `code`, `limit`, `max` and `actual`
    /// in its extensions.
    pub fn into_server_error(self) -> ServerError {
        let mut error = ServerError::new(self.message, None);
        let extensions = error.extensions.get_or_insert_with(Default::default);
        extensions.set("code", self.code);
        if let Some(limit) = self.limit {
            extensions.set("limit", limit);
        }
        if let Some(max) = self.max {
            extensions.set("max", max);
        }
        if let Some(actual) = self.actual {
            extensions.set("actual", actual);
        }
        error
    }
}

/// Checks a request's document against the limits before it runs: its size, tokens and
/// bracket nesting before parsing, then its aliases, root fields, directives, fragment
/// cycles and use of introspection. The parsed document is kept in the request, so the
/// executor does not parse it again. A document that fails to parse passes, and the
/// executor reports the syntax error.
pub fn check_document(request: &mut async_graphql::Request, limits: &LimitsConfig) -> Result<(), DocumentRejection> {
    check_query_text(&request.query, limits)?;
    let operation_name = request.operation_name.clone();
    let Ok(document) = request.parsed_query() else { return Ok(()) };
    check_counts(analyze(document, operation_name.as_deref()), limits)
}

/// Checks the size, tokens and bracket nesting of a query text without parsing it.
fn check_query_text(query: &str, limits: &LimitsConfig) -> Result<(), DocumentRejection> {
    let bytes = query.len();
    if bytes > limits.max_query_bytes {
        return Err(DocumentRejection::exceeded(
            "MAX_QUERY_BYTES",
            "size of the query text in bytes",
            limits.max_query_bytes,
            bytes,
            "send a shorter query, with values in `variables` and repeated selections in fragments, or split it into several requests.",
        ));
    }
    let scan = scan_tokens(query);
    if scan.tokens > limits.max_query_tokens {
        return Err(DocumentRejection::exceeded(
            "MAX_QUERY_TOKENS",
            "number of tokens in the query",
            limits.max_query_tokens,
            scan.tokens,
            "send a shorter query or split it into several requests.",
        ));
    }
    if scan.max_nesting > limits.max_query_nesting {
        return Err(DocumentRejection::exceeded(
            "MAX_QUERY_NESTING",
            "nesting of brackets in the query",
            limits.max_query_nesting,
            scan.max_nesting,
            "select fewer nested levels and pass less deeply nested input values.",
        ));
    }
    Ok(())
}

/// Checks the counts of a parsed document against the limits.
fn check_counts(counts: DocumentCounts, limits: &LimitsConfig) -> Result<(), DocumentRejection> {
    if let Some(cycle) = counts.fragment_cycle {
        return Err(DocumentRejection {
            code: GRAPHQL_VALIDATION_FAILED,
            limit: None,
            max: None,
            actual: None,
            message: format!(
                "Fragment `{}` spreads itself through {}; fragments must not form a cycle, so remove one of these spreads.",
                cycle[0],
                cycle.join(" → ")
            ),
        });
    }
    if counts.aliases > limits.max_aliases {
        return Err(DocumentRejection::exceeded(
            "MAX_ALIASES",
            "number of aliases in the query",
            limits.max_aliases,
            counts.aliases,
            "use fewer aliases or split the query into several requests.",
        ));
    }
    if let Some(root_fields) = counts.root_fields
        && root_fields > limits.max_root_fields
    {
        return Err(DocumentRejection::exceeded(
            "MAX_ROOT_FIELDS",
            "number of root fields in the operation",
            limits.max_root_fields,
            root_fields,
            "split the operation into several requests.",
        ));
    }
    if counts.directives > limits.max_directives {
        return Err(DocumentRejection::exceeded(
            "MAX_DIRECTIVES",
            "number of directives in the query",
            limits.max_directives,
            counts.directives,
            "remove repeated directives such as @include and @skip.",
        ));
    }
    if !limits.introspection && counts.introspection {
        return Err(DocumentRejection {
            code: GRAPHQL_VALIDATION_FAILED,
            limit: Some("INTROSPECTION"),
            max: None,
            actual: None,
            message: "Introspection is switched off on this server (INTROSPECTION=false), so `__schema` and `__type` cannot be queried; read the published schema.graphql instead. `__typename` still works.".to_owned(),
        });
    }
    Ok(())
}

/// The lexical measure of a query text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TokenScan {
    /// Lexical tokens: punctuators (`...` counts once), names, numbers and strings. White
    /// space, commas and comments are not tokens.
    pub tokens: usize,
    /// The deepest nesting of `{`, `(` and `[`.
    pub max_nesting: usize,
}

/// Counts the lexical tokens of a GraphQL document and its deepest bracket nesting, in one
/// pass without building anything. Text that is not valid GraphQL is still counted: each
/// unknown character is a token, and an unterminated string ends at the end of its line
/// (a block string at the end of the text).
pub fn scan_tokens(text: &str) -> TokenScan {
    let bytes = text.as_bytes();
    let mut scan = TokenScan::default();
    let mut nesting = 0usize;
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        match byte {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => {
                at += 1;
                continue;
            }
            b'#' => {
                while at < bytes.len() && bytes[at] != b'\n' && bytes[at] != b'\r' {
                    at += 1;
                }
                continue;
            }
            b'{' | b'(' | b'[' => {
                nesting += 1;
                scan.max_nesting = scan.max_nesting.max(nesting);
                at += 1;
            }
            b'}' | b')' | b']' => {
                nesting = nesting.saturating_sub(1);
                at += 1;
            }
            b'.' if bytes[at..].starts_with(b"...") => at += 3,
            b'"' if bytes[at..].starts_with(b"\"\"\"") => at = end_of_block_string(bytes, at + 3),
            b'"' => at = end_of_string(bytes, at + 1),
            b'_' | b'a'..=b'z' | b'A'..=b'Z' => {
                at += 1;
                while at < bytes.len() && (bytes[at] == b'_' || bytes[at].is_ascii_alphanumeric()) {
                    at += 1;
                }
            }
            b'-' | b'0'..=b'9' => at = end_of_number(bytes, at + 1),
            // The byte-order mark is ignored like white space.
            0xEF if bytes[at..].starts_with("\u{feff}".as_bytes()) => {
                at += 3;
                continue;
            }
            _ => {
                // Any other character, ASCII punctuator or not, is one token.
                at += 1;
                while at < bytes.len() && (bytes[at] & 0xC0) == 0x80 {
                    at += 1;
                }
            }
        }
        scan.tokens += 1;
    }
    scan
}

/// Returns the position after a string's closing quote, or the end of its line.
fn end_of_string(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            b'\n' | b'\r' => return at,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// Returns the position after a block string's closing `"""`, or the end of the text.
fn end_of_block_string(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() {
        if bytes[at..].starts_with(b"\\\"\"\"") {
            at += 4;
        } else if bytes[at..].starts_with(b"\"\"\"") {
            return at + 3;
        } else {
            at += 1;
        }
    }
    bytes.len()
}

/// Returns the position after a number: digits, a fraction and an exponent.
fn end_of_number(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() {
        let byte = bytes[at];
        let sign_of_exponent = (byte == b'+' || byte == b'-') && matches!(bytes[at - 1], b'e' | b'E');
        if byte.is_ascii_alphanumeric() || byte == b'.' || sign_of_exponent {
            at += 1;
        } else {
            break;
        }
    }
    at
}

/// The counts that [`analyze`] takes of a parsed document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocumentCounts {
    /// Aliases in every operation and fragment definition.
    pub aliases: usize,
    /// Directives on operations, variables, fields, fragments and spreads.
    pub directives: usize,
    /// Fields at the root of the selected operation, through fragments too. It is `None` when
    /// the request does not select exactly one operation, an error the executor reports.
    pub root_fields: Option<usize>,
    /// Fragment names that spread each other in a cycle, the first name repeated at the end.
    pub fragment_cycle: Option<Vec<String>>,
    /// Whether any selection names `__schema` or `__type`.
    pub introspection: bool,
}

/// Counts aliases, directives and root fields, and finds fragment cycles and introspection.
/// Every operation and fragment definition is visited once. Only the root-field count and
/// the cycle search follow spreads into their fragments, and both keep a set of visited
/// fragments, so a cycle cannot make these walks loop.
pub fn analyze(document: &ExecutableDocument, operation_name: Option<&str>) -> DocumentCounts {
    let mut counts = DocumentCounts::default();
    let mut spreads: HashMap<&str, Vec<&str>> = HashMap::new();
    for (_, operation) in document.operations.iter() {
        let operation = &operation.node;
        counts.directives += operation.directives.len();
        counts.directives +=
            operation.variable_definitions.iter().map(|variable| variable.node.directives.len()).sum::<usize>();
        count_selections(&operation.selection_set, &mut counts, &mut Vec::new());
    }
    for (name, fragment) in &document.fragments {
        counts.directives += fragment.node.directives.len();
        let named = spreads.entry(name.as_str()).or_default();
        count_selections(&fragment.node.selection_set, &mut counts, named);
    }
    counts.fragment_cycle = find_fragment_cycle(&spreads);
    counts.root_fields =
        selected_operation(document, operation_name).map(|operation| count_root_fields(document, operation));
    counts
}

/// Adds the aliases, directives and introspection fields of a selection set to `counts`, and
/// the names of the fragments it spreads to `spreads`.
fn count_selections<'a>(
    selection_set: &'a Positioned<SelectionSet>,
    counts: &mut DocumentCounts,
    spreads: &mut Vec<&'a str>,
) {
    for selection in &selection_set.node.items {
        counts.directives += selection.node.directives().len();
        match &selection.node {
            Selection::Field(field) => {
                let field = &field.node;
                counts.aliases += usize::from(field.alias.is_some());
                if matches!(field.name.node.as_str(), "__schema" | "__type") {
                    counts.introspection = true;
                }
                count_selections(&field.selection_set, counts, spreads);
            }
            Selection::FragmentSpread(spread) => spreads.push(spread.node.fragment_name.node.as_str()),
            Selection::InlineFragment(fragment) => count_selections(&fragment.node.selection_set, counts, spreads),
        }
    }
}

/// Returns the operation a request runs: the one named, or the only one.
pub fn selected_operation<'a>(document: &'a ExecutableDocument, name: Option<&str>) -> Option<&'a OperationDefinition> {
    match (&document.operations, name) {
        (DocumentOperations::Single(operation), _) => Some(&operation.node),
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name).map(|operation| &operation.node),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next().map(|operation| &operation.node)
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// Counts the fields an operation selects at its root, through inline fragments and through
/// each spread fragment once.
fn count_root_fields(document: &ExecutableDocument, operation: &OperationDefinition) -> usize {
    let mut fields = 0;
    let mut visited: HashSet<&str> = HashSet::new();
    let mut pending: Vec<&SelectionSet> = vec![&operation.selection_set.node];
    while let Some(selection_set) = pending.pop() {
        for selection in &selection_set.items {
            match &selection.node {
                Selection::Field(_) => fields += 1,
                Selection::InlineFragment(fragment) => pending.push(&fragment.node.selection_set.node),
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    if visited.insert(name)
                        && let Some(fragment) = document.fragments.get(name)
                    {
                        pending.push(&fragment.node.selection_set.node);
                    }
                }
            }
        }
    }
    fields
}

/// Finds a cycle in the graph of fragment spreads with an iterative depth-first search, and
/// returns its fragment names with the first repeated at the end.
fn find_fragment_cycle(spreads: &HashMap<&str, Vec<&str>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum State {
        OnPath,
        Done,
    }
    let mut states: HashMap<&str, State> = HashMap::new();
    let mut names: Vec<&str> = spreads.keys().copied().collect();
    // A fixed order reports the same cycle for the same document.
    names.sort_unstable();
    for start in names {
        if states.contains_key(start) {
            continue;
        }
        // Each entry is a fragment on the current path and the index of its next spread.
        let mut path: Vec<(&str, usize)> = vec![(start, 0)];
        states.insert(start, State::OnPath);
        while let Some((name, next)) = path.last_mut() {
            let targets = spreads.get(*name).map(Vec::as_slice).unwrap_or_default();
            let Some(&target) = targets.get(*next) else {
                states.insert(*name, State::Done);
                path.pop();
                continue;
            };
            *next += 1;
            match states.get(target) {
                Some(State::OnPath) => {
                    let from = path.iter().position(|(name, _)| *name == target).unwrap_or_default();
                    let mut cycle: Vec<String> = path[from..].iter().map(|(name, _)| (*name).to_owned()).collect();
                    cycle.push(target.to_owned());
                    return Some(cycle);
                }
                Some(State::Done) => {}
                // Spreads of undefined fragments are left to the validator.
                None if !spreads.contains_key(target) => {}
                None => {
                    states.insert(target, State::OnPath);
                    path.push((target, 0));
                }
            }
        }
    }
    None
}

/// A schema extension that enforces `MAX_QUERY_DEPTH` and `MAX_QUERY_COMPLEXITY` with the
/// depth and complexity that async-graphql's validation computes, so that errors can name
/// the request's values.
#[derive(Clone, Copy, Debug)]
pub struct CostLimits {
    /// The deepest field nesting allowed.
    pub max_depth: usize,
    /// The highest complexity allowed.
    pub max_complexity: usize,
}

impl CostLimits {
    /// Takes the depth and complexity limits from the settings.
    pub fn new(limits: &LimitsConfig) -> CostLimits {
        CostLimits { max_depth: limits.max_query_depth, max_complexity: limits.max_query_complexity }
    }
}

impl ExtensionFactory for CostLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for CostLimits {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        if result.complexity > self.max_complexity {
            let rejection = DocumentRejection::exceeded(
                "MAX_QUERY_COMPLEXITY",
                "complexity of the query",
                self.max_complexity,
                result.complexity,
                &format!(
                    "each field costs 1 and a connection multiplies the cost of its fields by its page size (`first` or `last`, {} when absent), so request smaller pages or fewer nested lists.",
                    crate::pagination::DEFAULT_PAGE_SIZE
                ),
            );
            return Err(vec![rejection.into_server_error()]);
        }
        if result.depth > self.max_depth {
            let rejection = DocumentRejection::exceeded(
                "MAX_QUERY_DEPTH",
                "depth of the query",
                self.max_depth,
                result.depth,
                "select fewer nested levels and load deeper records with a follow-up query by id.",
            );
            return Err(vec![rejection.into_server_error()]);
        }
        Ok(result)
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used, reason = "a failed expectation is a failed test")]
mod tests {
    use super::*;

    fn request(query: &str) -> async_graphql::Request {
        async_graphql::Request::new(query)
    }

    fn rejection(query: &str, limits: &LimitsConfig) -> DocumentRejection {
        check_document(&mut request(query), limits).expect_err("the document must be rejected")
    }

    fn counts(query: &str) -> DocumentCounts {
        analyze(&async_graphql::parser::parse_query(query).expect("parse the test document"), None)
    }

    #[test]
    fn scanner_counts_punctuators_names_and_values() {
        let scan = scan_tokens("query Q($a: Int = -1.5e+3) { a: f(x: $a, y: \"s,t\") @skip(if: true) ...F }");
        // query Q ( $ a : Int = -1.5e+3 ) { a : f ( x : $ a y : "s,t" ) @ skip ( if : true ) ... F }
        assert_eq!(scan.tokens, 33);
        assert_eq!(scan.max_nesting, 2);
    }

    #[test]
    fn scanner_ignores_commas_comments_and_white_space() {
        let scan = scan_tokens("\u{feff}{ a,,, b # comment { [ (\n c }");
        assert_eq!(scan.tokens, 5);
        assert_eq!(scan.max_nesting, 1);
    }

    #[test]
    fn scanner_reads_strings_as_one_token() {
        assert_eq!(scan_tokens(r#"{ f(a: "x \" { [ y") }"#).tokens, 8);
        assert_eq!(scan_tokens("{ f(a: \"\"\"two\n { lines \\\"\"\" \"\"\") }").tokens, 8);
        assert_eq!(scan_tokens("{ f(a: \"open\n b) }").tokens, 9, "an unterminated string ends at its line");
        assert_eq!(scan_tokens("\"\"\"never closed { { {").tokens, 1);
    }

    #[test]
    fn scanner_counts_unknown_characters() {
        assert_eq!(scan_tokens("{ a ~ é 😀 }").tokens, 6);
    }

    #[test]
    fn scanner_measures_deep_nesting_without_recursion() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let scan = scan_tokens(&deep);
        assert_eq!(scan.max_nesting, 100_000);
        assert_eq!(scan.tokens, 200_000);
        assert_eq!(scan_tokens("}}}] { a }").max_nesting, 1, "closing brackets never go below zero");
    }

    #[test]
    fn analysis_counts_aliases_in_fragments_too() {
        let found = counts("{ a: countries { b: totalCount } ...F } fragment F on Query { c: topics { totalCount } }");
        assert_eq!(found.aliases, 3);
        assert_eq!(found.root_fields, Some(2));
    }

    #[test]
    fn analysis_counts_root_fields_through_fragments_once() {
        let query =
            "query { x ...F ...F ... on Query { y ...G } } fragment F on Query { a b } fragment G on Query { c ...F }";
        assert_eq!(counts(query).root_fields, Some(5), "x, y, a, b and c");
    }

    #[test]
    fn analysis_counts_root_fields_of_the_selected_operation() {
        let query = "query One { a } query Two { a b c }";
        let document = async_graphql::parser::parse_query(query).expect("parse");
        assert_eq!(analyze(&document, Some("Two")).root_fields, Some(3));
        assert_eq!(analyze(&document, Some("One")).root_fields, Some(1));
        assert_eq!(analyze(&document, Some("Three")).root_fields, None);
        assert_eq!(analyze(&document, None).root_fields, None);
    }

    #[test]
    fn analysis_counts_directives_everywhere() {
        let query = "query Q($v: Int @d) @d { a @d ...F @d ... @d { b } } fragment F on Query @d { c @d @d }";
        assert_eq!(counts(query).directives, 8);
    }

    #[test]
    fn analysis_finds_fragment_cycles_without_looping() {
        let found = counts("{ ...A } fragment A on Query { ...B } fragment B on Query { x { ...A } }");
        assert_eq!(found.fragment_cycle, Some(vec!["A".to_owned(), "B".to_owned(), "A".to_owned()]));
        assert_eq!(found.root_fields, Some(1));
        let own = counts("{ ...A } fragment A on Query { a ...A }");
        assert_eq!(own.fragment_cycle, Some(vec!["A".to_owned(), "A".to_owned()]));
        let shared = counts(
            "{ ...A ...B } fragment A on Query { ...C } fragment B on Query { ...C } fragment C on Query { c ...Missing }",
        );
        assert_eq!(shared.fragment_cycle, None, "two fragments spreading a third are not a cycle");
    }

    #[test]
    fn analysis_walks_a_long_fragment_chain_without_recursion() {
        let mut query = String::from("{ ...F0 }");
        for index in 0..5_000 {
            query.push_str(&format!(" fragment F{index} on Query {{ a{index} ...F{} }}", index + 1));
        }
        query.push_str(" fragment F5000 on Query { last ...F0 }");
        let found = counts(&query);
        assert_eq!(found.fragment_cycle.map(|cycle| cycle.len()), Some(5_002));
        assert_eq!(found.root_fields, Some(5_001));
    }

    #[test]
    fn analysis_notices_introspection() {
        assert!(counts("{ __schema { types { name } } }").introspection);
        assert!(counts("{ ...F } fragment F on Query { t: __type(name: \"X\") { name } }").introspection);
        assert!(!counts("{ __typename }").introspection);
    }

    #[test]
    fn check_rejects_each_limit_just_above_it() {
        let limits = LimitsConfig {
            max_aliases: 2,
            max_root_fields: 3,
            max_directives: 1,
            max_query_bytes: 1_024,
            max_query_tokens: 40,
            max_query_nesting: 4,
            ..LimitsConfig::default()
        };
        let cases = [
            ("{ a: x b: y c: z }", "MAX_ALIASES", 2, 3),
            ("{ a b c d }", "MAX_ROOT_FIELDS", 3, 4),
            ("{ a @skip(if: true) b @skip(if: true) }", "MAX_DIRECTIVES", 1, 2),
            ("{ a { b { c { d { e } } } } }", "MAX_QUERY_NESTING", 4, 5),
        ];
        for (query, setting, max, actual) in cases {
            let found = rejection(query, &limits);
            assert_eq!(found.code, QUERY_TOO_COMPLEX, "{query}");
            assert_eq!(found.limit, Some(setting), "{query}");
            assert_eq!((found.max, found.actual), (Some(max), Some(actual)), "{query}");
            assert!(
                found.message.contains(setting) && found.message.contains(&actual.to_string()),
                "{}",
                found.message
            );
        }
        let long = format!("{{ a{} }}", "b".repeat(1_020));
        assert_eq!(rejection(&long, &limits).limit, Some("MAX_QUERY_BYTES"));
        let many = format!("{{ {} }}", vec!["a"; 39].join(" "));
        assert_eq!(rejection(&many, &limits).actual, Some(41));
        assert!(check_document(&mut request("{ a: x b: y c { d { e } } }"), &limits).is_ok());
    }

    #[test]
    fn check_rejects_nesting_before_parsing() {
        let deep = format!("{{ f(a: {}1{}) }}", "[".repeat(50_000), "]".repeat(50_000));
        let mut too_deep = request(&deep);
        let limits =
            LimitsConfig { max_query_bytes: 1_000_000, max_query_tokens: 1_000_000, ..LimitsConfig::default() };
        let found = check_document(&mut too_deep, &limits).expect_err("too deep");
        assert_eq!(found.limit, Some("MAX_QUERY_NESTING"));
        // Parsing this document would exhaust the stack, so passing shows it was not parsed.
        assert_eq!(found.actual, Some(50_002));
    }

    #[test]
    fn check_rejects_cycles_and_introspection_as_invalid() {
        let cycle =
            rejection("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }", &LimitsConfig::default());
        assert_eq!(cycle.code, GRAPHQL_VALIDATION_FAILED);
        assert!(cycle.message.contains("A → B → A"), "{}", cycle.message);
        let closed = LimitsConfig { introspection: false, ..LimitsConfig::default() };
        let introspection = rejection("{ __schema { queryType { name } } }", &closed);
        assert_eq!(introspection.limit, Some("INTROSPECTION"));
        assert!(check_document(&mut request("{ __typename }"), &closed).is_ok());
        assert!(check_document(&mut request("{ __schema { queryType { name } } }"), &LimitsConfig::default()).is_ok());
    }

    #[test]
    fn check_leaves_syntax_errors_to_the_executor() {
        assert!(check_document(&mut request("{ countries( }"), &LimitsConfig::default()).is_ok());
    }
}
