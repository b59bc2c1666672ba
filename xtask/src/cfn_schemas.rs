//! `cargo xtask cfn-schema-import --from DIR`: the CloudFormation resource provider
//! schemas of the `cfn-lint` PyPI package → `crates/iamlint_deploy/data/`.

use crate::{write, Error};
use iamlint_catalog::Catalog;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::path::Path;

pub fn import(from: &Path, date: String, data_dir: &Path) -> Result<(), Error> {
    let catalog = Catalog::embedded();
    let imported =
        iamlint_deploy::import::import(from, &catalog).map_err(|e| Error::msg(e.to_string()))?;
    let table_sha = format!("{:x}", Sha256::digest(imported.table.as_bytes()));
    let pairs = |v: &[(String, Vec<String>)]| -> Value {
        Value::Object(v.iter().map(|(k, list)| (k.clone(), json!(list))).collect())
    };
    let provenance = json!({
        "source": "cfn-lint (PyPI), cfnlint/data/schemas: CloudFormation resource provider schemas",
        "version": imported.version,
        "schemaDate": imported.schema_date,
        "importedAt": date,
        "licence": imported.licence,
        "sourceSha256": imported.source_sha256,
        "tableSha256": table_sha,
        "catalogVersion": catalog.provenance().version,
        "baseRegion": iamlint_deploy::import::BASE_REGION,
        "types": imported.types,
        "typesWithPermissions": imported.types_with_permissions,
        "regionsCompared": imported.regions,
        "regionDifferences": pairs(&imported.region_differences),
        "regionOnly": pairs(&imported.region_only),
        "actionsNotInCatalog": pairs(&imported.not_in_catalog),
    });
    write(&data_dir.join("cfn-resources.tsv"), &imported.table)?;
    write(
        &data_dir.join("cfn-provenance.json"),
        &crate::pretty(&provenance)?,
    )?;
    println!(
        "imported {} resource types ({} with handler permissions) from cfn-lint {}; {} handler actions are not in the catalog; {} types differ by region, {} are not in {}",
        imported.types,
        imported.types_with_permissions,
        imported.version.as_deref().unwrap_or("(unknown version)"),
        imported.not_in_catalog.len(),
        imported.region_differences.len(),
        imported.region_only.len(),
        iamlint_deploy::import::BASE_REGION,
    );
    Ok(())
}
