//! A Defender for Cloud security alert in either shape (shared/docs/next-providers.md §4.1,
//! provider-payloads.md §1.5):
//!
//! - PascalCase, Log-Analytics-like, as continuous export delivers it to Event Hubs in every
//!   public capture: the alert's fields at the top (`AlertType`, `SystemAlertId`, ...);
//! - camelCase ARM alerts API (`Microsoft.Security/Locations/alerts`, documented for
//!   export): the same fields under `properties`, with `...Utc` time names.
//!
//! The accessors match both spellings (`alertType` matches `AlertType`).

use crate::cx::Node;
use crate::error::Error;

pub(super) struct Alert<'a> {
    pub alert_type: Node<'a>,
    pub system_alert_id: Node<'a>,
    /// ARM `name`: the alert's name, equal to `systemAlertId` in the API.
    pub arm_name: Option<&'a str>,
    pub display_name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub severity: Option<&'a str>,
    pub severity_node: Node<'a>,
    pub status: Option<&'a str>,
    pub intent: Option<&'a str>,
    pub product_name: Option<&'a str>,
    pub product_component: Option<&'a str>,
    pub compromised_entity: Option<&'a str>,
    pub correlation_key: Option<&'a str>,
    pub is_incident: Option<bool>,
    pub alert_uri: Option<&'a str>,
    pub remediation: Vec<String>,
    /// PascalCase shape: the affected resource, also in `ResourceIdentifiers`.
    pub azure_resource_id: Node<'a>,
    pub techniques: Vec<String>,
    pub sub_techniques: Vec<String>,
    /// `ExtendedProperties` as compact JSON text (a string map; values may hold JSON text,
    /// kept as they are).
    pub extended_properties: Option<String>,
    /// Candidates for `finding.time.created`, most recent meaning first.
    pub times: [Node<'a>; 5],
    pub entities: Node<'a>,
    pub resource_identifiers: Node<'a>,
}

impl<'a> Alert<'a> {
    /// Reads the alert whose fields sit at `at` (`arm_name` is the ARM shape's `name`).
    pub(super) fn read(at: Node<'a>, arm_name: Option<&'a str>) -> Result<Alert<'a>, Error> {
        let ext = at.get("extendedProperties");
        let (extended_properties, ext_component) = if ext.is_object() {
            let component = ext.get("productComponentName").text()?;
            // An empty map says nothing.
            (ext.json_text()?.filter(|t| t != "{}"), component)
        } else {
            // Log Analytics keeps the map as a JSON string: pass it on as is.
            (ext.text()?.map(str::to_owned), None)
        };
        Ok(Alert {
            alert_type: at.get("alertType"),
            system_alert_id: at.get("systemAlertId"),
            arm_name,
            display_name: at.get("alertDisplayName").text()?,
            description: at.get("description").text()?,
            severity: at.get("severity").opt_str()?,
            severity_node: at.get("severity"),
            status: at.get("status").text()?,
            intent: at.get("intent").text()?,
            product_name: at.get("productName").text()?,
            product_component: at.get("productComponentName").text()?.or(ext_component),
            compromised_entity: at.get("compromisedEntity").text()?,
            correlation_key: at.get("correlationKey").text()?,
            is_incident: at.get("isIncident").opt_bool()?,
            alert_uri: at.get("alertUri").text()?,
            remediation: string_list(at.get("remediationSteps"), false)?,
            azure_resource_id: at.get("azureResourceId"),
            techniques: string_list(at.get("techniques"), true)?,
            sub_techniques: string_list(at.get("subTechniques"), true)?,
            extended_properties,
            times: [
                at.get("timeGenerated"),
                at.get("timeGeneratedUtc"),
                at.get("endTimeUtc"),
                at.get("processingEndTime"),
                at.get("processingEndTimeUtc"),
            ],
            entities: at.get("entities"),
            resource_identifiers: at.get("resourceIdentifiers"),
        })
    }
}

/// An array of strings, or one string: JSON text of an array (as Log Analytics columns hold
/// them), a comma-separated list (`commas`), or one item.
fn string_list(n: Node<'_>, commas: bool) -> Result<Vec<String>, Error> {
    if n.is_array() {
        return Ok(n
            .strs()?
            .into_iter()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect());
    }
    let Some(s) = n.text()? else {
        return Ok(Vec::new());
    };
    let s = s.trim();
    if s.starts_with('[')
        && let Ok(list) = serde_json::from_str::<Vec<String>>(s)
    {
        return Ok(list.into_iter().filter(|i| !i.trim().is_empty()).collect());
    }
    Ok(if commas {
        s.split(',')
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .map(str::to_owned)
            .collect()
    } else {
        vec![s.to_owned()]
    })
}
