//! Waits register here by job id; `Client::deliver` wakes them when a
//! webhook says the job ended, so they look at once instead of at their next
//! interval.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use tokio::sync::Notify;

use super::Runtime;

#[derive(Default)]
pub(crate) struct Wakers {
    by_id: Mutex<HashMap<String, Vec<Arc<Notify>>>>,
}

impl Wakers {
    fn add(&self, ids: &[String], notify: &Arc<Notify>) {
        let mut map = self.by_id.lock().unwrap_or_else(|e| e.into_inner());
        for id in ids {
            map.entry(id.clone()).or_default().push(notify.clone());
        }
    }

    /// Wakes every wait on `id`; true when there was one.
    pub(crate) fn wake(&self, id: &str) -> bool {
        let map = self.by_id.lock().unwrap_or_else(|e| e.into_inner());
        let Some(waiting) = map.get(id) else { return false };
        for notify in waiting {
            // A permit for a waiter that is mid-poll, a wake for one asleep.
            notify.notify_one();
        }
        !waiting.is_empty()
    }
}

impl Runtime {
    /// Registers `notify` for `ids` until the returned guard drops.
    pub(crate) fn register_wait(&self, ids: Vec<String>, notify: Arc<Notify>) -> Registration {
        self.wakers.add(&ids, &notify);
        Registration {
            runtime: self.clone(),
            ids,
            notify,
        }
    }
}

/// Unregisters on drop (a finished or dropped wait).
pub(crate) struct Registration {
    runtime: Runtime,
    ids: Vec<String>,
    notify: Arc<Notify>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut map = self.runtime.wakers.by_id.lock().unwrap_or_else(|e| e.into_inner());
        for id in &self.ids {
            if let Some(list) = map.get_mut(id) {
                list.retain(|n| !Arc::ptr_eq(n, &self.notify));
                if list.is_empty() {
                    map.remove(id);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrations_are_woken_by_id_and_removed_on_drop() {
        let client = crate::Client::builder().api_key("k").build().unwrap();
        let runtime = &client.runtime;
        let notify = Arc::new(Notify::new());
        {
            let _guard = runtime.register_wait(vec!["a".to_owned(), "b".to_owned()], notify.clone());
            assert!(runtime.wakers.wake("a"));
            assert!(!runtime.wakers.wake("c"));
        }
        assert!(!runtime.wakers.wake("a"), "a dropped wait is no longer registered");
        assert!(runtime.wakers.by_id.lock().unwrap().is_empty());
    }
}
