//! The GuardDuty finding as it arrives: camelCase from EventBridge, S3 export and the API;
//! PascalCase when someone re-wraps a boto3 `GetFindings` result (the accessors match both).
//! Only the fields the mapping uses are read; everything else goes to the unmapped report.
//!
//! Field names: GuardDuty API model (botocore `guardduty/2017-11-28/service-2.json`).

use std::collections::HashSet;

use crate::cx::Node;
use crate::error::Error;

pub(crate) struct Finding<'a> {
    pub account_id: Option<&'a str>,
    pub description: Option<&'a str>,
    pub id: &'a str,
    pub partition: Option<&'a str>,
    pub region: Option<&'a str>,
    pub title: Option<&'a str>,
    pub kind: &'a str,
    /// Read when mapping, in the order the rules consult them.
    pub created_at: Node<'a>,
    pub updated_at: Node<'a>,
    pub severity: Node<'a>,
    pub resource: Resource<'a>,
    pub service: Option<Service<'a>>,
}

#[derive(Default)]
pub(crate) struct Resource<'a> {
    pub resource_type: Option<&'a str>,
    pub instance: Option<Instance<'a>>,
    pub access_key: Option<AccessKey<'a>>,
    pub s3_buckets: Vec<Bucket<'a>>,
    pub eks_cluster: Option<Named<'a>>,
    pub workload: Option<Workload<'a>>,
    pub ecs_cluster: Option<EcsCluster<'a>>,
    pub container: Option<Container<'a>>,
    pub lambda: Option<Named<'a>>,
    pub rds: Option<Named<'a>>,
}

pub(crate) struct Instance<'a> {
    pub instance_id: Option<&'a str>,
    pub availability_zone: Option<&'a str>,
    pub name_tag: Option<&'a str>,
}

pub(crate) struct AccessKey<'a> {
    pub access_key_id: Option<&'a str>,
    pub user_name: Option<&'a str>,
}

/// A resource with a name and an ARN (buckets, clusters, functions, DB instances).
pub(crate) struct Named<'a> {
    pub name: Option<&'a str>,
    pub arn: Option<&'a str>,
}

/// `s3BucketDetails[]` (API shape `S3BucketDetail`), with the scanned objects that Malware
/// Protection for S3 lists under it (`s3ObjectDetails[]`, shape `S3ObjectDetail`).
pub(crate) struct Bucket<'a> {
    pub name: Option<&'a str>,
    pub arn: Option<&'a str>,
    pub objects: Vec<S3Object<'a>>,
}

/// `S3ObjectDetail`: `objectArn`, `key`, `eTag`, `hash` (of the threat), `versionId`.
pub(crate) struct S3Object<'a> {
    pub arn: Option<&'a str>,
    pub key: Option<&'a str>,
    pub etag: Option<&'a str>,
    pub hash: Option<&'a str>,
    pub version_id: Option<&'a str>,
}

/// `kubernetesWorkloadDetails` (shape `KubernetesWorkloadDetails`): `name`, `type`, `uid`,
/// `namespace`, `containers[]`.
pub(crate) struct Workload<'a> {
    pub name: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub uid: Option<&'a str>,
    pub namespace: Option<&'a str>,
    pub containers: Vec<Container<'a>>,
}

pub(crate) struct EcsCluster<'a> {
    pub name: Option<&'a str>,
    pub arn: Option<&'a str>,
    pub task_arn: Option<&'a str>,
    pub task_containers: Vec<Container<'a>>,
}

#[derive(Clone, Copy)]
pub(crate) struct Container<'a> {
    pub id: Option<&'a str>,
    pub name: Option<&'a str>,
    pub image: Option<&'a str>,
}

pub(crate) struct Service<'a> {
    pub action_type: Option<&'a str>,
    pub actor: Actor<'a>,
    pub sample: bool,
    pub archived: bool,
    pub count: Node<'a>,
    pub detector_id: Option<&'a str>,
    pub event_last_seen: Node<'a>,
    pub feature_name: Option<&'a str>,
    pub resource_role: Option<&'a str>,
}

