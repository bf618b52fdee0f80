//! The README's per-handle tables list every operation once, with the retry
//! class the operation table (generated from the spec) gives it.

use std::collections::HashMap;

use videogen::{Idempotency, Operation};

#[test]
fn every_operation_is_in_the_readme_once_with_its_retry_class() {
    let readme = include_str!("../README.md");
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for line in readme.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split(" | ").collect();
        let (Some(operation), Some(class)) = (cells.get(1), cells.get(2)) else {
            continue;
        };
        let Some(id) = operation.strip_prefix('`').and_then(|o| o.split('`').next()) else {
            continue;
        };
        if !matches!(*class, "idempotent" | "creates") {
            continue;
        }
        assert!(seen.insert(id, class).is_none(), "{id} is listed twice");
    }
    for op in Operation::ALL {
        let info = op.info();
        let class = seen
            .remove(info.id)
            .unwrap_or_else(|| panic!("README has no row for {} ({} {})", info.id, info.method, info.path));
        let expected = match info.idempotency {
            Idempotency::Idempotent => "idempotent",
            _ => "creates",
        };
        assert_eq!(class, expected, "README gives {} the wrong retry class", info.id);
    }
    assert!(seen.is_empty(), "README rows for operations the spec lacks: {seen:?}");
}
