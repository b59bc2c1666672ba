#!/usr/bin/env python3
"""Write the adversarial inputs of docs/performance.md ("Adversarial inputs").

Usage: adversarial.py OUT_DIR [SIZE_BYTES]
Environment: ACTIONS_FILE=FILE (the catalog's action names, one a line) adds a case.

Each case goes in its own directory, OUT_DIR/<case>/<file>, so that formats that read a
file's neighbours (a Terraform module is every `.tf` of its directory) see only it. SIZE
(default 10,000,000 bytes) is the size of the "10 MB" cases: just under the default
`--max-file-size` of 10 MiB, so every one of them is read and checked. The script prints
one line per case: `case<TAB>path`.

Every input is deterministic (no randomness), so runs compare.
"""
import json
import os
import sys

out = sys.argv[1]
SIZE = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000_000
CAP = 10 * 1024 * 1024
assert SIZE <= CAP, "the cases must stay under the default size cap"

written = []


def write(case, name, text):
    d = os.path.join(out, case)
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, name)
    data = text.encode()
    assert len(data) <= CAP, (case, len(data))
    with open(p, "wb") as f:
        f.write(data)
    written.append((case, p))


def fill(head, item, tail, size, sep=","):
    """head + item(0) sep item(1) ... + tail, as many items as fit in `size` bytes."""
    parts = [head]
    n = len(head) + len(tail)
    i = 0
    while True:
        s = item(i)
        add = len(s) + (len(sep) if i else 0)
        if n + add > size:
            break
        if i:
            parts.append(sep)
        parts.append(s)
        n += add
        i += 1
    parts.append(tail)
    return "".join(parts)


POLICY_HEAD = '{"Version":"2012-10-17","Statement":['
POLICY_TAIL = "]}\n"


def noisy_statement(i):
    # several findings each: an unknown action (with a did-you-mean), a wildcard resource
    # with a write action, a misspelt condition key, an invalid ARN
    return (
        '{"Sid":"S%d","Effect":"Allow","Action":["s3:GetObjekt","s3:PutObject","iam:PassRole"],'
        '"Resource":["*","arn:aws:s3::bucket-%d"],'
        '"Condition":{"StringEquals":{"aws:SourceAcount":"12345678901%d"}}}' % (i, i, i % 10)
    )


# 1. a 10 MB policy on one line, many findings per statement (human, SARIF, JSON, ...)
write("oneline-10mb", "policy.json", fill(POLICY_HEAD, noisy_statement, POLICY_TAIL, SIZE))

# 2. a 160,000-character line with findings (SARIF was quadratic in the line length)
write("line-160k", "policy.json", fill(POLICY_HEAD, noisy_statement, POLICY_TAIL, 160_000))

# 3. 100,000 ordinary statements, pretty-printed (redundant-statement was pairwise)
stmts = [
    '  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket-%d/*"}' % i
    for i in range(100_000)
]
write("statements-100k", "policy.json", POLICY_HEAD + "\n" + ",\n".join(stmts) + "\n" + POLICY_TAIL)
del stmts

# 3b. statements that no other covers but that share their first action and resource:
# each is a candidate of every other in redundant-statement's index (one action set
# signature test apiece)
ACTIONS = ["ec2:RunInstances", "ec2:StopInstances", "lambda:InvokeFunction", "sqs:SendMessage",
           "sns:Publish", "dynamodb:PutItem", "kms:Decrypt", "logs:PutLogEvents"]


def wide_statement(i):
    return '{"Effect":"Allow","Action":["s3:Get*","%s","iam:Tag%s"],"Resource":"*"}' % (
        ACTIONS[i % len(ACTIONS)], "Role" if i % 2 else "User")


write("wide-statements-10mb", "policy.json", fill(POLICY_HEAD, wide_statement, POLICY_TAIL, SIZE, sep=",\n"))

