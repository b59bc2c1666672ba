use crate::{declare_rule, FileContext, Rule, RuleInfo, Sink};
use iamlint_deploy::check::Kind;

declare_rule! {
    /// ## What it does
    /// Compares a deployment role with what the CloudFormation template being checked needs
    /// to be created, updated and deleted (the resource types' handler permissions, the
    /// actions on the stack itself, `iam:PassRole` on the roles the template passes; see
    /// docs/deployment-role.md), and reports, at the resource that needs it, every
    /// permission the role does not grant: "deleting `DatasetsEfs`
    /// (`AWS::EFS::FileSystem`) needs `elasticfilesystem:DeleteFileSystem`". A need of a
    /// nested stack given as a local file is reported at the stack resource that nests it.
    /// A resource whose needs are unknown (a custom resource, a third-party type, a type
    /// whose schema documents no permissions, a macro) is reported as a warning: the role
    /// cannot be shown to be enough for it.
    ///
    /// The rule is off until a role is given: `iamlint check --deploy-role ROLE TEMPLATE...`,
    /// where `ROLE` is a policy file, a template holding the role (its identity policies
    /// count, its trust policy does not), or `builtin:NAME`. `--deploy-operations` chooses
    /// the stack operations (default `create,update,delete`); `--var NAME=VALUE` binds the
    /// template's parameters and pseudo parameters (`AWS::StackName`, `AWS::Region`). The
    /// comparison is `iamlint diff`'s: a missing grant confirmed with a witness request is
    /// an error, one that depends on unknown values is a warning that says "possibly".
    ///
    /// ## Why is this bad?
    /// A deployment with a role that lacks a handler's permission fails half-way: the stack
    /// rolls back, or is left in `UPDATE_ROLLBACK_FAILED` when the role cannot delete what
    /// it created. Vendors who publish a least-privileged role beside each release meet
    /// this when a release adds a resource type and the role is not updated with it.
    ///
    /// ## Example
    /// With a role that grants everything this template needs except
    /// `sqs:DeleteQueue` (the first line below names it to the documentation tests):
    ///
    /// ```yaml expect_diagnostic
    /// # iamlint-test: option:deploy-role-missing-permission.role=../../fixtures/rules/deploy-role-missing-permission/role-without-delete.json
    /// Resources:
    ///   JobsQueue:
    ///     Type: AWS::SQS::Queue
    /// ```
    ///
    /// Use instead: the role `iamlint deploy-policy TEMPLATE` writes, or add the missing
    /// grants (`iamlint deploy-policy --since OLD NEW` lists what a release adds).
    ///
    /// The role and the stack operations are an input of the check, loaded and compared
    /// once by the program (`--deploy-role ROLE`, `--deploy-operations OPS`); giving a role
    /// turns the rule on.
    pub DeployRoleMissingPermission {
        code: "IAM602",
        name: "deploy-role-missing-permission",
        group: "least-privilege",
        severity: Error,
        enabled: false,
        summary: "a permission the template needs to deploy that the deployment role given with `--deploy-role` does not grant",
    }
}

impl Rule for DeployRoleMissingPermission {
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
        for f in deploy.findings(&cx.source.name, Kind::Missing) {
            sink.report(f.clone().help(format!(
                "grant it in the deployment role, or write the role with `iamlint deploy-policy {}`",
                cx.source.name
            )));
        }
    }
}
