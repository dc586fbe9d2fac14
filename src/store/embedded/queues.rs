//! The embedded inbox's order of work, in memory: which group's job comes next, which are in
//! flight, which wait for their time. Rebuilt from the job table at start-up; redb holds
//! only the jobs themselves (and their delivery counts).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::Instant;

/// A job handed out and not yet committed.
#[derive(Debug, Clone, Copy)]
struct Lease {
    job: u64,
    until: Instant,
}

/// The in-memory index of the inbox.
#[derive(Debug, Default)]
pub(super) struct Queues {
    /// Per group, its ready job ids in order; the head may be in flight.
    groups: HashMap<String, VecDeque<u64>>,
    /// Groups whose head is ready and not in flight, in the order they became so.
    ready: VecDeque<String>,
    /// Groups whose head is in flight.
    in_flight: HashMap<String, Lease>,
    /// Jobs waiting for their time: (due unix ms, id) → group.
    delayed: BTreeMap<(u64, u64), String>,
    /// Ready jobs (in flight ones included).
    queued: u64,
}

impl Queues {
    /// Add ready job `id` at the end of `group`.
    pub(super) fn push(&mut self, group: &str, id: u64) {
        let jobs = self.groups.entry(group.to_string()).or_default();
        jobs.push_back(id);
        self.queued += 1;
        // A group with one job just became non-empty, and an empty group is never in flight.
        if jobs.len() == 1 {
            self.ready.push_back(group.to_string());
        }
    }

    /// Add job `id` of `group`, ready at unix ms `due`.
    pub(super) fn schedule(&mut self, group: &str, id: u64, due: u64) {
        self.delayed.insert((due, id), group.to_string());
    }

    /// Move delayed jobs whose time has come (by unix ms `now`) to their groups.
    pub(super) fn promote_due(&mut self, now: u64) {
        while let Some(entry) = self.delayed.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let ((_, id), group) = entry.remove_entry();
            self.push(&group, id);
        }
    }

    /// Groups whose holder's lease ran out by `now` are handed out again first.
    pub(super) fn reclaim_expired(&mut self, now: Instant) {
        let expired: Vec<String> = self
            .in_flight
            .iter()
            .filter(|(_, lease)| lease.until <= now)
            .map(|(group, _)| group.clone())
            .collect();
        for group in expired {
            self.in_flight.remove(&group);
            self.ready.push_front(group);
        }
    }

    /// Lease the head of the next ready group until `until`: (group, job id).
    pub(super) fn next(&mut self, until: Instant) -> Option<(String, u64)> {
        while let Some(group) = self.ready.pop_front() {
            let Some(&job) = self.groups.get(&group).and_then(|jobs| jobs.front()) else {
                continue;
            };
            self.in_flight.insert(group.clone(), Lease { job, until });
            return Some((group, job));
        }
        None
    }

    /// Job `id` of `group` is finished: drop it and free the group for its next job. A job
    /// that is not the group's head (already finished by another holder) changes nothing.
    pub(super) fn finish(&mut self, group: &str, id: u64) {
        let Some(jobs) = self.groups.get_mut(group) else {
            return;
        };
        if jobs.front() != Some(&id) {
            return;
        }
        jobs.pop_front();
        self.queued -= 1;
        let more = !jobs.is_empty();
        if !more {
            self.groups.remove(group);
        }
        if self.in_flight.get(group).is_some_and(|l| l.job == id) {
            self.in_flight.remove(group);
            if more {
                self.ready.push_back(group.to_string());
            }
        } else if more {
            // Finished by a holder whose lease had run out while nobody else held it: the
            // group is (still) listed as ready, its new head waits there.
        } else {
            self.ready.retain(|g| g != group);
        }
    }

    /// Give up the lease on `group`'s job `id` without finishing it (it is handed out again).
    pub(super) fn release(&mut self, group: &str, id: u64) {
        if self.in_flight.get(group).is_some_and(|l| l.job == id) {
            self.in_flight.remove(group);
            self.ready.push_front(group.to_string());
        }
    }

    /// The earliest time something waiting becomes claimable: a delayed job's due time
    /// (unix ms) and a lease's end.
    pub(super) fn next_change(&self) -> (Option<u64>, Option<Instant>) {
        let due = self.delayed.first_key_value().map(|((due, _), _)| *due);
        let lease = self.in_flight.values().map(|l| l.until).min();
        (due, lease)
    }

    /// (ready, in flight, delayed) job counts.
    pub(super) fn counts(&self) -> (u64, u64, u64) {
        let in_flight = self.in_flight.len() as u64;
        (
            self.queued - in_flight,
            in_flight,
            self.delayed.len() as u64,
        )
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn later() -> Instant {
        Instant::now() + Duration::from_secs(60)
    }

    #[test]
    fn a_group_hands_out_one_job_at_a_time_in_order() {
        let mut q = Queues::default();
        q.push("a", 1);
        q.push("a", 2);
        q.push("b", 3);
        assert_eq!(q.next(later()), Some(("a".into(), 1)));
        assert_eq!(q.next(later()), Some(("b".into(), 3)));
        assert_eq!(q.next(later()), None, "a's second job waits for its first");
        q.finish("a", 1);
        assert_eq!(q.next(later()), Some(("a".into(), 2)));
        q.finish("a", 2);
        q.finish("b", 3);
        assert_eq!(q.counts(), (0, 0, 0));
    }

    #[test]
    fn an_expired_lease_hands_the_same_job_out_again_first() {
        let mut q = Queues::default();
        q.push("a", 1);
        q.push("b", 2);
        assert_eq!(q.next(Instant::now()), Some(("a".into(), 1)));
        q.reclaim_expired(Instant::now() + Duration::from_millis(1));
        assert_eq!(q.next(later()), Some(("a".into(), 1)));
    }

    #[test]
    fn a_late_finish_of_a_job_already_finished_changes_nothing() {
        let mut q = Queues::default();
        q.push("a", 1);
        q.push("a", 2);
        let (_, id) = q.next(later()).expect("job");
        q.finish("a", id);
        q.finish("a", id);
        assert_eq!(q.next(later()), Some(("a".into(), 2)));
        assert_eq!(q.counts(), (0, 1, 0));
    }

    #[test]
    fn delayed_jobs_join_their_group_when_due() {
        let mut q = Queues::default();
        q.schedule("a", 5, 1_000);
        q.promote_due(999);
        assert_eq!(q.next(later()), None);
        q.promote_due(1_000);
        assert_eq!(q.next(later()), Some(("a".into(), 5)));
    }
}
