//! The fake's clock: wall time plus an offset, or a frozen instant.

use std::{
    fmt,
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use tokio::sync::watch;

/// The time the fake goes by for URL expiry, upload processing and rate-limit
/// windows.
///
/// Cheap to clone: clones share one setting, so a test keeps a handle
/// ([`FakeVideoGen::clock`](crate::FakeVideoGen::clock)) and moves time
/// forward instead of sleeping:
///
/// ```
/// # use std::time::Duration;
/// let clock = videogen_fake::Clock::system();
/// let before = clock.now();
/// clock.advance(Duration::from_secs(3600));
/// assert!(clock.now() >= before + Duration::from_secs(3600));
/// ```
///
/// Added latency and other real waits ([`Fault::Latency`](crate::Fault::Latency))
/// are not affected: only what the fake *decides* by the time is.
#[derive(Clone)]
pub struct Clock {
    mode: Arc<Mutex<Mode>>,
    /// Bumped on every move, so the webhook sender wakes when a test moves
    /// time instead of finding out at its next tick.
    moves: Arc<watch::Sender<u64>>,
}

#[derive(Clone, Copy, Debug)]
enum Mode {
    /// Wall time shifted by this many nanoseconds (may be negative).
    System { offset_nanos: i128 },
    /// A fixed instant that moves only when told.
    Frozen { at: SystemTime },
}

impl Clock {
    /// Wall-clock time, shifted by whatever [`advance`](Self::advance),
    /// [`rewind`](Self::rewind) and [`set`](Self::set) add up to. The default.
    pub fn system() -> Clock {
        Clock::with_mode(Mode::System { offset_nanos: 0 })
    }

    /// A clock stopped at `at`: time passes only through
    /// [`advance`](Self::advance) and [`set`](Self::set).
    pub fn frozen(at: SystemTime) -> Clock {
        Clock::with_mode(Mode::Frozen { at })
    }

    fn with_mode(mode: Mode) -> Clock {
        Clock {
            mode: Arc::new(Mutex::new(mode)),
            moves: Arc::new(watch::channel(0).0),
        }
    }

    /// Wakes on every move of this clock (and its clones).
    pub(crate) fn moves(&self) -> watch::Receiver<u64> {
        self.moves.subscribe()
    }

    /// True when time passes only when told.
    pub(crate) fn is_frozen(&self) -> bool {
        matches!(*self.mode(), Mode::Frozen { .. })
    }

    fn moved(&self) {
        self.moves.send_modify(|n| *n = n.wrapping_add(1));
    }

    fn mode(&self) -> std::sync::MutexGuard<'_, Mode> {
        self.mode.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The fake's current time.
    pub fn now(&self) -> SystemTime {
        match *self.mode() {
            Mode::System { offset_nanos } => shift(SystemTime::now(), offset_nanos),
            Mode::Frozen { at } => at,
        }
    }

    /// The current time in whole Unix seconds.
    pub fn unix_seconds(&self) -> u64 {
        unix_seconds(self.now())
    }

    /// Moves time forward.
    pub fn advance(&self, by: Duration) {
        self.shift_by(by.as_nanos() as i128);
    }

    /// Moves time backward.
    pub fn rewind(&self, by: Duration) {
        self.shift_by(-(by.as_nanos() as i128));
    }

    /// Jumps to `at` (the wall clock keeps running from there unless frozen).
    pub fn set(&self, at: SystemTime) {
        {
            let mut mode = self.mode();
            *mode = match *mode {
                Mode::System { .. } => Mode::System {
                    offset_nanos: nanos_between(SystemTime::now(), at),
                },
                Mode::Frozen { .. } => Mode::Frozen { at },
            };
        }
        self.moved();
    }

    fn shift_by(&self, nanos: i128) {
        {
            let mut mode = self.mode();
            *mode = match *mode {
                Mode::System { offset_nanos } => Mode::System {
                    offset_nanos: offset_nanos + nanos,
                },
                Mode::Frozen { at } => Mode::Frozen { at: shift(at, nanos) },
            };
        }
        self.moved();
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::system()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = *self.mode();
        f.debug_struct("Clock")
            .field("mode", &mode)
            .field("now", &self.now())
            .finish()
    }
}

fn shift(time: SystemTime, nanos: i128) -> SystemTime {
    let by = Duration::from_nanos(nanos.unsigned_abs().min(u64::MAX as u128) as u64);
    if nanos >= 0 {
        time + by
    } else {
        time.checked_sub(by).unwrap_or(UNIX_EPOCH)
    }
}

fn nanos_between(from: SystemTime, to: SystemTime) -> i128 {
    match to.duration_since(from) {
        Ok(ahead) => ahead.as_nanos() as i128,
        Err(behind) => -(behind.duration().as_nanos() as i128),
    }
}

/// Whole Unix seconds of `time` (0 before the epoch).
pub(crate) fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Unix milliseconds of `time` (0 before the epoch): the precision of
/// signed-URL expiry, so a URL lives exactly its TTL by the fake's clock.
pub(crate) fn unix_millis(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frozen_clocks_move_only_when_told() {
        let start = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let clock = Clock::frozen(start);
        assert_eq!(clock.now(), start);
        clock.advance(Duration::from_secs(90));
        assert_eq!(clock.unix_seconds(), 1_800_000_090);
        clock.rewind(Duration::from_secs(30));
        assert_eq!(clock.unix_seconds(), 1_800_000_060);
        let shared = clock.clone();
        shared.set(start);
        assert_eq!(clock.now(), start, "clones share one setting");
    }

    #[test]
    fn system_clocks_keep_an_offset() {
        let clock = Clock::system();
        clock.advance(Duration::from_secs(7200));
        let ahead = clock.now().duration_since(SystemTime::now()).unwrap();
        assert!(
            ahead > Duration::from_secs(7190) && ahead <= Duration::from_secs(7200),
            "{ahead:?}"
        );
        let target = UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        clock.set(target);
        let drift = clock.now().duration_since(target).unwrap();
        assert!(drift < Duration::from_secs(60), "{drift:?}");
    }
}