# 3c. the same with a different catalog action in each statement (ACTIONS_FILE: one
# action name a line, e.g. `iamlint expand '*'`): no statement covers another, and each
# holds a large set of its own (s3:Get* and one more action)
actions_file = os.environ.get("ACTIONS_FILE")
if actions_file:
    names = [l.strip() for l in open(actions_file) if l.strip()]

    def distinct_statement(i):
        return '{"Effect":"Allow","Action":["s3:Get*","%s"],"Resource":"*"}' % names[(i * 7919) % len(names)]

    write("distinct-wide-10mb", "policy.json", fill(POLICY_HEAD, distinct_statement, POLICY_TAIL, SIZE, sep=",\n"))

    # two wildcards and a different action in each statement
    def two_wild_statement(i):
        return '{"Effect":"Allow","Action":["s3:Get*","ec2:Describe*","%s"],"Resource":"*"}' % names[(i * 7919) % len(names)]

    write("two-wild-distinct-10mb", "policy.json", fill(POLICY_HEAD, two_wild_statement, POLICY_TAIL, SIZE, sep=",\n"))

    # NotAction of two different actions in each statement: every action but those
    def not_action_statement(i):
        return '{"Effect":"Allow","NotAction":["%s","%s"],"Resource":"*"}' % (
            names[(i * 7919) % len(names)], names[(i * 104729 + 13) % len(names)])

    write("notaction-distinct-10mb", "policy.json", fill(POLICY_HEAD, not_action_statement, POLICY_TAIL, SIZE, sep=",\n"))

# 4a. a 10 MB policy of wildcard statements (memory of expansions)
WILD = ["*", "s3:*", "ec2:*", "iam:*", "*:Get*", "*:*Object*", "s3:Get*", "ec2:Describe*",
        "iam:*Role*", "lambda:*", "dynamodb:*Item*", "kms:*"]


def wildcard_statement(i):
    acts = [WILD[(i + k) % len(WILD)] for k in range(4)]
    return json.dumps(
        {"Effect": "Allow", "Action": acts, "Resource": "*"}, separators=(",", ":")
    )


write("wildcards-10mb", "policy.json", fill(POLICY_HEAD, wildcard_statement, POLICY_TAIL, SIZE, sep=",\n"))


