//! Cursor paging shared by every paged list: items newest first, cursors
//! that name the list and the last item handed out, so pages stay
//! consistent while items are added.

use crate::store::Reject;

/// One page of a list.
#[derive(Debug)]
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    pub has_more: bool,
    pub next_cursor: Option<String>,
}

/// Pages `items` (pairs of an ever-growing sequence number and the item),
/// highest sequence first. `list` names the list in its cursors; a cursor
/// this server did not issue for this list answers 404 (the document allows
/// any string there, so it is not a malformed request).
pub(crate) fn page<T>(
    list: &str,
    items: impl IntoIterator<Item = (u64, T)>,
    limit: usize,
    cursor: Option<&str>,
) -> Result<Page<T>, Reject> {
    let after = match cursor {
        None => u64::MAX,
        Some(cursor) => decode(list, cursor).ok_or_else(|| {
            Reject::new(
                404,
                "invalid_cursor",
                format!("cursor {cursor:?} was not issued by this server for this list"),
            )
        })?,
    };
    let mut visible: Vec<(u64, T)> = items.into_iter().filter(|(seq, _)| *seq < after).collect();
    visible.sort_by_key(|(seq, _)| std::cmp::Reverse(*seq));
    let has_more = visible.len() > limit;
    visible.truncate(limit);
    let next_cursor = match (has_more, visible.last()) {
        (true, Some((seq, _))) => Some(encode(list, *seq)),
        _ => None,
    };
    Ok(Page {
        items: visible.into_iter().map(|(_, item)| item).collect(),
        has_more,
        next_cursor,
    })
}

fn encode(list: &str, seq: u64) -> String {
    format!("cur_{list}_{seq:x}")
}

fn decode(list: &str, cursor: &str) -> Option<u64> {
    let hex = cursor.strip_prefix("cur_")?.strip_prefix(list)?.strip_prefix('_')?;
    u64::from_str_radix(hex, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_cursors_to_the_end() {
        let items: Vec<(u64, u64)> = (1..=5).map(|n| (n, n)).collect();
        let first = page("x", items.clone(), 2, None).unwrap();
        assert_eq!(first.items, [5, 4]);
        let second = page("x", items.clone(), 2, first.next_cursor.as_deref()).unwrap();
        assert_eq!(second.items, [3, 2]);
        let third = page("x", items.clone(), 2, second.next_cursor.as_deref()).unwrap();
        assert_eq!((third.items, third.has_more, third.next_cursor), (vec![1], false, None));
        assert_eq!(
            page("y", items.clone(), 2, first.next_cursor.as_deref())
                .unwrap_err()
                .status,
            404
        );
        assert_eq!(page("x", items, 2, Some("bogus")).unwrap_err().status, 404);
    }
}
