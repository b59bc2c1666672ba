#!/usr/bin/env python3
"""Principals at scale: generates the inputs of issue 14's benchmarks and times iamlint on them.

1. A CloudFormation template with 50 roles, each with a trust policy, an inline policy and
   5 attached AWS managed policies (`iamlint check`).
2. An account dump (`aws iam get-account-authorization-details`) with 5,000 roles, each
   with a trust policy, an inline policy and 3 to 5 attached AWS managed policies, plus
   the customer managed policies some of them attach (`iamlint summarize`, every principal).

Usage: benches/scripts/principals-bench.py [BINARY]   (default: target/release/iamlint)
Prints a Markdown table (median of 5 runs, wall time and peak RSS).
"""
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

MANAGED = [
    "AmazonS3FullAccess",
    "AmazonS3ReadOnlyAccess",
    "AmazonSQSFullAccess",
    "AmazonDynamoDBFullAccess",
    "AWSLambda_FullAccess",
    "CloudWatchLogsFullAccess",
    "AmazonEC2ReadOnlyAccess",
    "IAMReadOnlyAccess",
    "AmazonSNSFullAccess",
    "AWSXrayWriteOnlyAccess",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonKinesisReadOnlyAccess",
    "SecretsManagerReadWrite",
    "AmazonSSMReadOnlyAccess",
    "service-role/AWSLambdaBasicExecutionRole",
    "service-role/AmazonECSTaskExecutionRolePolicy",
]
SERVICES = ["lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com"]


def inline(i):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": f"arn:aws:s3:::bucket-{i}/*",
            },
            {
                "Effect": "Allow",
                "Action": "sqs:SendMessage",
                "Resource": f"arn:aws:sqs:us-east-1:123456789012:queue-{i}",
            },
        ],
    }


def trust(i):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": SERVICES[i % len(SERVICES)]},
                "Action": "sts:AssumeRole",
            }
        ],
    }


def template(n_roles, per_role, rng):
    resources = {}
    for i in range(n_roles):
        names = rng.sample(MANAGED, per_role)
        resources[f"Role{i}"] = {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": trust(i),
                "ManagedPolicyArns": [f"arn:aws:iam::aws:policy/{n}" for n in names],
                "Policies": [{"PolicyName": "app", "PolicyDocument": inline(i)}],
            },
        }
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}


def account_dump(n_roles, rng):
    roles = []
    customer = []
    for c in range(20):
        customer.append(
            {
                "PolicyName": f"team-{c}",
                "PolicyId": f"ANPACUSTOMER{c:08d}",
                "Arn": f"arn:aws:iam::123456789012:policy/team-{c}",
                "Path": "/",
                "DefaultVersionId": "v1",
                "AttachmentCount": 1,
                "IsAttachable": True,
                "PolicyVersionList": [
                    {
                        "Document": inline(10_000 + c),
                        "VersionId": "v1",
                        "IsDefaultVersion": True,
                    }
                ],
            }
        )
    for i in range(n_roles):
        names = rng.sample(MANAGED, rng.randint(3, 5))
        attached = [
            {"PolicyName": n.split("/")[-1], "PolicyArn": f"arn:aws:iam::aws:policy/{n}"}
            for n in names
        ]
        if i % 7 == 0:
            c = customer[i % len(customer)]
            attached.append({"PolicyName": c["PolicyName"], "PolicyArn": c["Arn"]})
        roles.append(
            {
                "Path": "/",
                "RoleName": f"role-{i}",
                "RoleId": f"AROAEXAMPLE{i:08d}",
                "Arn": f"arn:aws:iam::123456789012:role/role-{i}",
                "AssumeRolePolicyDocument": trust(i),
                "InstanceProfileList": [],
                "RolePolicyList": [{"PolicyName": "app", "PolicyDocument": inline(i)}],
                "AttachedManagedPolicies": attached,
                "Tags": [],
            }
        )
    return {
        "UserDetailList": [],
        "GroupDetailList": [],
        "RoleDetailList": roles,
        "Policies": customer,
    }


def run(cmd):
    """(wall seconds, peak RSS in MiB, exit code) of one run (GNU time's %M for the RSS)."""
    with tempfile.NamedTemporaryFile("r") as t:
        start = time.perf_counter()
        p = subprocess.run(
            ["/usr/bin/time", "-o", t.name, "-f", "%M"] + cmd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        wall = time.perf_counter() - start
        peak_kb = int(t.read().strip().splitlines()[-1])
    if p.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)}: exit {p.returncode}: {p.stderr.decode()[:500]}")
    return wall, peak_kb / 1024, p.returncode


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/iamlint"
    rng = random.Random(14)
    with tempfile.TemporaryDirectory() as d:
        tpl = os.path.join(d, "fifty-roles.json")
        with open(tpl, "w") as f:
            json.dump(template(50, 5, rng), f, indent=2)
        dump = os.path.join(d, "account-5000-roles.json")
        with open(dump, "w") as f:
            json.dump(account_dump(5000, rng), f, indent=2)
        cases = [
            ("check: template, 50 roles x 5 managed policies", tpl, [binary, "check", "--no-config", "--format", "json", tpl]),
            ("summarize: template, 50 roles x 5 managed policies", tpl, [binary, "summarize", "--format", "json", tpl]),
            ("check: account dump, 5,000 roles", dump, [binary, "check", "--no-config", "--format", "json", dump]),
            ("summarize: account dump, 5,000 roles (every principal)", dump, [binary, "summarize", "--format", "json", dump]),
        ]
        print("| case | input | median wall | peak RSS | exit |")
        print("|---|---|---|---|---|")
        for name, path, cmd in cases:
            runs = [run(cmd) for _ in range(5)]
            wall = statistics.median(r[0] for r in runs)
            rss = max(r[1] for r in runs)
            size = os.path.getsize(path) / 1024
            print(f"| {name} | {size:,.0f} KB | {wall * 1000:,.0f} ms | {rss:,.0f} MiB | {runs[0][2]} |")


if __name__ == "__main__":
    main()
