//! `cargo xtask drift`: our spec, the published document, the record and the
//! generated code must all agree.

use std::process::ExitCode;

use crate::{
    diff::{compare, Change},
    model::Contract,
    record::{self, Record, RECORD},
    regen, report,
    source::{self, Document, Located, PUBLISHED_DEFAULT, PUBLISHED_ENV},
    workspace_root,
};

const USAGE: &str = "usage: cargo xtask drift [--published PATH|URL] [--update-lock]";

struct Options {
    published: Option<String>,
    update_lock: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        published: None,
        update_lock: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--update-lock" => options.update_lock = true,
            "--published" => {
                let value = args
                    .next()
                    .ok_or_else(|| format!("--published needs a PATH or URL\n{USAGE}"))?;
                options.published = Some(value.clone());
            }
            other => return Err(format!("unexpected argument {other:?}\n{USAGE}")),
        }
    }
    Ok(options)
}

pub fn run(args: &[String]) -> Result<ExitCode, String> {
    let options = parse(args)?;
    let root = workspace_root();
    let published = match options.published {
        Some(source) => source::load(&source)?,
        None => load_default(&root)?,
    };
    let theirs = published.contract()?;
    let spec = source::load_spec(&root)?;
    let ours = spec.contract()?;

    heading(&format!("{} against {}", spec.label, describe(&published)));
    println!("published: {}", counts(&theirs));
    println!("ours:      {}", counts(&ours));
    let drift = compare(&ours, &theirs);
    print!("{}", report::render(&drift, &spec.label, &published.label));
    if !drift.is_empty() {
        println!(
            "\nTo reconcile: edit {} to match, run `cargo xtask regen`, then `cargo xtask drift --update-lock`.",
            spec.label
        );
    }

    if options.update_lock {
        if !drift.is_empty() {
            return Err(format!(
                "not updating {RECORD}: {} still differs from the published document",
                spec.label
            ));
        }
        record::write(&root, &record_of(&published, theirs.clone()))?;
        println!("wrote {RECORD}");
    }

    heading(&format!("{RECORD} against {}", published.label));
    let record_ok = check_record(&root, &published, &theirs, &drift);

    heading(&format!("{} against {}", regen::OUTPUT, regen::SPEC));
    let generated_ok = regen::run(&["--check".to_owned()])? == ExitCode::SUCCESS;

    let ok = drift.is_empty() && record_ok && generated_ok;
    println!("\n{}", if ok { "drift check passed" } else { "drift check FAILED" });
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// `VIDEOGEN_PUBLISHED_SPEC`, else the `../shared` copy beside the checkout.
fn load_default(root: &std::path::Path) -> Result<Document, String> {
    let (source, label) = match source::locate_published(root) {
        Located::Env(path) => (path.clone(), path),
        Located::Shared(path) | Located::Missing(path) => (path.display().to_string(), PUBLISHED_DEFAULT.to_owned()),
    };
    let mut published = source::load(&source).map_err(|e| {
        format!("{e}\n(choose the published document with --published PATH|URL or {PUBLISHED_ENV}=PATH)")
    })?;
    published.label = label;
    Ok(published)
}

/// The record as it should read for this published document.
pub fn record_of(published: &Document, contract: Contract) -> Record {
    Record {
        sha256: published.sha256.clone(),
        openapi: published.openapi(),
        contract,
    }
}

/// `spec_drift` is only used to avoid printing the same list twice.
fn check_record(root: &std::path::Path, published: &Document, theirs: &Contract, spec_drift: &[Change]) -> bool {
    let record = match record::read(root) {
        Ok(record) => record,
        Err(e) => {
            println!("{e}\n(once the spec agrees with the published document, write it with --update-lock)");
            return false;
        }
    };
    let changes = compare(&record.contract, theirs);
    if !changes.is_empty() && changes == spec_drift {
        println!(
            "the same {} difference(s): the vendor's contract moved since it was recorded",
            changes.len()
        );
        return false;
    }
    print!("{}", report::render(&changes, RECORD, &published.label));
    if !changes.is_empty() {
        if spec_drift.is_empty() {
            println!("\nThe spec already agrees with the document: `cargo xtask drift --update-lock` records it.");
        }
        return false;
    }
    if record.sha256 != published.sha256 {
        println!(
            "note: the document's bytes changed (sha256 {} -> {}) but not the covered structure; \
             `cargo xtask drift --update-lock` records the new hash",
            record.sha256, published.sha256
        );
    }
    true
}

fn describe(published: &Document) -> String {
    format!(
        "{} (OpenAPI {}, sha256 {})",
        published.label,
        published.openapi(),
        &published.sha256[..12],
    )
}

/// What a side holds, e.g. `55 operation(s) in 9 tag(s), 12 webhook(s), 86 schema(s)`.
fn counts(contract: &Contract) -> String {
    let tags: std::collections::BTreeSet<&String> = contract.operations.values().flat_map(|op| &op.tags).collect();
    let webhooks = match &contract.webhooks {
        Some(list) => format!("{} webhook(s)", list.len()),
        None => "no webhook list (payload schemas only)".to_owned(),
    };
    format!(
        "info.version {}, {} operation(s) in {} tag(s), {webhooks}, {} schema(s)",
        contract.info_version.as_deref().unwrap_or("?"),
        contract.operations.len(),
        tags.len(),
        contract.schemas.len()
    )
}

fn heading(text: &str) {
    println!("\n== {text}");
}
