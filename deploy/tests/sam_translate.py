"""Transforms deploy/aws/template.yaml with aws-sam-translator (what CloudFormation's
AWS::Serverless transform runs) and checks the wiring of the resulting CloudFormation,
in both modes. Run by `cargo xtask test` with the venv of deploy/tools/requirements.txt."""

import json
import os
import sys

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class NoManagedPolicies:
    """The translator asks for the ARNs of managed policies by name; offline, the names are
    enough: SAM's own AWSLambdaBasicExecutionRole is the only one it adds."""

    def load(self):
        return {"AWSLambdaBasicExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}


def resources(template, kind):
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def main(path):
    with open(path) as f:
        sam = yaml_parse(f.read())
    # What `sam deploy` does first: upload the local zip and point CodeUri at it.
    code = sam["Resources"]["Function"]["Properties"]["CodeUri"]
    assert code == "../../target/dist/secmap-aws-lambda.zip", code
    sam["Resources"]["Function"]["Properties"]["CodeUri"] = "s3://packaging-bucket/secmap-aws-lambda.zip"
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-1")  # the translator resolves AWS::Region
    out = transform(sam, {}, NoManagedPolicies())
    cfn = json.loads(json.dumps(out))
    fns = resources(cfn, "AWS::Lambda::Function")
    assert list(fns) == ["Function"], fns
    fn = fns["Function"]["Properties"]
    assert fn["Runtime"] in ("nodejs22.x", "nodejs24.x"), fn["Runtime"]
    assert fn["Architectures"] == ["arm64"]
    assert fn["Handler"] == "src/index.handler"
    assert fn["LoggingConfig"]["LogGroup"] == {"Ref": "LogGroup"}
    env = fn["Environment"]["Variables"]
    assert set(env) >= {"DT_ENVIRONMENT_URL", "DT_INGEST_URL", "DT_API_TOKEN_SECRET_ID", "DT_API_TOKEN_PARAMETER"}, env
    assert "DT_API_TOKEN" not in env, "the token itself never goes into the environment"

    # The on-failure destination of async invocations is the dead-letter queue.
    invoke = resources(cfn, "AWS::Lambda::EventInvokeConfig")
    assert len(invoke) == 1, invoke
    dest = next(iter(invoke.values()))["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]
    assert dest == {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]}, dest

    # Least privilege: the template's own role, no managed policy, no wildcard resource.
    assert fn["Role"] == {"Fn::GetAtt": ["FunctionRole", "Arn"]}, fn["Role"]
    roles = resources(cfn, "AWS::IAM::Role")
    assert list(roles) == ["FunctionRole"], roles
    role = roles["FunctionRole"]["Properties"]
    assert "ManagedPolicyArns" not in role, role.get("ManagedPolicyArns")
    text = json.dumps(role["Policies"])
    assert '"*"' not in text, text
    for action in ("secretsmanager:GetSecretValue", "ssm:GetParameter", "sqs:SendMessage", "logs:PutLogEvents"):
        assert action in text, action

    rule = cfn["Resources"]["GuardDutyRule"]["Properties"]
    assert rule["EventPattern"] == {"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"]}
    target = rule["Targets"][0]["Arn"]
    assert target["Fn::If"][0] == "Buffered", target

    esm = cfn["Resources"]["BufferEventSource"]
    assert esm["Condition"] == "Buffered"
    assert esm["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert cfn["Resources"]["BufferQueue"]["Properties"]["RedrivePolicy"]["deadLetterTargetArn"] == {
        "Fn::GetAtt": ["DeadLetterQueue", "Arn"]
    }
    assert cfn["Resources"]["RuleInvokesFunction"]["Condition"] == "Direct"
    assert cfn["Resources"]["LogGroup"]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionInDays"}
    print(f"sam-translate: {path}: {len(cfn['Resources'])} CloudFormation resources, wiring checked")


if __name__ == "__main__":
    main(sys.argv[1])
