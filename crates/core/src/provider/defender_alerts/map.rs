//! Alert → one `DETECTION_FINDING` per affected Azure resource (shared/docs/next-providers.md
//! §4.2), in the order an ingest pipeline reads: shape, alert fields, derived fields from
//! the entity graph, one event per object.

use std::collections::HashSet;

use super::azure::ArmId;
use super::entities::{Graph, only};
use super::input::Alert;
use super::severity::TABLE;
use crate::cx::{Cx, Node};
use crate::error::{Error, ErrorCode};
use crate::event::{Event, EventType, Producer};
use crate::image::{ImageRef, is_content_digest};
use crate::k8s;
use crate::output::{SkipReason, WarningCode};
use crate::provider::{Mapped, Shape};
use crate::severity::Risk;

/// The product name Defender alerts carry today; older ones say "Azure Security Center".
const PRODUCT: &str = "Microsoft Defender for Cloud";

/// Whether a record is an alert, from the keys that say what it is.
pub(super) fn is_alert(shape: &Shape<'_>) -> bool {
    shape.alert || shape.record_type.is_some_and(is_alert_type)
}

/// `Microsoft.Security/Locations/alerts` in any case.
fn is_alert_type(t: &str) -> bool {
    let t = t.to_ascii_lowercase();
    t.starts_with("microsoft.security/") && t.ends_with("/alerts")
}

pub(super) fn map(shape: &Shape<'_>, cx: &Cx<'_>, producer: Producer) -> Result<Mapped, Error> {
    let alert = read(shape, cx)?;
    // A dismissed or resolved alert is no longer a detection to act on (§4.5, as `design.md`
    // skips resolved Defender records); its earlier export already produced the event.
    if let Some(status) = alert.status
        && ["Dismissed", "Resolved"]
            .iter()
            .any(|s| s.eq_ignore_ascii_case(status))
    {
        return Ok(Mapped::Skipped(
            SkipReason::Resolved,
            format!("alert status {status}"),
        ));
    }
    let Some(alert_type) = alert.alert_type.text()? else {
        return Err(cx.error_at(
            ErrorCode::MissingField,
            "alert without `AlertType`",
            &alert.alert_type,
        ));
    };
    let finding_id = match alert.system_alert_id.text()? {
        Some(id) => id,
        None => match alert.arm_name.filter(|n| !n.is_empty()) {
            Some(name) => {
                cx.warn(
                    WarningCode::IdDerived,
                    "no `systemAlertId`; finding.id is the alert's ARM `name`",
                    &alert.system_alert_id,
                );
                name
            }
            None => {
                return Err(cx.error_at(
                    ErrorCode::MissingField,
                    "alert without `SystemAlertId`",
                    &alert.system_alert_id,
                ));
            }
        },
    };
    let time = cx.required_time(&alert.times)?;
    let risk = TABLE.risk_for_label(alert.severity, None);
    if let Some((code, message)) = &risk.warning {
        cx.warn(*code, message.clone(), &alert.severity_node);
    }
    let graph = Graph::build(cx, alert.entities, alert.resource_identifiers)?;
    let resources = affected(cx, &alert, &graph)?;
    let facts = Facts::read(&graph)?;

    let copies = copies_of_shared(shared_len(&alert, &facts), resources.len());
    if copies < resources.len() {
        cx.warn(
            WarningCode::FieldsShared,
            format!(
                "the alert's own fields are on the first {copies} of {} events only: a copy on \
                 each would exceed {SHARED_PER_RECORD} bytes",
                resources.len()
            ),
            &alert.resource_identifiers,
        );
    }
    let container_object = facts.container.is_some() && resources.len() == 1;
    let events = resources
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut e = Event::new(EventType::DetectionFinding, producer, cx.now);
            object(&mut e, r, &facts, container_object);
            let shared = i < copies;
            finding(&mut e, &alert, alert_type, finding_id, &time, &risk, shared);
            azure(&mut e, r);
            if shared {
                kubernetes(&mut e, &facts);
                e.opt("host.name", facts.host);
                actor(&mut e, &facts);
                e.opt(
                    "threat.attack.technique.ids",
                    Some(alert.techniques.clone()),
                );
                e.opt(
                    "threat.attack.subtechnique.ids",
                    Some(alert.sub_techniques.clone()),
                );
                vendor(&mut e, &alert);
            }
            e
        })
        .collect();
    Ok(Mapped::Events(events))
}

