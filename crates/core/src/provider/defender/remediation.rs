//! Exploit and fix status, shared by both record formats (Semantic Dictionary:
//! `vulnerability.exploit.status` and `vulnerability.remediation.status`, `AVAILABLE` /
//! `NOT_AVAILABLE`).

use crate::cx::Node;
use crate::error::Error;

/// The exploit flags Defender sends. Sub-assessments: `exploitabilityAssessment`
/// (`exploitStepsPublished`, `exploitStepsVerified`, `isInExploitKit`); individual
/// recommendations: `ExploitabilityDetails`, where "either may appear per tenant"
/// (`ExploitStepsPublished`/`IsPubliclyDisclosed`, `ExploitStepsVerified`/`IsVerified`)
/// (defender-individual-recommendations.md §3.4).
const FLAGS: &[&str] = &[
    "exploitStepsPublished",
    "exploitStepsVerified",
    "isInExploitKit",
    "isPubliclyDisclosed",
    "isVerified",
];

/// `AVAILABLE` when any flag is true or exploit URIs are listed, `NOT_AVAILABLE` when the
/// assessment is there otherwise, nothing when it is missing.
pub(super) fn exploit_status(x: Node<'_>) -> Result<Option<&'static str>, Error> {
    if !x.exists() {
        return Ok(None);
    }
    let mut flagged = false;
    for flag in FLAGS {
        flagged |= x.get(flag).opt_bool()? == Some(true);
    }
    flagged |= !x.get("exploitUris").strs()?.is_empty();
    Ok(Some(if flagged {
        "AVAILABLE"
    } else {
        "NOT_AVAILABLE"
    }))
}

/// Defender's fix status: `FixAvailable` → `AVAILABLE`; `NoFixAvailable`, `NoFix`,
/// `WillNotFix`, `WontFix`, `Scheduled` → `NOT_AVAILABLE` (MDVM's enum and the values
/// migrated queries read, §3.4); anything else (`Unknown`) → nothing.
pub(super) fn fix_status(status: &str) -> Option<&'static str> {
    match status.trim().to_ascii_lowercase().as_str() {
        "fixavailable" => Some("AVAILABLE"),
        "nofixavailable" | "nofix" | "willnotfix" | "wontfix" | "scheduled" => {
            Some("NOT_AVAILABLE")
        }
        _ => None,
    }
}
