//! Kubernetes workload kinds as Dynatrace writes `k8s.workload.kind`: lower-case singular
//! (`deployment`, `statefulset`, `job`, `pod`; Dynatrace/dynatrace-operator
//! `pkg/webhook/mutation/pod/.../resourceattributes` mutator test). GuardDuty sends the
//! API's plural resource names (`kubernetesWorkloadDetails.type`; its enum
//! `KubernetesResourcesTypes` spells them in capitals), Defender alerts the kind in its
//! entity type (`K8s-deployment`): one table for both.

/// The API's plural resource name and Dynatrace's `k8s.workload.kind` of every workload
/// kind secmap maps. `pod` is the kind the Dynatrace Operator writes for a pod without an
/// owner.
const WORKLOAD_KINDS: &[(&str, &str)] = &[
    ("pods", "pod"),
    ("deployments", "deployment"),
    ("daemonsets", "daemonset"),
    ("statefulsets", "statefulset"),
    ("replicasets", "replicaset"),
    ("jobs", "job"),
    ("cronjobs", "cronjob"),
    ("replicationcontrollers", "replicationcontroller"),
];

/// Dynatrace's `k8s.workload.kind` of `kind`, given as the plural API name or the kind
/// itself, in any case (`deployments`, `DEPLOYMENTS`, `Deployment`); `None` outside the
/// table.
pub(crate) fn workload_kind(kind: &str) -> Option<&'static str> {
    let kind = kind.trim();
    WORKLOAD_KINDS
        .iter()
        .find(|(plural, singular)| {
            kind.eq_ignore_ascii_case(plural) || kind.eq_ignore_ascii_case(singular)
        })
        .map(|(_, singular)| *singular)
}

#[cfg(test)]
mod tests {
    use super::workload_kind;

    #[test]
    fn kinds_are_singular_lower_case() {
        assert_eq!(workload_kind("deployments"), Some("deployment"));
        assert_eq!(workload_kind("DAEMONSETS"), Some("daemonset"));
        assert_eq!(workload_kind("StatefulSet"), Some("statefulset"));
        assert_eq!(workload_kind("pods"), Some("pod"));
        assert_eq!(workload_kind(" cronjob "), Some("cronjob"));
        assert_eq!(workload_kind("Rollouts"), None);
    }
}