/// The alert in either shape, or inside a REST example's `responses/200/body` (the form
/// Microsoft's API specs publish, read with provider `defender-alerts` only).
fn read<'a>(shape: &Shape<'_>, cx: &'a Cx<'a>) -> Result<Alert<'a>, Error> {
    let root = cx.root();
    let mut record = root;
    if !is_alert(shape) {
        let body = root.get("responses").get("200").get("body");
        if body.is_object()
            && (body.get("type").opt_str()?.is_some_and(is_alert_type)
                || body.get("alertType").exists())
        {
            record = body;
        } else {
            return Err(cx.error_at(
                ErrorCode::UnrecognizedRecord,
                "not a Defender for Cloud alert: no `AlertType`/`SystemAlertId` and no `type` `Microsoft.Security/Locations/alerts`",
                &root,
            ));
        }
    }
    let arm = record.get("type").opt_str()?.is_some_and(is_alert_type);
    if arm {
        let properties = record.get("properties");
        if !properties.is_object() {
            return Err(cx.error_at(
                ErrorCode::MissingField,
                "ARM alert without `properties`",
                &properties,
            ));
        }
        // The ARM `id` names the alert, not the resource it is about.
        record.get("id").opt_str()?;
        Alert::read(properties, record.get("name").text()?)
    } else {
        Alert::read(record, None)
    }
}

/// Most bytes of the alert's own fields one record copies into its events: the events of
/// an alert share them, and an alert naming many resources (one in every sample) would
/// otherwise copy them once per resource, output quadratic in the input. The same budget
/// as `event.original_content`'s.
const SHARED_PER_RECORD: usize = crate::budget::SHARED_PER_RECORD;

/// How many of `events` carry the shared fields of `len` bytes: all within the budget,
/// else as many as fit, and at least the first.
fn copies_of_shared(len: usize, events: usize) -> usize {
    crate::budget::copies(len, events, SHARED_PER_RECORD)
}

/// The bytes of the fields every event of the alert would repeat (beyond the finding's
/// identity and risk, which each event needs).
fn shared_len(a: &Alert<'_>, f: &Facts<'_>) -> usize {
    let strs = [
        a.description,
        a.status,
        a.alert_uri,
        a.intent,
        a.product_component,
        a.product_name,
        a.compromised_entity,
        a.correlation_key,
        a.extended_properties.as_deref(),
        f.cluster_name,
        f.namespace,
        f.pod,
        f.workload.as_ref().map(|w| w.0),
        f.container.as_ref().map(|c| c.name),
        f.container.as_ref().and_then(|c| c.image),
        f.host,
        f.country,
        f.city,
    ];
    let lists = [&a.remediation, &a.techniques, &a.sub_techniques, &f.ips];
    strs.iter().flatten().map(|s| s.len()).sum::<usize>()
        + lists
            .iter()
            .flat_map(|l| l.iter())
            .map(|s| s.len() + 3)
            .sum::<usize>()
}

/// One affected Azure resource.
struct Resource<'a> {
    id: &'a str,
    tenant: Option<&'a str>,
    /// Where the id came from.
    at: Node<'a>,
}

/// The `AzureResource` entries of `ResourceIdentifiers`, distinct (ARM ids ignore case);
/// else the top-level `AzureResourceId`. Sentinel's rule: one event "per affected object
/// represented by an affected Azure resource" (Dynatrace "Ingest Microsoft Sentinel
/// security events").
fn affected<'a>(
    cx: &Cx<'_>,
    alert: &Alert<'a>,
    graph: &Graph<'a>,
) -> Result<Vec<Resource<'a>>, Error> {
    // Read even when the identifiers name the resource: it repeats one of them.
    let top = alert.azure_resource_id.text()?;
    let mut resources: Vec<Resource<'a>> = Vec::new();
    let mut seen = HashSet::new();
    let mut aad_tenant = None;
    for item in alert.resource_identifiers.items()? {
        let Some(r) = graph.resolve(item)? else {
            continue;
        };
        let kind = r.get("type").opt_str()?.unwrap_or("");
        if kind.eq_ignore_ascii_case("AzureResource") {
            let at = r.get("azureResourceId");
            let Some(id) = at.text()? else {
                continue;
            };
            if seen.insert(id.to_ascii_lowercase()) {
                resources.push(Resource {
                    id,
                    tenant: r.get("azureResourceTenantId").text()?,
                    at,
                });
            }
        } else if kind.eq_ignore_ascii_case("AAD") {
            aad_tenant = aad_tenant.or(r.get("aadTenantId").text()?);
        }
    }
    if resources.is_empty()
        && let Some(id) = top
    {
        resources.push(Resource {
            id,
            tenant: None,
            at: alert.azure_resource_id,
        });
    }
    if resources.is_empty() {
        return Err(cx.error_at(
            ErrorCode::MissingField,
            "alert names no affected Azure resource: no `ResourceIdentifiers` entry of type `AzureResource` and no `AzureResourceId`",
            &alert.resource_identifiers,
        ));
    }
    for r in &mut resources {
        r.tenant = r.tenant.or(aad_tenant);
        if ArmId::parse(r.id).kind.is_none() {
            cx.warn(
                WarningCode::UnknownResourceType,
                format!(
                    "`{}` is not an Azure resource id; object.type `AzureResource`",
                    r.id
                ),
                &r.at,
            );
        }
    }
    Ok(resources)
}

