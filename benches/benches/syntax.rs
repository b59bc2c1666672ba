//! Loader throughput: a generated large CloudFormation template (YAML and JSON) and a large
//! JSON policy; plus the biggest real files from ../shared/corpus when present.

use iamlint_syntax::{parse_json, parse_yaml, Limits};

fn main() {
    divan::main();
}

/// A CloudFormation template with `roles` IAM roles, each with an inline policy using short
/// form tags, flow and block collections.
fn cfn_yaml(roles: usize) -> String {
    let mut s = String::from("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n");
    for i in 0..roles {
        s.push_str(&format!(
            "  Role{i}:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub \"${{AWS::StackName}}-role-{i}\"
      AssumeRolePolicyDocument:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Principal: {{ Service: [lambda.amazonaws.com] }}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: !Join [\"-\", [!Ref Env, p{i}]]
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Sid: Read{i}
                Effect: Allow
                Action:
                  - s3:GetObject
                  - s3:ListBucket
                  - 'dynamodb:Query'
                Resource:
                  - !GetAtt Bucket{i}.Arn
                  - !Sub \"arn:${{AWS::Partition}}:s3:::bucket-{i}/*\"
                Condition:
                  StringEquals: {{ \"aws:RequestedRegion\": [us-east-1, eu-west-1] }}
"
        ));
    }
    s
}

/// A JSON policy with `statements` statements.
fn policy_json(statements: usize) -> String {
    let mut s = String::from("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n");
    for i in 0..statements {
        if i > 0 {
            s.push_str(",\n");
        }
        s.push_str(&format!(
            "    {{\"Sid\": \"S{i}\", \"Effect\": \"Allow\", \"Action\": [\"s3:Get*\", \"ec2:Describe*\", \"iam:List*\", \"kms:Decrypt\"], \"Resource\": [\"arn:aws:s3:::b{i}/*\", \"arn:aws:kms:us-east-1:123456789012:key/{i}\"], \"Condition\": {{\"StringEquals\": {{\"aws:PrincipalTag/team\": \"t\\u00e9am{i}\"}}}}}}"
        ));
    }
    s.push_str("\n  ]\n}\n");
    s
}

#[divan::bench(args = [100, 1000])]
fn yaml_cfn_template(bencher: divan::Bencher<'_, '_>, roles: usize) {
    let src = cfn_yaml(roles);
    bencher
        .counter(divan::counter::BytesCount::new(src.len()))
        .bench(|| parse_yaml(divan::black_box(&src), &Limits::default()));
}

#[divan::bench(args = [100, 1000])]
fn json_policy(bencher: divan::Bencher<'_, '_>, statements: usize) {
    let src = policy_json(statements);
    bencher
        .counter(divan::counter::BytesCount::new(src.len()))
        .bench(|| parse_json(divan::black_box(&src), &Limits::default()));
}

/// The biggest real files, when the shared corpus is on this machine.
#[divan::bench(args = ["cfn/sra__aws_sra_examples__easy_setup__templates__sra-easy-setup.yaml", "managed/ReadOnlyAccess.json"])]
fn corpus_file(bencher: divan::Bencher<'_, '_>, file: &str) {
    let path = std::env::var_os("IAMLINT_CORPUS")
        .map_or_else(
            || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
            std::path::PathBuf::from,
        )
        .join(file);
    let Ok(src) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} is absent", path.display());
        return;
    };
    let json = file.ends_with(".json");
    bencher
        .counter(divan::counter::BytesCount::new(src.len()))
        .bench(|| {
            if json {
                parse_json(divan::black_box(&src), &Limits::default())
            } else {
                parse_yaml(divan::black_box(&src), &Limits::default())
            }
        });
}

/// Hostile input: how fast the limits stop it.
#[divan::bench]
fn json_million_brackets(bencher: divan::Bencher<'_, '_>) {
    let src = "[".repeat(1_000_000);
    bencher.bench(|| parse_json(divan::black_box(&src), &Limits::default()));
}

#[divan::bench]
fn yaml_billion_laughs(bencher: divan::Bencher<'_, '_>) {
    let mut src = String::from("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..12 {
        let p = i - 1;
        src.push_str(&format!(
            "l{i}: &l{i} [*l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}]\n"
        ));
    }
    bencher.bench(|| parse_yaml(divan::black_box(&src), &Limits::default()));
}
