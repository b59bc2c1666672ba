//! What deploying templates needs: per resource and handler, the actions and the resources
//! they act on; what is unknown, per resource.

use crate::curated::{Curated, RoleKind};
use crate::schema::{Handler, Schemas};
use crate::template::{
    self, fill_format, is_arn, Origin, Pat, Pseudo, Resolver, Resource, Seg, Template,
};
use crate::DeployError;
use iamlint_catalog::{Catalog, ResourceTypeId};
use iamlint_policy::Vars;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The SAM transform.
pub const SAM_TRANSFORM: &str = "AWS::Serverless-2016-10-31";
/// Transforms whose output is the template's own resources (as far as permissions go).
const KNOWN_TRANSFORMS: &[&str] = &[SAM_TRANSFORM, "AWS::LanguageExtensions"];
const MAX_NESTING: usize = 8;

/// Options of a plan.
#[derive(Clone, Debug)]
pub struct Options {
    /// The stack operations: handlers `create`, `update`, `delete` (and `read`, `list`).
    pub operations: Vec<Handler>,
    /// `--var NAME=VALUE`: template parameters and pseudo parameters.
    pub vars: Vars,
    pub max_file_size: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            operations: vec![Handler::Create, Handler::Update, Handler::Delete],
            vars: Vars::new(),
            max_file_size: 10 * 1024 * 1024,
        }
    }
}

/// Why a need has the resources it has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Why {
    /// Actions on the stack itself.
    Stack,
    /// `cloudformation:CreateChangeSet` on a transform.
    Transform,
    /// `iam:PassRole` on the roles the resource passes.
    PassRole,
    /// Invoking a custom resource's service token.
    Invoke,
    /// The resource's own ARN (and ARN patterns of the other resource types the action
    /// takes).
    Own,
    /// The action takes resource types the template does not create: their ARN formats.
    OtherTypes,
    /// The action has no resource types: `*` is all it supports.
    StarOnly,
    /// A wildcard action as the schema writes it.
    Wildcard,
}

/// One thing a deployment needs.
#[derive(Clone, Debug)]
pub struct Need {
    pub template: usize,
    /// `None`: the stack itself.
    pub resource: Option<usize>,
    pub handler: Handler,
    /// Canonical action names (or a schema's wildcard pattern), sorted.
    pub actions: Vec<String>,
    /// Sorted, deduplicated.
    pub resources: Vec<Pat>,
    pub why: Why,
}

/// A remark about a resource (or a template when `resource` is `None`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Remark {
    pub template: usize,
    pub resource: Option<usize>,
    /// The deployment may need permissions that the policy does not hold.
    pub unknown: bool,
    pub message: String,
}

/// The result.
#[derive(Clone, Debug)]
pub struct Plan {
    pub templates: Vec<Template>,
    pub needs: Vec<Need>,
    pub remarks: Vec<Remark>,
}

impl Plan {
    /// Whether everything the templates need is known.
    pub fn is_complete(&self) -> bool {
        !self.remarks.iter().any(|r| r.unknown)
    }

    /// `` `Id` (`AWS::Type`) `` for messages, or `the stack` / `the stack of NAME`.
    pub fn subject(&self, template: usize, resource: Option<usize>) -> String {
        let Some(t) = self.templates.get(template) else {
            return "the stack".into();
        };
        match resource.and_then(|r| t.resources.get(r)) {
            Some(r) => format!("`{}` (`{}`)", r.logical_id, r.type_name),
            None => format!("the stack of `{}`", t.source.name),
        }
    }
}

struct Planner<'a> {
    catalog: &'a Catalog,
    schemas: &'a Schemas<'a>,
    curated: &'a Curated,
    opts: &'a Options,
    templates: Vec<Template>,
    needs: Vec<Need>,
    remarks: Vec<Remark>,
}

