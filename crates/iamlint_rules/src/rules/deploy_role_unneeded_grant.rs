use crate::{declare_rule, FileContext, Rule, RuleInfo, Sink};
use iamlint_deploy::check::Kind;

declare_rule! {
    /// ## What it does
    /// Compares a deployment role with what all the CloudFormation templates it deploys
    /// need (docs/deployment-role.md) and reports, at the role's statement, every grant that
    /// no template needs: actions no resource's handlers call, or resources beyond the ones
    /// the templates create and pass. Each finding names a witness request, allowed by the
    /// role and needed by no template, as `iamlint diff` does.
    ///
    /// The rule runs with `iamlint check --deploy-role ROLE TEMPLATE...`, on the role, with
    /// every template given (a grant one template does not need may be what another
    /// needs). When some resource's needs are unknown (custom resources, third-party
    /// types), every finding is at most a warning that says so: the grant may be what it
    /// needs.
    ///
    /// ## Why is this bad?
    /// A deployment role is a powerful principal: it creates roles and passes them. A grant
    /// kept after the release that needed it is gone is privilege nobody reviews.
    ///
    /// ## Example
    /// A role for a template that holds one SQS queue (the first line below names the
    /// template to the documentation tests), with one statement too many:
    ///
    /// ```yaml expect_diagnostic
    /// # iamlint-test: option:deploy-role-unneeded-grant.role=this option:deploy-role-unneeded-grant.templates=../../fixtures/rules/deploy-role-unneeded-grant/queue.yaml
    /// Version: "2012-10-17"
    /// Statement:
    ///   - Sid: Stack
    ///     Effect: Allow
    ///     Action:
    ///       - cloudformation:CancelUpdateStack
    ///       - cloudformation:ContinueUpdateRollback
    ///       - cloudformation:CreateChangeSet
    ///       - cloudformation:CreateStack
    ///       - cloudformation:DeleteChangeSet
    ///       - cloudformation:DeleteStack
    ///       - cloudformation:DescribeChangeSet
    ///       - cloudformation:DescribeStackEvents
    ///       - cloudformation:DescribeStackResources
    ///       - cloudformation:DescribeStacks
    ///       - cloudformation:ExecuteChangeSet
    ///       - cloudformation:GetTemplate
    ///       - cloudformation:GetTemplateSummary
    ///       - cloudformation:ListChangeSets
    ///       - cloudformation:UpdateStack
    ///     Resource: "arn:*:cloudformation:*:*:stack/<StackName>/*"
    ///   - Sid: ActionsWithoutResourceTypes
    ///     Effect: Allow
    ///     Action: cloudformation:ValidateTemplate
    ///     Resource: "*"
    ///   - Sid: JobsQueue
    ///     Effect: Allow
    ///     Action:
    ///       - sqs:CreateQueue
    ///       - sqs:DeleteQueue
    ///       - sqs:GetQueueAttributes
    ///       - sqs:GetQueueUrl
    ///       - sqs:ListQueueTags
    ///       - sqs:SetQueueAttributes
    ///       - sqs:TagQueue
    ///       - sqs:UntagQueue
    ///     Resource: "arn:*:sqs:*:*:<StackName>-*"
    ///   - Sid: Leftover
    ///     Effect: Allow
    ///     Action: dynamodb:DeleteTable
    ///     Resource: "*"
    /// ```
    ///
    /// Use instead: the role `iamlint deploy-policy TEMPLATE...` writes, or remove the
    /// grants no template needs.
    ///
    /// The role, the templates of the run and the stack operations are an input of the
    /// check, loaded and compared once by the program (`--deploy-role ROLE`,
    /// `--deploy-operations OPS`); giving a role turns the rule on.
    pub DeployRoleUnneededGrant {
        code: "IAM603",
        name: "deploy-role-unneeded-grant",
        group: "least-privilege",
        severity: Warning,
        enabled: false,
        summary: "a grant of the deployment role given with `--deploy-role` that no template needs",
    }
}

impl Rule for DeployRoleUnneededGrant {
    fn info(&self) -> &'static RuleInfo {
        &Self::INFO
    }

    fn input(&self) -> Option<crate::RuleInput> {
        Some(crate::RuleInput::DeployRole)
    }

    fn check_file(&self, cx: &FileContext<'_>, sink: &mut Sink) {
        let Some(deploy) = cx.deploy_role else {
            return;
        };
        for f in deploy.findings(&cx.source.name, Kind::Unneeded) {
            sink.report(f.clone().help(
                "remove the grant, or write the role with `iamlint deploy-policy TEMPLATE...`",
            ));
        }
    }
}