# 4b. a 10 MB policy of ordinary statements with Sids (duplicate-sid was pairwise)
def ordinary_statement(i):
    return json.dumps(
        {
            "Sid": f"ReadBucket{i}",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": [f"arn:aws:s3:::bucket-{i}", f"arn:aws:s3:::bucket-{i}/*"],
        },
        indent=2,
    )


write("ordinary-10mb", "policy.json", fill(POLICY_HEAD + "\n", ordinary_statement, "\n" + POLICY_TAIL, SIZE, sep=",\n"))

# 4c. one statement with 16,000 infix wildcard actions (redundant-action)
acts = [f"s3:*a{i}b*" for i in range(16_000)]
write(
    "infix-16k",
    "policy.json",
    json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": acts, "Resource": "*"}]}, indent=1)
    + "\n",
)
# and 16,000 distinct infix patterns over every service
acts = [f"*:*{chr(97 + i % 26)}{i}{chr(97 + (i // 26) % 26)}*" for i in range(16_000)]
write(
    "infix-any-service-16k",
    "policy.json",
    json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": acts, "Resource": "*"}]}, indent=1)
    + "\n",
)
del acts

# 5. deep nesting: JSON arrays, JSON objects (closed), YAML flow and block
half = SIZE // 2
write("deep-json-arrays", "policy.json", "[" * SIZE)
depth = (SIZE - 2) // 6
write("deep-json-objects", "policy.json", '{"a":' * depth + "1" + "}" * depth + "\n")
write("deep-yaml-flow", "policy.yaml", "Statement: " + "[" * (half - 20) + "]" * (half - 20) + "\n")
lines = []
n = 0
depth = 0
while n < SIZE - 200_000:
    line = "  " * depth + "a:\n"
    lines.append(line)
    n += len(line)
    depth += 1
    if depth > 1500:  # a ~4.5 MB staircase, then again
        depth = 0
write("deep-yaml-block", "policy.yaml", "".join(lines) + "  " * depth + "b: 1\n")
del lines


# 6. a 10 MB YAML with anchors and aliases (billion laughs, then many small ones)
def laughs():
    parts = ["Version: '2012-10-17'\n", "l0: &l0 [\"s3:GetObject\", \"s3:PutObject\"]\n"]
    for k in range(1, 30):
        parts.append(f"l{k}: &l{k} [" + ", ".join([f"*l{k - 1}"] * 9) + "]\n")
    parts.append("Statement:\n  - Effect: Allow\n    Action: *l29\n    Resource: '*'\n")
    head = "".join(parts)
    # fill the rest with many anchors, each aliased many times
    body = []
    n = len(head)
    i = 0
    while True:
        s = f"x{i}: &x{i} {{Effect: Allow, Action: *l29, Resource: [*l{i % 30}, *l{(i + 7) % 30}]}}\n"
        if n + len(s) > SIZE:
            break
        body.append(s)
        n += len(s)
        i += 1
    return head + "".join(body)


write("yaml-aliases-10mb", "policy.yaml", laughs())

# 7. a 10 MB Markdown guide with many code blocks (policies with findings, and others)
BLOCK = (
    "## Step {i}\n\nAttach this policy to the role:\n\n```json\n{policy}\n```\n\n"
    "And run:\n\n```sh\naws iam put-role-policy --role-name r{i} --policy-name p --policy-document file://p.json\n```\n\n"
)


def guide_block(i):
    policy = json.dumps(
        {"Version": "2012-10-17", "Statement": [json.loads(noisy_statement(i))]}, indent=2
    )
    return BLOCK.format(i=i, policy=policy)


write("guide-10mb", "guide.md", fill("# A guide\n\n", guide_block, "", SIZE, sep=""))


# 8. a 10 MB Terraform file: roles, jsonencode policies, heredocs, policy documents
def tf_block(i):
    stmt = json.loads(noisy_statement(i))
    heredoc = json.dumps({"Version": "2012-10-17", "Statement": [stmt]}, indent=2)
    return f'''resource "aws_iam_role" "r{i}" {{
  name = "role-{i}"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "ec2.amazonaws.com" }} }}]
  }})
}}

resource "aws_iam_role_policy" "p{i}" {{
  role   = aws_iam_role.r{i}.id
  policy = <<EOF
{heredoc}
EOF
}}

data "aws_iam_policy_document" "d{i}" {{
  statement {{
    actions   = ["s3:GetObjekt", "s3:*"]
    resources = ["*"]
  }}
}}

resource "aws_iam_policy" "m{i}" {{
  policy = data.aws_iam_policy_document.d{i}.json
}}

resource "aws_iam_role_policy_attachment" "a{i}" {{
  role       = aws_iam_role.r{i}.name
  policy_arn = aws_iam_policy.m{i}.arn
}}

'''


write("terraform-10mb", "main.tf", fill("", tf_block, "", SIZE, sep=""))
# the largest Terraform file iamlint parses (HCL past 4 MiB is refused)
write("terraform-4mb", "main.tf", fill("", tf_block, "", min(SIZE, 4_000_000), sep=""))


# 9. a 10 MB CloudFormation template (YAML, short-form tags) with many roles
def cfn_role(i):
    return f'''  Role{i}:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {{Service: lambda.amazonaws.com}}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: p{i}
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [s3:GetObjekt, iam:PassRole, "s3:*"]
                Resource: !Sub "arn:${{AWS::Partition}}:s3:::bucket-{i}/*"
              - Effect: Allow
                Action: ec2:*
                Resource: "*"
'''


write(
    "cloudformation-10mb",
    "template.yaml",
    fill("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n", cfn_role, "", SIZE, sep=""),
)

for case, path in written:
    print(f"{case}\t{path}")