/// Plan the deployment of the templates at `paths` (nested stacks whose `TemplateURL` is a
/// local file are read too).
///
/// # Errors
/// [`DeployError`] when a root template cannot be read or parsed.
pub fn plan_files(
    catalog: &Catalog,
    schemas: &Schemas<'_>,
    curated: &Curated,
    paths: &[PathBuf],
    opts: &Options,
) -> Result<Plan, DeployError> {
    let mut roots = Vec::new();
    for p in paths {
        roots.push(template::load(p, opts.max_file_size)?);
    }
    Ok(plan(catalog, schemas, curated, roots, opts))
}

/// Plan the deployment of already parsed root templates.
pub fn plan(
    catalog: &Catalog,
    schemas: &Schemas<'_>,
    curated: &Curated,
    roots: Vec<Template>,
    opts: &Options,
) -> Plan {
    let mut p = Planner {
        catalog,
        schemas,
        curated,
        opts,
        templates: roots,
        needs: Vec::new(),
        remarks: Vec::new(),
    };
    let mut i = 0;
    while i < p.templates.len() {
        p.template(i);
        i += 1;
    }
    p.needs.sort_by(|a, b| {
        (a.template, a.resource, a.handler, a.why).cmp(&(b.template, b.resource, b.handler, b.why))
    });
    p.remarks.sort();
    p.remarks.dedup();
    Plan {
        templates: p.templates,
        needs: p.needs,
        remarks: p.remarks,
    }
}

fn depth(templates: &[Template], mut t: usize) -> usize {
    let mut d = 0;
    while let Some((parent, _)) = templates.get(t).and_then(|x| x.parent) {
        t = parent;
        d += 1;
    }
    d
}

