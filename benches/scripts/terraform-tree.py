#!/usr/bin/env python3
"""Write a synthetic Terraform tree of N modules and the same policies as JSON files.

Usage: terraform-tree.py N OUT_DIR  ->  OUT_DIR/tf/module-NNN/{main,policies,variables}.tf
and OUT_DIR/json/module-NNN/*.json (one file per policy document, the same statements).
Each module: a role whose trust policy is a jsonencode object, a managed policy in
jsonencode (3 statements) attached to it, an inline policy as a heredoc, and a policy
document data source (2 statements, in policies.tf) used by a second managed policy.
"""
import json
import os
import sys

n, out = int(sys.argv[1]), sys.argv[2]

def policy(statements):
    return {"Version": "2012-10-17", "Statement": statements}

for i in range(n):
    bucket = f"data-{i:03d}"
    trust = policy([{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                     "Action": "sts:AssumeRole"}])
    managed = policy([
        {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
         "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]},
        {"Sid": "Queue", "Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"],
         "Resource": f"arn:aws:sqs:us-east-1:123456789012:jobs-{i}"},
        {"Sid": "Describe", "Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"},
    ])
    inline = policy([{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                      "Resource": f"arn:aws:logs:us-east-1:123456789012:log-group:/app/{i}:*"}])
    document = policy([
        {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
         "Resource": f"arn:aws:dynamodb:us-east-1:123456789012:table/t{i}"},
        {"Effect": "Deny", "Action": "dynamodb:DeleteTable", "Resource": "*"},
    ])
    tf = os.path.join(out, "tf", f"module-{i:03d}")
    js = os.path.join(out, "json", f"module-{i:03d}")
    os.makedirs(tf, exist_ok=True)
    os.makedirs(js, exist_ok=True)
    for name, doc in [("trust", trust), ("managed", managed), ("inline", inline), ("document", document)]:
        with open(os.path.join(js, f"{name}.json"), "w") as f:
            json.dump(doc, f, indent=2)

    def hcl(v, ind=0):
        pad = "  " * ind
        if isinstance(v, dict):
            inner = "\n".join(f"{pad}  {json.dumps(k) if ':' in k else k} = {hcl(x, ind + 1)}" for k, x in v.items())
            return "{\n" + inner + f"\n{pad}}}"
        if isinstance(v, list):
            return "[" + ", ".join(hcl(x, ind) for x in v) + "]"
        return json.dumps(v)

    heredoc = json.dumps(inline, indent=2).replace("\n", "\n    ")
    with open(os.path.join(tf, "main.tf"), "w") as f:
        f.write(f'''resource "aws_iam_role" "app" {{
  name               = var.name
  assume_role_policy = jsonencode({hcl(trust, 1)})
}}

resource "aws_iam_policy" "app" {{
  name   = "${{var.name}}-app"
  policy = jsonencode({hcl(managed, 1)})
}}

resource "aws_iam_role_policy_attachment" "app" {{
  role       = aws_iam_role.app.name
  policy_arn = aws_iam_policy.app.arn
}}

resource "aws_iam_role_policy" "logs" {{
  role   = aws_iam_role.app.id
  policy = <<-EOF
    {heredoc}
  EOF
}}

resource "aws_iam_policy" "tables" {{
  name   = "${{var.name}}-tables"
  policy = data.aws_iam_policy_document.tables.json
}}
''')
    st = document["Statement"]
    with open(os.path.join(tf, "policies.tf"), "w") as f:
        f.write(f'''data "aws_iam_policy_document" "tables" {{
  statement {{
    actions   = {json.dumps(st[0]["Action"])}
    resources = [{json.dumps(st[0]["Resource"])}]
  }}
  statement {{
    effect    = "Deny"
    actions   = [{json.dumps(st[1]["Action"])}]
    resources = ["*"]
  }}
}}
''')
    with open(os.path.join(tf, "variables.tf"), "w") as f:
        f.write(f'''variable "name" {{
  type    = string
  default = "app-{i}"
}}
''')