/// What the entities say about the alert as a whole. Single-valued fields are set only
/// when the entities agree on one value.
#[derive(Default)]
struct Facts<'a> {
    cluster_id: Option<&'a str>,
    cluster_name: Option<&'a str>,
    namespace: Option<&'a str>,
    pod: Option<&'a str>,
    workload: Option<(&'a str, String)>,
    container: Option<Container<'a>>,
    host: Option<&'a str>,
    ips: Vec<String>,
    country: Option<&'a str>,
    city: Option<&'a str>,
}

#[derive(PartialEq)]
struct Container<'a> {
    name: &'a str,
    image: Option<&'a str>,
}

impl<'a> Facts<'a> {
    fn read(g: &Graph<'a>) -> Result<Facts<'a>, Error> {
        let mut f = Facts::default();
        let mut clusters = Vec::new();
        for c in g.of_type("K8s-cluster") {
            if let Some(r) = g.resolve(c.get("cloudResource"))? {
                let id = resource_id(r)?;
                let name = r
                    .get("resourceName")
                    .text()?
                    .or_else(|| id.and_then(|i| ArmId::parse(i).name));
                clusters.push((id, name));
            }
        }
        if let Some((id, name)) = only(clusters) {
            f.cluster_id = id;
            f.cluster_name = name;
        }
        f.namespace = only(names(g, "K8s-namespace")?);
        f.pod = only(names(g, "K8s-pod")?);
        let mut workloads = Vec::new();
        for (kind, n) in &g.entities {
            // Workload entities are `K8s-<kind>`; a pod is its own entity (`k8s.pod.name`).
            let Some(k) = kind
                .get(..4)
                .filter(|p| p.eq_ignore_ascii_case("k8s-"))
                .and_then(|_| k8s::workload_kind(&kind[4..]))
                .filter(|k| *k != "pod")
            else {
                continue;
            };
            if let Some(name) = n.get("name").text()? {
                workloads.push((name, k.to_owned()));
            }
        }
        f.workload = only(workloads);
        let mut containers = Vec::new();
        for c in g.of_type("container") {
            let Some(name) = c.get("name").text()? else {
                continue;
            };
            let image = match g.resolve(c.get("image"))? {
                Some(i) => i.get("imageId").text()?,
                None => None,
            };
            containers.push(Container { name, image });
        }
        f.container = only(containers);
        let mut hosts = Vec::new();
        for h in g.of_type("host") {
            hosts.extend(h.get("hostName").text()?);
        }
        f.host = only(hosts);
        let ips: Vec<Node<'a>> = g.of_type("ip").collect();
        let mut seen = HashSet::new();
        for ip in &ips {
            if let Some(a) = ip.get("address").text()?
                && seen.insert(a)
            {
                f.ips.push(a.to_owned());
            }
        }
        // A location describes the address it sits on: only with one address.
        if let [ip] = ips.as_slice()
            && let Some(l) = g.resolve(ip.get("location"))?
        {
            f.country = l.get("countryName").text()?;
            f.city = l.get("city").text()?;
        }
        Ok(f)
    }
}

/// An `azure-resource` entity's id (`ResourceId` in the PascalCase shape, `azureResourceId`
/// in the ARM sample).
fn resource_id<'a>(r: Node<'a>) -> Result<Option<&'a str>, Error> {
    Ok(r.get("resourceId")
        .text()?
        .or(r.get("azureResourceId").text()?))
}