impl Planner<'_> {
    fn remark(&mut self, template: usize, resource: Option<usize>, unknown: bool, m: String) {
        self.remarks.push(Remark {
            template,
            resource,
            unknown,
            message: m,
        });
    }

    fn ops(&self) -> Vec<Handler> {
        self.opts.operations.clone()
    }

    fn template(&mut self, ti: usize) {
        let transforms = self.templates[ti].transforms.clone();
        let mut sam = false;
        for (name, _) in &transforms {
            if name == SAM_TRANSFORM {
                sam = true;
            }
            if !KNOWN_TRANSFORMS.contains(&name.as_str()) {
                self.remark(ti, None, true, format!(
                    "the macro `{name}` rewrites the template before deployment: what it creates, and so what deploying it needs, is unknown"
                ));
            }
            let pat = Pat(vec![
                Seg::Lit("arn:".into()),
                Seg::Pseudo(Pseudo::Partition),
                Seg::Lit(":cloudformation:".into()),
                Seg::Pseudo(Pseudo::Region),
                Seg::Lit(format!(
                    ":aws:transform/{}",
                    name.trim_start_matches("AWS::")
                )),
            ]);
            for op in self.ops() {
                if matches!(op, Handler::Create | Handler::Update) {
                    self.needs.push(Need {
                        template: ti,
                        resource: None,
                        handler: op,
                        actions: self.curated.stack.transform_actions.clone(),
                        resources: vec![pat.clone()],
                        why: Why::Transform,
                    });
                }
            }
        }
        if sam {
            self.expand_sam(ti);
        }
        if self.templates[ti].parent.is_none() {
            self.stack(ti);
        }
        for ri in 0..self.templates[ti].resources.len() {
            self.resource(ti, ri);
        }
    }

    fn expand_sam(&mut self, ti: usize) {
        let n = self.templates[ti].resources.len();
        for ri in 0..n {
            let r = self.templates[ti].resources[ri].clone();
            if !r.type_name.starts_with("AWS::Serverless::") {
                continue;
            }
            let Some(s) = self.curated.sam(&r.type_name) else {
                self.remark(
                    ti,
                    Some(ri),
                    true,
                    format!(
                        "what the SAM transform generates for `{}` is not known to iamlint",
                        r.type_name
                    ),
                );
                continue;
            };
            let used: Vec<&String> = s
                .optional
                .iter()
                .filter(|o| r.properties.as_ref().and_then(|p| p.get(o)).is_some())
                .collect();
            if !used.is_empty() {
                self.remark(ti, Some(ri), true, format!(
                    "the SAM transform generates more resources for {} of `{}`: they are not modelled",
                    used.iter().map(|u| format!("`{u}`")).collect::<Vec<_>>().join(", "),
                    r.type_name
                ));
            }
            let has_role = s
                .role_property
                .as_ref()
                .is_some_and(|p| r.properties.as_ref().and_then(|x| x.get(p)).is_some());
            let role_id = format!("{}Role", r.logical_id);
            let mut generated: Vec<Resource> = Vec::new();
            if !has_role {
                for g in &s.generates_without_role {
                    generated.push(Resource {
                        logical_id: role_id.clone(),
                        key_span: r.key_span,
                        type_name: g.clone(),
                        properties: None,
                        deletion_policy: None,
                        origin: Origin::Sam { parent: ri },
                        generated_role: None,
                    });
                }
            }
            for g in &s.generates {
                generated.push(Resource {
                    logical_id: r.logical_id.clone(),
                    key_span: r.key_span,
                    type_name: g.clone(),
                    properties: r.properties.clone(),
                    deletion_policy: r.deletion_policy.clone(),
                    origin: Origin::Sam { parent: ri },
                    generated_role: (!has_role && !s.generates_without_role.is_empty())
                        .then(|| role_id.clone()),
                });
            }
            self.templates[ti].resources.extend(generated);
        }
    }

    /// Actions on the stack itself.
    fn stack(&mut self, ti: usize) {
        let stack_pat = {
            let t = &self.templates[ti];
            let mut p = Pat(vec![
                Seg::Lit("arn:".into()),
                Seg::Pseudo(Pseudo::Partition),
                Seg::Lit(":cloudformation:".into()),
            ]);
            let r = Resolver {
                catalog: self.catalog,
                schemas: self.schemas,
                template: t,
                vars: &self.opts.vars,
            };
            let region = r
                .resolve(&lit_ref("AWS::Region"))
                .unwrap_or_else(|_| Pat::any());
            let account = r
                .resolve(&lit_ref("AWS::AccountId"))
                .unwrap_or_else(|_| Pat::any());
            p.extend(region);
            p.push(Seg::Lit(":".into()));
            p.extend(account);
            p.push(Seg::Lit(":stack/".into()));
            p.extend(
                r.resolve(&lit_ref("AWS::StackName"))
                    .unwrap_or_else(|_| Pat::any()),
            );
            p.push(Seg::Lit("/".into()));
            p.push(Seg::Any);
            p
        };
        let own = self
            .catalog
            .service_by_prefix("cloudformation")
            .and_then(|s| self.catalog.resource_type_by_name(s, "stack"));
        for op in self.ops() {
            let actions = match op {
                Handler::Create => self.curated.stack.create.clone(),
                Handler::Update => self.curated.stack.update.clone(),
                Handler::Delete => self.curated.stack.delete.clone(),
                _ => continue,
            };
            let mut groups: BTreeMap<(Vec<Pat>, Why), Vec<String>> = BTreeMap::new();
            for a in &actions {
                let Some((name, pats, why)) =
                    self.scope_action(a, own, std::slice::from_ref(&stack_pat))
                else {
                    continue;
                };
                let why = if why == Why::Own { Why::Stack } else { why };
                groups.entry((pats, why)).or_default().push(name);
            }
            self.push_groups(ti, None, op, groups);
        }
    }

    fn push_groups(
        &mut self,
        ti: usize,
        ri: Option<usize>,
        op: Handler,
        groups: BTreeMap<(Vec<Pat>, Why), Vec<String>>,
    ) {
        for ((resources, why), mut actions) in groups {
            actions.sort_by_key(|a| a.to_ascii_lowercase());
            actions.dedup();
            self.needs.push(Need {
                template: ti,
                resource: ri,
                handler: op,
                actions,
                resources,
                why,
            });
        }
    }

    /// The resources an action needs: the resource's own patterns for its own type, the
    /// ARN formats of the other types it takes, `*` when it takes none. `None` for an
    /// action the catalog does not know.
    fn scope_action(
        &self,
        action: &str,
        own: Option<ResourceTypeId>,
        own_pats: &[Pat],
    ) -> Option<(String, Vec<Pat>, Why)> {
        if iamlint_matcher::has_wildcard(action) {
            return crate::known_action(self.catalog, action)
                .then(|| (action.to_string(), vec![Pat::any()], Why::Wildcard));
        }
        let a = self.catalog.find_action(action)?;
        let name = self.catalog.action_full_name(a);
        let types: Vec<(ResourceTypeId, bool)> = self
            .catalog
            .action_resources(a)
            .map(|r| (r.resource_type, r.required))
            .collect();
        if types.is_empty() {
            return Some((name, vec![Pat::any()], Why::StarOnly));
        }
        let own_listed =
            own.is_some_and(|o| types.iter().any(|(t, _)| *t == o)) && !own_pats.is_empty();
        // When the action takes the resource's own type and requires none, a request names
        // one resource of the listed types: for this resource's handler, the resource itself
        // (`lambda:TagResource` on the function, not on every taggable Lambda type). When it
        // requires types, a request names one of each, and may name the optional ones too.
        let any_required = types.iter().any(|(_, r)| *r);
        let mut pats = Vec::new();
        let mut why = Why::OtherTypes;
        for (t, _) in types {
            if own_listed && Some(t) == own {
                pats.extend(own_pats.iter().cloned());
                why = Why::Own;
            } else if own_listed && !any_required {
                continue;
            } else {
                for f in self.catalog.resource_type_arn_formats(t) {
                    pats.push(fill_format(f, |v| {
                        if v == "Partition" {
                            Pat(vec![Seg::Pseudo(Pseudo::Partition)])
                        } else {
                            Pat::any()
                        }
                    }));
                }
            }
        }
        pats.sort();
        pats.dedup();
        Some((name, pats, why))
    }

    fn own_type(&self, type_name: &str) -> Option<ResourceTypeId> {
        let (svc, rt) = self.schemas.get(type_name)?.iam_type()?;
        let s = self.catalog.service_by_prefix(svc)?;
        self.catalog.resource_type_by_name(s, rt)
    }

    fn resource(&mut self, ti: usize, ri: usize) {
        let r = self.templates[ti].resources[ri].clone();
        let loc = match r.origin {
            Origin::Template => ri,
            Origin::Sam { parent } => parent,
        };
        if r.type_name.starts_with("AWS::Serverless::") && r.origin == Origin::Template {
            return; // its generated resources stand for it (or a remark says why not)
        }
        if r.type_name == "AWS::CloudFormation::CustomResource"
            || r.type_name.starts_with("Custom::")
        {
            self.custom(ti, ri, &r);
            return;
        }
        let Some(info) = self.schemas.get(&r.type_name) else {
            let why = if r.type_name.starts_with("AWS::") || r.type_name.starts_with("Alexa::") {
                "is not among the resource types iamlint knows (imported from the cfn-lint schemas; docs/deployment-role.md)"
            } else {
                "is a third-party or private type: its handlers' permissions are not published with the AWS schemas"
            };
            self.remark(ti, Some(loc), true, format!("`{}` {why}", r.type_name));
            return;
        };
        if !info.has_permissions() {
            self.remark(ti, Some(loc), true, format!(
                "the schema of `{}` documents no handler permissions: what deploying it needs is unknown",
                r.type_name
            ));
            return;
        }
        let own = self.own_type(&r.type_name);
        let own_pats = {
            let res = self.resolver(ti);
            res.arns_of(&r).unwrap_or_default()
        };
        let mut unknown_actions: Vec<String> = Vec::new();
        let mut passes_role = false;
        for op in self.ops() {
            if op == Handler::Delete
                && matches!(
                    r.deletion_policy.as_deref(),
                    Some("Retain" | "RetainExceptOnCreate")
                )
            {
                self.remark(ti, Some(loc), false, format!(
                    "`DeletionPolicy: {}`: deleting the stack leaves `{}` in place, so its delete handler's permissions are left out",
                    r.deletion_policy.as_deref().unwrap_or_default(), r.logical_id
                ));
                continue;
            }
            let Some(perms) = info.permissions(op) else {
                if op == Handler::Update {
                    self.remark(ti, Some(loc), false, format!(
                        "`{}` has no update handler: any change replaces it, which its create and delete handlers cover",
                        r.type_name
                    ));
                }
                continue;
            };
            let mut groups: BTreeMap<(Vec<Pat>, Why), Vec<String>> = BTreeMap::new();
            for a in perms {
                if a.eq_ignore_ascii_case("iam:PassRole") {
                    passes_role = true;
                    continue;
                }
                match self.scope_action(a, own, &own_pats) {
                    Some((name, pats, why)) => groups.entry((pats, why)).or_default().push(name),
                    None => unknown_actions.push(a.to_string()),
                }
            }
            self.push_groups(ti, Some(ri), op, groups);
        }
        unknown_actions.sort();
        unknown_actions.dedup();
        if !unknown_actions.is_empty() {
            self.remark(ti, Some(loc), false, format!(
                "the handlers of `{}` name {} that the catalog does not know (not IAM actions, or newer than the catalog): left out of the policy",
                r.type_name,
                unknown_actions.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
            ));
        }
        self.pass_roles(ti, ri, loc, &r, passes_role);
        if r.type_name == "AWS::CloudFormation::Stack" {
            self.nested(ti, ri, &r);
        }
    }

    fn resolver(&self, ti: usize) -> Resolver<'_> {
        Resolver {
            catalog: self.catalog,
            schemas: self.schemas,
            template: &self.templates[ti],
            vars: &self.opts.vars,
        }
    }

    fn custom(&mut self, ti: usize, ri: usize, r: &Resource) {
        let token = r.properties.as_ref().and_then(|p| p.get("ServiceToken"));
        let resolved = token.map(|t| self.resolver(ti).resolve(t));
        let (action, pat) = match resolved {
            Some(Ok(p)) => {
                let sns =
                    p.0.iter()
                        .any(|s| matches!(s, Seg::Lit(l) if l.contains(":sns:")));
                (
                    if sns {
                        "sns:Publish"
                    } else {
                        "lambda:InvokeFunction"
                    },
                    p,
                )
            }
            Some(Err(why)) => {
                self.remark(ti, Some(ri), true, format!(
                    "custom resource: its `ServiceToken` cannot be resolved ({why}), so the permission to invoke it is left out"
                ));
                return;
            }
            None => {
                self.remark(
                    ti,
                    Some(ri),
                    true,
                    "custom resource without a `ServiceToken`".into(),
                );
                return;
            }
        };
        self.remark(ti, Some(ri), true, format!(
            "custom resource: CloudFormation invokes its `ServiceToken` (`{action}` is granted); what the handler behind it does is not known to iamlint"
        ));
        for op in self.ops() {
            if matches!(op, Handler::Create | Handler::Update | Handler::Delete) {
                self.needs.push(Need {
                    template: ti,
                    resource: Some(ri),
                    handler: op,
                    actions: vec![action.to_string()],
                    resources: vec![pat.clone()],
                    why: Why::Invoke,
                });
            }
        }
    }

    /// `iam:PassRole` on every role the resource passes.
    fn pass_roles(&mut self, ti: usize, ri: usize, loc: usize, r: &Resource, handler_passes: bool) {
        let ops: Vec<Handler> = self
            .ops()
            .into_iter()
            .filter(|o| matches!(o, Handler::Create | Handler::Update))
            .collect();
        if ops.is_empty() {
            return;
        }
        let Some(info) = self.schemas.get(&r.type_name) else {
            return;
        };
        let mut props: Vec<(String, RoleKind)> = info
            .role_properties()
            .map(|p| (p.to_string(), RoleKind::RoleArn))
            .collect();
        let curated: Vec<(String, RoleKind)> = self
            .curated
            .passed_role
            .iter()
            .filter(|c| c.type_name == r.type_name)
            .map(|c| (c.property.clone(), c.kind))
            .collect();
        let known_props = !props.is_empty() || !curated.is_empty();
        props.extend(curated);
        let mut roles: Vec<Pat> = Vec::new();
        let mut unresolved: Vec<String> = Vec::new();
        if let Some(role_id) = &r.generated_role {
            let res = self.resolver(ti);
            let gen = Resource {
                logical_id: role_id.clone(),
                type_name: "AWS::IAM::Role".into(),
                properties: None,
                ..r.clone()
            };
            roles.extend(res.arns_of(&gen).unwrap_or_default());
        }
        if let Some(p) = &r.properties {
            let res = self.resolver(ti);
            for (path, kind) in &props {
                for node in res.nodes_at(p, path) {
                    match role_values(&res, node, *kind) {
                        Ok(v) => roles.extend(v),
                        Err(why) => unresolved.push(format!("`{path}`: {why}")),
                    }
                }
            }
        }
        if handler_passes && !known_props && r.generated_role.is_none() {
            self.remark(ti, Some(loc), false, format!(
                "the handlers of `{}` call `iam:PassRole`, but which property holds the role is not known to iamlint: if this resource passes a role, grant `iam:PassRole` on it",
                r.type_name
            ));
        }
        for u in unresolved {
            self.remark(
                ti,
                Some(loc),
                true,
                format!(
                    "passes a role iamlint cannot resolve ({u}): `iam:PassRole` on it is left out"
                ),
            );
        }
        roles.sort();
        roles.dedup();
        if roles.is_empty() {
            return;
        }
        for op in ops {
            self.needs.push(Need {
                template: ti,
                resource: Some(ri),
                handler: op,
                actions: vec!["iam:PassRole".into()],
                resources: roles.clone(),
                why: Why::PassRole,
            });
        }
    }

    fn nested(&mut self, ti: usize, ri: usize, r: &Resource) {
        let url = r.properties.as_ref().and_then(|p| p.get("TemplateURL"));
        let resolved = url.map(|u| self.resolver(ti).resolve(u));
        let Some(Ok(p)) = resolved else {
            self.remark(
                ti,
                Some(ri),
                true,
                "nested stack whose `TemplateURL` cannot be resolved: its resources are unknown"
                    .into(),
            );
            return;
        };
        let url = p.as_lit().unwrap_or_default().to_string();
        let remote = url.contains("://") || url.is_empty();
        let base = self.templates[ti]
            .path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let path = base.join(&url);
        if remote || !path.is_file() {
            let what = if url.is_empty() {
                "the nested stack's `TemplateURL` is computed (`!Sub`, `!Join`, a parameter)"
                    .to_string()
            } else {
                format!("nested stack `{url}` is not a local file")
            };
            self.remark(ti, Some(ri), true, format!(
                "{what}: its resources are unknown (give the template as a local path to include it)"
            ));
            return;
        }
        if depth(&self.templates, ti) >= MAX_NESTING {
            self.remark(
                ti,
                Some(ri),
                true,
                "nested stacks deeper than 8 levels are not followed".into(),
            );
            return;
        }
        let mut child = match template::load(&path, self.opts.max_file_size) {
            Ok(c) => c,
            Err(e) => {
                self.remark(ti, Some(ri), true, format!("nested stack: {e}"));
                return;
            }
        };
        let res = self.resolver(ti);
        let mut name = self.templates[ti].stack_name.clone();
        name.push(Seg::Lit(format!("-{}-", r.logical_id)));
        name.push(Seg::Any);
        child.stack_name = name;
        if let Some(params) = r
            .properties
            .as_ref()
            .and_then(|p| p.get("Parameters"))
            .and_then(|p| p.as_map())
        {
            for e in params {
                child
                    .parameter_values
                    .insert(e.key.clone(), res.resolve(&e.value));
            }
        }
        child.parent = Some((ti, ri));
        self.templates.push(child);
    }
}

