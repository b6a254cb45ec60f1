//! The Defender alerts mapping table, as data: rendered into `docs/mapping/defender-alerts.md`
//! and checked against every golden event by the tests. Sources are JSON pointers into the
//! PascalCase alert; the ARM shape has the same fields under `/properties` in camelCase
//! (`...Utc` for times). Evidence tags as in shared/docs/next-providers.md: [DT-doc]
//! Dynatrace documentation, [DT-skill] Dynatrace's agent skills, [vendor] Microsoft's
//! samples and API specs, [infer] our choice (§4.6 lists the open questions).

use crate::provider::rows::EVENT_KIND;
use crate::provider::{FieldRule, rule};

pub(super) static FIELDS: &[FieldRule] = &[
    rule(
        "timestamp",
        "options.now",
        "only when the host passes `now`; else Dynatrace's ingest time (design §3)",
    ),
    rule(
        "event.id",
        "derived",
        "UUIDv5 over provider, finding.id, object.id, finding.time.created (design §3); a record keeps one event per id, the first (run.rs `distinct_ids`)",
    ),
    EVENT_KIND,
    rule(
        "event.type",
        "constant",
        "`DETECTION_FINDING` [DT-doc, Sentinel]",
    ),
    rule("event.name", "constant", "`Detection finding event`"),
    rule(
        "event.provider",
        "constant",
        "`Microsoft Defender for Cloud` [DT-doc: provider filter for Defender detection findings]",
    ),
    rule(
        "product.vendor",
        "constant",
        "`Microsoft`, as every alert's `VendorName` says",
    ),
    rule(
        "product.name",
        "constant",
        "`Microsoft Defender for Cloud` [DT-doc]",
    ),
    rule(
        "object.id",
        "/ResourceIdentifiers/*/AzureResourceId | /AzureResourceId; /Entities",
        "the affected Azure resource id as sent, one event per distinct `AzureResource` identifier [DT-doc, Sentinel]; when the alert names exactly one `container` entity and one resource: `<cluster id>/namespaces/<ns>/pods/<pod>/containers/<name>` (`-` for an unknown part) [infer, §4.6 q2]",
    ),
    rule(
        "object.type",
        "/ResourceIdentifiers/*/AzureResourceId; /Entities",
        "the ARM resource type of the id, `Microsoft.X/y` (`AzureResource` when the id is not an ARM id); `CONTAINER` for the container object [DT-doc: GuardDuty runtime contextualization; infer]",
    ),
    rule(
        "object.name",
        "/ResourceIdentifiers/*/AzureResourceId; /Entities",
        "the resource name (last segment of the ARM id); the container name for the container object",
    ),
    rule(
        "finding.id",
        "/SystemAlertId | /name (ARM)",
        "as is [vendor: stable alert id]; the ARM `name` with an `id-derived` warning",
    ),
    rule(
        "finding.type",
        "/AlertType",
        "as is, e.g. `K8S.NODE_SuspectDownloadArtifacts` [DT-skill: vendor type string]",
    ),
    rule(
        "finding.title",
        "/AlertDisplayName",
        "as is (the alert type when missing) [infer]",
    ),
    rule("finding.description", "/Description", "as is [infer]"),
    rule(
        "finding.remediation",
        "/RemediationSteps",
        "the steps joined by a newline (a JSON-text array is read as an array) [infer; SD `finding.remediation`]",
    ),
    rule(
        "finding.time.created",
        "/TimeGenerated | /timeGeneratedUtc | /EndTimeUtc | /ProcessingEndTime | /processingEndTimeUtc",
        "first readable, RFC 3339 UTC [DT-skill: when the detection was generated]",
    ),
    rule(
        "finding.severity",
        "/Severity",
        "as is; `NOT_AVAILABLE` when missing [infer]",
    ),
    rule(
        "finding.status",
        "/Status",
        "as is (`New`, `Active`, `InProgress`) [infer]",
    ),
    rule(
        "finding.url",
        "/AlertUri",
        "as is (portal deep link) [infer]",
    ),
    rule(
        "dt.security.risk.level",
        "/Severity",
        "table defender-alerts/1, case-insensitive: High→HIGH, Medium→MEDIUM, Low→LOW, Informational→NONE, Critical→CRITICAL; missing or other → NOT_AVAILABLE with a warning [DT-doc: Sentinel AlertSeverity]",
    ),
    rule(
        "dt.security.risk.score",
        "/Severity",
        "the level's fixed score: 10.0, 8.9, 6.9, 3.9, 0.0 (alerts carry no severity score) [DT-doc, DT-skill]",
    ),
    rule(
        "azure.tenant.id",
        "/ResourceIdentifiers/*/AzureResourceTenantId | /ResourceIdentifiers/*/AadTenantId",
        "the resource's tenant, else the `AAD` identifier's [DT-doc, Sentinel]",
    ),
    rule(
        "azure.subscription",
        "/ResourceIdentifiers/*/AzureResourceId",
        "the segment after `/subscriptions/`, as sent [DT-doc, Sentinel]",
    ),
    rule(
        "azure.resource.id",
        "/ResourceIdentifiers/*/AzureResourceId",
        "as sent (casing kept) [DT-doc, Sentinel]",
    ),
    rule(
        "azure.resource.group",
        "/ResourceIdentifiers/*/AzureResourceId",
        "the segment after `/resourceGroups/` [DT-doc, Sentinel]",
    ),
    rule(
        "azure.resource.type",
        "/ResourceIdentifiers/*/AzureResourceId",
        "`<namespace>/<type>[/<child type>]` after the last `/providers/` [DT-doc, Sentinel: format `Microsoft.X/y`]",
    ),
    rule(
        "azure.resource.name",
        "/ResourceIdentifiers/*/AzureResourceId",
        "the last name segment [DT-doc, Sentinel]",
    ),
    rule(
        "k8s.cluster.name",
        "/Entities (K8s-cluster → CloudResource → ResourceName | ResourceId)",
        "the cluster's Azure resource name, when the entities name one cluster [DT-skill: CONTAINER needs cluster]",
    ),
    rule(
        "k8s.namespace.name",
        "/Entities (K8s-namespace Name)",
        "when the entities name one namespace [DT-skill]",
    ),
    rule(
        "k8s.pod.name",
        "/Entities (K8s-pod Name)",
        "when the entities name one pod [DT-skill]",
    ),
    rule(
        "k8s.workload.name",
        "/Entities (K8s-deployment, -daemonset, -statefulset, -replicaset, -job, -cronjob Name)",
        "when the entities name one workload [DT-skill]",
    ),
    rule(
        "k8s.workload.kind",
        "/Entities (Type)",
        "the workload entity's type without `K8s-`, lower case (`deployment`, `daemonset`) [DT-skill]",
    ),
    rule(
        "container.name",
        "/Entities (container Name)",
        "when the entities name one container [DT-doc: GuardDuty container fields]",
    ),
    rule(
        "container.image.name",
        "/Entities (container → Image → container-image ImageId)",
        "the reference without tag and digest (`registry/repository`) [DT-doc, infer]",
    ),
    rule(
        "container.image.version",
        "/Entities (container-image ImageId)",
        "the tag of the reference [DT-doc, infer]",
    ),
    rule(
        "container_image.digest",
        "/Entities (container-image ImageId)",
        "the `@sha256:...` part, or the whole id when it is a digest [SD: join key to runtime images; infer]",
    ),
    rule(
        "host.name",
        "/Entities (host HostName)",
        "when the entities name one host [infer]",
    ),
    rule(
        "actor.ips",
        "/Entities (ip Address)",
        "every `ip` entity's address, distinct, in order [DT-doc, Sentinel; §4.6 q3: may include a host's own address]",
    ),
    rule(
        "actor.geo.country.name",
        "/Entities (ip Location CountryName)",
        "when there is one `ip` entity [DT-doc, Sentinel; vendor: Sentinel IP entity GeoLocation]",
    ),
    rule(
        "actor.geo.city.name",
        "/Entities (ip Location City)",
        "when there is one `ip` entity [DT-doc, Sentinel]",
    ),
    rule(
        "threat.attack.technique.ids",
        "/properties/techniques (ARM) | /Techniques",
        "as is (array, JSON-text array or comma-separated) [DT-skill: MITRE namespace]",
    ),
    rule(
        "threat.attack.subtechnique.ids",
        "/properties/subTechniques (ARM) | /SubTechniques",
        "as is [DT-skill]",
    ),
    rule(
        "defender.alert.intent",
        "/Intent",
        "as is: comma-separated kill-chain phases [infer]",
    ),
    rule(
        "defender.alert.product_component",
        "/ProductComponentName | /ExtendedProperties/ProductComponentName",
        "as is (`Containers`, `Servers`) [infer]",
    ),
    rule(
        "defender.alert.product_name",
        "/ProductName",
        "only when it is not `Microsoft Defender for Cloud` (older alerts: `Azure Security Center`) [infer]",
    ),
    rule(
        "defender.alert.compromised_entity",
        "/CompromisedEntity",
        "as is [infer]",
    ),
    rule(
        "defender.alert.correlation_key",
        "/CorrelationKey",
        "as is [infer]",
    ),
    rule(
        "defender.alert.is_incident",
        "/IsIncident",
        "as is (boolean) [infer]",
    ),
    rule(
        "defender.alert.extended_properties",
        "/ExtendedProperties",
        "the string map as compact JSON text; values that hold JSON text stay strings; a map sent as a JSON string passes as is [infer]",
    ),
    rule(
        "event.original_content",
        "the record",
        "compact JSON, unless `originalContent` is off (design §3)",
    ),
    rule(
        "secmap.mapping.version",
        "constant",
        "the mapping version (design §3)",
    ),
];