fn names<'a>(g: &Graph<'a>, kind: &str) -> Result<Vec<&'a str>, Error> {
    let mut out = Vec::new();
    for n in g.of_type(kind) {
        out.extend(n.get("name").text()?);
    }
    Ok(out)
}

fn object(e: &mut Event, r: &Resource<'_>, f: &Facts<'_>, container_object: bool) {
    if let (true, Some(c)) = (container_object, &f.container) {
        // GuardDuty-style: the container is the object (runtime contextualization), the
        // cluster stays in `azure.*` (shared/docs/next-providers.md §4.3, open question 2).
        let cluster = f.cluster_id.unwrap_or(r.id);
        e.put(
            "object.id",
            format!(
                "{cluster}/namespaces/{}/pods/{}/containers/{}",
                f.namespace.unwrap_or("-"),
                f.pod.unwrap_or("-"),
                c.name
            ),
        );
        e.put_static("object.type", "CONTAINER");
        e.put("object.name", c.name);
        return;
    }
    let arm = ArmId::parse(r.id);
    e.put("object.id", r.id);
    e.put(
        "object.type",
        arm.kind.unwrap_or_else(|| "AzureResource".into()),
    );
    e.put("object.name", arm.name.unwrap_or(r.id));
}

/// The finding fields; the alert's descriptive ones only with `shared` (see
/// [`copies_of_shared`]).
fn finding(
    e: &mut Event,
    a: &Alert<'_>,
    alert_type: &str,
    id: &str,
    time: &str,
    risk: &Risk,
    shared: bool,
) {
    e.put("finding.id", id);
    e.put("finding.type", alert_type);
    e.put("finding.title", a.display_name.unwrap_or(alert_type));
    if shared {
        e.opt("finding.description", a.description);
        e.opt(
            "finding.remediation",
            (!a.remediation.is_empty()).then(|| a.remediation.join("\n")),
        );
    }
    e.put("finding.time.created", time);
    // Always set on findings (design §3): the vendor's label, else the level.
    e.put(
        "finding.severity",
        a.severity
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .unwrap_or(risk.level.as_str()),
    );
    if shared {
        e.opt("finding.status", a.status);
        e.opt("finding.url", a.alert_uri);
    }
    e.put_static("dt.security.risk.level", risk.level.as_str());
    e.put("dt.security.risk.score", risk.score);
}

fn azure(e: &mut Event, r: &Resource<'_>) {
    let arm = ArmId::parse(r.id);
    e.opt("azure.tenant.id", r.tenant);
    e.opt("azure.subscription", arm.subscription);
    e.put("azure.resource.id", r.id);
    e.opt("azure.resource.group", arm.group);
    e.opt("azure.resource.type", arm.kind);
    e.opt("azure.resource.name", arm.name);
}

fn kubernetes(e: &mut Event, f: &Facts<'_>) {
    e.opt("k8s.cluster.name", f.cluster_name);
    e.opt("k8s.namespace.name", f.namespace);
    e.opt("k8s.pod.name", f.pod);
    if let Some((name, kind)) = &f.workload {
        e.put("k8s.workload.name", *name);
        e.put("k8s.workload.kind", kind.as_str());
    }
    if let Some(c) = &f.container {
        e.put("container.name", c.name);
        if let Some(image) = c.image {
            if is_content_digest(image) {
                e.put("container_image.digest", image);
            } else {
                let r = ImageRef::parse(image);
                e.opt("container.image.name", Some(r.name));
                e.opt("container.image.version", r.tag);
                e.opt(
                    "container_image.digest",
                    r.digest.filter(|d| is_content_digest(d)),
                );
            }
        }
    }
}

fn actor(e: &mut Event, f: &Facts<'_>) {
    e.opt("actor.ips", Some(f.ips.clone()));
    e.opt("actor.geo.country.name", f.country);
    e.opt("actor.geo.city.name", f.city);
}