/// Who acted: remote IPs (in the order the action lists them), domains, the first country.
#[derive(Default)]
pub(crate) struct Actor<'a> {
    pub ips: Vec<&'a str>,
    pub fqdns: Vec<&'a str>,
    pub country: Option<&'a str>,
    /// The IPs already in `ips`: a port probe can list the same address thousands of
    /// times, and a scan of `ips` per address made 1.4 MB of probes quadratic.
    seen: HashSet<&'a str>,
}

impl<'a> Finding<'a> {
    pub(crate) fn read(f: Node<'a>) -> Result<Finding<'a>, Error> {
        // The finding's own ARN is read (so the unmapped report does not flag it) and
        // deliberately not mapped: it names the finding, not the object it is about, and
        // as `object.id` every update of the finding would look like a new object.
        f.get("arn").opt_str()?;
        Ok(Finding {
            account_id: f.get("accountId").opt_str()?,
            created_at: f.get("createdAt"),
            description: f.get("description").opt_str()?,
            id: f.get("id").str()?,
            partition: f.get("partition").opt_str()?,
            region: f.get("region").opt_str()?,
            resource: Resource::read(f.get("resource"))?,
            service: Service::read(f.get("service"))?,
            severity: f.get("severity"),
            title: f.get("title").opt_str()?,
            kind: f.get("type").str()?,
            updated_at: f.get("updatedAt"),
        })
    }
}

impl<'a> Resource<'a> {
    fn read(r: Node<'a>) -> Result<Resource<'a>, Error> {
        if !r.exists() {
            return Ok(Resource::default());
        }
        let instance = r.get("instanceDetails");
        let access_key = r.get("accessKeyDetails");
        let workload = r.get("kubernetesDetails").get("kubernetesWorkloadDetails");
        let ecs = r.get("ecsClusterDetails");
        Ok(Resource {
            resource_type: r.get("resourceType").opt_str()?,
            instance: if instance.exists() {
                Some(Instance::read(instance)?)
            } else {
                None
            },
            access_key: if access_key.exists() {
                Some(AccessKey {
                    access_key_id: access_key.get("accessKeyId").opt_str()?,
                    user_name: access_key.get("userName").opt_str()?,
                })
            } else {
                None
            },
            s3_buckets: r
                .get("s3BucketDetails")
                .items()?
                .into_iter()
                .map(Bucket::read)
                .collect::<Result<_, _>>()?,
            eks_cluster: Named::read_opt(r.get("eksClusterDetails"), "name", "arn")?,
            workload: if workload.exists() {
                Some(Workload {
                    name: workload.get("name").opt_str()?,
                    kind: workload.get("type").opt_str()?,
                    uid: workload.get("uid").opt_str()?,
                    namespace: workload.get("namespace").opt_str()?,
                    containers: Container::read_all(workload.get("containers"))?,
                })
            } else {
                None
            },
            ecs_cluster: if ecs.exists() {
                let task = ecs.get("taskDetails");
                Some(EcsCluster {
                    name: ecs.get("name").opt_str()?,
                    arn: ecs.get("arn").opt_str()?,
                    task_arn: task.get("arn").opt_str()?,
                    task_containers: Container::read_all(task.get("containers"))?,
                })
            } else {
                None
            },
            container: Container::read_opt(r.get("containerDetails"))?,
            lambda: Named::read_opt(r.get("lambdaDetails"), "functionName", "functionArn")?,
            rds: Named::read_opt(
                r.get("rdsDbInstanceDetails"),
                "dbInstanceIdentifier",
                "dbInstanceArn",
            )?,
        })
    }
}

impl<'a> Instance<'a> {
    fn read(i: Node<'a>) -> Result<Instance<'a>, Error> {
        let mut name_tag = None;
        for tag in i.get("tags").items()? {
            let key = tag.get("key").opt_str()?;
            let value = tag.get("value").opt_str()?;
            if key == Some("Name") && name_tag.is_none() {
                name_tag = value;
            }
        }
        Ok(Instance {
            instance_id: i.get("instanceId").opt_str()?,
            availability_zone: i.get("availabilityZone").opt_str()?,
            name_tag,
        })
    }
}

impl<'a> Bucket<'a> {
    fn read(b: Node<'a>) -> Result<Bucket<'a>, Error> {
        Ok(Bucket {
            name: b.get("name").opt_str()?,
            arn: b.get("arn").opt_str()?,
            objects: b
                .get("s3ObjectDetails")
                .items()?
                .into_iter()
                .map(|o| {
                    Ok(S3Object {
                        arn: o.get("objectArn").opt_str()?,
                        key: o.get("key").opt_str()?,
                        etag: o.get("eTag").opt_str()?,
                        hash: o.get("hash").opt_str()?,
                        version_id: o.get("versionId").opt_str()?,
                    })
                })
                .collect::<Result<_, Error>>()?,
        })
    }
}

impl<'a> Named<'a> {
    fn read(n: Node<'a>, name: &'static str, arn: &'static str) -> Result<Named<'a>, Error> {
        Ok(Named {
            name: n.get(name).opt_str()?,
            arn: n.get(arn).opt_str()?,
        })
    }

    fn read_opt(
        n: Node<'a>,
        name: &'static str,
        arn: &'static str,
    ) -> Result<Option<Named<'a>>, Error> {
        if n.exists() {
            Named::read(n, name, arn).map(Some)
        } else {
            Ok(None)
        }
    }
}

impl<'a> Container<'a> {
    fn read(c: Node<'a>) -> Result<Container<'a>, Error> {
        Ok(Container {
            id: c.get("id").opt_str()?,
            name: c.get("name").opt_str()?,
            image: c.get("image").opt_str()?,
        })
    }

    fn read_opt(c: Node<'a>) -> Result<Option<Container<'a>>, Error> {
        if c.exists() {
            Container::read(c).map(Some)
        } else {
            Ok(None)
        }
    }

    fn read_all(list: Node<'a>) -> Result<Vec<Container<'a>>, Error> {
        list.items()?.into_iter().map(Container::read).collect()
    }
}

impl<'a> Service<'a> {
    fn read(s: Node<'a>) -> Result<Option<Service<'a>>, Error> {
        if !s.exists() {
            return Ok(None);
        }
        let action = s.get("action");
        Ok(Some(Service {
            action_type: action.get("actionType").opt_str()?,
            actor: Actor::read(action)?,
            sample: s.get("additionalInfo").get("sample").opt_bool()? == Some(true),
            archived: s.get("archived").opt_bool()? == Some(true),
            count: s.get("count"),
            detector_id: s.get("detectorId").opt_str()?,
            event_last_seen: s.get("eventLastSeen"),
            feature_name: s.get("featureName").opt_str()?,
            resource_role: s.get("resourceRole").opt_str()?,
        }))
    }
}

impl<'a> Actor<'a> {
    fn read(action: Node<'a>) -> Result<Actor<'a>, Error> {
        let mut a = Actor::default();
        for name in [
            "networkConnectionAction",
            "awsApiCallAction",
            "rdsLoginAttemptAction",
        ] {
            a.remote(action.get(name).get("remoteIpDetails"))?;
        }
        let k8s = action.get("kubernetesApiCallAction");
        a.remote(k8s.get("remoteIpDetails"))?;
        // `sourceIPs` in the API model; boto3's PascalCase spells it `SourceIps`.
        let mut source_ips = k8s.get("sourceIPs");
        if !source_ips.exists() {
            source_ips = k8s.get("sourceIps");
        }
        for ip in source_ips.strs()? {
            a.ip(ip);
        }
        for probe in action
            .get("portProbeAction")
            .get("portProbeDetails")
            .items()?
        {
            a.remote(probe.get("remoteIpDetails"))?;
        }
        if let Some(domain) = action.get("dnsRequestAction").get("domain").text()? {
            a.fqdns.push(domain);
        }
        Ok(a)
    }

    fn remote(&mut self, d: Node<'a>) -> Result<(), Error> {
        if !d.exists() {
            return Ok(());
        }
        for key in ["ipAddressV4", "ipAddressV6"] {
            if let Some(ip) = d.get(key).opt_str()? {
                self.ip(ip);
            }
        }
        let country = d.get("country").get("countryName").opt_str()?;
        if self.country.is_none() {
            self.country = country;
        }
        Ok(())
    }

    /// Keeps the first sighting of each address, in order, in linear time.
    fn ip(&mut self, ip: &'a str) {
        if !ip.is_empty() && self.seen.insert(ip) {
            self.ips.push(ip);
        }
    }
}