fn lit_ref(name: &str) -> iamlint_syntax::Node {
    iamlint_syntax::Node {
        span: iamlint_syntax::Span::default(),
        tag: Some(Box::new(iamlint_syntax::Tag {
            name: "Ref".into(),
            span: iamlint_syntax::Span::default(),
        })),
        value: iamlint_syntax::Value::String(name.into(), iamlint_syntax::ScalarStyle::Plain),
    }
}

/// The role ARNs a role property's value names.
fn role_values(
    res: &Resolver<'_>,
    node: &iamlint_syntax::Node,
    kind: RoleKind,
) -> Result<Vec<Pat>, String> {
    // a reference to a resource of the template: its roles
    if let Some(target) = referenced_resource(node) {
        if let Some(t) = res.resource(&target) {
            match t.type_name.as_str() {
                "AWS::IAM::Role" => return res.arns_of(t),
                "AWS::IAM::InstanceProfile" => {
                    let mut out = Vec::new();
                    if let Some(p) = &t.properties {
                        for n in res.nodes_at(p, "Roles/*") {
                            out.extend(role_values(res, n, RoleKind::RoleName)?);
                        }
                    }
                    return Ok(out);
                }
                _ => {}
            }
        }
    }
    let p = res.resolve(node)?;
    if kind == RoleKind::InstanceProfile {
        return Err(format!(
            "the instance profile `{}` is not in the template, so its roles are unknown",
            crate::render::json_text(&p)
        ));
    }
    if is_arn(&p) || (kind == RoleKind::RoleArn && matches!(p.0.as_slice(), [Seg::Param(_)])) {
        return Ok(vec![p]);
    }
    // a role name
    let mut arn = Pat(vec![
        Seg::Lit("arn:".into()),
        Seg::Pseudo(Pseudo::Partition),
        Seg::Lit(":iam::".into()),
    ]);
    arn.extend(
        res.resolve(&lit_ref("AWS::AccountId"))
            .unwrap_or_else(|_| Pat::any()),
    );
    arn.push(Seg::Lit(":role/".into()));
    arn.extend(p);
    Ok(vec![arn])
}

/// `!Ref X`, `!GetAtt X.Arn`, `!Sub ${X.Arn}`: `X`.
fn referenced_resource(node: &iamlint_syntax::Node) -> Option<String> {
    let (name, arg) = iamlint_policy::text::intrinsic(node)?;
    let arg = arg.node();
    match name.as_str() {
        "Ref" => arg.as_str().map(str::to_string),
        "Fn::GetAtt" => match &arg.value {
            iamlint_syntax::Value::String(s, _) => s.split('.').next().map(str::to_string),
            iamlint_syntax::Value::Seq(items) => items.first()?.as_str().map(str::to_string),
            _ => None,
        },
        "Fn::Sub" => {
            let s = arg.as_str()?.trim();
            let inner = s.strip_prefix("${")?.strip_suffix('}')?;
            (!inner.contains("${")).then(|| inner.split('.').next().unwrap_or(inner).to_string())
        }
        _ => None,
    }
}