fn vendor(e: &mut Event, a: &Alert<'_>) {
    e.opt("defender.alert.intent", a.intent);
    e.opt("defender.alert.product_component", a.product_component);
    e.opt(
        "defender.alert.product_name",
        a.product_name.filter(|p| *p != PRODUCT),
    );
    e.opt("defender.alert.compromised_entity", a.compromised_entity);
    e.opt("defender.alert.correlation_key", a.correlation_key);
    e.opt("defender.alert.is_incident", a.is_incident);
    e.opt(
        "defender.alert.extended_properties",
        a.extended_properties.clone(),
    );
}

#[cfg(test)]
mod tests {
    use super::{SHARED_PER_RECORD, copies_of_shared};
    use crate::{Options, Output, WarningCode, transform};

    const RG: &str =
        "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines";

    /// One PascalCase alert with the given entities and resource identifiers.
    fn alert(entities: &str, identifiers: &str, description: &str) -> Output {
        let payload = format!(
            r#"{{"AlertType":"VM_Test","SystemAlertId":"a1","Severity":"High",
              "TimeGenerated":"2026-11-28T00:00:00Z","Description":"{description}",
              "Entities":[{entities}],"ResourceIdentifiers":[{identifiers}]}}"#
        );
        transform("defender-alerts", payload.as_bytes(), &Options::new()).unwrap()
    }

    fn resource(i: usize) -> String {
        format!(r#"{{"Type":"AzureResource","AzureResourceId":"{RG}/vm{i}"}}"#)
    }

    #[test]
    fn shared_fields_stay_within_the_record_budget() {
        assert_eq!(copies_of_shared(100, 3), 3);
        assert_eq!(copies_of_shared(SHARED_PER_RECORD, 1), 1);
        assert_eq!(copies_of_shared(SHARED_PER_RECORD / 2, 3), 2);
        assert_eq!(copies_of_shared(2 * SHARED_PER_RECORD, 3), 1);
        assert_eq!(copies_of_shared(0, 5), 5);

        let long = "x".repeat(400 * 1024);
        let ids: Vec<String> = (0..4).map(resource).collect();
        let out = alert("", &ids.join(","), &long);
        assert_eq!(out.events.len(), 4);
        let described: Vec<bool> = out
            .events
            .iter()
            .map(|e| e.get("finding.description").is_some())
            .collect();
        assert_eq!(described, [true, true, false, false]);
        // Every event keeps what a finding needs.
        for e in &out.events {
            assert_eq!(e.get_str("finding.title"), Some("VM_Test"));
            assert_eq!(e.get_str("dt.security.risk.level"), Some("HIGH"));
        }
        // (and the description, over maxStringBytes, is cut on the events that carry it)
        let shared: Vec<_> = out
            .warnings
            .iter()
            .filter(|w| w.code == WarningCode::FieldsShared)
            .collect();
        assert_eq!(shared.len(), 1);
        assert_eq!(shared[0].pointer, "/ResourceIdentifiers");
    }

    #[test]
    fn many_entities_refs_and_resources_map_in_linear_time() {
        // 20,000 addresses (each referenced once more), 20,000 dangling refs and 2,000
        // identifiers naming 1,000 resources: a quadratic step would take minutes.
        let n = 20_000;
        let mut entities: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    r#"{{"$id":"{i}","Address":"10.0.{}.{}","Type":"ip"}}"#,
                    i / 256,
                    i % 256
                )
            })
            .collect();
        entities.extend((0..n).map(|i| format!(r#"{{"$ref":"{i}"}}"#)));
        entities.extend((0..n).map(|i| format!(r#"{{"$ref":"x{i}"}}"#)));
        let ids: Vec<String> = (0..2_000).map(|i| resource(i % 1_000)).collect();
        let start = std::time::Instant::now();
        let out = alert(&entities.join(","), &ids.join(","), "d");
        assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
        assert_eq!(out.events.len(), 1_000);
        let dangling: Vec<_> = out
            .warnings
            .iter()
            .filter(|w| w.code == WarningCode::DanglingRef)
            .collect();
        assert_eq!(dangling.len(), 1);
        assert!(
            dangling[0].message.contains("and 19999 more"),
            "{}",
            dangling[0].message
        );
        match out.events[0].get("actor.ips") {
            Some(crate::Value::StrList(ips)) => assert_eq!(ips.len(), n),
            other => panic!("{other:?}"),
        }
        // The address list is shared within the record's budget, not copied 1,000 times.
        let carrying = out
            .events
            .iter()
            .filter(|e| e.get("actor.ips").is_some())
            .count();
        assert!(carrying < 20, "{carrying}");
    }
}
